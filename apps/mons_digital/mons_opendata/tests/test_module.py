import datetime as dt
import http.server
import json
import os
import socket
import threading
import time

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import CompanyTestMixin, set_company
from trytond.modules.mons_base.tests.tools import (
    DeskViewsTestMixin, FrenchTranslationTestMixin)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import TOILETS_CSV, create_toilets, publish, setup_org

# CI (.ci/run) sets it to the MariaDB started by .ci/mariadb; without it the
# MySQL tests are skipped, with it an unreachable server fails them.
MYSQL_URI_VAR = 'MONS_TEST_MYSQL_URI'

MYSQL_SCHEMA = {
    'fields': [
        {'name': 'nom', 'type': 'string', 'constraints': {'required': True}},
        {'name': 'adresse', 'type': 'string'},
        {'name': 'places', 'type': 'integer'},
        {'name': 'pmr', 'type': 'boolean'},
        {'name': 'ouverture', 'type': 'date'},
        {'name': 'heure', 'type': 'time'},
        {'name': 'tarif', 'type': 'number'},
        {'name': 'entretien', 'type': 'boolean'},
        ],
    'primaryKey': ['nom'],
    }


def load_french():
    "Load the French of the module so messages can be checked in French"
    pool = Pool()
    Lang = pool.get('ir.lang')
    Translation = pool.get('ir.translation')
    from trytond.modules.mons_opendata import __file__ as module_file
    fr, = Lang.search([('code', '=', 'fr')])
    Lang.write([fr], {'translatable': True})
    Translation.translation_import('fr', 'mons_opendata', os.path.join(
            os.path.dirname(module_file), 'locale', 'fr.po'))


class _Handler(http.server.BaseHTTPRequestHandler):
    routes = {}

    def do_GET(self):
        delay, status, body = self.routes.get(self.path, (0, 404, b''))
        time.sleep(delay)
        try:
            self.send_response(status)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args):
        pass


class MonsOpendataTestCase(
        DeskViewsTestMixin, FrenchTranslationTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test mons_opendata module"
    module = 'mons_opendata'

    @property
    def _skip_company_rule(self):
        # The inventory is shared by the Ville and the CPAS on purpose: every
        # staff member must find the data another organisation holds.
        return super()._skip_company_rule | {('opendata.dataset', 'company')}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = http.server.ThreadingHTTPServer(
            ('127.0.0.1', 0), _Handler)
        cls.port = cls.server.server_address[1]
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        super().tearDownClass()

    def url(self, path):
        return 'http://127.0.0.1:%d%s' % (self.port, path)

    @with_transaction()
    def test_collect_transform_publish(self):
        "CSV with Lambert 72 collected, cleaned, validated, published"
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        Publication = pool.get('opendata.publication')
        company, service, _, users = setup_org()
        dataset = create_toilets(company, service)
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'ok', run.errors)
        self.assertEqual((run.rows_read, run.rows_rejected, run.rows_loaded),
            (3, 0, 3))
        names = [c['name'] for c in run.version.stored_columns]
        self.assertNotIn('gestionnaire', names)
        self.assertIn('longitude', names)
        Dataset.validate_dataset([dataset])
        Dataset.approve([dataset])
        Dataset.publish([dataset])
        self.assertEqual(dataset.state, 'published')
        self.assertEqual(dataset.current_version, run.version)
        self.assertEqual(len(Publication.search(
                    [('dataset', '=', dataset.id)])), 1)
        self.assertTrue(dataset.has_coordinates)
        self.assertEqual({d.format for d in dataset.distributions},
            {'csv', 'json', 'geojson', 'xlsx'})
        from trytond.modules.mons_opendata.api import Records
        names, rows, total = Records(dataset).fetch(
            order_by='nom', limit=10)
        self.assertEqual(total, 3)
        gare = rows[0]
        self.assertEqual(gare['nom'], 'Gare')
        self.assertEqual(gare['section'], 'Mons-centre')
        self.assertIs(gare['pmr'], False)
        self.assertTrue(3.9 < gare['longitude'] < 4.0, gare)
        self.assertTrue(50.4 < gare['latitude'] < 50.5, gare)
        self.assertEqual(rows[1]['ouverture'], '2020-03-01')
        self.assertEqual(rows[2]['ouverture'], '2019-05-02')
        self.assertGreaterEqual(dataset.quality, 80, dataset.quality_details)
        self.assertIn('✔', dataset.quality_details)

    @with_transaction()
    def test_bad_rows_partial_keeps_online_version(self):
        "Rows breaking the schema are reported; the online version stays"
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        company, service, _, _ = setup_org()
        dataset = publish(create_toilets(company, service))
        online = dataset.current_version
        source, = dataset.sources
        source.file = TOILETS_CSV + (
            "Nimy;Rue X;Nimy;beaucoup;non;2020-01-01;117000;129000;A\n"
            ";Rue Y;Nimy;1;non;2020-01-01;117000;129000;B\n"
            "Gare;Dupliquée;Mons;1;non;2020-01-01;117000;129000;C\n"
            ).encode('utf-8')
        source.save()
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'partial')
        self.assertEqual((run.rows_read, run.rows_rejected, run.rows_loaded),
            (6, 3, 3))
        report = run.report_list
        lines = {(e['line'], e['field'], e['rule']) for e in report}
        self.assertIn((5, 'places', 'type-error'), lines)
        self.assertIn((6, 'nom', 'constraint-error'), lines)
        self.assertIn((7, None, 'primary-key'), lines)
        self.assertIn('Line 5, field "places": "beaucoup" is not a whole '
            'number (expected like 42).', run.report_text)
        self.assertEqual(dataset.current_version, online)
        self.assertEqual(online.state, 'published')

    @with_transaction()
    def test_bad_encoding_and_delimiter_fail(self):
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        company, service, _, _ = setup_org()
        dataset = publish(create_toilets(company, service))
        online = dataset.current_version
        source, = dataset.sources
        source.file = TOILETS_CSV.decode('utf-8').encode('cp1252')
        source.save()
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'failed')
        self.assertIn('not encoded in utf-8', run.errors)
        self.assertIn('line 3', run.errors)
        self.assertIsNone(run.version)
        source.encoding = 'cp1252'
        source.save()
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'ok', run.errors)
        self.assertEqual(dataset.current_version, run.version)
        online = dataset.current_version
        source.delimiter = ','
        source.save()
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'failed')
        self.assertIn('rename', run.errors)
        dataset.steps = []
        dataset.save()
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'failed')
        self.assertIn('another delimiter', run.errors)
        self.assertEqual(dataset.current_version, online)

    @with_transaction()
    def test_excel_source(self):
        "An uploaded Excel sheet goes through the same pipeline"
        import io
        from openpyxl import Workbook
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        company, service, _, _ = setup_org()
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = 'Inventaire'
        for line in TOILETS_CSV.decode().splitlines():
            sheet.append(line.split(';'))
        data = io.BytesIO()
        workbook.save(data)
        dataset = create_toilets(company, service, data=data.getvalue())
        source, = dataset.sources
        source.file_name = 'toilettes.xlsx'
        source.sheet = 'Inventaire'
        source.save()
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'ok', run.errors)
        self.assertEqual(run.rows_loaded, 3)
        source.sheet = 'Absente'
        source.save()
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'failed')
        self.assertIn('Excel', run.errors)
        # A workbook inflating past the upload limits is never opened
        import zipfile
        bomb = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data.getvalue())) as source_zip, \
                zipfile.ZipFile(bomb, 'w', zipfile.ZIP_DEFLATED) as target:
            for info in source_zip.infolist():
                target.writestr(info, source_zip.read(info))
            target.writestr('xl/media/padding.xml', b' ' * (60 * 2 ** 20))
        source.file = bomb.getvalue()
        source.sheet = 'Inventaire'
        source.save()
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'failed')
        self.assertIn('toilettes.xlsx', run.errors)
        self.assertIn('60', run.errors)

    @with_transaction()
    def test_url_sources(self):
        "Web resources: GeoJSON, JSON, timeout and unreachable"
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        Source = pool.get('opendata.source')
        company, service, _, _ = setup_org()
        schema = {'fields': [
                {'name': 'nom', 'type': 'string'},
                {'name': 'places', 'type': 'integer'},
                {'name': 'longitude', 'type': 'number'},
                {'name': 'latitude', 'type': 'number'}]}
        geojson = {'type': 'FeatureCollection', 'features': [
                {'type': 'Feature', 'properties': {'nom': 'P1', 'places': 40},
                    'geometry': {'type': 'Point',
                        'coordinates': [3.95, 50.45]}}]}
        _Handler.routes = {
            '/p.geojson': (0, 200, json.dumps(geojson).encode()),
            '/p.json': (0, 200, json.dumps({'results': [
                            {'nom': 'P2', 'places': 5, 'longitude': 3.9,
                                'latitude': 50.4}]}).encode()),
            '/slow': (3, 200, b'{}'),
            }
        with set_company(company):
            dataset, = Dataset.create([{
                        'code': 'parkings', 'title': "Parkings",
                        'service': service.id,
                        'schema': json.dumps(schema),
                        'sources': [('create', [{
                                        'name': "ODWB", 'kind': 'url',
                                        'url': self.url('/p.geojson'),
                                        'url_format': 'geojson',
                                        }])],
                        }])
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'ok', run.errors)
        source, = dataset.sources
        Source.write([source], {'url': self.url('/p.json'),
                'url_format': 'json'})
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'ok', run.errors)
        Source.write([source], {'url': self.url('/slow'), 'timeout': 1})
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'failed')
        self.assertIn('did not answer within 1 seconds', run.errors)
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            port = s.getsockname()[1]
        Source.write([source], {
                'url': 'http://127.0.0.1:%d/x' % port})
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'failed')
        self.assertIn('unreachable', run.errors)

    @with_transaction()
    def test_model_source_and_sql_columns(self):
        "Suite records as source; SQL with other columns than declared"
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        Model = pool.get('ir.model')
        company, service, _, users = setup_org()
        model, = Model.search([('name', '=', 'mons.service')])
        schema = {'fields': [
                {'name': 'code', 'type': 'string'},
                {'name': 'name', 'type': 'string'},
                {'name': 'company', 'type': 'string'}]}
        with set_company(company):
            dataset, = Dataset.create([{
                        'code': 'services', 'title': "Services",
                        'service': service.id,
                        'schema': json.dumps(schema),
                        'sources': [('create', [{
                                        'name': "Services", 'kind': 'model',
                                        'model': model.id,
                                        'model_domain':
                                        '[["kind", "=", "cell"]]',
                                        'model_fields':
                                        'code,name,company.rec_name',
                                        'owner': users['steward'].id,
                                        }])],
                        }])
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'ok', run.errors)
        self.assertEqual(run.rows_loaded, 1)
        from trytond.modules.mons_opendata.api import Records
        dataset.current_version = run.version
        _, rows, _ = Records(dataset).fetch()
        self.assertEqual(rows[0]['code'], 'INFO-DATA')
        self.assertEqual(rows[0]['company'], company.rec_name)

        # The owner's access rights apply: an employee reads no source
        Model_ = pool.get('ir.model')
        Source = pool.get('opendata.source')
        source, = dataset.sources
        self.assertEqual(source.owner, users['steward'])
        runs = Model_.search([('name', '=', 'opendata.run')])
        schema_runs = {'fields': [{'name': 'state', 'type': 'string'}]}
        dataset.schema = json.dumps(schema_runs)
        dataset.save()
        source.model, = runs
        source.model_fields = 'state'
        source.model_domain = None
        source.owner = users['employee']
        source.save()
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'ok', run.errors)
        self.assertGreater(run.rows_loaded, 0)
        # a user without the right to read runs collects nothing
        User = pool.get('res.user')
        nobody, = User.create([{'login': 'nobody', 'name': "Nobody",
                    'companies': [('add', [company.id])],
                    'company': company.id}])
        Source.write([source], {'owner': nobody.id})
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'failed')
        self.assertIn('cannot be read', run.errors)
        # an owner who left reads nothing
        Source.write([source], {'owner': users['employee'].id})
        User.write([users['employee']], {'active': False})
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'failed')
        self.assertIn('responsible user', run.errors)
        User.write([users['employee']], {'active': True})

        # secrets and the framework's records are never read, even through
        # a path or a domain, and never offered
        for name, fields_, domain in [
                ('res.user.application', 'key', None),
                ('res.user', 'login', None),
                ('ir.session', 'key', None),
                ('mons.service', 'code,create_uid.login', None),
                ('mons.service', 'code,manager.user.password_hash', None),
                ('mons.service', 'code',
                    '[["create_uid.password_hash", "like", "$%"]]'),
                ('mons.service', 'code',
                    '[["parent", "where", [["create_uid.login", "=", "a"]]]]'),
                ]:
            found = Model_.search([('name', '=', name)])
            if not found:
                continue
            source.model, = found
            source.model_fields = fields_
            source.model_domain = domain
            with self.assertRaises(UserError) as cm:
                source.save()
            # a model is refused by the domain of the field (never
            # offered), a path or a domain by the source's own check
            self.assertRegex(cm.exception.message,
                'never open data' if name == 'mons.service'
                else 'not valid according to its domain')
            source = Pool().get('opendata.source')(source.id)
        offered = {m.name for m in Model_.search(
                Pool().get('opendata.source').model.domain)}
        self.assertIn('mons.service', offered)
        self.assertFalse({n for n in offered if n.startswith(
                    ('ir.', 'res.', 'web.user'))} | (
                offered & {'opendata.source'}))
        # a model source needs a responsible user
        source.model = model
        source.model_fields = 'code,name,company.rec_name'
        source.model_domain = None
        source.owner = None
        with self.assertRaises(UserError):
            source.save()
        source = Pool().get('opendata.source')(source.id)
        source.model = model
        source.model_fields = 'code,name,company.rec_name'
        source.owner = users['steward']
        dataset.schema = json.dumps(schema)
        dataset.save()
        source.save()

        # SQL: the test database server itself when it is PostgreSQL
        from trytond import backend
        from trytond import config
        if backend.name != 'postgresql':
            return
        from urllib.parse import urlparse
        uri = urlparse(config.get('database', 'uri'))
        source, = dataset.sources
        source.kind = 'sql'
        source.sql_engine = 'postgresql'
        source.sql_host = uri.hostname
        source.sql_port = uri.port
        source.sql_user = uri.username
        source.sql_password = uri.password
        source.sql_database = Transaction().database.name
        source.sql_query = "SELECT 'A' AS code, 'B' AS label"
        source.save()
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'failed')
        self.assertIn('missing name, company; unexpected label', run.errors)
        source.sql_query = "SELECT 'A' AS code, 'B' AS name, 'C' AS company"
        source.save()
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'ok', run.errors)

    def mysql_server(self):
        """Return (pymysql connection, source values, table) for the server
        of MONS_TEST_MYSQL_URI with a fresh table of public toilets"""
        from urllib.parse import unquote, urlparse
        uri = os.environ.get(MYSQL_URI_VAR)
        if not uri:
            self.skipTest('%s is not set (e.g. mysql://mons:mons@127.0.0.1'
                ':3306/mons_test, see .ci/mariadb)' % MYSQL_URI_VAR)
        import pymysql
        parsed = urlparse(uri)
        values = {
            'kind': 'sql', 'sql_engine': 'mysql',
            'sql_host': parsed.hostname or '127.0.0.1',
            'sql_port': parsed.port or 3306,
            'sql_user': unquote(parsed.username or ''),
            'sql_password': unquote(parsed.password or ''),
            'sql_database': parsed.path.lstrip('/'),
            }
        try:
            conn = pymysql.connect(host=values['sql_host'],
                port=values['sql_port'], user=values['sql_user'],
                password=values['sql_password'],
                database=values['sql_database'], charset='utf8mb4',
                autocommit=True, connect_timeout=5)
        except pymysql.MySQLError as e:
            self.fail('%s=%s is set but the MariaDB/MySQL server cannot be '
                'reached: %s (start it with ./.ci/mariadb)' % (
                    MYSQL_URI_VAR, uri, e))
        self.addCleanup(conn.close)
        table = 'opendata_toilettes_%d' % os.getpid()
        cursor = conn.cursor()
        cursor.execute('DROP TABLE IF EXISTS %s' % table)
        cursor.execute('CREATE TABLE %s ('
            'nom VARCHAR(50) PRIMARY KEY, adresse VARCHAR(100), '
            'places INT, pmr BOOLEAN, ouverture DATE, heure TIME, '
            'tarif DECIMAL(5, 2), entretien BIT(1)) '
            'CHARACTER SET utf8mb4' % table)
        self.addCleanup(cursor.execute, 'DROP TABLE IF EXISTS %s' % table)
        cursor.executemany('INSERT INTO %s VALUES '
            '(%%s, %%s, %%s, %%s, %%s, %%s, %%s, %%s)' % table, [
                ('Grand-Place', 'Grand-Place 22', 2, True,
                    dt.date(2020, 3, 1), '09:05:00', '0.50', 1),
                ('Gare', 'Place Léopold', 3, False,
                    dt.date(2021, 6, 15), '18:30:00', '1.00', 0),
                ('Jemappes centre', None, 1, True, None, None, None, None),
                ])
        return conn, values, table

    def mysql_dataset(self, values, table):
        company, service, _, _ = setup_org()
        return create_toilets(company, service, code='toilettes-mysql',
            schema=json.dumps(MYSQL_SCHEMA), personal_data=False,
            personal_fields=None, steps=[],
            sources=[('create', [dict(values, name="Patrimoine (MariaDB)",
                                sql_query='SELECT nom, adresse, places, '
                                'pmr, ouverture, heure, tarif, entretien '
                                'FROM %s ORDER BY nom' % table)])])

    @with_transaction()
    def test_mysql_source(self):
        "SQL source on MariaDB/MySQL: typed values, read only, timeout"
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        conn, values, table = self.mysql_server()
        dataset = self.mysql_dataset(values, table)
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'ok', run.errors)
        self.assertEqual((run.rows_read, run.rows_rejected, run.rows_loaded),
            (3, 0, 3))
        from trytond.modules.mons_opendata.api import Records
        dataset.current_version = run.version
        names, rows, total = Records(dataset).fetch(order_by='nom')
        self.assertEqual(total, 3)
        gare, grand_place, jemappes = rows
        self.assertEqual(gare, {
                'nom': 'Gare', 'adresse': 'Place Léopold', 'places': 3,
                'pmr': False, 'ouverture': '2021-06-15', 'heure': '18:30:00',
                'tarif': 1.0, 'entretien': False})
        self.assertIsInstance(gare['places'], int)
        self.assertIsInstance(gare['tarif'], float)
        # TIME comes as a duration and BIT as bytes from the driver
        self.assertEqual(grand_place['heure'], '09:05:00')
        self.assertIs(grand_place['entretien'], True)
        self.assertIs(grand_place['pmr'], True)
        self.assertEqual(grand_place['tarif'], 0.5)
        self.assertEqual(jemappes, {
                'nom': 'Jemappes centre', 'adresse': None, 'places': 1,
                'pmr': True, 'ouverture': None, 'heure': None,
                'tarif': None, 'entretien': None})

        # The query runs read only: the source database is never changed
        source, = dataset.sources
        source.sql_query = 'DELETE FROM %s' % table
        source.save()
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'failed')
        self.assertIn('the query failed', run.errors)
        self.assertIn('READ ONLY', run.errors)
        cursor = conn.cursor()
        cursor.execute('SELECT COUNT(*) FROM %s' % table)
        self.assertEqual(cursor.fetchone(), (3,))

        source.sql_query = 'DO 1'
        source.save()
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'failed')
        self.assertIn('the query returns no columns', run.errors)

        # The server stops a query running longer than the timeout
        source.sql_query = 'SELECT SLEEP(3) AS nom'
        source.timeout = 1
        source.save()
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'failed')
        self.assertIn('the query failed', run.errors)
        self.assertIn('interrupted', run.errors)
        self.assertLess(run.duration, 3)

    @with_transaction()
    def test_mysql_bad_input_in_french(self):
        "MariaDB/MySQL: other columns or no server fail; online version kept"
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        conn, values, table = self.mysql_server()
        load_french()
        dataset = publish(self.mysql_dataset(values, table))
        online = dataset.current_version
        self.assertEqual(online.row_count, 3)
        source, = dataset.sources
        source.sql_query = 'SELECT nom, places AS nombre FROM %s' % table
        source.save()
        with Transaction().set_context(language='fr'):
            run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'failed')
        self.assertIsNone(run.version)
        self.assertEqual(run.rows_loaded, 0)
        self.assertIn('Les colonnes des sources de « Toilettes publiques » '
            'diffèrent du schéma : manquantes adresse, places, pmr, '
            'ouverture, heure, tarif, entretien ; inattendues nombre.',
            run.errors)
        self.assertEqual(dataset.current_version, online)
        self.assertEqual(online.state, 'published')

        source.sql_query = 'SELECT nom, adresse, places FROM %s' % table
        source.sql_password = 'pas-le-bon'
        source.save()
        with Transaction().set_context(language='fr'):
            run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'failed')
        self.assertIn('Source « Patrimoine (MariaDB) » : connexion à la base '
            'de données impossible', run.errors)
        self.assertEqual(dataset.current_version, online)
        self.assertEqual(online.state, 'published')

    @with_transaction()
    def test_personal_data_refused_publicly(self):
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        Step = pool.get('opendata.step')
        company, service, _, _ = setup_org()
        dataset = create_toilets(company, service)
        Dataset.collect([dataset])
        drop, = [s for s in dataset.steps if s.fields_ == 'gestionnaire']
        Step.write([drop], {'kind': 'pseudonymise'})
        schema = dataset.table_schema
        schema['fields'].append({'name': 'gestionnaire', 'type': 'string'})
        dataset.schema = json.dumps(schema)
        dataset.save()
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'ok', run.errors)
        with self.assertRaisesRegex(UserError, 'gestionnaire'):
            Dataset.validate_dataset([dataset])
        # Aggregating by section removes the personal field
        Step.write([drop], {'kind': 'aggregate', 'fields_': 'section',
                'new_name': 'nombre'})
        dataset.schema = json.dumps({'fields': [
                    {'name': 'section', 'type': 'string'},
                    {'name': 'nombre', 'type': 'integer'}]})
        dataset.steps = [s for s in dataset.steps
            if s.kind not in {'lambert', 'drop'}]
        dataset.save()
        run, = Dataset.collect([dataset])
        self.assertEqual(run.state, 'ok', run.errors)
        Dataset.validate_dataset([dataset])
        with self.assertRaisesRegex(UserError, 'DPO'):
            Dataset.publish([dataset])
        Dataset.approve([dataset])
        Dataset.publish([dataset])
        self.assertEqual(dataset.record_count, 2)

    @with_transaction()
    def test_access_as_real_users(self):
        "Staff read the inventory; only stewards and the DPO act on it"
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        Source = pool.get('opendata.source')
        company, service, _, users = setup_org()
        dataset = create_toilets(company, service)
        Dataset.collect([dataset])
        transaction = Transaction()

        def as_user(login):
            return transaction.set_user(users[login].id), \
                transaction.set_context(_check_access=True,
                    company=company.id)

        u, c = as_user('employee')
        with u, c:
            found = Dataset.search([('rec_name', 'ilike', '%toilettes%')])
            self.assertEqual(found, [dataset])
            with self.assertRaises(AccessError):
                Dataset.write([Dataset(dataset.id)], {'title': "X"})
            with self.assertRaises(AccessError):
                Source.search([])
            with self.assertRaises(AccessButtonError):
                Dataset.validate_dataset([Dataset(dataset.id)])
        u, c = as_user('steward')
        with u, c:
            Dataset.validate_dataset([Dataset(dataset.id)])
            self.assertTrue(Source.search([]))
            with self.assertRaises(AccessButtonError):
                Dataset.approve([Dataset(dataset.id)])
        u, c = as_user('dpo')
        with u, c:
            Dataset.approve([Dataset(dataset.id)])
            with self.assertRaises(AccessButtonError):
                Dataset.publish([Dataset(dataset.id)])
        u, c = as_user('steward')
        with u, c:
            Dataset.publish([Dataset(dataset.id)])
        self.assertEqual(Dataset(dataset.id).state, 'published')
        approved = Dataset(dataset.id)
        self.assertEqual(approved.dpo_approved_by, users['dpo'])
        self.assertTrue(approved.dpo_approved_at)

        # record rules decide who reads what: the anonymous visitor reads
        # the public published dataset only, the employee no restricted one
        # of another service, the steward every one of the organisation
        internal = create_toilets(company, service, code='interne',
            access='restricted')
        publish(internal)
        draft = create_toilets(company, service, code='brouillon')
        ModelData = pool.get('ir.model.data')
        anonymous = ModelData.get_id('mons_base', 'user_anonymous')
        from trytond.modules.mons_base.caller import acting_as
        for user_id, codes in [
                (anonymous, {'toilettes'}),
                (users['employee'].id, {'toilettes', 'brouillon'}),
                (users['steward'].id, {'toilettes', 'brouillon', 'interne'}),
                (users['dpo'].id, {'toilettes', 'brouillon', 'interne'}),
                ]:
            with acting_as(pool, user_id):
                self.assertEqual({d.code for d in Dataset.search([])}, codes)
        with acting_as(pool, anonymous):
            with self.assertRaises(AccessError):
                Dataset.read([draft.id], ['title'])
            with self.assertRaises(AccessError):
                Source.search([])
            self.assertEqual(len(Pool().get('opendata.version').search([])),
                1)

    @with_transaction()
    def test_workflow_fields_and_dpo_gate(self):
        "Workflow fields by buttons only; changes after approval go back"
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        Step = pool.get('opendata.step')
        Source = pool.get('opendata.source')
        company, service, _, users = setup_org()
        dataset = publish(create_toilets(company, service))
        from trytond.modules.mons_base.caller import acting_as
        with acting_as(pool, users['steward'].id):
            for values in [{'state': 'draft'}, {'dpo_approved_at': None},
                    {'quality': 1}, {'current_version': None},
                    {'pseudonym_salt': 'x'}]:
                with self.assertRaisesRegex(AccessError, 'buttons'):
                    Dataset.write([Dataset(dataset.id)], values)
            with self.assertRaises(AccessError):
                Dataset.create([{'code': 'x', 'title': "X",
                            'service': service.id, 'company': company.id,
                            'state': 'published'}])
            copy, = Dataset.copy([Dataset(dataset.id)])
            self.assertEqual(copy.state, 'draft')
            self.assertNotEqual(copy.uuid, dataset.uuid)
            self.assertFalse(copy.dpo_approved_at)
            # the attack: flag off after the approval
            Dataset.write([Dataset(dataset.id)], {'personal_data': False})
        dataset = Dataset(dataset.id)
        self.assertEqual(dataset.state, 'validated')
        self.assertFalse(dataset.dpo_approved_at)
        self.assertIn('Personal Data', dataset.review_reason)
        with self.assertRaisesRegex(UserError, 'DPO'):
            Dataset.publish([dataset])
        Dataset.approve([dataset])
        Dataset.publish([dataset])
        # a step or a source changed: back again; a new file is not
        self.assertEqual(dataset.state, 'published')
        source, = dataset.sources
        with acting_as(pool, users['steward'].id):
            Source.write([Source(source.id)], {'file': TOILETS_CSV})
        self.assertEqual(Dataset(dataset.id).state, 'published')
        for change in [
                lambda: Step.write([dataset.steps[-1]], {'fields_': 'x,y'}),
                lambda: Step.delete([dataset.steps[-1]]),
                lambda: Source.write([Source(source.id)], {'active': False}),
                lambda: Dataset.write([dataset], {'schema': '{"fields": '
                        '[{"name": "nom"}]}'}),
                lambda: Dataset.write([dataset], {'access_level': 'internal'}),
                ]:
            dataset = Dataset(dataset.id)
            if dataset.state == 'validated':
                Dataset.approve([dataset])
            self.assertIn(Dataset(dataset.id).state, {'approved', 'published'})
            with acting_as(pool, users['steward'].id):
                change()
            dataset = Dataset(dataset.id)
            self.assertEqual(dataset.state, 'validated')
            self.assertFalse(dataset.dpo_approved_at)

    @with_transaction()
    def test_refresh_queue_and_cron(self):
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        Queue = pool.get('ir.queue')
        company, service, _, _ = setup_org()
        dataset = create_toilets(company, service, auto_refresh=True)
        Dataset.refresh([dataset])
        self.assertEqual(len(Queue.search([('name', '=', 'opendata')])), 1)
        due = Dataset.refresh_due()
        self.assertEqual(due, [dataset])
        self.assertGreater(dataset.next_refresh,
            dt.datetime.now() + dt.timedelta(days=300))
        self.assertEqual(Dataset.refresh_due(), [])
        self.assertEqual(len(Queue.search([('name', '=', 'opendata')])), 2)

    @with_transaction()
    def test_demo_idempotent(self):
        "The demo loads ~20 datasets, publishes several, and only once"
        import random
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        from trytond.modules.mons_opendata.demo import load_demo
        company, service, _, _ = setup_org()
        with set_company(company):
            load_demo(random.Random(1))
            count = Dataset.search_count([])
            load_demo(random.Random(1))
        self.assertEqual(Dataset.search_count([]), count)
        self.assertEqual(count, 20)
        published = Dataset.search([('state', '=', 'published')])
        self.assertEqual(len(published), 6)
        toilets, = Dataset.search([('code', '=', 'toilettes-publiques')])
        self.assertEqual(toilets.record_count, 24)
        self.assertTrue(toilets.has_coordinates)

    @with_transaction()
    def test_query_where(self):
        "ODSQL subset: comparisons, in, like, search, is null, errors"
        from trytond.modules.mons_opendata.api import Records
        from trytond.modules.mons_opendata.query import QueryError
        company, service, _, _ = setup_org()
        dataset = publish(create_toilets(company, service))
        records = Records(dataset)

        def names(where, **kw):
            _, rows, total = records.fetch(
                where=records.query.where(where), order_by='nom', **kw)
            return [r.get('nom') for r in rows]
        self.assertEqual(names('places >= 2'), ['Gare', 'Grand-Place'])
        self.assertEqual(names('places = 2 or section="Jemappes"'),
            ['Grand-Place', 'Jemappes centre'])
        self.assertEqual(names('not pmr and places > 1'), ['Gare'])
        self.assertEqual(names('section in ("Jemappes", "Nimy")'),
            ['Jemappes centre'])
        self.assertEqual(names('nom like "gr*"'), ['Grand-Place'])
        self.assertEqual(names('"léopold"'), ['Gare'])
        self.assertEqual(names('ouverture >= date\'2020-01-01\''),
            ['Gare', 'Grand-Place'])
        self.assertEqual(names('adresse is not null and `places` < 3'),
            ['Grand-Place', 'Jemappes centre'])
        _, rows, total = records.fetch(select='section, sum(places) as n',
            group_by='section', order_by='n desc')
        self.assertEqual(rows, [{'section': 'Mons-centre', 'n': 5},
                {'section': 'Jemappes', 'n': 1}])
        self.assertEqual(total, 2)
        for bad in ['places >', 'inconnu = 1', 'places = "abc"',
                "nom = 'x'; DROP TABLE opendata_dataset"]:
            with self.assertRaises(QueryError):
                records.query.where(bad)

    @with_transaction()
    def test_fulltext_index(self):
        "Free text uses the search index: folded substring, plan, fallback"
        from sql import Literal
        from sql.aggregate import Count
        from trytond import backend
        from trytond.modules.mons_opendata import storage
        from trytond.modules.mons_opendata.api import Records
        company, service, _, _ = setup_org()
        data = (
            "Nom ; Adresse;section;places;PMR;ouverture;x;y;gestionnaire\n"
            "Grand-Place ;Grand-Place 22;Mons;2;oui;01/03/2020;119695.3;"
            "125486.7;Dupont\n"
            "Gare;Place Léopold;Mons;3;non;15/06/2021;118950.0;125900.0;M\n"
            "LIÈGE;Rue de Flénu 100%;Flénu;1;Oui;2019-05-02;116800;126900;D\n"
            "a_b \"cité\";Œuvre ÉCOLE;Jemappes;1;non;2019-05-02;116800;"
            "126900;D\n"
            "axb;Rue 100 Ghlin;Ghlin;1;non;2019-05-02;116800;126900;D\n"
            ).encode('utf-8')
        dataset = publish(create_toilets(company, service, data=data))
        version = dataset.current_version
        self.assertTrue(storage.has_search_index(version.id))
        records = Records(dataset)
        text_cols = [c['name'] for c in storage.search_columns(
                records.columns)]
        _, rows, _ = records.fetch(limit=None)

        def expected(needle, names=text_cols):
            return sorted(r['nom'] for r in rows if any(
                    storage.fold(needle) in storage.fold(r[n] or '')
                    for n in names))

        def found(where, **kw):
            _, result, total = records.fetch(
                where=records.query.where(where), order_by='nom', **kw)
            return sorted(r['nom'] for r in result), total

        for needle in ['liege', 'LIEGE', 'Liège', 'léopold', 'flenu',
                'ecole', 'œuvre', 'CITÉ', 'e', 'ga', '100%', '%', 'a_b',
                '_', 'cite"', '"cite', 'rue 100', 'zzz', '2019-05',
                'place l']:
            where = '"%s"' % needle.replace('"', '""')
            names, total = found(where)
            self.assertEqual(names, expected(needle), needle)
            self.assertEqual(total, len(names), needle)
            names, total = found('search(adresse, "%s")'
                % needle.replace('"', '""'))
            self.assertEqual(names, expected(needle, ['adresse']), needle)
        self.assertEqual(found('"liege"')[0], ['LIÈGE'])
        self.assertEqual(found('"flenu" and places = 1')[0], ['LIÈGE'])
        self.assertEqual(found('not "place"')[0],
            ['LIÈGE', 'a_b "cité"', 'axb'])
        # like: the index only narrows the rows, the result is unchanged
        from trytond.modules.mons_opendata.query import RecordQuery
        plain = RecordQuery(records.table, records.columns)
        for pattern in ['*place*', 'gr*', '*rue de*', '*ÉCOLE*', '*100%*',
                'a_b*', '*la*e*', '*ue 1*', '*zzz*']:
            where = 'adresse like "%s" or nom like "%s"' % (pattern, pattern)
            _, result, total = records.fetch(where=plain.where(where),
                order_by='nom')
            self.assertEqual(found(where), (
                    sorted(r['nom'] for r in result), total), pattern)
        self.assertEqual(found('adresse like "*léopold"')[0], ['Gare'])

        # the count of free text alone skips the join
        self.assertTrue(records._search_only(records.query.where('"e"')))
        self.assertFalse(records._search_only(
                records.query.where('"e" and places = 1')))
        self.assertFalse(records._search_only(
                records.query.where('section in ("Ghlin")')))

        # pagination keeps the total
        names, total = found('"e"', limit=2, offset=1)
        self.assertEqual(total, len(expected('e')))
        self.assertEqual(names, sorted(expected('e'))[1:3])

        def plan(where):
            query = records.table.select(Count(Literal(1)),
                where=records.query.where(where))
            sql, params = tuple(query)
            cursor = Transaction().connection.cursor()
            if backend.name == 'postgresql':
                # a few rows: force the planner to show the index is usable
                cursor.execute('SET LOCAL enable_seqscan = off')
                cursor.execute('EXPLAIN ' + sql, params)
                result = '\n'.join(r[0] for r in cursor)
                cursor.execute('SET LOCAL enable_seqscan = on')
                return result
            cursor.execute('EXPLAIN QUERY PLAN ' + sql, params)
            return '\n'.join(r[3] for r in cursor)
        for where in ['"liege"', 'search(adresse, "flenu")',
                'adresse like "rue de*"']:
            result = plan(where)
            if backend.name == 'postgresql':
                self.assertRegex(result, r'Bitmap Index Scan on %s'
                    % storage.search_index_name(version.id, r'f\d+'))
                self.assertNotIn('Seq Scan on %s'
                    % storage.search_table_name(version.id), result)
            else:
                self.assertIn('VIRTUAL TABLE INDEX 0:M', result)
                self.assertNotIn('SCAN a\n', result + '\n')

        # a version loaded before the index: search still answers, and the
        # module update builds the index
        cursor = Transaction().connection.cursor()
        cursor.execute('DROP TABLE %s' % storage.search_table_name(version.id))
        records = Records(dataset)
        self.assertFalse(records.query.search_index)
        self.assertEqual(found('"Léopold"')[0], ['Gare'])
        self.assertEqual(found('"place"')[0], expected('place'))
        self.assertEqual(storage.ensure_search_indexes(
                [(version.id, version.stored_columns)]), [version.id])
        self.assertEqual(storage.ensure_search_indexes(
                [(version.id, version.stored_columns)]), [])
        records = Records(dataset)
        self.assertTrue(storage.has_search_index(version.id))
        self.assertEqual(found('"liege"')[0], ['LIÈGE'])

        # the index goes with the version table
        storage.drop_table(version.id)
        self.assertFalse(storage.has_search_index(version.id))
        self.assertFalse(storage._table_exists(
                cursor, storage.table_name(version.id)))


del ModuleTestCase
