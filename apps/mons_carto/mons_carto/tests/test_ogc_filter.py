# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""OGC API Features beyond Core, checked offline: Part 3 queryables and
CQL2 filters (text and JSON), sorting, property selection, exact media
types, JSON 404/405 for paths that lead nowhere, the Lambert bbox given
without bbox-crs, and the labels of the properties.

Each filter's answer is compared with the same condition computed here in
Python on the features the test wrote, so a filter that is ignored or
half applied fails."""
import json
import unittest

import jsonschema

from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import (
    DB_NAME, Client, activate_module, drop_db)
from trytond.transaction import Transaction
from trytond.wsgi import app

from .test_module import MONS, feature_collection, point

EPSG = 'http://www.opengis.net/def/crs/EPSG/0/%s'
PART3 = 'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/'
QUERYABLES_REL = 'http://www.opengis.net/def/rel/ogc/1.0/queryables'
KINDS = ['parc', 'musée', 'école', 'Parc']


def _properties(i):
    properties = {
        'nom': 'Lieu %02d' % i,
        'kind': KINDS[i % 4],
        'num': i,
        # As a CSV gives them: numbers in text
        'rang': str(30 - i),
        'k': i % 2,
        }
    if i % 5:
        properties['note'] = 'note %s' % i
    return properties


FEATURES = [(i, MONS[0] + i * 0.001, MONS[1] + (i % 3) * 0.001)
    for i in range(30)]


class OGCFilterTestCase(unittest.TestCase):
    "Queryables, filter, sortby, properties over HTTP (no network)"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['mons_carto'], 'fr')
        pool = Pool(DB_NAME)
        with Transaction().start(DB_NAME, 0) as transaction:
            Layer = pool.get('carto.layer')
            Group = pool.get('res.group')
            ModelData = pool.get('ir.model.data')
            urbanism = Group(ModelData.get_id('mons_base', 'group_urbanism'))
            public, internal = Layer.create([
                    {'name': 'Lieux', 'code': 'lieux', 'public': True,
                        'geometry_type': 'point',
                        'field_labels': 'nom = Nom du lieu\n'
                        'kind: Genre'},
                    {'name': 'Interne', 'code': 'interne',
                        'geometry_type': 'point',
                        'groups': [('add', [urbanism.id])]},
                    ])
            public.load_file(feature_collection([
                        point(x, y, **_properties(i))
                        for i, x, y in FEATURES]), 'lieux.geojson')
            internal.load_file(feature_collection([point(*MONS,
                            secret='oui', nom='x')]), 'i.geojson')
            cls.ids = {f.properties['num']: f.id for f in public.features}
            transaction.commit()
        cls.client = Client(app, Response)

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def get(self, path, headers=None, **query):
        return self.client.get('/%s/carto/ogc%s' % (DB_NAME, path),
            query_string=query, headers=headers or {})

    def items(self, layer='lieux', status=200, **query):
        query.setdefault('limit', '1000')
        response = self.get('/collections/%s/items' % layer, **query)
        self.assertEqual(response.status_code, status, response.data[:400])
        return json.loads(response.data)

    def matched(self, **query):
        page = self.items(**query)
        self.assertEqual(page['numberMatched'], len(page['features']))
        return sorted(f['properties']['num'] for f in page['features'])

    def expect(self, condition):
        return sorted(i for i, x, y in FEATURES
            if condition(_properties(i), x, y))

    def assert_bad(self, field, *texts, layer='lieux', **query):
        body = self.items(layer=layer, status=400, **query)
        self.assertEqual(body['code'], 'InvalidParameterValue')
        self.assertEqual(body['field'], field)
        for text in texts:
            self.assertIn(text, body['description'])
        return body

    # --- conformance and queryables -------------------------------------

    def test_conformance_announces_part3(self):
        response = self.get('/conformance')
        classes = json.loads(response.data)['conformsTo']
        for name in ['queryables', 'queryables-query-parameters', 'filter',
                'features-filter']:
            self.assertIn(PART3 + name, classes)
        for name in ['cql2-text', 'cql2-json', 'basic-cql2',
                'advanced-comparison-operators', 'basic-spatial-functions']:
            self.assertIn('http://www.opengis.net/spec/cql2/1.0/conf/'
                + name, classes)

    def test_queryables(self):
        response = self.get('/collections/lieux')
        links = json.loads(response.data)['links']
        link, = [l for l in links if l['rel'] == QUERYABLES_REL]
        self.assertEqual(link['type'], 'application/schema+json')
        response = self.get('/collections/lieux/queryables')
        self.assertEqual(response.status_code, 200)
        # Exactly the media type, without parameters
        self.assertEqual(response.headers['Content-Type'],
            'application/schema+json')
        schema = json.loads(response.data)
        jsonschema.Draft202012Validator.check_schema(schema)
        self.assertEqual(schema['type'], 'object')
        self.assertTrue(schema['$id'].endswith(
                '/collections/lieux/queryables'))
        properties = schema['properties']
        self.assertEqual(properties['geometry']['x-ogc-role'],
            'primary-geometry')
        self.assertEqual(properties['geometry']['format'], 'geometry-point')
        self.assertEqual(properties['nom']['title'], 'Nom du lieu')
        self.assertEqual(properties['kind']['title'], 'Genre')
        self.assertEqual(properties['num']['type'], 'integer')
        self.assertEqual(properties['rang']['type'], 'integer')
        self.assertEqual(properties['nom']['type'], 'string')
        response = self.get('/collections/lieux/queryables', f='html')
        self.assertEqual(response.status_code, 200)
        self.assertIn('Nom du lieu', response.data.decode())

    def test_internal_layer_stays_invisible(self):
        for path in ['/collections/interne/queryables',
                '/collections/interne/items']:
            response = self.get(path, filter="secret = 'oui'")
            self.assertEqual(response.status_code, 404, path)
            self.assertEqual(json.loads(response.data)['code'], 'NotFound')
        response = self.get('/collections')
        self.assertNotIn('interne', response.data.decode())

    # --- CQL2 -----------------------------------------------------------

    def test_filter_text_comparisons(self):
        cases = [
            ("kind = 'parc'", lambda p, x, y: p['kind'] == 'parc'),
            ("kind <> 'parc'", lambda p, x, y: p['kind'] != 'parc'),
            ("num < 7", lambda p, x, y: p['num'] < 7),
            ("num >= 25", lambda p, x, y: p['num'] >= 25),
            # Numbers stored as text compare as numbers
            ("rang > 25", lambda p, x, y: int(p['rang']) > 25),
            ("nom LIKE 'Lieu 1%'", lambda p, x, y: p['nom'].startswith(
                        'Lieu 1')),
            ("nom LIKE 'Lieu _5'", lambda p, x, y: p['num'] % 10 == 5),
            ("nom NOT LIKE 'Lieu 1%'", lambda p, x, y: not p[
                    'nom'].startswith('Lieu 1')),
            ("kind IN ('parc', 'école')", lambda p, x, y: p['kind'] in {
                    'parc', 'école'}),
            ("kind NOT IN ('parc', 'école')", lambda p, x, y: p[
                    'kind'] not in {'parc', 'école'}),
            ("num BETWEEN 10 AND 12", lambda p, x, y: 10 <= p['num'] <= 12),
            ("num NOT BETWEEN 3 AND 28", lambda p, x, y: not (
                    3 <= p['num'] <= 28)),
            ("note IS NULL", lambda p, x, y: 'note' not in p),
            ("note IS NOT NULL", lambda p, x, y: 'note' in p),
            ("kind = 'parc' AND num > 10", lambda p, x, y: p[
                    'kind'] == 'parc' and p['num'] > 10),
            ("kind = 'parc' OR num = 3", lambda p, x, y: p[
                    'kind'] == 'parc' or p['num'] == 3),
            ("NOT (kind = 'parc' OR num < 20)", lambda p, x, y: not (
                    p['kind'] == 'parc' or p['num'] < 20)),
            # AND binds tighter than OR (CQL2), NOT takes a group
            ("kind = 'musée' OR kind = 'parc' AND num > 20",
                lambda p, x, y: p['kind'] == 'musée' or (
                    p['kind'] == 'parc' and p['num'] > 20)),
            # A name of one letter
            ("k = 1 AND num < 9", lambda p, x, y: p['k'] == 1
                and p['num'] < 9),
            ("CASEI(kind) = casei('PARC')", lambda p, x, y: p[
                    'kind'].lower() == 'parc'),
            ]
        for text, condition in cases:
            with self.subTest(text=text):
                expected = self.expect(condition)
                self.assertTrue(expected)
                self.assertNotEqual(len(expected), len(FEATURES))
                self.assertEqual(self.matched(filter=text), expected)

    def test_filter_spatial(self):
        west, east = MONS[0] + 0.0045, MONS[0] + 0.0125
        inside = self.expect(lambda p, x, y: west <= x <= east)
        ring = '%s %s, %s %s, %s %s, %s %s, %s %s' % (
            west, MONS[1] - 0.01, east, MONS[1] - 0.01, east, MONS[1] + 0.01,
            west, MONS[1] + 0.01, west, MONS[1] - 0.01)
        self.assertEqual(self.matched(filter='S_INTERSECTS(geometry, '
                'BBOX(%s, %s, %s, %s))' % (west, MONS[1] - 0.01, east,
                    MONS[1] + 0.01)), inside)
        self.assertEqual(self.matched(
                filter='S_WITHIN(geometry, POLYGON((%s)))' % ring), inside)
        self.assertEqual(self.matched(
                filter="S_WITHIN(geometry, POLYGON((%s))) AND num > 8"
                % ring), [i for i in inside if i > 8])
        self.assertEqual(self.matched(
                filter='NOT S_INTERSECTS(geometry, POLYGON((%s)))' % ring),
            [i for i in range(30) if i not in inside])
        self.assertEqual(self.matched(filter='S_INTERSECTS(geometry, '
                'POINT(%s %s))' % (round(MONS[0] + 0.007, 7),
                    round(MONS[1] + 0.001, 7))), [7])
        # The same polygon in Lambert 72 with filter-crs
        from .. import geo
        import shapely
        box = shapely.box(west, MONS[1] - 0.01, east, MONS[1] + 0.01)
        lambert, = geo.transform([box], 'CRS84', 'EPSG:31370')
        self.assertEqual(self.matched(
                filter='S_INTERSECTS(geometry, %s)' % lambert.wkt,
                **{'filter-crs': EPSG % 31370}), inside)
        # Lat/lon axis order of EPSG:4326
        self.assertEqual(self.matched(
                filter='S_WITHIN(geometry, BBOX(%s, %s, %s, %s))' % (
                    MONS[1] - 0.01, west, MONS[1] + 0.01, east),
                **{'filter-crs': EPSG % 4326}), inside)

    def test_filter_json(self):
        cases = [
            ({'op': '=', 'args': [{'property': 'kind'}, 'musée']},
                lambda p, x, y: p['kind'] == 'musée'),
            ({'op': 'and', 'args': [
                        {'op': '>', 'args': [{'property': 'num'}, 4]},
                        {'op': 'like', 'args': [{'property': 'nom'},
                                'Lieu 2%']}]},
                lambda p, x, y: p['num'] > 4 and p['nom'].startswith(
                    'Lieu 2')),
            ({'op': 'in', 'args': [{'property': 'num'}, [1, 2, 3]]},
                lambda p, x, y: p['num'] in {1, 2, 3}),
            ({'op': 'between', 'args': [{'property': 'num'}, 5, 7]},
                lambda p, x, y: 5 <= p['num'] <= 7),
            ({'op': 'isNull', 'args': [{'property': 'note'}]},
                lambda p, x, y: 'note' not in p),
            ({'op': 'not', 'args': [{'op': 'isNull',
                            'args': [{'property': 'note'}]}]},
                lambda p, x, y: 'note' in p),
            ({'op': 's_intersects', 'args': [{'property': 'geometry'},
                        {'bbox': [MONS[0] - 0.0005, MONS[1] - 0.0005,
                                MONS[0] + 0.0205, MONS[1] + 0.0005]}]},
                lambda p, x, y: x <= MONS[0] + 0.0205 and y == MONS[1]),
            ({'op': 's_within', 'args': [{'property': 'geometry'},
                        {'type': 'Polygon', 'coordinates': [[
                                    [MONS[0] - 1, MONS[1] + 0.0005],
                                    [MONS[0] + 1, MONS[1] + 0.0005],
                                    [MONS[0] + 1, MONS[1] + 1],
                                    [MONS[0] - 1, MONS[1] + 1],
                                    [MONS[0] - 1, MONS[1] + 0.0005]]]}]},
                lambda p, x, y: y > MONS[1]),
            ]
        for document, condition in cases:
            with self.subTest(filter=document):
                self.assertEqual(self.matched(filter=json.dumps(document),
                        **{'filter-lang': 'cql2-json'}),
                    self.expect(condition))

    def test_filter_with_paging_bbox_and_datetime(self):
        page = self.items(filter='num >= 10', limit='5', offset='5')
        self.assertEqual(page['numberMatched'], 20)
        self.assertEqual([f['properties']['num'] for f in page['features']],
            [15, 16, 17, 18, 19])
        self.assertIn('next', {l['rel'] for l in page['links']})
        page = self.items(filter='num >= 10', bbox='%s,%s,%s,%s' % (
                MONS[0] + 0.0115, MONS[1] - 0.01, 4.5, 51))
        self.assertEqual(sorted(f['properties']['num']
                for f in page['features']), list(range(12, 30)))

    def test_filter_errors(self):
        body = self.assert_bad('filter', 'couleur', 'nom',
            filter="couleur = 'rouge'")
        self.assertIn('interrogeable', body['description'])
        self.assert_bad('filter', filter="nom = ")
        self.assert_bad('filter', filter="num = 1 AND")
        self.assert_bad('filter-lang', 'cql2-text',
            filter="num = 1", **{'filter-lang': 'ecql'})
        self.assert_bad('filter', filter='{"op": "="',
            **{'filter-lang': 'cql2-json'})
        self.assert_bad('filter-crs', filter='num = 1',
            **{'filter-crs': EPSG % 2154})
        # The internal layer's property is unknown to the public one
        self.assert_bad('filter', 'secret', filter="secret = 'oui'")

    # --- sortby and properties ----------------------------------------

    def test_sortby(self):
        def order(**query):
            return [f['properties']['num']
                for f in self.items(**query)['features']]
        self.assertEqual(order(sortby='-num', limit='3'), [29, 28, 27])
        self.assertEqual(order(sortby='+num', limit='3'), [0, 1, 2])
        # Numbers stored as text sort as numbers, not as '10' < '9'
        self.assertEqual(order(sortby='rang', limit='3'), [29, 28, 27])
        self.assertEqual(order(sortby='kind,-num', limit='4',
                filter="kind IN ('école', 'musée')"), [26, 22, 18, 14])
        # Features without the property come last in both directions
        self.assertEqual(order(sortby='note')[-6:], [0, 5, 10, 15, 20, 25])
        self.assertEqual(order(sortby='-note')[-6:], [0, 5, 10, 15, 20, 25])
        self.assert_bad('sortby', 'couleur', sortby='-couleur')

    def test_properties(self):
        page = self.items(properties='nom,num', limit='2')
        self.assertEqual([sorted(f['properties']) for f in page['features']],
            [['nom', 'num'], ['nom', 'num']])
        self.assertIn('geometry', page['features'][0])
        response = self.get('/collections/lieux/items/%s' % self.ids[1],
            properties='kind')
        self.assertEqual(json.loads(response.data)['properties'],
            {'kind': 'musée'})
        self.assert_bad('properties', 'taille', properties='nom,taille')

    # --- media types, errors, labels ----------------------------------

    def test_media_types_exact(self):
        for path, query, media in [
                ('/', {}, 'application/json'),
                ('/conformance', {}, 'application/json'),
                ('/collections', {}, 'application/json'),
                ('/collections/lieux', {}, 'application/json'),
                ('/collections/lieux/items', {}, 'application/geo+json'),
                ('/collections/lieux/items/%s' % self.ids[1], {},
                    'application/geo+json'),
                ('/collections/lieux/items', {'filter': 'num = 1'},
                    'application/geo+json'),
                ('/collections/lieux/items', {'limit': '0'},
                    'application/json'),
                ('/collections/inconnue', {}, 'application/json'),
                ]:
            with self.subTest(path=path, query=query):
                response = self.get(path, **query)
                self.assertEqual(response.headers['Content-Type'], media)
        response = self.get('/', headers={'Accept': 'text/html'})
        self.assertEqual(response.mimetype, 'text/html')

    def test_unknown_paths_and_methods_json(self):
        for path in ['/nulle/part', '/collections/lieux/items/1/x',
                '/collections/lieux/tiles']:
            with self.subTest(path=path):
                response = self.get(path, headers={'Accept': 'text/html'})
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.headers['Content-Type'],
                    'application/json')
                body = json.loads(response.data)
                self.assertEqual(body['code'], 'NotFound')
                self.assertIn(path, body['description'])
        response = self.client.post('/%s/carto/ogc/collections' % DB_NAME)
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response.headers['Content-Type'], 'application/json')
        self.assertIn('GET', response.headers['Allow'])
        self.assertEqual(json.loads(response.data)['code'],
            'MethodNotAllowed')

    def test_lambert_bbox_without_bbox_crs(self):
        body = self.assert_bad('bbox', 'CRS84', 'bbox-crs', EPSG % 31370,
            bbox='118000,125000,125000,130000')
        self.assertNotIn('min ≤ max', body['description'])
        page = self.items(bbox='118000,125000,125000,130000',
            **{'bbox-crs': EPSG % 31370})
        self.assertEqual(page['numberMatched'], 30)

    def test_labels_in_pages_and_viewer(self):
        response = self.get('/collections/lieux/items', f='html', limit='2')
        html = response.data.decode()
        self.assertIn('Nom du lieu', html)
        self.assertIn('Genre', html)
        response = self.get('/collections/lieux/items/%s' % self.ids[2],
            f='html')
        self.assertIn('Nom du lieu', response.data.decode())
        response = self.client.get('/%s/carto/map/layers' % DB_NAME)
        layer, = [l for l in json.loads(response.data)['layers']
            if l['code'] == 'lieux']
        self.assertEqual(layer['labels'], {'nom': 'Nom du lieu',
                'kind': 'Genre'})
