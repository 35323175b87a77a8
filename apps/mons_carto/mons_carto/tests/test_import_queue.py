# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Imports through the queue: quick checks in the request, the queued task
run directly, states, failure report, replay, rights."""
import base64
import unittest

from trytond import backend
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from ..exceptions import ImportError_
from .test_module import MONS, create_layer, feature_collection, point, polygon

SQUARE = [[3.95, 50.45], [3.96, 50.45], [3.96, 50.46], [3.95, 50.46],
    [3.95, 50.45]]
BOWTIE = [[3.95, 50.45], [3.96, 50.46], [3.96, 50.45], [3.95, 50.46],
    [3.95, 50.45]]


def tasks():
    Queue = Pool().get('ir.queue')
    return Queue.search([('name', '=', 'mons_carto_import')],
        order=[('id', 'ASC')])


def run_tasks():
    "What the worker does: run every pending import task"
    for task in tasks():
        if not task.finished_at:
            task.run()


class CartoImportQueueTestCase(unittest.TestCase):
    "Test the queued imports of mons_carto"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module('mons_carto')
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_queued_import_done_and_replay(self):
        "Queued, run by the task, done with counts; a replay does nothing"
        pool = Pool()
        Import = pool.get('carto.layer.import')
        Feature = pool.get('carto.feature')
        layer = create_layer()
        import_ = Import.start(layer, feature_collection([
                    point(*MONS, nom="Grand-Place"),
                    point(MONS[0] + 0.01, MONS[1], nom="Est"),
                    ]), 'points.geojson')
        self.assertEqual(import_.state, 'queued')
        self.assertEqual(import_.format, 'geojson')
        self.assertEqual(import_.user.id, Transaction().user)
        self.assertTrue(import_.queued_at)
        self.assertGreater(import_.file_size, 0)
        # Nothing is written before the task runs
        self.assertEqual(Feature.search([('layer', '=', layer.id)],
                count=True), 0)
        task, = tasks()
        self.assertEqual(task.data['method'], 'process')
        self.assertEqual(list(task.data['instances']), [import_.id])

        run_tasks()
        import_ = Import(import_.id)
        self.assertEqual(import_.state, 'done')
        self.assertEqual(import_.features_created, 2)
        self.assertEqual(import_.features_rejected, 0)
        self.assertIsNone(import_.errors)
        self.assertTrue(import_.started <= import_.ended)
        self.assertIsNotNone(import_.duration)
        self.assertEqual(Feature.search([('layer', '=', layer.id)],
                count=True), 2)

        # The same task replayed (worker crash, manual re-run) is a no-op
        task, = tasks()
        task.run()
        Import.process([import_])
        self.assertEqual(Feature.search([('layer', '=', layer.id)],
                count=True), 2)
        self.assertEqual(Import(import_.id).features_created, 2)

    @with_transaction()
    def test_queued_import_failed_names_feature(self):
        "A bad feature fails the import with its number; nothing is lost"
        pool = Pool()
        Import = pool.get('carto.layer.import')
        layer = create_layer(geometry_type='polygon')
        layer.load_file(feature_collection([polygon(SQUARE, nom="avant")]),
            'avant.geojson')
        import_ = Import.start(layer, feature_collection([
                    polygon(SQUARE, nom="ok"),
                    polygon(BOWTIE, nom="noeud"),
                    polygon(SQUARE, nom="ok2"),
                    polygon(BOWTIE, nom="noeud2"),
                    ]), 'zones.geojson', replace=True)
        run_tasks()
        import_ = Import(import_.id)
        self.assertEqual(import_.state, 'failed')
        self.assertEqual(import_.features_created, 0)
        self.assertEqual(import_.features_rejected, 2)
        self.assertIn('Feature 2', import_.errors)
        self.assertIn('Feature 4', import_.errors)
        self.assertIn('Self-intersection', import_.errors)
        self.assertIn('Nothing was imported', import_.errors)
        # replace=True did not delete the features already in the layer
        self.assertEqual([f.name for f in layer.features], ["avant"])

        # Back to draft with a corrected file, queued again, done
        Import.draft([import_])
        Import.write([import_], {'file': feature_collection([
                        polygon(SQUARE, nom="ok")])})
        Import.queue([import_])
        self.assertIsNone(Import(import_.id).errors)
        run_tasks()
        import_ = Import(import_.id)
        self.assertEqual((import_.state, import_.features_created),
            ('done', 1))
        self.assertEqual([f.name for f in layer.features], ["ok"])

    @with_transaction()
    def test_upload_limits_before_queueing(self):
        "Zip bombs, crowded zips and broken GeoPackages are never queued"
        import io
        import zipfile
        from trytond.modules.mons_base import upload
        pool = Pool()
        Import = pool.get('carto.layer.import')
        layer = create_layer()

        def shapefile_zip(members, zeros=0):
            "members, and couche.shp of zeros MiB written as a stream"
            output = io.BytesIO()
            with zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as zip_:
                for name, data in members.items():
                    zip_.writestr(name, data)
                if zeros:
                    with zip_.open('couche.shp', 'w') as member:
                        for _ in range(zeros):
                            member.write(bytes(2 ** 20))
            return output.getvalue()
        bomb = shapefile_zip({'couche.dbf': b'', 'couche.shx': b''},
            zeros=600)
        self.assertLess(len(bomb), 2 ** 20)
        crowded = shapefile_zip(dict({'couche.shp': b''},
                **{f'{i}.txt': b'' for i in range(1000)}))
        gpkg = b'SQLite format 3\x00' + b'\x10\x00' + b'\x00' * 200
        for data, filename, message in [
                (bomb, 'bombe.zip', 'inflates to 600'),
                (crowded, 'foule.zip', 'holds 1001 files'),
                (gpkg, 'couche.gpkg', 'not a readable GeoPackage'),
                ]:
            with self.subTest(filename=filename), \
                    self.assertRaisesRegex(upload.UploadError, message):
                Import.start(layer, data, filename)
        self.assertEqual(tasks(), [])
        # The worker's reading is bounded the same way, whoever calls it
        with self.assertRaisesRegex(ImportError_, 'inflates to 600'):
            layer.load_file(bomb, 'bombe.zip')

    @with_transaction()
    def test_quick_checks_refuse_at_once(self):
        "Format, signature, size and CSV columns are checked before queueing"
        pool = Pool()
        Import = pool.get('carto.layer.import')
        Configuration = pool.get('carto.configuration')
        layer = create_layer()
        cases = [
            (b'a;b\n1;2\n', 'notes.docx', 'is not recognised'),
            (b'<xml/>', 'points.geojson', 'is not a GeoJSON file'),
            (b'{}', 'points.gpkg', 'is not a GeoPackage file'),
            (b'not a zip', 'points.zip', 'is not a Zipped Shapefile file'),
            (b'nom;adresse\nA;B\n', 'points.csv',
                'The coordinate column "x" is not in the file'),
            ]
        for data, filename, message in cases:
            with self.subTest(filename=filename):
                with self.assertRaisesRegex(ImportError_, message):
                    Import.start(layer, data, filename)
        configuration = Configuration(1)
        configuration.import_max_size = 1
        configuration.save()
        self.assertEqual(Configuration(1).get_import_max_bytes(), 2 ** 20)
        with self.assertRaisesRegex(ImportError_, 'more than the 1.0 MiB'):
            Import.start(layer, b'{' + b' ' * 2 ** 20 + b'}', 'big.geojson')
        # Refused checks queue nothing (in a request, the transaction is
        # rolled back and the draft records are not kept either)
        self.assertEqual(tasks(), [])
        self.assertEqual({i.state for i in Import.search([])}, {'draft'})

    @with_transaction()
    def test_rest_method_base64(self):
        "import_features takes the file as base64 text and queues it"
        pool = Pool()
        Layer = pool.get('carto.layer')
        Import = pool.get('carto.layer.import')
        layer = create_layer()
        data = feature_collection([point(*MONS)])
        result = Layer.import_features([layer],
            base64.b64encode(data).decode(), 'p.geojson')
        self.assertEqual(result['state'], 'queued')
        import_ = Import(result['id'])
        self.assertEqual(bytes(import_.file), data)
        with self.assertRaisesRegex(ImportError_, 'base64'):
            Layer.import_features([layer], '**not base64**', 'p.geojson')
        run_tasks()
        self.assertEqual(Import(result['id']).state, 'done')

    @with_transaction()
    def test_rights(self):
        "Only GIS editors import and read imports; outcome fields are readonly"
        pool = Pool()
        User = pool.get('res.user')
        Group = pool.get('res.group')
        Layer = pool.get('carto.layer')
        Import = pool.get('carto.layer.import')
        ModelData = pool.get('ir.model.data')
        urbanism = Group(ModelData.get_id('mons_base', 'group_urbanism'))
        editor = Group(ModelData.get_id('mons_base', 'group_gis_editor'))
        internal = create_layer(code='internal',
            groups=[('add', [urbanism.id])])
        secret = create_layer(code='secret')
        data = feature_collection([point(*MONS)])
        encoded = base64.b64encode(data).decode()
        planner, gis = User.create([
                {'name': 'Urbanisme', 'login': 'urb',
                    'groups': [('add', [urbanism.id])]},
                {'name': 'SIG', 'login': 'sig',
                    'groups': [('add', [editor.id])]},
                ])
        with Transaction().set_user(gis.id), \
                Transaction().set_context(_check_access=True):
            for layer in [internal, secret]:
                result = Layer.import_features([Layer(layer.id)], encoded,
                    '%s.geojson' % layer.code)
                self.assertEqual(result['state'], 'queued')
            self.assertEqual(Import.search([], count=True), 2)
        run_tasks()
        secret_import, = Import.search([('layer', '=', secret.id)])
        internal_import, = Import.search([('layer', '=', internal.id)])
        self.assertEqual(secret_import.user, gis)

        with Transaction().set_user(planner.id), \
                Transaction().set_context(_check_access=True):
            # Imports (files, errors, senders) are the GIS editors' own
            with self.assertRaises(AccessError):
                Import.search([])
            with self.assertRaises(AccessError):
                Import.read([secret_import.id], ['file'])
            with self.assertRaises(AccessError):
                Import.create([{'layer': internal.id, 'file': data,
                            'filename': 'x.geojson'}])
            with self.assertRaises(AccessError):
                Layer.import_features([Layer(internal.id)], encoded,
                    'x.geojson')
            with self.assertRaises(AccessError):
                Import.write([Import(internal_import.id)],
                    {'filename': 'y.geojson'})
        with Transaction().set_user(gis.id), \
                Transaction().set_context(_check_access=True):
            # The outcome and the state are the worker's and the buttons'
            done = Import(internal_import.id)
            for values in [{'state': 'draft'}, {'features_created': 99},
                    {'errors': None}, {'user': planner.id}]:
                with self.assertRaises(AccessError):
                    Import.write([done], values)
            # A file already imported is not swapped afterwards
            with self.assertRaises(AccessError):
                Import.write([done], {'filename': 'other.geojson'})
            # create() ignores them: a new import is a draft of its sender
            born, = Import.create([{'layer': internal.id, 'file': data,
                        'filename': 'b.geojson', 'state': 'done',
                        'features_created': 5, 'user': planner.id}])
            self.assertEqual((born.state, born.features_created, born.user),
                ('draft', None, gis))
            Import.write([born], {'filename': 'c.geojson'})
            Import.queue([born])
            self.assertEqual(born.state, 'queued')
        self.assertEqual(Import.search([], count=True), 3)


@unittest.skipIf(backend.name != 'postgresql',
    "SQLite stores the NUL character that PostgreSQL's JSONB refuses")
class CartoImportUnexpectedTestCase(unittest.TestCase):
    "An unexpected database error in the task, with committed transactions"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module('mons_carto')
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def test_database_error_rolled_back_and_recorded(self):
        "A row refused by the database: nothing written, import failed"
        from trytond.worker import run_task
        pool = Pool(DB_NAME)
        with Transaction().start(DB_NAME, 0) as transaction:
            Import = pool.get('carto.layer.import')
            layer = create_layer(code='nul')
            layer.load_file(feature_collection([point(*MONS, nom="avant")]),
                'avant.geojson')
            # Valid JSON and geometry, but PostgreSQL cannot store \u0000
            # in a JSONB value: the INSERT fails after the checks
            import_ = Import.start(layer, feature_collection([
                        point(*MONS, nom="ok"),
                        point(*MONS, nom="nul\u0000"),
                        ]), 'nul.geojson', replace=True)
            import_id, layer_id = import_.id, layer.id
            task_id, = [t.id for t in tasks()]
            transaction.commit()
        try:
            run_task(pool, task_id)
            with Transaction().start(DB_NAME, 0):
                Import = pool.get('carto.layer.import')
                Layer = pool.get('carto.layer')
                import_ = Import(import_id)
                self.assertEqual(import_.state, 'failed')
                self.assertEqual(import_.features_created, 0)
                self.assertIn('unexpected error', import_.errors)
                self.assertTrue(import_.ended)
                # replace=True and the first row were rolled back
                self.assertEqual([f.name for f in Layer(layer_id).features],
                    ["avant"])
        finally:
            with Transaction().start(DB_NAME, 0) as transaction:
                Layer = pool.get('carto.layer')
                Queue = pool.get('ir.queue')
                Layer.delete([Layer(layer_id)])
                Queue.delete(Queue.search([]))
                transaction.commit()
