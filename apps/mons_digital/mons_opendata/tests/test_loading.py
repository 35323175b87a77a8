"""A data steward's first spreadsheet: the schema guessed from the file and
edited as lines, Excel date cells, the normalise steps, French messages."""
import datetime as dt
import io
import json
import unittest

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.modules.company.tests import set_company
from trytond.tests.test_tryton import (
    DB_NAME, RouteTestCase, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from .test_module import load_french
from .tools import publish, setup_org

# as a Belgian office suite saves it: semicolons, decimal comma, dd/mm/yyyy
BELGIAN_CSV = (
    "nom;montant;date_achat;livraison;pmr;code_postal;telephone\n"
    "Banc;1.234,56;03/12/2026;03/12/2026 14:30;oui;7000;065123456\n"
    "Poubelle;12,5;15/01/2026;15/01/2026 08:05;non;7012;065654321\n"
    "Lampadaire;3;28/02/2025;28/02/2025 17:45;Oui;7022;065000111\n"
    ).encode('utf-8')


def excel_inventory():
    "A workbook with real date, date-time, number and boolean cells"
    from openpyxl import Workbook
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(['nom', 'ouverture', 'controle', 'places', 'tarif', 'pmr'])
    for name, day, at, places, tarif, pmr in [
            ("Grand-Place", dt.date(2024, 3, 1),
                dt.datetime(2024, 3, 1, 9, 30), 2, 0.5, True),
            ("Gare", dt.date(2021, 6, 15),
                dt.datetime(2021, 6, 15, 0, 0), 3, 1.25, False),
            ]:
        sheet.append([name, day, at, places, tarif, pmr])
    for row in sheet.iter_rows(min_row=2):
        row[1].number_format = 'DD/MM/YYYY'
        row[2].number_format = 'DD/MM/YYYY HH:MM'
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


class LoadingTestCase(unittest.TestCase):
    "The loading path of a first spreadsheet, as the data steward"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module('mons_opendata')

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def as_user(self, user, company):
        transaction = Transaction()
        return transaction.set_user(user.id), transaction.set_context(
            _check_access=True, company=company.id)

    def create_dataset(self, company, service, steward, data, file_name,
            **values):
        "The steward's new dataset: a file and no schema"
        Dataset = Pool().get('opendata.dataset')
        u, c = self.as_user(steward, company)
        with u, c:
            dataset, = Dataset.create([{
                        'code': values.pop('code', 'achats'),
                        'title': "Achats de mobilier urbain",
                        'company': company.id,
                        'service': service.id,
                        'sources': [('create', [{
                                        'name': "Fichier", 'kind': 'file',
                                        'file': data,
                                        'file_name': file_name,
                                        }])],
                        **values}])
        return Dataset(dataset.id)

    def collect(self, dataset, steward):
        "The run, as the worker runs it for the steward who queued it"
        Dataset = Pool().get('opendata.dataset')
        with Transaction().set_user(steward.id), \
                Transaction().set_context(language='fr'):
            run, = Dataset.collect([Dataset(dataset.id)])
        return run

    def rows(self, dataset):
        "The stored rows of the dataset's latest version, typed"
        from trytond.modules.mons_opendata import storage
        version = Pool().get('opendata.dataset')(dataset.id).latest_version()
        table = storage.table(version.id)
        columns = version.stored_columns
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(*[getattr(table, c['col'])
                    for c in columns], order_by=[table.id.asc]))
        return [dict(zip([c['name'] for c in columns], row))
            for row in cursor.fetchall()]

    @with_transaction()
    def test_belgian_csv_without_schema(self):
        "No schema: it is guessed from a Belgian CSV and shown as lines"
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        SchemaField = pool.get('opendata.schema.field')
        company, service, _, users = setup_org()
        steward = users['steward']
        dataset = self.create_dataset(company, service, steward,
            BELGIAN_CSV, 'achats.csv')
        self.assertFalse(dataset.schema)
        run = self.collect(dataset, steward)
        self.assertEqual(run.state, 'ok', run.errors)
        self.assertEqual(run.rows_loaded, 3)
        dataset = Dataset(dataset.id)
        fields = {f['name']: f for f in dataset.table_schema['fields']}
        self.assertEqual(fields['nom']['type'], 'string')
        self.assertEqual((fields['montant']['type'],
                fields['montant']['decimalChar'],
                fields['montant']['groupChar']), ('number', ',', '.'))
        self.assertEqual((fields['date_achat']['type'],
                fields['date_achat']['format']), ('date', '%d/%m/%Y'))
        self.assertEqual((fields['livraison']['type'],
                fields['livraison']['format']),
            ('datetime', '%d/%m/%Y %H:%M'))
        self.assertEqual(fields['pmr']['type'], 'boolean')
        self.assertEqual(fields['code_postal']['type'], 'integer')
        # a leading zero is a code, not a quantity
        self.assertEqual(fields['telephone']['type'], 'string')
        rows = self.rows(dataset)
        self.assertEqual(rows[0]['montant'], 1234.56)
        self.assertEqual(rows[1]['montant'], 12.5)
        self.assertEqual(rows[0]['date_achat'], '2026-12-03')
        self.assertEqual(rows[0]['livraison'], '2026-12-03T14:30:00')
        self.assertEqual([bool(r['pmr']) for r in rows], [True, False, True])
        self.assertEqual(rows[0]['telephone'], '065123456')

        # the desk shows one line per field, which the steward edits
        lines = SchemaField.search([('dataset', '=', dataset.id)])
        self.assertEqual([l.name for l in lines], ['nom', 'montant',
                'date_achat', 'livraison', 'pmr', 'code_postal',
                'telephone'])
        montant = lines[1]
        self.assertEqual((montant.type, montant.format), ('number', None))
        self.assertEqual(json.loads(montant.extra),
            {'decimalChar': ',', 'groupChar': '.'})
        u, c = self.as_user(steward, company)
        with u, c:
            Dataset.write([Dataset(dataset.id)], {'schema_fields': [
                        ('write', [montant.id], {
                                'title': "Montant (EUR)",
                                'required': True}),
                        ('write', [lines[6].id], {'title': "Téléphone"}),
                        ]})
        fields = {f['name']: f for f in Dataset(
                dataset.id).table_schema['fields']}
        self.assertEqual(fields['montant'], {'name': 'montant',
                'type': 'number', 'title': "Montant (EUR)",
                'decimalChar': ',', 'groupChar': '.',
                'constraints': {'required': True}})
        self.assertEqual(fields['telephone']['title'], "Téléphone")
        # the JSON written (REST, import) gives the lines again
        with u, c:
            schema = Dataset(dataset.id).table_schema
            schema['fields'][0]['title'] = "Nom de l'objet"
            schema['primaryKey'] = ['nom']
            Dataset.write([Dataset(dataset.id)],
                {'schema': json.dumps(schema)})
            lines = SchemaField.search([('dataset', '=', dataset.id)])
            self.assertEqual(lines[0].title, "Nom de l'objet")
            self.assertTrue(lines[1].required)
            # removing a line keeps the schema's own keys
            SchemaField.delete([lines[6]])
        schema = Dataset(dataset.id).table_schema
        self.assertEqual(schema['primaryKey'], ['nom'])
        self.assertNotIn('telephone', [f['name'] for f in schema['fields']])
        # the file still has the column: the run says so
        run = self.collect(dataset, steward)
        self.assertEqual(run.state, 'failed')
        self.assertIn('telephone', run.errors)

        # the button guesses the lines again from the file
        with u, c:
            Dataset.guess_schema([Dataset(dataset.id)])
        self.assertEqual(len(Dataset(dataset.id).schema_fields), 7)
        run = self.collect(dataset, steward)
        self.assertEqual(run.state, 'ok', run.errors)

        # an employee reads the lines but changes none
        u, c = self.as_user(users['employee'], company)
        with u, c:
            lines = SchemaField.search([('dataset', '=', dataset.id)])
            self.assertEqual(len(lines), 7)
            with self.assertRaises(AccessError):
                SchemaField.write(lines[:1], {'type': 'integer'})
            with self.assertRaises(AccessButtonError):
                Dataset.guess_schema([Dataset(dataset.id)])

    @with_transaction()
    def test_excel_date_cells(self):
        "Real Excel date and date-time cells are read as such"
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        company, service, _, users = setup_org()
        steward = users['steward']
        dataset = self.create_dataset(company, service, steward,
            excel_inventory(), 'inventaire.xlsx', access_level='public',
            description="Inventaire.")
        run = self.collect(dataset, steward)
        self.assertEqual(run.state, 'ok', run.errors)
        fields = {f['name']: f for f in Dataset(
                dataset.id).table_schema['fields']}
        self.assertEqual({n: (f['type'], f.get('format'))
                for n, f in fields.items()}, {
                'nom': ('string', None),
                'ouverture': ('date', None),
                'controle': ('datetime', None),
                'places': ('integer', None),
                'tarif': ('number', None),
                'pmr': ('boolean', None),
                })
        rows = self.rows(dataset)
        self.assertEqual(rows[0]['ouverture'], '2024-03-01')
        self.assertEqual(rows[0]['controle'], '2024-03-01T09:30:00')
        # midnight in a date-time cell stays a date-time
        self.assertEqual(rows[1]['controle'], '2021-06-15T00:00:00')
        self.assertEqual(rows[1]['tarif'], 1.25)

        # a schema typed by hand calls the column a date: the cells pass
        schema = Dataset(dataset.id).table_schema
        Dataset.write([Dataset(dataset.id)], {'schema': json.dumps(schema)})
        run = self.collect(dataset, steward)
        self.assertEqual(run.state, 'ok', run.errors)


    @with_transaction()
    def test_normalise_steps(self):
        "Each normalise step does what its name says"
        import pandas as pd
        pool = Pool()
        Step = pool.get('opendata.step')
        company, service, _, users = setup_org()
        dataset = self.create_dataset(company, service, users['steward'],
            BELGIAN_CSV, 'achats.csv')

        def frame():
            return pd.DataFrame({
                    ' Nom ': [' Banc ', 'Poubelle', 'Lampe'],
                    'montant': ['1.234,56', '12,5', '1 000'],
                    'nombre': ['1.234', '12', '7,0'],
                    'jour': ['03/12/2026', '2026-12-03 00:00:00',
                        '31/02/2026'],
                    'quand': ['03/12/2026 14:30', '2026-12-03T08:05:00',
                        'demain'],
                    'pmr': ['Oui', 'non', 'peut-être'],
                    'x': ['119695.3', '118950,0', ''],
                    'y': ['125486.7', '125900', ''],
                    }, dtype=str)

        def step(kind, fields_, **values):
            values = {'new_name': None, 'cast_type': None, 'mapping': None,
                'crs': None, **values}
            return Step(dataset=dataset, kind=kind, fields_=fields_,
                **values)

        df = step('trim', '*').apply(frame())
        self.assertIn('Nom', df.columns)
        self.assertEqual(df['Nom'][0], 'Banc')
        df = step('rename', 'Nom,montant', new_name='nom,prix').apply(df)
        self.assertEqual(list(df.columns[:2]), ['nom', 'prix'])
        df = step('cast', 'prix', cast_type='number').apply(df)
        self.assertEqual(list(df['prix']), ['1234.56', '12.5', '1000'])
        df = step('cast', 'nombre', cast_type='integer').apply(df)
        self.assertEqual(list(df['nombre']), ['1234', '12', '7'])
        df = step('cast', 'jour', cast_type='date').apply(df)
        # a date that does not exist stays, for the check to report it
        self.assertEqual(list(df['jour']),
            ['2026-12-03', '2026-12-03', '31/02/2026'])
        df = step('cast', 'quand', cast_type='datetime').apply(df)
        self.assertEqual(list(df['quand']), ['2026-12-03T14:30:00',
                '2026-12-03T08:05:00', 'demain'])
        df = step('cast', 'pmr', cast_type='boolean').apply(df)
        self.assertEqual(list(df['pmr']), ['true', 'false', 'peut-être'])
        df = step('map', 'nom', mapping='{"Banc": "Banc public"}').apply(df)
        self.assertEqual(list(df['nom']), ['Banc public', 'Poubelle',
                'Lampe'])
        df = step('lambert', 'x,y', crs='31370').apply(df)
        self.assertTrue(3.9 < float(df['longitude'][0]) < 4.0)
        self.assertTrue(50.4 < float(df['latitude'][0]) < 50.5)
        self.assertTrue(3.9 < float(df['longitude'][1]) < 4.0)
        self.assertEqual(df['longitude'][2], '')
        df = step('drop', 'x,y').apply(df)
        self.assertNotIn('x', df.columns)
        hashed = step('pseudonymise', 'nom').apply(df.copy())
        self.assertNotIn('Poubelle', list(hashed['nom']))
        self.assertEqual(len(set(hashed['nom'])), 3)
        self.assertEqual(hashed['nom'][1], step('pseudonymise', 'nom').apply(
                df.copy())['nom'][1])
        counted = step('aggregate', 'pmr', new_name='objets').apply(df)
        self.assertEqual(dict(zip(counted['pmr'], counted['objets'])),
            {'true': '1', 'false': '1', 'peut-être': '1'})
        from trytond.modules.mons_opendata.exceptions import SourceError
        missing, = Step.create([{'dataset': dataset.id, 'kind': 'drop',
                    'fields_': 'absente'}])
        with self.assertRaises(SourceError) as error:
            missing.apply(df)
        self.assertIn('absente', error.exception.message)

    @with_transaction()
    def test_validation_messages_in_french(self):
        "Each failing value is told in French with its line and field"
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        load_french()
        company, service, _, users = setup_org()
        steward = users['steward']
        data = (
            "nom;montant;date_achat;places\n"
            "Banc;1.234,56;03/12/2026;2\n"
            "Poubelle;beaucoup;15/01/2026;1\n"
            "Lampe;3;2026-02-28;-1\n"
            ";4;01/01/2026;1\n"
            "Banc;5;02/01/2026;1\n"
            ).encode('utf-8')
        schema = {'fields': [
                {'name': 'nom', 'type': 'string',
                    'constraints': {'required': True}},
                {'name': 'montant', 'type': 'number', 'decimalChar': ',',
                    'groupChar': '.'},
                {'name': 'date_achat', 'type': 'date', 'format': '%d/%m/%Y'},
                {'name': 'places', 'type': 'integer',
                    'constraints': {'minimum': 0}},
                ], 'primaryKey': ['nom']}
        dataset = self.create_dataset(company, service, steward, data,
            'achats.csv', schema=json.dumps(schema))
        run = self.collect(dataset, steward)
        self.assertEqual(run.state, 'partial', run.errors)
        with Transaction().set_context(language='fr'):
            text = pool.get('opendata.run')(run.id).report_text
        for message in [
                "Ligne 3, champ « montant » : « beaucoup » n'est pas un "
                "nombre (attendu comme 1.234,5).",
                "Ligne 4, champ « date_achat » : « 2026-02-28 » n'est pas "
                "une date (attendu comme 31/12/2026).",
                "Ligne 4, champ « places » : « -1 » est inférieur au "
                "minimum 0.",
                "Ligne 5, champ « nom » : une valeur est obligatoire.",
                "Ligne 6 : la clé (nom) figure déjà sur une autre ligne.",
                ]:
            self.assertIn(message, text)
        self.assertNotIn('Type error', text)
        self.assertEqual(run.rows_loaded, 1)


class ExcelExportTestCase(RouteTestCase):
    "A spreadsheet loaded with date cells goes out with date cells"
    module = 'mons_opendata'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        company, service, _, users = setup_org()
        with set_company(company):
            dataset, = Dataset.create([{
                        'code': 'inventaire',
                        'title': "Inventaire",
                        'description': "Inventaire.",
                        'company': company.id,
                        'service': service.id,
                        'access_level': 'public',
                        'sources': [('create', [{
                                        'name': "Fichier", 'kind': 'file',
                                        'file': excel_inventory(),
                                        'file_name': 'inventaire.xlsx',
                                        }])],
                        }])
        publish(dataset)

    def test_xlsx_export_date_cells(self):
        from openpyxl import load_workbook
        response = self.client().get('/%s/opendata/api/explore/v2.1/'
            'catalog/datasets/inventaire/exports/xlsx' % DB_NAME)
        self.assertEqual(response.status_code, 200)
        cells = list(load_workbook(io.BytesIO(response.data)
                ).active.iter_rows(values_only=True))
        first = dict(zip(cells[0], cells[1]))
        self.assertEqual(first['ouverture'], dt.datetime(2024, 3, 1))
        self.assertEqual(first['controle'], dt.datetime(2024, 3, 1, 9, 30))
        self.assertEqual(first['places'], 2)
        self.assertEqual(first['tarif'], 0.5)
        self.assertIs(first['pmr'], True)
