"""Recruitment: duplicates, the way to reach the person, the pipeline only
through buttons, HR of one organisation only, the visitor reading the
published openings only, retention, the SMS text and the KPI."""
import datetime as dt
import unittest

from trytond.model.exceptions import AccessError, ValidationError
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.mons_base.caller import acting_as, anonymous_user_id
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction


def _user(login, company, groups):
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{'login': login, 'name': login,
                'companies': [('add', [company.id])],
                'company': company.id,
                'groups': [('add', [ModelData.get_id('mons_base', g)
                            for g in groups])]}])
    return user


def _opening(company, title="Ouvrier polyvalent", state='published',
        closing_date=None):
    pool = Pool()
    Opening = pool.get('hr.job.opening')
    opening, = Opening.create([{'title': title, 'company': company.id,
                'contract_type': 'permanent', 'hours': 38,
                'description': "Entretenir les bâtiments.",
                'closing_date': closing_date}])
    if state != 'draft':
        Opening.publish([opening])
    if state == 'closed':
        Opening.close([opening])
    return opening


def _apply(opening, **values):
    "As the portal does: a draft, then sent"
    Applicant = Pool().get('hr.applicant')
    draft, token = Applicant.save_draft(opening, values)
    Applicant.submit([draft])
    return Applicant(draft.id), token


class RecruitmentTestCase(unittest.TestCase):
    "Recruitment of mons_hr_career"

    @classmethod
    def setUpClass(cls):
        activate_module('mons_hr_career')

    @with_transaction()
    def test_duplicate_same_person_same_opening(self):
        "Same opening and same normalised e-mail or phone: linked, flagged"
        pool = Pool()
        Applicant = pool.get('hr.applicant')
        company = create_company()
        with set_company(company):
            opening = _opening(company)
            other = _opening(company, "Puériculteur")
            first, _ = _apply(opening, name="Marie Dupont",
                email='Marie.Dupont@Example.be ', phone='0470 12 34 56')
            again, _ = _apply(opening, name="Marie D.",
                email='marie.dupont@example.be')
            by_phone, _ = _apply(opening, name="M. Dupont",
                phone='+32 470/12.34.56')
            elsewhere, _ = _apply(other, name="Marie Dupont",
                email='marie.dupont@example.be')
            stranger, _ = _apply(opening, name="Luc Martin",
                phone='0475 00 00 00')
            self.assertFalse(first.duplicate_of)
            self.assertEqual(again.duplicate_of, first)
            self.assertEqual(by_phone.duplicate_of, first)
            self.assertTrue(by_phone.is_duplicate)
            self.assertFalse(elsewhere.duplicate_of)
            self.assertFalse(stranger.duplicate_of)
            self.assertEqual(
                {a.id for a in Applicant(first.id).duplicates},
                {again.id, by_phone.id})
            # Not silently doubled: every application is kept and counted
            self.assertEqual(Applicant.search_count(
                    [('opening', '=', opening.id)]), 4)
            # A paper application typed on the desk is checked too
            desk, = Applicant.create([{'opening': opening.id,
                        'name': "Marie", 'phone': '0032470123456'}])
            self.assertEqual(desk.duplicate_of, first)
            self.assertEqual(desk.source, 'desk')

    @with_transaction()
    def test_contact_required(self):
        "An application says how to reach the person, with a valid value"
        pool = Pool()
        Applicant = pool.get('hr.applicant')
        company = create_company()
        with set_company(company):
            opening = _opening(company)
            draft, token = Applicant.save_draft(opening, {'name': "Ali"})
            self.assertEqual(draft.state, 'draft')
            self.assertEqual(Applicant.find_by_token(token), draft)
            self.assertIsNone(Applicant.find_by_token(token + 'x'))
            self.assertNotEqual(draft.token_hash, token)
            with self.assertRaisesRegex(ValidationError, 'Phone or E-mail'):
                Applicant.submit([draft])
            with self.assertRaisesRegex(ValidationError, 'Phone or E-mail'):
                Applicant.create([{'opening': opening.id, 'name': "Ali"}])
            with self.assertRaisesRegex(ValidationError, 'E-mail'):
                Applicant.create([{'opening': opening.id, 'name': "Ali",
                            'email': 'ali at example.be'}])
            with self.assertRaisesRegex(ValidationError, 'Phone'):
                Applicant.create([{'opening': opening.id, 'name': "Ali",
                            'phone': '12'}])
            Applicant.save_draft(opening, {'phone': '0470 11 22 33'}, draft)
            Applicant.submit([draft])
            self.assertEqual(draft.state, 'received')
            self.assertTrue(draft.received_date)
            self.assertEqual(draft.phone_key, '+32470112233')

    @with_transaction()
    def test_closed_opening_refuses_applications(self):
        "A closed or expired opening takes no application"
        pool = Pool()
        Applicant = pool.get('hr.applicant')
        Opening = pool.get('hr.job.opening')
        company = create_company()
        with set_company(company):
            expired = _opening(company,
                closing_date=dt.date.today() - dt.timedelta(days=1))
            draft, _ = Applicant.save_draft(expired,
                {'name': "Ali", 'phone': '0470112233'})
            with self.assertRaisesRegex(ValidationError, 'no longer'):
                Applicant.submit([draft])
            self.assertEqual(Opening.close_expired(), [expired])
            self.assertEqual(expired.state, 'closed')

    @with_transaction()
    def test_sms_text_fits(self):
        "The SMS-ready confirmation holds in 160 characters"
        company = create_company(name="Centre Public d'Action Sociale")
        with set_company(company):
            opening = _opening(company, "Aide-ménager(ère) " * 20)
            applicant, _ = _apply(opening, name="Ali", phone='0470112233')
            self.assertLessEqual(len(applicant.sms_text), 160)
            self.assertIn(applicant.number, applicant.sms_text)
            short = _opening(company, "Chauffeur")
            applicant, _ = _apply(short, name="Ali", phone='0470112234')
            self.assertIn("Chauffeur", applicant.sms_text)

    @with_transaction()
    def test_pipeline_only_through_buttons(self):
        "HR moves an application by buttons; a write of the state fails"
        pool = Pool()
        Applicant = pool.get('hr.applicant')
        Email = pool.get('ir.email')
        company = create_company()
        with set_company(company):
            opening = _opening(company)
            applicant, _ = _apply(opening, name="Ali",
                email='ali@example.be')
            officer = _user('rh', company, ['group_hr_officer'])
            manager = _user('rhchef', company,
                ['group_hr_officer', 'group_hr_manager'])
        with acting_as(pool, officer.id):
            with self.assertRaises(AccessError):
                Applicant.write([Applicant(applicant.id)],
                    {'state': 'accepted'})
            with self.assertRaises(AccessError):
                Applicant.create([{'opening': opening.id, 'name': "X",
                            'phone': '0470000000', 'state': 'accepted'}])
            with self.assertRaises(AccessError):
                Applicant.write([Applicant(applicant.id)],
                    {'duplicate_of': None, 'received_date': None})
            Applicant.screen([Applicant(applicant.id)])
            Applicant.interview([Applicant(applicant.id)])
            # The decision to hire is the head of HR's
            with self.assertRaises(AccessButtonError):
                Applicant.accept([Applicant(applicant.id)])
            Applicant.write([Applicant(applicant.id)],
                {'hr_notes': "Motivé"})
        with acting_as(pool, manager.id):
            Applicant.accept([Applicant(applicant.id)])
        applicant = Applicant(applicant.id)
        self.assertEqual(applicant.state, 'accepted')
        self.assertEqual(applicant.state_date, dt.date.today())
        subjects = [e.subject for e in Email.search(
                [('resource', '=', str(applicant))])]
        # The confirmation, then the decision
        self.assertEqual(len(subjects), 2)

    @with_transaction()
    def test_hr_reads_own_organisation_only(self):
        "City HR does not read CPAS applicants; other staff read none"
        pool = Pool()
        Applicant = pool.get('hr.applicant')
        city = create_company(name="Ville")
        cpas = create_company(name="CPAS")
        with set_company(cpas):
            cpas_opening = _opening(cpas, "Aide familial")
            cpas_applicant, _ = _apply(cpas_opening, name="Ali",
                phone='0470112233')
        with set_company(city):
            city_opening = _opening(city)
            city_applicant, _ = _apply(city_opening, name="Zoé",
                phone='0470112299')
            city_hr = _user('rh', city, ['group_hr_officer'])
            agent = _user('agent', city, ['group_employee'])
        with acting_as(pool, city_hr.id):
            self.assertEqual(Applicant.search([]),
                [Applicant(city_applicant.id)])
            with self.assertRaises(AccessError):
                Applicant.read([cpas_applicant.id], ['name'])
            with self.assertRaises(AccessError):
                Applicant.screen([Applicant(cpas_applicant.id)])
        with acting_as(pool, agent.id):
            with self.assertRaises(AccessError):
                Applicant.search([])

    @with_transaction()
    def test_visitor_reads_published_openings_only(self):
        "The anonymous visitor reads the published openings, nothing else"
        pool = Pool()
        Opening = pool.get('hr.job.opening')
        Applicant = pool.get('hr.applicant')
        User = pool.get('res.user')
        company = create_company()
        with set_company(company):
            published = _opening(company, "Publiée")
            _opening(company, "Brouillon", state='draft')
            _opening(company, "Fermée", state='closed')
        anonymous = anonymous_user_id(pool)
        Count = pool.get('hr.applicant.online_count')
        with acting_as(pool, anonymous):
            before = Count.total()
        with set_company(company):
            _apply(published, name="Ali", phone='0470112233')
        # As the site's fixtures do: the visitor is in every organisation
        User.write([User(anonymous)], {
                'companies': [('add', [company.id])],
                'company': company.id})
        with acting_as(pool, anonymous):
            self.assertEqual([o.title for o in Opening.search(
                        [('company', '=', company.id)])], ["Publiée"])
            self.assertEqual([o.title for o in Opening.portal_search(
                        "publi", company=company.id)], ["Publiée"])
            with self.assertRaises(AccessError):
                Applicant.search([])
            with self.assertRaises(AccessError):
                Opening.write([published], {'title': "Piratée"})
        # Staff holding the public group too (the administrators) still
        # read the drafts of their organisation
        staff = _user('staff', company, ['group_employee', 'group_public'])
        with acting_as(pool, staff.id):
            self.assertEqual(len(Opening.search(
                        [('company', '=', company.id)])), 3)
            # The KPI is an aggregate the public may count
            self.assertEqual(Count.total(), before + 1)

    @with_transaction()
    def test_retention_anonymises_and_deletes(self):
        "Past the retention period, personal data go; the counts stay"
        pool = Pool()
        Applicant = pool.get('hr.applicant')
        Configuration = pool.get('hr.recruitment.configuration')
        Email = pool.get('ir.email')
        Configuration.write([Configuration(1)],
            {'retention_months': 12, 'draft_days': 30})
        company = create_company()
        with set_company(company):
            opening = _opening(company)
            old, _ = _apply(opening, name="Ancien Candidat",
                email='ancien@example.be', experience_text="Maçon",
                cv=b'%PDF-1.4', cv_name='cv.pdf')
            recent, _ = _apply(opening, name="Récent",
                email='recent@example.be')
            pending, _ = _apply(opening, name="En cours",
                phone='0470112233')
            Applicant.reject([old, recent])
            Applicant.write([old], {'state_date':
                    dt.date.today() - dt.timedelta(days=400)})
            Applicant.write([pending], {'state_date':
                    dt.date.today() - dt.timedelta(days=800)})
            stale, _ = Applicant.save_draft(opening, {'name': "Oublié"})
            fresh, _ = Applicant.save_draft(opening, {'name': "Frais"})
            table = Applicant.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update([table.create_date],
                    [dt.datetime.now() - dt.timedelta(days=31)],
                    where=table.id == stale.id))
            self.assertTrue(Email.search([('resource', '=', str(old))]))
            before = Applicant.count_received_online()

            anonymised, deleted = Applicant.purge_expired()

            self.assertEqual(anonymised, [old])
            self.assertEqual(deleted, [stale])
            old = Applicant(old.id)
            self.assertTrue(old.anonymised)
            self.assertNotIn("Ancien", old.name)
            for name in ('email', 'phone', 'experience_text', 'cv',
                    'cv_name', 'email_key', 'token_hash'):
                self.assertFalse(getattr(old, name), name)
            self.assertFalse(Email.search([('resource', '=', str(old))]))
            self.assertEqual(Applicant(recent.id).email, 'recent@example.be')
            # Still in selection: kept whatever its age
            self.assertFalse(Applicant(pending.id).anonymised)
            self.assertEqual(Applicant.search(
                    [('id', 'in', [stale.id, fresh.id])]), [fresh])
            self.assertEqual(Applicant.count_received_online(), before)
            # An anonymised application no longer counts as a duplicate
            again, _ = _apply(opening, name="Ancien",
                email='ancien@example.be')
            self.assertFalse(again.duplicate_of)


class RecruitmentDemoTestCase(unittest.TestCase):
    "The recruitment demo loads and respects the pipeline"

    @classmethod
    def setUpClass(cls):
        activate_module('mons_hr_career')

    def test_demo(self):
        "Loads as `mons demo` runs it (a transaction locking the settings)"
        import random
        from trytond.modules.mons_hr_career import recruitment_demo
        from trytond.tests.test_tryton import DB_NAME
        with Transaction().start(DB_NAME, 0,
                _lock_tables=['hr_recruitment_configuration']) as txn:
            try:
                self._check_demo(recruitment_demo, random.Random(1))
            finally:
                txn.rollback()

    def _check_demo(self, recruitment_demo, rng):
        pool = Pool()
        Applicant = pool.get('hr.applicant')
        Opening = pool.get('hr.job.opening')
        Company = pool.get('company.company')
        if not Company.search([('party.name', 'ilike', '%CPAS%')]):
            create_company(name="Ville de Mons")
            create_company(name="CPAS de Mons")
        recruitment_demo.load_demo(rng)
        self.assertTrue(Opening.search([('state', '=', 'published')]))
        benali = Applicant.search([('name', '=', "Y. Benali")])
        self.assertTrue(benali and benali[0].duplicate_of)
        self.assertTrue(all(a.sms_text and len(a.sms_text) <= 160
                for a in Applicant.search([])))
        self.assertEqual(
            pool.get('hr.recruitment.configuration')(1).retention_months, 24)
