"Excel contact lists as the services keep them: date cells, civilities and "
"titles, bad addresses, counts (mixed into the module test case)."
import datetime as dt
import io

import openpyxl

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import as_user, create_person, load_french, setup_city


def contacts_workbook():
    "A workbook typed in Excel: real date cells, civilities and titles"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Civilité", "Prénom", "Nom", "Courriel",
            "Date de naissance", "CP"])
    rows = [
        ("Mme", "Hélène", "Dupont", "helene.dupont@example.be",
            dt.datetime(1980, 5, 2), 7000),
        ("Dr", "Jean", "Martin", "jean.martin@example.be",
            dt.date(1975, 1, 3), 7000),
        ("M. le Professeur", "Paul", "Durand", "paul.durand@example.be",
            None, 7012),
        ("Sa Majesté", "Albert", "Roi", "albert.roi@example.be", None,
            7000),
        ("Mme", "Anne", "Leroy", "pas-un-email", None, 7000),
        ("Madame", "Hélène", "Dupont", "helene.dupont@example.be",
            dt.datetime(1980, 5, 2), 7000),
        ("Monsieur", "Marc", "Lambert", "marc.lambert@example.be", None,
            7000),
        ("Me", "Sophie", "Avocat", "sophie.avocat@example.be",
            dt.datetime(1990, 12, 31), 7000),
        ]
    for row in rows:
        sheet.append(row)
    for cell in sheet['E'][1:]:
        cell.number_format = 'DD/MM/YYYY'
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


class ImportXlsxTests:

    @with_transaction()
    def test_import_xlsx_dates_titles_counts(self):
        "Excel dates read, titles mapped, unknown kept, counts that add up"
        pool = Pool()
        Import = pool.get('mons.crm.import')
        EmailList = pool.get('marketing.email.list')
        Party = pool.get('party.party')
        Email = pool.get('marketing.email')
        city = setup_city()
        load_french()
        marc = create_person("Marc", "Lambert",
            email='marc.lambert@example.be', postal_code='7000',
            owner_service=city['cult'].id)
        before = Party.search_count([])
        with as_user(city['u_cult']), Transaction().set_context(
                language='fr'):
            list_, = EmailList.create([{'name': "Voeux",
                        'service': city['cult'].id}])
            import_, = Import.create([{
                        'name': "Contacts", 'service': city['cult'].id,
                        'list_': list_.id, 'file': contacts_workbook(),
                        'filename': 'contacts.xlsx', 'mode': 'valid',
                        'consent_proof': "Formulaire papier, salon 2026"}])
            Import.analyse([import_])
            import_ = Import(import_.id)
            self.assertEqual([c.field for c in import_.columns], [
                    'civility', 'first_name', 'last_name', 'email',
                    'birth_date', 'postal_code'])
            Import.check([import_])
            import_ = Import(import_.id)
            self.assertEqual(import_.total_rows, 8)
            self.assertEqual(import_.invalid_rows, 1)
            report = {line.line: (line.status, line.messages)
                for line in import_.lines}
            # Date cells are dates, never "1980-05-02T00:00:00"
            self.assertFalse(any('00:00:00' in m for _, m in report.values()))
            self.assertEqual(report[5][0], 'remark')
            self.assertIn("Ligne 5", report[5][1])
            self.assertIn("« Civilité »", report[5][1])
            self.assertIn("Sa Majesté", report[5][1])
            self.assertEqual(report[6][0], 'invalid')
            self.assertIn("Ligne 6", report[6][1])
            self.assertIn("pas-un-email", report[6][1])
            self.assertEqual(report[7][0], 'duplicate_file')
            self.assertEqual(report[8][0], 'duplicate_directory')
            self.assertEqual(set(report), {5, 6, 7, 8})

            Import.import_([import_])
            while Import(import_.id).state == 'importing':
                Import.process([Import(import_.id)])
            import_ = Import(import_.id)
            self.assertEqual(import_.state, 'done')
            # 5 created (2, 3, 4, 5, 9), 1 linked (8), 1 skipped (7),
            # 1 refused (6): every row is told once
            self.assertEqual((import_.created_parties,
                    import_.linked_parties, import_.skipped_rows,
                    import_.refused_rows), (5, 1, 1, 1))
            self.assertEqual(import_.created_parties
                + import_.linked_parties + import_.skipped_rows
                + import_.refused_rows, import_.total_rows)
            self.assertEqual(import_.imported_rows, import_.total_rows)

        self.assertEqual(Party.search_count([]), before + 5)
        people = {p.last_name: p for p in Party.search([
                    ('last_name', 'in', ["Dupont", "Martin", "Durand", "Roi",
                            "Avocat", "Leroy"])])}
        self.assertNotIn("Leroy", people)
        self.assertEqual((people["Dupont"].civility,
                people["Dupont"].title, people["Dupont"].birth_date),
            ('mrs', None, dt.date(1980, 5, 2)))
        self.assertEqual((people["Martin"].civility, people["Martin"].title,
                people["Martin"].birth_date),
            (None, 'dr', dt.date(1975, 1, 3)))
        self.assertEqual((people["Durand"].civility, people["Durand"].title),
            ('mr', 'prof'))
        self.assertEqual((people["Avocat"].title,
                people["Avocat"].birth_date), ('me', dt.date(1990, 12, 31)))
        # The unknown civility is not dropped
        self.assertEqual(people["Roi"].civility, None)
        self.assertIn("Sa Majesté", people["Roi"].crm_notes)
        emails = {e.email: e for e in Email.search(
                [('list_', '=', list_.id)])}
        self.assertEqual(emails['marc.lambert@example.be'].contact, marc)
        self.assertNotIn('pas-un-email', emails)
        self.assertEqual(len(emails), 6)

    @with_transaction()
    def test_subscription_email_validated(self):
        "An address that is not one is refused wherever it is typed"
        pool = Pool()
        EmailList = pool.get('marketing.email.list')
        Email = pool.get('marketing.email')
        city = setup_city()
        load_french()
        with as_user(city['u_cult']), Transaction().set_context(
                language='fr'):
            list_, = EmailList.create([{'name': "Voeux",
                        'service': city['cult'].id}])
            with self.assertRaisesRegex(UserError, "pas-un-email"):
                Email.create([{'list_': list_.id, 'email': 'pas-un-email'}])
            good, = Email.create([{'list_': list_.id,
                        'email': 'jean@example.be'}])
            with self.assertRaisesRegex(UserError, "n'est pas valide"):
                Email.write([good], {'email': 'jean@@example.be'})

    @with_transaction()
    def test_filter_subscription_consent_proof(self):
        "Subscribing by filter records its legal basis and its proof"
        pool = Pool()
        EmailList = pool.get('marketing.email.list')
        Category = pool.get('party.category')
        city = setup_city()
        load_french()
        culture, = Category.create([{'name': "Culture"}])
        one = create_person("Léa", "Un", email='lea@example.be',
            postal_code='7000', owner_service=city['cult'].id,
            categories=[('add', [culture.id])])
        with as_user(city['u_cult']), Transaction().set_context(
                language='fr'):
            list_, = EmailList.create([{'name': "Culture à Mons",
                        'service': city['cult'].id,
                        'filter_categories': [('add', [culture.id])]}])
            self.assertEqual(list_.filter_legal_basis, 'public_task')
            EmailList.write([list_], {'filter_legal_basis': 'consent'})
            # A filter proves no consent
            with self.assertRaisesRegex(UserError, "consentement"):
                EmailList.build_from_filters([EmailList(list_.id)])
            EmailList.write([list_], {'filter_legal_basis': 'public_task'})
            EmailList.build_from_filters([EmailList(list_.id)])
            email, = EmailList(list_.id).emails
            self.assertEqual((email.contact, email.source, email.legal_basis),
                (one, 'filter', 'public_task'))
            consent = email.consent
            self.assertEqual(consent.legal_basis, 'public_task')
            proof = consent.proof
        # Who, when, which filter, which basis
        self.assertIn("Culture à Mons", proof)
        self.assertIn("catégories : Culture", proof)
        self.assertIn("Cult", proof)
        self.assertIn(dt.date.today().strftime('%d/%m/%Y'), proof)
        self.assertIn("6.1.e", proof)
