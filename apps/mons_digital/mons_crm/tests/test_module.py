import datetime as dt

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.mons_base.tests.tools import (
    DeskViewsTestMixin, FrenchTranslationTestMixin)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .. import normalize
from .import_tests import ImportTests
from .import_xlsx_tests import ImportXlsxTests
from .mailing_tests import MailingTests
from .trust_tests import TrustTests
from .upload_tests import UploadTests
from .tools import as_user, create_person, setup_city


class MonsCrmTestCase(UploadTests, TrustTests, ImportTests, ImportXlsxTests,
        MailingTests,
        DeskViewsTestMixin, FrenchTranslationTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test mons_crm module"
    module = 'mons_crm'

    def test_normalise(self):
        "Accents, case, spacing, Belgian phones, emails and streets"
        self.assertEqual(normalize.norm_name("  DUPONT  Hélène "),
            normalize.norm_name("hélène dupont"))
        self.assertEqual(normalize.norm_name("Mme Hélène Dupont"),
            "dupont helene")
        for phone in ['0470 12 34 56', '+32 470 12 34 56',
                '0032470123456', '+32 (0)470/12.34.56', '470123456']:
            self.assertEqual(normalize.norm_phone(phone), '+32470123456',
                phone)
        self.assertEqual(normalize.norm_phone('065/40.50.60'),
            '+3265405060')
        self.assertEqual(normalize.norm_email(' Jean.Dupont@Mons.BE '),
            'jean.dupont@mons.be')
        self.assertEqual(normalize.norm_address("Av. de l'Hôpital 12", 7000),
            normalize.norm_address("avenue de l hopital 12", '7000'))
        self.assertIsNone(normalize.valid_email('jean@@mons.be'))
        self.assertIsNone(normalize.valid_email('jean.mons.be'))
        self.assertEqual(normalize.valid_email('Jean@Mons.be'),
            'jean@mons.be')

    def test_score_and_blocking(self):
        "Close records are paired, different ones are not"
        contacts = [
            {'id': 1, 'name': "Jean Dupont", 'emails': ['jean@x.be'],
                'phones': ['0470123456'], 'street': ['Rue de Nimy 5'],
                'postal_code': '7000'},
            {'id': 2, 'name': "DUPONT Jean", 'emails': [],
                'phones': ['+32 470 12 34 56'], 'street': [],
                'postal_code': '7000'},
            {'id': 3, 'name': "Jean Dupond", 'emails': [],
                'phones': [], 'street': ['r. de Nimy 5'],
                'postal_code': '7000'},
            {'id': 4, 'name': "Marie Lambert", 'emails': ['marie@x.be'],
                'phones': [], 'street': ['Rue de Nimy 7'],
                'postal_code': '7000'},
            ]
        pairs = {(a, b): (s, r) for a, b, s, r in
            normalize.find_duplicates(contacts)}
        self.assertIn((1, 2), pairs)
        self.assertIn('phone', pairs[(1, 2)][1])
        self.assertIn((1, 3), pairs)
        self.assertIn('address', pairs[(1, 3)][1])
        self.assertFalse([p for p in pairs if 4 in p])

    @with_transaction()
    def test_personal_fields_owned_by_service(self):
        "Only the owning service changes personal data, others add notes"
        pool = Pool()
        Party = pool.get('party.party')
        Mechanism = pool.get('party.contact_mechanism')
        city = setup_city()
        party = create_person("Hélène", "Dupont", email='helene@example.be',
            owner_service=city['cult'].id)
        self.assertEqual(party.name, "Hélène Dupont")

        with as_user(city['u_tour']):
            party = Party(party.id)
            self.assertFalse(party.personal_editable)
            Party.write([party], {'crm_notes': "Vue au salon du tourisme",
                    'crm_services': [('add', [city['tour'].id])]})
            with self.assertRaisesRegex(UserError, 'CULT'):
                Party.write([party], {'first_name': "Hélèna"})
            with self.assertRaises(UserError):
                Mechanism.write(list(party.contact_mechanisms),
                    {'value': 'autre@example.be'})
            with self.assertRaises(UserError):
                Mechanism.create([{'party': party.id, 'type': 'phone',
                            'value': '065 12 34 56'}])
        with as_user(city['u_cult']):
            party = Party(party.id)
            self.assertTrue(party.personal_editable)
            Party.write([party], {'first_name': "Hélèna"})
        with as_user(city['u_steward']):
            Party.write([Party(party.id)], {'birth_date': dt.date(1970, 1, 1)})
        party = Party(party.id)
        self.assertEqual(party.first_name, "Hélèna")
        self.assertEqual(
            {s.code for s in party.crm_services}, {'TOUR'})
        # Changing the owner is restricted by field access too
        with as_user(city['u_tour']):
            with self.assertRaises(UserError):
                Party.write([Party(party.id)],
                    {'owner_service': city['tour'].id})

    @with_transaction()
    def test_relations_and_section(self):
        "Works for / member of relations and section from the address"
        pool = Pool()
        Party = pool.get('party.party')
        ModelData = pool.get('ir.model.data')
        RelationType = pool.get('party.relation.type')
        city = setup_city()
        works_for = RelationType(
            ModelData.get_id('mons_crm', 'relation_type_works_for'))
        club, = Party.create([{'name': "Royal Club", 'crm_kind':
                    'organisation'}])
        person = create_person("Paul", "Martin", street="Rue Grande 3",
            postal_code='7012', city="Flénu")
        self.assertEqual(person.addresses[0].section, city['flenu'])
        Party.write([person], {'relations': [('create', [{
                            'to': club.id, 'type': works_for.id}])]})
        club = Party(club.id)
        self.assertEqual([(r.type.name, r.to) for r in club.relations],
            [("Employs", person)])
        other = create_person("Ann", "Leroy", postal_code='7000')
        self.assertEqual(other.addresses[0].section, city['mons'])

    @with_transaction()
    def test_duplicates_detect_and_merge(self):
        "Pairs are scored, merge keeps subscriptions and references"
        pool = Pool()
        Party = pool.get('party.party')
        Duplicate = pool.get('party.duplicate')
        EmailList = pool.get('marketing.email.list')
        Email = pool.get('marketing.email')
        Relation = pool.get('party.relation')
        ModelData = pool.get('ir.model.data')
        Category = pool.get('party.category')
        city = setup_city()
        culture, = Category.create([{'name': "Culture"}])
        a = create_person("Jean", "Dupont", email='jean.dupont@example.be',
            phone='+32 470 12 34 56', street="Rue de Nimy 5", postal_code='7000',
            city="Mons", crm_services=[('add', [city['cult'].id])],
            categories=[('add', [culture.id])])
        b = create_person("JEAN", "DUPONT ", phone='+32470123456',
            email='jdupont@example.be',
            crm_services=[('add', [city['tour'].id, city['cult'].id])],
            categories=[('add', [culture.id])])
        create_person("Marie", "Lambert", email='marie@example.be')
        club, = Party.create([{'name': "Club", 'crm_kind': 'organisation'}])
        Relation.create([{'from_': b.id, 'to': club.id, 'type':
                    ModelData.get_id('mons_crm', 'relation_type_member_of')}])
        list_, = EmailList.create([{'name': "Doudou",
                    'service': city['cult'].id}])
        sub, = Email.create([{'list_': list_.id, 'contact': b.id}])
        self.assertEqual(sub.email, 'jdupont@example.be')

        pairs = Duplicate.detect()
        self.assertEqual(len(pairs), 1)
        pair, = pairs
        self.assertEqual({pair.party_a, pair.party_b}, {a, b})
        self.assertIn('phone', pair.reasons)
        self.assertGreaterEqual(pair.score, 85)
        # Detecting again lists nothing new
        self.assertEqual(Duplicate.detect(), [])

        pair.keep = 'a' if pair.party_a == a else 'b'
        pair.save()
        Duplicate.merge([pair])
        b = Party(b.id)
        self.assertFalse(b.active)
        self.assertEqual(b.replaced_by, a)
        self.assertEqual(Email(sub.id).contact, a)
        self.assertEqual(Relation.search([('to', '=', club.id)])[0].from_, a)
        a = Party(a.id)
        self.assertEqual(sorted(s.code for s in a.crm_services),
            ['CULT', 'TOUR'])
        self.assertEqual(a.categories, (culture,))
        self.assertEqual(Duplicate(pair.id).state, 'merged')
        with self.assertRaises(UserError):
            Duplicate.reopen([pair])
            Duplicate.merge([pair])

    @with_transaction()
    def test_list_rules(self):
        "Lists are seen by their service and the services sharing them"
        pool = Pool()
        EmailList = pool.get('marketing.email.list')
        Email = pool.get('marketing.email')
        city = setup_city()
        doudou, tourism = EmailList.create([
                {'name': "Doudou", 'service': city['cult'].id},
                {'name': "Tourisme", 'service': city['tour'].id},
                ])
        Email.create([{'list_': doudou.id, 'email': 'a@example.be'}])
        with as_user(city['u_tour']):
            self.assertEqual(EmailList.search([]), [tourism])
            self.assertEqual(Email.search([]), [])
            with self.assertRaises(AccessError):
                EmailList.write([EmailList(doudou.id)], {'name': "Hack"})
            with self.assertRaises(AccessError):
                Email.create([{'list_': doudou.id, 'email': 'b@example.be'}])
        EmailList.write([doudou], {
                'shared_services': [('add', [city['tour'].id])]})
        with as_user(city['u_tour']):
            self.assertEqual(len(EmailList.search([])), 2)
            Email.create([{'list_': doudou.id, 'email': 'c@example.be'}])
        with as_user(city['u_steward']):
            self.assertEqual(len(Email.search([])), 3)
        # A list without service belongs to no organisation: only the
        # stewards see it, not every agent of the City and the CPAS
        orphan, = EmailList.create([{'name': "Sans service"}])
        with as_user(city['u_tour']):
            self.assertNotIn(orphan, EmailList.search([]))
        with as_user(city['u_steward']):
            self.assertIn(orphan, EmailList.search([]))

    @with_transaction()
    def test_list_from_saved_filter(self):
        "Category, section, language and relation filters build a list"
        pool = Pool()
        Party = pool.get('party.party')
        Category = pool.get('party.category')
        EmailList = pool.get('marketing.email.list')
        ModelData = pool.get('ir.model.data')
        city = setup_city()
        culture, = Category.create([{'name': "Culture"}])
        club, = Party.create([{'name': "Cercle", 'crm_kind': 'organisation'}])
        member_of = ModelData.get_id('mons_crm', 'relation_type_member_of')
        p1 = create_person("A", "One", email='one@example.be',
            postal_code='7000', language='fr',
            categories=[('add', [culture.id])],
            relations=[('create', [{'to': club.id, 'type': member_of}])])
        create_person("B", "Two", email='two@example.be', postal_code='7000',
            language='nl', categories=[('add', [culture.id])])
        create_person("C", "Three", email='three@example.be',
            postal_code='7012', city="Jemappes", language='fr',
            categories=[('add', [culture.id])])
        create_person("D", "Four", postal_code='7000', language='fr',
            categories=[('add', [culture.id])])
        list_, = EmailList.create([{'name': "Culture à Mons",
                    'service': city['cult'].id,
                    'filter_categories': [('add', [culture.id])],
                    'filter_sections': [('add', [city['mons'].id])],
                    'filter_languages': ['fr'],
                    'filter_owner': city['u_cult'].id,
                    }])
        EmailList.build_from_filters([list_])
        self.assertEqual([(e.email, e.party, e.source)
                for e in EmailList(list_.id).emails],
            [('one@example.be', p1, 'filter')])
        # Building again adds nobody twice
        EmailList.build_from_filters([list_])
        self.assertEqual(len(EmailList(list_.id).emails), 1)
        by_relation, = EmailList.create([{'name': "Membres du cercle",
                    'filter_relation_type': member_of,
                    'filter_relation_to': club.id,
                    'filter_owner': city['u_cult'].id}])
        EmailList.build_from_filters([by_relation])
        self.assertEqual([e.party for e in by_relation.emails], [p1])
        empty, = EmailList.create([{'name': "Sans filtre"}])
        with self.assertRaises(UserError):
            EmailList.build_from_filters([empty])

    @with_transaction()
    def test_gdpr_export_erase_retention(self):
        "Consents recorded; export JSON/PDF; erase keeps the consents"
        pool = Pool()
        Party = pool.get('party.party')
        EmailList = pool.get('marketing.email.list')
        Email = pool.get('marketing.email')
        Consent = pool.get('mons.crm.consent')
        Erase = pool.get('party.erase', type='wizard')
        JSONReport = pool.get('party.party.gdpr_json', type='report')
        PDFReport = pool.get('party.party.gdpr_pdf', type='report')
        # The confirmation email of the double opt-in needs a mail server
        self.start_smtp()
        city = setup_city()
        party = create_person("Léa", "Durant", email='lea@example.be',
            postal_code='7000', birth_date=dt.date(1990, 5, 1))
        list_, = EmailList.create([{'name': "Culture", 'public': True,
                    'service': city['cult'].id}])
        sub, = Email.create([{'list_': list_.id, 'contact': party.id,
                    'source': 'paper', 'consent_proof': "Fiche signée"}])
        consent, = Consent.search([('party', '=', party.id)])
        self.assertEqual((consent.state, consent.source, consent.proof),
            ('given', 'paper', "Fiche signée"))
        Email.write([sub], {'active': False})
        self.assertEqual(Consent(consent.id).state, 'withdrawn')
        self.assertTrue(Email(sub.id).unsubscribed_at)

        # Double opt-in from the portal
        with Transaction().set_context(_skip_warnings=True):
            sub_id = list_.public_subscribe('New.Person@Example.be',
                ip_address='192.0.2.1')
        pending = Email(sub_id)
        self.assertFalse(pending.active)
        self.assertEqual(pending.consent.state, 'requested')
        self.assertEqual(pending.consent.ip_address, '192.0.2.1')
        Email.subscribe([pending.email_token])
        self.assertEqual(Consent(pending.consent.id).state, 'given')
        self.assertTrue(Consent(pending.consent.id).confirmed_at)
        private, = EmailList.create([{'name': "Interne"}])
        with self.assertRaises(UserError):
            private.public_subscribe('x@example.be')
        with self.assertRaises(UserError):
            list_.public_subscribe('not-an-email')

        data = Party(party.id).gdpr_data()
        self.assertEqual(data['contact']['birth_date'], '1990-05-01')
        self.assertEqual(data['subscriptions'][0]['list'], "Culture")
        self.assertEqual(data['consents'][0]['proof'], "Fiche signée")
        oext, content, _, name = JSONReport.execute([party.id], {})
        self.assertIn('"lea@example.be"', content.decode())
        # An agent does not export a person's whole file
        ModelData = pool.get('ir.model.data')
        with as_user(city['u_cult']):
            for report, xml_id in [(JSONReport, 'report_party_gdpr_json'),
                    (PDFReport, 'report_party_gdpr_pdf')]:
                with self.assertRaises(AccessError):
                    report.execute([party.id], {'action_id':
                            ModelData.get_id('mons_crm', xml_id)})
        oext, content, _, _ = PDFReport.execute([party.id], {})
        self.assertEqual(oext, 'pdf')
        self.assertTrue(bytes(content).startswith(b'%PDF'))

        # Erase: personal data goes, the consent history stays
        Party.write([party], {'active': False})
        session_id, _, _ = Erase.create()
        erase = Erase(session_id)
        erase.ask.party = party
        erase.transition_erase()
        # The wizard writes in SQL: forget the records read before
        Transaction().cache.clear()
        party = Party(party.id)
        self.assertIsNone(party.name)
        self.assertIsNone(party.first_name)
        self.assertIsNone(party.birth_date)
        consent = Consent(consent.id)
        self.assertEqual((consent.state, consent.source, consent.list_),
            ('withdrawn', 'paper', list_))
        self.assertIsNone(consent.proof)
        self.assertEqual(consent.email, '****')
        self.assertFalse(Email.search([('contact', '=', party.id),
                    ('active', 'in', [True, False])]))

        # Retention: unused contacts are flagged by the cron
        old = create_person("Old", "Contact")
        Party.write([old], {'last_used': dt.date(2015, 1, 1)})
        flagged = Party.flag_retention(years=5)
        self.assertIn(old, flagged)
        self.assertTrue(Party(old.id).retention_due)
        Party.mark_used([old])
        self.assertFalse(Party(old.id).retention_due)


del ModuleTestCase
