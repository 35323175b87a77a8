"Import of an existing mail register (CSV, Excel) with its numbers."
import datetime as dt
import io
import unittest

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .test_module import Setup, load_french

YEAR = dt.date.today().year
HEADER = ['numéro', 'date', 'sens', 'objet', 'expéditeur/destinataire',
    "numéro d'entreprise", 'service', 'classification', 'confidentiel',
    'état']
ROWS = [
    [f'E/{YEAR}/000041', f'02/01/{YEAR}', 'entrant', "Demande de subside",
        "Jean Dupont", '', 'CULT', '1.8', 'non', 'clôturé'],
    [f'E/{YEAR}/000042', f'{YEAR}-01-03', 'Entrant',
        "Plainte voisinage", "ASBL Les Amis", '0999.999.922', 'TRAV', '',
        'oui', 'en traitement'],
    [f'S/{YEAR}/000007', f'03/01/{YEAR}', 'sortant', "Réponse subside",
        "jean  DUPONT", '', 'CULT', '', '', ''],
    # An old register's own numbering: kept as it is
    ['2019/1234', '15/05/2019', 'entrant', "Ancien courrier",
        "Marie Martin", '', '', '', 'non', 'clôturé'],
    ]


def csv_file(rows, header=HEADER):
    lines = [';'.join(header)] + [';'.join(r) for r in rows]
    return ('\n'.join(lines) + '\n').encode('utf-8')


def xlsx_file(rows, header=HEADER):
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        # A date typed as a date in Excel
        row = list(row)
        if '/' in row[1] and len(row[1]) == 10:
            day, month, year = map(int, row[1].split('/'))
            row[1] = dt.datetime(year, month, day)
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


class RegisterImportTestCase(unittest.TestCase):
    "The old register comes in with its numbers, all or nothing"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('mons_mail')

    def setup(self):
        pool = Pool()
        Classification = pool.get('mail.classification')
        load_french()
        s = Setup()
        Classification.create([{'code': '1.8', 'name': "Culture"}])
        return s

    def importer(self, s, data, filename):
        Import = Pool().get('mail.register.import')
        import_, = Import.create([{'company': s.company.id,
                    'file': data, 'filename': filename}])
        return import_

    def check_good_file(self, data, filename):
        pool = Pool()
        Import = pool.get('mail.register.import')
        Item = pool.get('mail.item')
        Party = pool.get('party.party')
        YearSequence = pool.get('mail.sequence.year')
        s = self.setup()
        try:
            # Numbers the suite gave before the import stay apart
            registered = s.item()
            with s.as_user(s.courrier):
                Item.register([registered])
            self.assertEqual(Item(registered.id).number, f'E/{YEAR}/000001')
            with Transaction().set_context(language='fr'), \
                    s.as_user(s.courrier):
                import_ = self.importer(s, data, filename)
                Import.analyse([import_])
                import_ = Import(import_.id)
                self.assertEqual(import_.state, 'analysed')
                self.assertEqual(
                    (import_.rows, import_.to_create, import_.already,
                        import_.errors), (4, 4, 0, 0))
                messages = [line.message for line in import_.lines]
                self.assertIn(f"Ligne 2 : crée E/{YEAR}/000041, entrant du "
                    f"02/01/{YEAR}, clôturé, contact « Jean Dupont » "
                    "(contact existant).", messages)
                self.assertTrue(any("ASBL Les Amis" in m
                        and "nouveau contact" in m for m in messages))
                Import.import_([import_])
                import_ = Import(import_.id)
                self.assertEqual(import_.state, 'done')
                self.assertEqual(import_.imported_by, s.courrier)
                self.assertEqual(len(import_.items), 4)

            items = {i.number: i for i in import_.items}
            first = items[f'E/{YEAR}/000041']
            self.assertEqual(first.state, 'closed')
            self.assertEqual(first.party, s.sender)
            self.assertEqual(first.service, s.cult)
            self.assertEqual(first.classification.code, '1.8')
            self.assertEqual(first.reception_date, dt.date(YEAR, 1, 2))
            self.assertEqual(first.registration_date.date(),
                dt.date(YEAR, 1, 2))
            self.assertFalse(first.confidential)
            second = items[f'E/{YEAR}/000042']
            self.assertEqual(second.state, 'in_treatment')
            self.assertTrue(second.confidential)
            self.assertEqual(second.party.name, "ASBL Les Amis")
            self.assertEqual(
                [i.code for i in second.party.identifiers], ['0999999922'])
            reply = items[f'S/{YEAR}/000007']
            self.assertEqual(
                (reply.direction, reply.sending_date, reply.party),
                ('outgoing', dt.date(YEAR, 1, 3), s.sender))
            self.assertEqual(items['2019/1234'].state, 'closed')
            self.assertEqual(items['2019/1234'].party.name, "Marie Martin")
            # Found by the register's search, number included
            self.assertEqual(Item.search([('text', 'ilike', '2019/1234')]),
                [items['2019/1234']])
            # The history says who imported it, when and from which file
            history, = first.history
            self.assertEqual(history.action, 'import')
            self.assertEqual(history.user, s.courrier)
            self.assertEqual(history.to_state, 'closed')
            self.assertIn(filename, history.comment)
            self.assertIn('courrier', history.comment)
            self.assertIsNotNone(history.date)

            # The next numbers come after the largest imported ones
            new_in, new_out = s.item(), s.item(direction='outgoing')
            with s.as_user(s.courrier):
                Item.register([new_in, new_out])
            self.assertEqual(Item(new_in.id).number, f'E/{YEAR}/000043')
            self.assertEqual(Item(new_out.id).number, f'S/{YEAR}/000008')
            # The old register's year got no sequence it would not use
            # (2019/1234 is not a number the suite gives)
            self.assertFalse(YearSequence.search([('year', '=', 2019)]))

            # The same file again creates nothing twice
            parties = Party.search_count([])
            with Transaction().set_context(language='fr'), \
                    s.as_user(s.courrier):
                again = self.importer(s, data, filename)
                Import.analyse([again])
                again = Import(again.id)
                self.assertEqual((again.to_create, again.already,
                        again.errors), (0, 4, 0))
                self.assertIn("déjà dans le registre",
                    again.lines[0].message)
                Import.import_([again])
            self.assertEqual(len(Import(again.id).items), 0)
            self.assertEqual(Item.search_count(
                    [('register_import', '!=', None)]), 4)
            self.assertEqual(Party.search_count([]), parties)

            # A done import keeps its letters
            with s.as_user(s.courrier), self.assertRaisesRegex(
                    UserError, "ne peut pas être supprimé"):
                with Transaction().set_context(language='fr'):
                    Import.delete([import_])
        finally:
            s.close()

    @with_transaction()
    def test_good_csv_file(self):
        self.check_good_file(csv_file(ROWS), 'registre-2025.csv')

    @with_transaction()
    def test_good_xlsx_file(self):
        self.check_good_file(xlsx_file(ROWS), 'registre-2025.xlsx')

    @with_transaction()
    def test_bad_lines_name_line_and_column(self):
        "Every error is listed; nothing is imported while one remains"
        pool = Pool()
        Import = pool.get('mail.register.import')
        Item = pool.get('mail.item')
        s = self.setup()
        try:
            taken = s.item()
            with s.as_user(s.courrier):
                Item.register([taken])
            rows = [
                ROWS[0],
                # unknown service, bad date, bad direction
                ['E/X/1', '31/02/2024', 'montant', "Objet", "Jean Dupont",
                    '', 'NOPE', '', 'non', ''],
                # the same number as line 2, an unknown classification
                [ROWS[0][0], '01/01/2024', 'entrant', "Objet", "Jean Dupont",
                    '', '', '9.9', 'peut-être', ''],
                # a number the suite gave, no subject, a state needing a
                # service
                [f'E/{YEAR}/000001', '01/01/2024', 'entrant', '', "X",
                    '', '', '', '', 'attribué'],
                ]
            with Transaction().set_context(language='fr'), \
                    s.as_user(s.courrier):
                import_ = self.importer(s, csv_file(rows), 'mauvais.csv')
                Import.analyse([import_])
                import_ = Import(import_.id)
                errors = [(line.line, line.column, line.message)
                    for line in import_.lines if line.status == 'error']
                messages = '\n'.join(m for _, _, m in errors)
                self.assertEqual(import_.errors, len(errors))
                for expected in [
                        (3, 'service', "Ligne 3, colonne « service » : "
                            "aucun service de Dunder Mifflin n'a le code "
                            "« NOPE »."),
                        (3, 'date', "Ligne 3, colonne « date » : "
                            "« 31/02/2024 » n'est pas une date"),
                        (3, 'sens', "« montant » n'est ni « entrant » ni "
                            "« sortant »"),
                        (4, 'numéro', f"Ligne 4, colonne « numéro » : le "
                            f"numéro E/{YEAR}/000041 est déjà à la ligne 2 "
                            "du fichier."),
                        (4, 'classification', "« 9.9 »"),
                        (4, 'confidentiel', "« peut-être » n'est ni « oui » "
                            "ni « non »"),
                        (5, 'numéro', f"le numéro E/{YEAR}/000001 est déjà "
                            "celui d'un courrier enregistré dans la suite"),
                        (5, 'objet', "Ligne 5, colonne « objet » : une "
                            "valeur est obligatoire."),
                        (5, 'service', "doit avoir son service traitant"),
                        ]:
                    line, column, text = expected
                    self.assertTrue(any(
                            l_ == line and c == column and text in m
                            for l_, c, m in errors),
                        msg=f"{expected} not in\n{messages}")
                # The good line is planned, the import refused as a whole
                self.assertEqual(import_.to_create, 1)
                with self.assertRaisesRegex(UserError,
                        "Rien n'a été importé"):
                    Import.import_([import_])
            self.assertEqual(
                Item.search_count([('register_import', '!=', None)]), 0)
            self.assertEqual(
                Item.search_count([('number', '=', ROWS[0][0])]), 0)

            # Columns: unknown (its values would be lost) or missing
            header = ['numero', 'date', 'sens', 'objet', 'remarque']
            with Transaction().set_context(language='fr'), \
                    s.as_user(s.courrier):
                import_ = self.importer(s, csv_file(
                        [['1', '01/01/2020', 'entrant', 'x', 'y']],
                        header=header), 'colonnes.csv')
                Import.analyse([import_])
                messages = [line.message for line in Import(
                        import_.id).lines]
            self.assertIn("Ligne 1, colonne « remarque » : colonne "
                "inconnue, ses valeurs seraient perdues. Les colonnes "
                "sont : numéro, date, sens, objet, expéditeur/destinataire, "
                "numéro d'entreprise, service, classification, "
                "confidentiel, état, référence externe.", messages)
            self.assertIn("Ligne 1 : la colonne « expéditeur/destinataire » "
                "manque.", messages)

            # A file that is not a register
            with Transaction().set_context(language='fr'), \
                    s.as_user(s.courrier):
                import_ = self.importer(s, b'PK\x03\x04broken', 'x.xlsx')
                Import.analyse([import_])
                message, = [line.message for line in Import(
                        import_.id).lines]
            self.assertIn("ne se lit ni comme un fichier CSV", message)
        finally:
            s.close()

    @with_transaction()
    def test_only_mail_office_imports(self):
        "Agents may not import; nobody gives imported fields over the API"
        pool = Pool()
        Import = pool.get('mail.register.import')
        Item = pool.get('mail.item')
        s = self.setup()
        try:
            with s.as_user(s.courrier):
                import_ = self.importer(s, csv_file(ROWS[:1]), 'r.csv')
            with Transaction().set_context(language='fr'):
                for user in [s.agent, s.chef, s.direction]:
                    with s.as_user(user):
                        with self.assertRaises(AccessError):
                            self.importer(s, csv_file(ROWS[:1]), 'r.csv')
                        with self.assertRaises(AccessError):
                            Import.analyse([Import(import_.id)])
                        with self.assertRaises(AccessError):
                            Import.search([])
                # A caller cannot mark a letter imported nor give it a
                # number (field access and create)
                with s.as_user(s.courrier):
                    with self.assertRaises(UserError):
                        Item.create([{'company': s.company.id,
                                    'subject': 'x', 'party': s.sender.id,
                                    'register_import': import_.id}])
                    with self.assertRaises(UserError):
                        Item.create([{'company': s.company.id,
                                    'subject': 'x', 'party': s.sender.id,
                                    'number': 'E/1999/000001',
                                    'state': 'closed'}])
                    Import.analyse([import_])
                    Import.import_([import_])
                    item, = Import(import_.id).items
                    with self.assertRaises(AccessError):
                        Item.write([item], {'register_import': None})
                # The service's agent reads its imported letter; which
                # import it came from is the mail office's (the import holds
                # the whole old register), so its form leaves it out
                with s.as_user(s.agent):
                    read, = Item.read([item.id], ['number', 'history'])
                    self.assertEqual(read['number'], ROWS[0][0])
                    view = Item.fields_view_get(view_type='form')
                    self.assertNotIn('register_import', view['fields'])
                    with self.assertRaises(AccessError):
                        Item.read([item.id], ['register_import'])
                with s.as_user(s.courrier):
                    view = Item.fields_view_get(view_type='form')
                    self.assertIn('register_import', view['fields'])
        finally:
            s.close()
