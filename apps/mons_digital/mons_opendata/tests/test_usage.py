"""Downloads and API calls counted per dataset and month, over HTTP."""
import datetime as dt
import re

from trytond.modules.mons_base.caller import acting_as, anonymous_user_id
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction

from .tools import create_toilets, publish, setup_org

EXPLORE = 'api/explore/v2.1/catalog/datasets'


class UsageRouteTestCase(RouteTestCase):
    "Every API and download door counts, once per request"
    module = 'mons_opendata'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        UserApplication = pool.get('res.user.application')
        company, service, _, users = setup_org()
        publish(create_toilets(company, service))
        internal = create_toilets(company, service, code='interne',
            access='internal')
        internal.title = "Toilettes internes"
        internal.save()
        publish(internal)
        application, = UserApplication.create([{
                    'user': users['employee'].id,
                    'application': 'rest',
                    'state': 'validated',
                    }])
        cls.key = application.key
        cls.users = {k: u.id for k, u in users.items()}

    def get(self, path, key=None):
        headers = {'Authorization': 'bearer ' + key} if key else {}
        return self.client().get('/%s/opendata/%s' % (DB_NAME, path),
            headers=headers)

    def counts(self):
        "{(dataset code, kind): count} of this month, read as admin"
        Usage = Pool().get('opendata.usage')
        month = dt.date.today().replace(day=1)
        lines = Usage.search([('month', '=', month)])
        keys = [(l.dataset.code, l.kind) for l in lines]
        # one line per dataset, kind and month, whatever the hits
        self.assertEqual(len(keys), len(set(keys)))
        return {(l.dataset.code, l.kind): l.count for l in lines}

    def test_counts_per_dataset_and_month(self):
        before = self._counts()
        for path in [
                EXPLORE + '/toilettes',
                EXPLORE + '/toilettes/records?limit=1',
                EXPLORE + '/toilettes/facets',
                'api/3/action/package_show?id=toilettes',
                'api/3/action/datastore_search?resource_id=toilettes',
                'dataset/toilettes.ttl',
                ]:
            response = self.get(path)
            self.assertEqual(response.status_code, 200, path)
        for fmt in ['csv', 'xlsx']:
            response = self.get(EXPLORE + '/toilettes/exports/' + fmt)
            self.assertEqual(response.status_code, 200, fmt)
        # what the visitor may not see answers 404 and counts nothing
        for path in [EXPLORE + '/interne/records',
                EXPLORE + '/interne/exports/csv',
                'api/3/action/package_show?id=interne']:
            self.assertEqual(self.get(path).status_code, 404, path)
        # a bad query is no use of the dataset
        self.assertEqual(self.get(EXPLORE + '/toilettes/records'
                '?where=inconnu=1').status_code, 400)
        after = self._counts()
        self.assertEqual(after.get(('toilettes', 'api'), 0)
            - before.get(('toilettes', 'api'), 0), 6)
        self.assertEqual(after.get(('toilettes', 'download'), 0)
            - before.get(('toilettes', 'download'), 0), 2)
        self.assertEqual(after.get(('interne', 'api'), 0),
            before.get(('interne', 'api'), 0))
        self.assertEqual(after.get(('interne', 'download'), 0),
            before.get(('interne', 'download'), 0))

        # staff with their key use the internal dataset: counted
        self.assertEqual(self.get(EXPLORE + '/interne/records',
                key=self.key).status_code, 200)
        self.assertEqual(self.get('api/3/action/datastore_search'
                '?resource_id=interne', key=self.key).status_code, 200)
        after = self._counts()
        self.assertEqual(after.get(('interne', 'api'), 0)
            - before.get(('interne', 'api'), 0), 2)

        # the public dashboard counts the public dataset only
        page = self.client().get(
            '/%s/portal/donnees/tableau-de-bord' % DB_NAME)
        self.assertEqual(page.status_code, 200)
        html = page.data.decode()

        def kpi(name):
            return int(re.search(r'id="kpi-%s">(\d+)<' % name,
                    html).group(1))
        self.assertEqual(kpi('downloads'), after[('toilettes', 'download')])
        self.assertEqual(kpi('api'), after[('toilettes', 'api')])
        self.assertNotIn('Toilettes internes', html)
        month = html[html.index('id="od-by-month"'):]
        month = month[:month.index('</table>')]
        self.assertIn('<td>%d</td><td>%d</td>' % (
                after[('toilettes', 'download')],
                after[('toilettes', 'api')]), month)

    def _counts(self):
        with Transaction().start(DB_NAME, 0, readonly=True):
            return self.counts()

    def test_usage_read_as_its_dataset(self):
        "The lines follow their dataset's rules: the visitor reads public"
        self.assertEqual(self.get(EXPLORE + '/interne/records',
                key=self.key).status_code, 200)
        self.assertEqual(self.get(EXPLORE + '/toilettes/records')
            .status_code, 200)
        with Transaction().start(DB_NAME, 0, readonly=True):
            pool = Pool()
            Usage = pool.get('opendata.usage')
            Dataset = pool.get('opendata.dataset')
            with acting_as(pool, anonymous_user_id(pool)):
                self.assertEqual({l.dataset.code for l in Usage.search([])},
                    {'toilettes'})
            with acting_as(pool, self.users['employee']):
                self.assertEqual({l.dataset.code for l in Usage.search([])},
                    {'toilettes', 'interne'})
                internal, = Dataset.search([('code', '=', 'interne')])
                self.assertGreaterEqual(internal.api_calls, 1)
                self.assertTrue(internal.usage)
