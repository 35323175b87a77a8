"The open-data web APIs over HTTP (werkzeug test client)."
import csv
import io
import json
import os

from rdflib import Graph

from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.tests.test_tryton import DB_NAME, RouteTestCase

from .tools import create_toilets, publish, setup_org

SHAPES = os.environ.get('DCAT_AP_SHAPES',
    '/work/shared/acceptance/dcat-ap-3.0.1')


class OpendataRouteTestCase(RouteTestCase):
    "Test the DCAT, CKAN and Explore APIs"
    module = 'mons_opendata'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        UserApplication = pool.get('res.user.application')
        company, service, _, users = setup_org()
        Lang = pool.get('ir.lang')
        Dataset = pool.get('opendata.dataset')
        toilets = publish(create_toilets(company, service))
        Lang.write(Lang.search([('code', '=', 'nl')]), {'translatable': True})
        with Transaction().set_context(language='nl'):
            Dataset.write([Dataset(toilets.id)],
                {'title': "Openbare toiletten"})
        internal = create_toilets(company, service, code='interne',
            access='internal')
        internal.title = "Toilettes internes"
        internal.save()
        publish(internal)
        create_toilets(company, service, code='brouillon')
        application, = UserApplication.create([{
                    'user': users['employee'].id,
                    'application': 'rest',
                    'state': 'validated',
                    }])
        cls.key = application.key

    def get(self, path, key=None, **kw):
        headers = {'Authorization': 'bearer ' + key} if key else {}
        return self.client().get('/%s/opendata/%s' % (DB_NAME, path),
            headers=headers, **kw)

    def test_dcat_catalogue_shacl(self):
        "The catalogue validates against the DCAT-AP 3.0.1 shapes"
        from pyshacl import validate
        shapes = Graph()
        for name in ['shapes.ttl', 'range.ttl']:
            shapes.parse(os.path.join(SHAPES, name), format='turtle')
        graphs = {}
        for ext, fmt in [('ttl', 'turtle'), ('rdf', 'xml'),
                ('jsonld', 'json-ld')]:
            response = self.get('catalog.' + ext)
            self.assertEqual(response.status_code, 200)
            graphs[ext] = Graph().parse(data=response.data, format=fmt)
        self.assertEqual(len(graphs['ttl']), len(graphs['rdf']))
        self.assertEqual(len(graphs['ttl']), len(graphs['jsonld']))
        conforms, _, text = validate(graphs['ttl'], shacl_graph=shapes,
            inference='none', advanced=True)
        self.assertTrue(conforms, text)
        ttl = self.get('catalog.ttl').data.decode()
        self.assertIn('toilettes', ttl)
        self.assertNotIn('interne', ttl)
        self.assertNotIn('brouillon', ttl)
        self.assertIn('data-theme/SOCI', ttl)
        self.assertIn('frequency/ANNUAL', ttl)
        self.assertIn('licence/CC_BY_4_0', ttl)
        self.assertIn('hydra:totalItems 1', ttl)
        self.assertIn('"Openbare toiletten"@nl', ttl)
        self.assertIn('"Toilettes publiques"@fr', ttl)
        staff = self.get('catalog.ttl', key=self.key).data.decode()
        self.assertIn('interne', staff)
        page = self.get('catalog.ttl?page=2&page_size=1',
            key=self.key).data.decode()
        self.assertIn('hydra:previousPage', page)
        one = self.get('dataset/toilettes.jsonld')
        self.assertEqual(one.status_code, 200)
        conforms, _, text = validate(Graph().parse(data=one.data,
                format='json-ld'), shacl_graph=shapes, inference='none')
        self.assertTrue(conforms, text)

    def test_ckan_actions(self):
        for prefix in ['api/3/action/', 'api/action/']:
            data = self.get(prefix + 'package_list').json
            self.assertEqual(data['result'], ['toilettes'])
            self.assertTrue(data['success'])
            self.assertIn('help', data)
        data = self.get('api/3/action/package_list', key=self.key).json
        self.assertEqual(data['result'], ['interne', 'toilettes'])
        search = self.get('api/3/action/package_search?q=toilettes'
            '&fq=res_format:CSV tags:sanitaires&rows=1&start=0'
            '&sort=title_string asc&facet.field=["groups"]',
            key=self.key).json['result']
        self.assertEqual(search['count'], 2)
        self.assertEqual(len(search['results']), 1)
        self.assertEqual(search['results'][0]['name'], 'interne')
        self.assertEqual(search['facets']['groups'], {'soci': 2, 'regi': 2})
        empty = self.get('api/3/action/package_search?fq=groups:tran').json
        self.assertEqual(empty['result']['count'], 0)
        response = self.client().post(
            '/%s/opendata/api/action/package_show' % DB_NAME,
            json={'id': 'toilettes'})
        package = response.json['result']
        self.assertEqual(package['license_id'], 'cc-by-4.0')
        self.assertEqual(package['organization']['name'], 'info-data')
        self.assertEqual(package['num_resources'], 4)
        resource = package['resources'][0]
        shown = self.get('api/3/action/resource_show?id=' + resource['id'])
        self.assertEqual(shown.json['result']['url'], resource['url'])
        orgs = self.get('api/3/action/organization_list').json['result']
        self.assertEqual(orgs, ['info-data'])
        hidden = self.get('api/3/action/package_show?id=interne')
        self.assertEqual(hidden.status_code, 404)
        self.assertFalse(hidden.json['success'])
        self.assertEqual(hidden.json['error']['__type'], 'Not Found Error')
        self.assertEqual(self.get('api/3/action/package_show?id=interne',
                key=self.key).status_code, 200)
        self.assertEqual(self.get('api/3/action/nope').status_code, 400)
        store = self.client().post(
            '/%s/opendata/api/3/action/datastore_search' % DB_NAME,
            json={'resource_id': resource['id'],
                'filters': {'section': 'Mons-centre'},
                'sort': 'places desc', 'fields': ['nom', 'places'],
                'limit': 1}).json['result']
        self.assertEqual(store['total'], 2)
        self.assertEqual(store['records'], [{'nom': 'Gare', 'places': 3}])
        self.assertEqual(store['fields'], [{'id': 'nom', 'type': 'text'},
                {'id': 'places', 'type': 'int'}])
        q = self.get('api/3/action/datastore_search?resource_id=%s&q=jemappes'
            % resource['id']).json['result']
        self.assertEqual(q['total'], 1)
        bad = self.get('api/3/action/datastore_search?resource_id=%s'
            '&filters={"inconnu": 1}' % resource['id'])
        self.assertEqual(bad.status_code, 400)

    def test_explore(self):
        base = 'api/explore/v2.1/catalog/datasets'
        data = self.get(base).json
        self.assertEqual(data['total_count'], 1)
        self.assertEqual(data['results'][0]['dataset_id'], 'toilettes')
        self.assertEqual(self.get(base, key=self.key).json['total_count'], 2)
        records = self.get(base + '/toilettes/records?where=places>1'
            '&order_by=places desc&select=nom,places&limit=1').json
        self.assertEqual(records, {'total_count': 2,
                'results': [{'nom': 'Gare', 'places': 3}]})
        grouped = self.get(base + '/toilettes/records?group_by=section'
            '&order_by=section').json
        self.assertEqual(grouped['results'], [
                {'section': 'Jemappes', 'count': 1},
                {'section': 'Mons-centre', 'count': 2}])
        self.assertEqual(self.get(base + '/interne/records').status_code,
            404)
        self.assertEqual(self.get(base + '/interne/records',
                key=self.key).status_code, 200)
        self.assertEqual(self.get(base + '/interne/records',
                key='wrong').status_code, 401)
        self.assertEqual(self.get(base + '/toilettes/records?where=nope=1'
                ).status_code, 400)
        csv_ = self.get(base + '/toilettes/exports/csv?delimiter=,')
        self.assertEqual(csv_.status_code, 200)
        rows = list(csv.DictReader(io.StringIO(csv_.data.decode())))
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[0]['nom'], 'Grand-Place')
        geo = json.loads(self.get(base + '/toilettes/exports/geojson').data)
        self.assertEqual(len(geo['features']), 3)
        lon, lat = geo['features'][0]['geometry']['coordinates']
        self.assertTrue(3.9 < lon < 4.0 and 50.4 < lat < 50.5)
        js = json.loads(self.get(base + '/toilettes/exports/json'
                '?where=pmr').data)
        self.assertEqual([r['nom'] for r in js], ['Grand-Place',
                'Jemappes centre'])
        xlsx = self.get(base + '/toilettes/exports/xlsx')
        self.assertEqual(xlsx.status_code, 200)
        from openpyxl import load_workbook
        sheet = load_workbook(io.BytesIO(xlsx.data)).active
        self.assertEqual(sheet.max_row, 4)
        self.assertEqual(self.get(base + '/interne/exports/csv').status_code,
            404)

    def test_portal_pages(self):
        client = self.client()
        page = client.get('/%s/portal/donnees?q=toilettes&theme=SOCI'
            % DB_NAME)
        self.assertEqual(page.status_code, 200)
        html = page.data.decode()
        self.assertIn('Toilettes publiques', html)
        self.assertNotIn('Toilettes internes', html)
        self.assertIn('Population et société', html)
        page = client.get('/%s/portal/donnees/toilettes' % DB_NAME)
        self.assertEqual(page.status_code, 200)
        html = page.data.decode()
        for text in ['Grand-Place', 'chart.js/dist/chart.umd.js',
                'leaflet/dist/leaflet.js', 'od-map', 'package_show',
                'exports/csv', 'Creative Commons']:
            self.assertIn(text, html)
        self.assertNotIn('cdn', html.lower())
        self.assertEqual(client.get('/%s/portal/donnees/interne'
                % DB_NAME).status_code, 404)
        # the labels of the Table Schema (or readable names) head the
        # columns; the first chart counts a column with repeated values
        self.assertIn('<th scope="col">Latitude</th>', html)
        self.assertNotIn('<th scope="col">latitude</th>', html)
        self.assertIn('data-column="section"', html)
        board = client.get('/%s/portal/donnees/tableau-de-bord' % DB_NAME)
        self.assertEqual(board.status_code, 200)
        # the public dashboard names and counts the public datasets only
        board = board.data.decode()
        self.assertIn('kpi-datasets">1<', board)
        for hidden in ['Toilettes internes', 'interne', 'brouillon']:
            self.assertNotIn(hidden, board)


del RouteTestCase
