"Import and export tests (mixed into the module test case)."
import csv
import io

import openpyxl

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from trytond.transaction import Transaction

from .tools import as_user, create_person, load_french, setup_city

CSV_1252 = (
    "Civilité;Prénom;Nom;E-mail;Téléphone;Rue;CP;Localité;Langue\r\n"
    "Mme;Hélène;Dupont;helene.dupont@example.be;0470 12 34 56;"
    "Rue de Nimy 5;7000;Mons;FR\r\n"
    "M.;Jean;Lefèvre;jean@@example.be;065/40.50.60;Rue Grande 1;"
    "700;Mons;fr\r\n"
    ";;;anonyme@example.be;;;;;\r\n"
    "M.;Jan;Peeters;jan.peeters@example.be;+32 470 99 88 77;"
    "Kerkstraat 3;7012;Jemappes;néerlandais\r\n"
    "M.;Jan;PEETERS;jan.peeters@example.be;;;7012;Jemappes;nl\r\n"
    "Mme;Anne;Leroy;anne.leroy@example.be;;;7000;Mons;fr\r\n"
    )


def xlsx(rows, merge=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


class ImportTests:

    def _import(self, city, data, filename, list_=None, **values):
        pool = Pool()
        Import = pool.get('mons.crm.import')
        EmailList = pool.get('marketing.email.list')
        if list_ is None:
            list_, = EmailList.create([{'name': "Voeux",
                        'service': city['cult'].id}])
        import_, = Import.create([dict({
                        'name': filename, 'service': city['cult'].id,
                        'list_': list_.id, 'file': data,
                        'filename': filename}, **values)])
        return import_

    def _run(self, import_):
        Import = Pool().get('mons.crm.import')
        import_ = Import(import_.id)
        while Import(import_.id).state == 'importing':
            Import.process([Import(import_.id)])
        return Import(import_.id)

    @with_transaction()
    def test_import_csv_windows_1252(self):
        "Semicolons, Windows-1252, errors per line, duplicates, all or valid"
        pool = Pool()
        Import = pool.get('mons.crm.import')
        Party = pool.get('party.party')
        Email = pool.get('marketing.email')
        Queue = pool.get('ir.queue')
        city = setup_city()
        anne = create_person("Anne", "Leroy", email='anne.leroy@example.be',
            postal_code='7000')
        count = Party.search_count([])
        import_ = self._import(city, CSV_1252.encode('cp1252'), 'liste.csv',
            consent_proof="Formulaire Doudou 2025")
        Import.analyse([import_])
        import_ = Import(import_.id)
        self.assertIn('cp1252', import_.file_info)
        self.assertIn(';', import_.file_info)
        self.assertEqual([(c.header, c.field) for c in import_.columns], [
                ("Civilité", 'civility'), ("Prénom", 'first_name'),
                ("Nom", 'last_name'), ("E-mail", 'email'),
                ("Téléphone", 'phone'), ("Rue", 'street'),
                ("CP", 'postal_code'), ("Localité", 'city'),
                ("Langue", 'language')])
        Import.check([import_])
        import_ = Import(import_.id)
        self.assertEqual(import_.total_rows, 6)
        self.assertEqual(import_.invalid_rows, 2)
        report = {(line.line, line.status) for line in import_.lines}
        self.assertEqual(report, {(3, 'invalid'), (4, 'invalid'),
                (6, 'duplicate_file'), (7, 'duplicate_directory')})
        messages = {line.line: line.messages for line in import_.lines}
        self.assertIn("Line 3", messages[3])
        self.assertIn("jean@@example.be", messages[3])
        self.assertIn('"700"', messages[3])
        self.assertIn("name is missing", messages[4])
        self.assertIn("line 5", messages[6])
        self.assertEqual(
            [line.party for line in import_.lines if line.line == 7], [anne])

        # All rows asked: refused with the lines, nothing imported
        with self.assertRaisesRegex(UserError, "Line 3"):
            Import.import_([import_])
        self.assertEqual(Party.search_count([]), count)

        Import.write([import_], {'mode': 'valid'})
        Import.import_([Import(import_.id)])
        self.assertTrue(Queue.search([('name', '=', 'mons_crm_import')]))
        import_ = self._run(import_)
        self.assertEqual(import_.state, 'done')
        self.assertEqual(import_.progress, 1)
        self.assertEqual(import_.created_parties, 2)
        self.assertEqual(Party.search_count([]), count + 2)
        helene, = Party.search([('last_name', '=', "Dupont")])
        self.assertEqual((helene.first_name, helene.civility,
                helene.language, helene.phone, helene.owner_service),
            ("Hélène", 'mrs', 'fr', '+32 470 12 34 56', city['cult']))
        self.assertEqual(helene.addresses[0].section, city['mons'])
        jan, = Party.search([('last_name', '=', "Peeters")])
        self.assertEqual(jan.language, 'nl')
        emails = {e.email: e for e in Email.search(
                [('list_', '=', import_.list_.id)])}
        self.assertEqual(set(emails), {'helene.dupont@example.be',
                'jan.peeters@example.be', 'anne.leroy@example.be'})
        # The directory contact was reused, not duplicated
        self.assertEqual(emails['anne.leroy@example.be'].contact, anne)
        self.assertEqual(emails['helene.dupont@example.be'].source, 'import')
        self.assertEqual(emails['helene.dupont@example.be'].consent.proof,
            "Formulaire Doudou 2025")

    @with_transaction()
    def test_import_excel_mapping_remembered(self):
        "Excel with unknown headers: mapping chosen once, remembered"
        pool = Pool()
        Import = pool.get('mons.crm.import')
        Column = pool.get('mons.crm.import.column')
        Configuration = pool.get('mons.crm.configuration')
        Queue = pool.get('ir.queue')
        Configuration.create([{'background_rows': 2}])
        city = setup_city()
        data = xlsx([
                ["Identité", "Adresse électronique", "Code postal"],
                ["Paul Martin", "paul@example.be", 7000],
                ["Zoé Bernard", "zoe@example.be", 7012],
                ])
        import_ = self._import(city, data, 'contacts.xlsx')
        Import.analyse([import_])
        import_ = Import(import_.id)
        self.assertEqual([c.field for c in import_.columns],
            [None, None, 'postal_code'])
        with self.assertRaises(UserError):
            Import.check([import_])
        Column.write([import_.columns[0]], {'field': 'name'})
        Column.write([import_.columns[1]], {'field': 'email'})
        Import.check([Import(import_.id)])
        import_ = Import(import_.id)
        self.assertEqual(import_.invalid_rows, 0)
        self.assertIn("paul@example.be", import_.preview)
        Import.import_([import_])
        import_ = self._run(import_)
        self.assertEqual(import_.created_parties, 2)

        again = self._import(city, data, 'contacts2.xlsx')
        Import.analyse([again])
        self.assertEqual([c.field for c in Import(again.id).columns],
            ['name', 'email', 'postal_code'])
        # Files larger than the configured size are checked in the
        # background
        bigger = self._import(city, xlsx([
                    ["Identité", "Adresse électronique", "Code postal"],
                    ["Paul Martin", "paul@example.be", 7000],
                    ["Zoé Bernard", "zoe@example.be", 7012],
                    ["Léon Petit", "leon@example.be", 7000],
                    ]), 'contacts4.xlsx')
        Import.analyse([bigger])
        Import.check([Import(bigger.id)])
        self.assertEqual(Import(bigger.id).state, 'checking')
        self.assertEqual([t.data['instances'] for t in Queue.search(
                    [('name', '=', 'mons_crm_import')])
                if t.data['method'] == 'do_check'], [(bigger.id,)])
        Import.do_check([Import(bigger.id)])
        self.assertEqual(Import(bigger.id).state, 'checked')
        self.assertEqual(Import(bigger.id).duplicate_rows, 2)
        # Another service does not inherit the mapping
        other = self._import(city, data, 'contacts3.xlsx',
            service=city['tour'].id)
        Import.analyse([other])
        self.assertEqual([c.field for c in Import(other.id).columns],
            [None, None, 'postal_code'])

    @with_transaction()
    def test_import_bad_files(self):
        "Not Excel, empty, merged header, old .xls: clear messages"
        pool = Pool()
        Import = pool.get('mons.crm.import')
        city = setup_city()
        cases = [
            (b'this is not a spreadsheet', 'liste.xlsx', 'not a valid Excel'),
            (b'PK\x03\x04garbage', 'liste.xlsx', 'not a valid Excel'),
            (b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1', 'liste.xls', '97-2003'),
            (b'', 'vide.csv', 'is empty'),
            (b'\n\n  \n', 'vide.csv', 'is empty'),
            ('Nom;Email\r\n'.encode('cp1252'), 'entete.csv', 'no data row'),
            (xlsx([]), 'vide.xlsx', 'is empty'),
            (xlsx([["Coordonnées", None, "CP"], ["Nom", "Email", "CP"],
                        ["A", "a@example.be", 7000]], merge='A1:B1'),
                'fusion.xlsx', 'merged cells \\(A1:B1\\)'),
            ]
        for data, filename, message in cases:
            import_ = self._import(city, data, filename)
            with self.assertRaisesRegex(UserError, message, msg=filename):
                Import.analyse([Import(import_.id)])

    @with_transaction()
    def test_import_rights(self):
        "Imports are seen only by the service"
        pool = Pool()
        Import = pool.get('mons.crm.import')
        city = setup_city()
        import_ = self._import(city, b'Nom\nA\n', 'a.csv')
        with as_user(city['u_tour']):
            self.assertEqual(Import.search([]), [])
        with as_user(city['u_cult']):
            self.assertEqual(Import.search([]), [import_])

    @with_transaction()
    def test_export_list(self):
        "A list exports to Excel and to CSV for Belgian Excel"
        pool = Pool()
        EmailList = pool.get('marketing.email.list')
        Email = pool.get('marketing.email')
        Export = pool.get('mons.crm.list.export', type='wizard')
        city = setup_city()
        party = create_person("Élise", "Müller", email='elise@example.be',
            street="Rue d'Havré 10", postal_code='7000', city="Mons")
        list_, = EmailList.create([{'name': "Vœux 2026",
                    'service': city['cult'].id}])
        Email.create([{'list_': list_.id, 'contact': party.id}])
        data, filename = Export.export(list_, 'xlsx')
        self.assertTrue(filename.endswith('.xlsx'))
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[1][:4],
            ('elise@example.be', "Élise Müller", "Élise", "Müller"))
        data, filename = Export.export(list_, 'csv')
        rows = list(csv.reader(io.StringIO(data.decode('cp1252')),
                delimiter=';'))
        self.assertEqual(rows[1][6], '7000')
        self.assertEqual(rows[1][1], "Élise Müller")

    @with_transaction()
    def test_import_messages_in_french(self):
        "The users read every message in French, with the line number"
        pool = Pool()
        Import = pool.get('mons.crm.import')
        Party = pool.get('party.party')
        load_french()
        city = setup_city()
        count = Party.search_count([])
        with Transaction().set_context(language='fr'):
            import_ = self._import(city, CSV_1252.encode('cp1252'),
                'liste.csv')
            Import.analyse([import_])
            Import.check([Import(import_.id)])
            messages = {line.line: line.messages
                for line in Import(import_.id).lines}
            self.assertIn("Ligne 3 : l'adresse e-mail « jean@@example.be » "
                "n'est pas valide.", messages[3])
            self.assertIn("Ligne 3 : le code postal « 700 » n'est pas "
                "valide (4 chiffres en Belgique).", messages[3])
            self.assertEqual(messages[4], "Ligne 4 : le nom est manquant.")
            self.assertEqual(messages[6],
                "Ligne 6 : même contact que la ligne 5 du fichier.")
            with self.assertRaisesRegex(UserError,
                    "Rien n'a été importé : 2 lignes sont invalides"):
                Import.import_([Import(import_.id)])
            self.assertEqual(Party.search_count([]), count)
            bad = self._import(city, b'PK\x03\x04rien', 'liste.xlsx')
            with self.assertRaisesRegex(UserError,
                    "n'est pas un fichier Excel valide"):
                Import.analyse([bad])
