"""CKAN Action API as harvesters call it: sort, fq ranges, listings,
datastore distinct and the read-only datastore_search_sql."""
import datetime as dt
from urllib.parse import quote

from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase, with_transaction

from . import test_routes


class CkanTestCase(RouteTestCase):
    "Test the CKAN actions harvesters use"
    module = 'mons_opendata'
    setUpDatabase = test_routes.OpendataRouteTestCase.__dict__['setUpDatabase']

    def action(self, name, key=None, **params):
        headers = {'Authorization': 'bearer ' + key} if key else {}
        query = '&'.join('%s=%s' % (k, quote(str(v), safe=''))
            for k, v in params.items())
        return self.client().get('/%s/opendata/api/3/action/%s?%s' % (
                DB_NAME, name, query), headers=headers)

    def post(self, name, body):
        return self.client().post('/%s/opendata/api/3/action/%s' % (
                DB_NAME, name), json=body)

    def test_package_search_sort(self):
        for sort in ['id asc', 'id desc', 'name asc', 'title desc',
                'metadata_modified desc', 'metadata_created asc',
                'name']:
            response = self.action('package_search', key=self.key,
                sort=sort)
            self.assertEqual(response.status_code, 200, response.json)
        ids = [p['id'] for p in self.action('package_search', key=self.key,
                sort='id asc').json['result']['results']]
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(len(ids), 2)
        desc = [p['id'] for p in self.action('package_search', key=self.key,
                sort='id desc').json['result']['results']]
        self.assertEqual(desc, ids[::-1])
        bad = self.action('package_search', sort='nope asc')
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(bad.json['error']['__type'], 'Validation Error')
        self.assertIn('nope', bad.json['error']['sort'][0])
        self.assertEqual(self.action('package_search',
                sort='id sideways').status_code, 400)

    def test_package_search_fq_ranges(self):
        search = lambda fq, **kw: self.action(  # noqa: E731
            'package_search', fq=fq, sort='id asc', **kw)
        self.assertEqual(search('metadata_modified:[2020-01-01T00:00:00Z '
                'TO *]').json['result']['count'], 1)
        self.assertEqual(search('metadata_modified:[* TO '
                '2020-01-01T00:00:00Z]').json['result']['count'], 0)
        future = (dt.datetime.utcnow() + dt.timedelta(days=1)).isoformat()
        self.assertEqual(search('metadata_modified:[%sZ TO *]' % future
                ).json['result']['count'], 0)
        self.assertEqual(search('metadata_modified:{* TO NOW}'
                ).json['result']['count'], 1)
        self.assertEqual(search('metadata_created:[NOW-1DAY TO NOW+1DAY]'
                ).json['result']['count'], 1)
        # the harvester's organisation filters joined to its range
        self.assertEqual(search('organization:info-data OR '
                'organization:autre metadata_modified:[2020-01-01T00:00:00Z'
                ' TO *]').json['result']['count'], 1)
        self.assertEqual(search('-organization:info-data').json[
                'result']['count'], 0)
        self.assertEqual(search('-groups:tran').json['result']['count'], 1)
        package = search('name:toilettes').json['result']['results'][0]
        modified = package['metadata_modified']
        self.assertEqual(search('metadata_modified:[%sZ TO *]' % modified
                ).json['result']['count'], 1)
        self.assertEqual(search('metadata_modified:{%sZ TO *]' % modified
                ).json['result']['count'], 0)
        bad = search('metadata_modified:[hier TO *]')
        self.assertEqual(bad.status_code, 400)
        self.assertIn('metadata_modified', bad.json['error'])
        self.assertEqual(search('nom:[a TO b]').status_code, 400)
        self.assertEqual(search('(organization:info-data').status_code, 400)
        # rows/start bounded
        self.assertEqual(search('', rows=1001).status_code, 400)
        self.assertEqual(search('', rows=1, start=1).json['result'][
                'results'], [])

    def test_listings(self):
        orgs = self.action('organization_list', all_fields='true').json
        self.assertEqual([o['name'] for o in orgs['result']], ['info-data'])
        self.assertEqual(orgs['result'][0]['package_count'], 1)
        self.assertEqual(self.action('organization_list', key=self.key
                ).json['result'], ['info-data'])
        org = self.action('organization_show', id='info-data',
            include_datasets='true').json['result']
        self.assertEqual(org['title'], "Cellule données")
        self.assertEqual([p['name'] for p in org['packages']], ['toilettes'])
        self.assertEqual(self.action('organization_show',
                id='nope').status_code, 404)
        self.assertEqual(self.action('group_list').json['result'],
            ['regi', 'soci'])
        group = self.action('group_show', id='soci').json['result']
        self.assertEqual(group['id'], 'soci')
        self.assertEqual(group['is_organization'], False)
        self.assertEqual(self.action('group_show', id='tran').status_code,
            404)
        self.assertEqual(self.action('tag_list').json['result'],
            ['sanitaires', 'toilettes'])
        self.assertEqual(self.action('tag_list', query='sani').json[
                'result'], ['sanitaires'])
        licences = self.action('license_list').json['result']
        self.assertIn('cc-by-4.0', [lic['id'] for lic in licences])
        status = self.action('status_show').json['result']
        self.assertTrue(status['ckan_version'].startswith('2.'))
        current = self.action('current_package_list_with_resources',
            key=self.key).json['result']
        self.assertEqual({p['name'] for p in current},
            {'toilettes', 'interne'})
        self.assertTrue(all(p['resources'] for p in current))
        self.assertEqual(len(self.action('current_package_list_with_resources'
                    ).json['result']), 1)
        self.assertEqual(self.action('current_package_list_with_resources',
                limit=5000).status_code, 400)

    def resource(self):
        package = self.action('package_show', id='toilettes').json['result']
        return package['resources'][0]['id']

    def test_datastore_distinct(self):
        rid = self.resource()
        plain = self.post('datastore_search', {'resource_id': rid,
                'fields': ['section']}).json['result']
        self.assertEqual(len(plain['records']), 3)
        distinct = self.post('datastore_search', {'resource_id': rid,
                'fields': ['section'], 'distinct': True,
                'sort': 'section asc'}).json['result']
        self.assertEqual(distinct['records'], [{'section': 'Jemappes'},
                {'section': 'Mons-centre'}])
        self.assertEqual(distinct['total'], 2)
        get = self.action('datastore_search', resource_id=rid,
            fields='section', distinct='true').json['result']
        self.assertEqual(get['total'], 2)
        self.assertEqual(self.action('datastore_search', resource_id=rid,
                distinct='peut-être').status_code, 400)

    def test_datastore_search_sql(self):
        rid = self.resource()
        sql = lambda text: self.action(  # noqa: E731
            'datastore_search_sql', sql=text)
        result = sql('SELECT nom, places FROM "%s" WHERE places >= 2 '
            'ORDER BY places DESC LIMIT 5' % rid).json['result']
        self.assertEqual(result['records'], [{'nom': 'Gare', 'places': 3},
                {'nom': 'Grand-Place', 'places': 2}])
        grouped = sql('SELECT section, count(*) AS n, sum(places) AS total '
            'FROM "%s" GROUP BY section ORDER BY section' % rid).json
        self.assertEqual(grouped['result']['records'], [
                {'section': 'Jemappes', 'n': 1, 'total': 1},
                {'section': 'Mons-centre', 'n': 2, 'total': 5}])
        like = sql("SELECT nom FROM \"%s\" WHERE nom ILIKE 'g%%' AND "
            "pmr = true AND section IN ('Mons-centre', 'Jemappes') "
            "AND places BETWEEN 1 AND 3 AND adresse IS NOT NULL" % rid)
        self.assertEqual(like.json['result']['records'],
            [{'nom': 'Grand-Place'}])
        # a quote in a value stays a value
        self.assertEqual(sql("SELECT nom FROM \"%s\" WHERE nom = "
                "'x'' OR ''1''=''1'" % rid).json['result']['records'], [])
        for bad in [
                'DELETE FROM "%s"' % rid,
                'SELECT * FROM "%s"; DROP TABLE res_user' % rid,
                'SELECT * FROM "%s" a JOIN "%s" b ON a.nom = b.nom'
                % (rid, rid),
                'SELECT * FROM "%s" WHERE nom IN (SELECT login FROM '
                'res_user)' % rid,
                'SELECT pg_sleep(10) FROM "%s"' % rid,
                'SELECT * FROM "%s" LIMIT 100000' % rid,
                'SELECT nom FROM "%s" WHERE inconnu = 1' % rid,
                'SELECT nom, places FROM "%s" GROUP BY nom' % rid,
                'SELECT * FROM "%s" UNION SELECT * FROM "%s"' % (rid, rid),
                'SELECT nom FROM "%s" WHERE places > \'beaucoup\'' % rid,
                'SELEC nom',
                ]:
            response = sql(bad)
            self.assertEqual(response.status_code, 400, (bad, response.json))
            self.assertFalse(response.json['success'])
            self.assertEqual(response.json['error']['__type'],
                'Validation Error')
            self.assertIn('sql', response.json['error'])
        # a table that is no public resource is not found
        self.assertEqual(sql('SELECT * FROM res_user').status_code, 404)
        hidden = self.action('package_show', id='interne',
            key=self.key).json['result']['resources'][0]['id']
        self.assertEqual(sql('SELECT * FROM "%s"' % hidden).status_code,
            404)

    @with_transaction()
    def test_batch_create_distinct_identifiers(self):
        "Datasets created together each get their own uuid and salt"
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        Service = pool.get('mons.service')
        service, = Service.search([('code', '=', 'INFO-DATA')])
        with set_company(service.company):
            datasets = Dataset.create([{'code': 'lot-%d' % i,
                        'title': 'Lot %d' % i, 'company': service.company.id,
                        'service': service.id} for i in range(3)])
        self.assertEqual(len({d.uuid for d in datasets}), 3)
        self.assertEqual(len({d.pseudonym_salt for d in datasets}), 3)
