"The permit file's state machine, dates, parcels, inquiries and opinions"
import datetime as dt
import json
import unittest

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

D = dt.date


def square(x, y, size=20):
    "A square parcel outline in Lambert 72"
    return json.dumps({'type': 'Polygon', 'coordinates': [[
                    [x, y], [x + size, y], [x + size, y + size],
                    [x, y + size], [x, y]]]})


class PermitWorkflowTestCase(unittest.TestCase):
    "Permit workflow"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('mons_permit')

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def setup(self):
        pool = Pool()
        Holiday = pool.get('mons.holiday')
        Party = pool.get('party.party')
        Holiday.create([{'date': d, 'name': "Férié"} for d in [
                    D(2026, 4, 6), D(2026, 11, 11), D(2026, 12, 25),
                    D(2027, 1, 1)]])
        self.party, = Party.create([{'name': "Jean Dupont"}])
        self.company = create_company()
        # The test's user (admin) runs the reports as the permit staff
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        User.write([User(Transaction().user)], {'groups': [('add', [
                            ModelData.get_id('mons_permit',
                                'group_permit_admin')])]})

    def file(self, code='PU', **values):
        pool = Pool()
        File = pool.get('permit.file')
        ProcedureType = pool.get('permit.procedure_type')
        type_, = ProcedureType.search([('code', '=', code)])
        values.setdefault('deposit_date', D(2026, 4, 3))
        file, = File.create([dict({
                        'procedure_type': type_.id,
                        'applicant': self.party.id,
                        'object': "Transformation d'une maison",
                        'company': self.company.id}, **values)])
        return file

    def assertRefused(self, exception, func, *args, text=None, **kwargs):
        with self.assertRaises(exception) as cm:
            func(*args, **kwargs)
        if text:
            self.assertIn(text, cm.exception.message)
        return cm.exception

    @with_transaction()
    def test_workflow_fields_refused(self):
        "State, reference and prorogation come from the buttons only"
        File = Pool().get('permit.file')
        self.setup()
        with set_company(self.company):
            self.assertRefused(UserError, self.file, state='complete',
                text='State')
            self.assertRefused(UserError, self.file, reference='X/1',
                text='Reference')
            self.assertRefused(UserError, self.file,
                complete_date=D(2026, 4, 10), text='Completeness Date')
            file = self.file()
            self.assertRefused(UserError, File.write, [file],
                {'state': 'closed'}, text='State')
            File.deposit([file])
            # The deposit date belongs to the draft
            self.assertRefused(UserError, File.write, [file],
                {'deposit_date': D(2026, 4, 1)}, text='Deposit Date')
            self.assertRefused(UserError, File.delete, [file])
            self.assertEqual(file.state, 'deposited')

    @with_transaction()
    def test_completeness_and_decision_deadlines(self):
        "Deposit on Good Friday; decision due on 11 November moves"
        File = Pool().get('permit.file')
        self.setup()
        with set_company(self.company):
            file = self.file()
            File.deposit([file])
            self.assertEqual(file.completeness_due, D(2026, 4, 23))
            self.assertIn('03/04/2026', file.completeness_explanation)
            # A completeness date before the deposit names the field and
            # keeps the file as it was
            self.assertRefused(UserError, File.write, [file],
                {'complete_date': D(2026, 4, 2)}, text='Completeness Date')
            self.assertEqual(file.state, 'deposited')
            File.write([file], {'complete_date': D(2026, 10, 12)})
            File.declare_complete([file])
            self.assertEqual(file.state, 'complete')
            # 30 days (no opinion, no inquiry): 11/11 is a holiday
            self.assertEqual(file.decision_due, D(2026, 11, 12))
            self.assertIn('11/11/2026', file.decision_explanation)
            self.assertIn('30', file.decision_explanation.splitlines()[0])
            # The regional official's opinion: 115 days
            File.write([file], {'official_opinion': True})
            self.assertEqual(file.decision_due, D(2027, 2, 4))
            # One prorogation, with its reason
            self.assertRefused(UserError, File.prorogate, [file],
                text='Prorogation Reason')
            File.write([file], {'prorogation_reason': "Plans modifiés"})
            File.prorogate([file])
            self.assertEqual(file.prorogation_days, 30)
            self.assertEqual(file.decision_due, D(2027, 3, 8))
            self.assertIn("Plans modifiés", file.decision_explanation)
            self.assertRefused(UserError, File.prorogate, [file])

    @with_transaction()
    def test_no_inquiry_before_completeness(self):
        "The inquiry waits for completeness; the decision for the inquiry"
        pool = Pool()
        File = pool.get('permit.file')
        Inquiry = pool.get('permit.inquiry')
        Date = pool.get('ir.date')
        self.setup()
        today = Date.today()
        with set_company(self.company):
            file = self.file('PE2', deposit_date=today)
            File.deposit([file])
            self.assertRefused(UserError, File.start_inquiry, [file],
                text='complete')
            self.assertRefused(UserError, Inquiry.create, [{
                        'file': file.id, 'start_date': today}])
            self.assertEqual(file.state, 'deposited')
            File.declare_complete([file])
            action = File.start_inquiry([file])
            inquiry, = file.inquiries
            self.assertEqual(action['res_model'], 'permit.inquiry')
            self.assertEqual(action['res_id'], [inquiry.id])
            self.assertEqual(file.state, 'inquiry')
            self.assertEqual((inquiry.days, inquiry.radius), (15, 50))
            Inquiry.open([inquiry])
            # No decision before the inquiry ends
            self.assertRefused(UserError, File.to_decision, [file],
                text='inquiry')
            self.assertRefused(UserError, File.request_opinions, [file])
            self.assertRefused(UserError, Inquiry.close, [inquiry],
                text=inquiry.end_date.strftime('%d/%m/%Y'))
            self.assertEqual(file.state, 'inquiry')
            self.assertEqual(file.next_deadline, inquiry.end_date)
            # The decision date may not precede the inquiry's end either
            with Transaction().set_context(_permit_workflow=True):
                self.assertRefused(UserError, File.write, [file],
                    {'decision_date': inquiry.end_date},
                    text='College Decision Date')

    @with_transaction()
    def test_decision_after_inquiry(self):
        "A past inquiry is closed, then the decision is notified"
        pool = Pool()
        File = pool.get('permit.file')
        Inquiry = pool.get('permit.inquiry')
        Claim = pool.get('permit.claim')
        self.setup()
        with set_company(self.company):
            file = self.file('PE2', deposit_date=D(2026, 6, 1))
            File.deposit([file])
            File.write([file], {'complete_date': D(2026, 6, 15)})
            File.declare_complete([file])
            File.start_inquiry([file])
            inquiry, = file.inquiries
            Inquiry.write([inquiry], {'start_date': D(2026, 7, 6)})
            self.assertEqual(inquiry.end_date, D(2026, 8, 20))
            self.assertIn('16/07/2026', inquiry.end_explanation)
            Inquiry.open([inquiry])
            claim, = Claim.create([{'inquiry': inquiry.id,
                        'date': D(2026, 8, 18), 'author_name': "Voisin",
                        'text': "Perte d'ensoleillement"}])
            self.assertTrue(claim.in_time)
            self.assertRefused(UserError, Claim.create, [{
                        'inquiry': inquiry.id, 'date': D(2026, 7, 1),
                        'author_name': "Voisin", 'text': "Trop tôt"}],
                text='Received')
            Inquiry.close([inquiry])
            # With an inquiry the decision period is 75 days
            self.assertEqual(file.decision_days(), (90, 'opinions'))
            File.to_decision([file])
            self.assertRefused(UserError, File.notify, [file],
                text='Decision')
            self.assertRefused(UserError, File.write, [file],
                {'decision': 'granted', 'decision_date': D(2026, 8, 20)},
                text='College Decision Date')
            File.write([file], {'decision': 'granted',
                        'decision_date': D(2026, 9, 3)})
            File.notify([file])
            self.assertEqual(file.state, 'notified')
            self.assertIsNotNone(file.appeal_due)
            for name, record in [('permit.file.notification', file),
                    ('permit.inquiry.poster', inquiry)]:
                Report = pool.get(name, type='report')
                ext, content, _, filename = Report.execute([record.id], {})
                self.assertEqual(ext, 'pdf')
                self.assertTrue(bytes(content).startswith(b'%PDF'))
                self.assertNotIn('/', filename)

    @with_transaction()
    def test_opinions(self):
        "Opinions have their own deadline; the regional official's is long"
        pool = Pool()
        File = pool.get('permit.file')
        Party = pool.get('party.party')
        Body = pool.get('permit.opinion.body')
        Opinion = pool.get('permit.opinion')
        self.setup()
        with set_company(self.company):
            fire, official = Party.create([
                    {'name': "Zone de secours Hainaut-Centre"},
                    {'name': "Fonctionnaire délégué"}])
            sri, fd = Body.create([
                    {'party': fire.id, 'code': 'SRI', 'days': 30},
                    {'party': official.id, 'code': 'FD', 'days': 35,
                        'regional_official': True}])
            file = self.file(deposit_date=D(2026, 9, 1))
            File.deposit([file])
            File.write([file], {'complete_date': D(2026, 9, 10)})
            File.declare_complete([file])
            opinion, = Opinion.create([{'file': file.id, 'body': sri.id,
                        'days': 30, 'request_date': D(2026, 9, 11)}])
            Opinion.request([opinion])
            # 11/10 is a Sunday
            self.assertEqual(opinion.due_date, D(2026, 10, 12))
            self.assertEqual(file.decision_days(), (75, 'opinions'))
            self.assertRefused(UserError, Opinion.record_reply, [opinion],
                text='Reply Date')
            Opinion.write([opinion], {'reply_date': D(2026, 9, 30),
                    'result': 'favourable'})
            Opinion.record_reply([opinion])
            Opinion.create([{'file': file.id, 'body': fd.id, 'days': 35}])
            self.assertEqual(file.decision_days(), (115, 'official'))
            self.assertRefused(UserError, Opinion.create, [{
                        'file': file.id, 'body': sri.id, 'days': 30,
                        'request_date': D(2026, 8, 1)}], text='Request Date')

    @with_transaction()
    def test_capakey_validation(self):
        "A malformed capakey names the field and is not stored"
        Parcel = Pool().get('permit.parcel')
        parcel, = Parcel.create([{'capakey': '53053a0123/02b045'}])
        self.assertEqual(parcel.capakey, '53053A0123/02B045')
        self.assertEqual((parcel.division, parcel.cadastral_section,
                parcel.radical, parcel.bis, parcel.exponent, parcel.power),
            ('53053', 'A', '0123', '02', 'B', '045'))
        for bad in ['53053A123/02B045', '53053A0123/02B45X']:
            self.assertRefused(UserError, Parcel.create,
                [{'capakey': bad}], text='Capakey')
        self.assertRefused(UserError, Parcel.create, [{
                    'capakey': '53053A0124/00_000',
                    'geometry': square(3.95, 50.45, 0.001)}],
            text='Lambert 72')
        self.assertRefused(UserError, Parcel.create, [{
                    'capakey': '53053A0124/00_000', 'geometry': '{"x": 1'}],
            text='Outline')

    @with_transaction()
    def test_inquiry_radius(self):
        "Neighbouring parcels within 50 m, and 200 m, with their owners"
        pool = Pool()
        File = pool.get('permit.file')
        Parcel = pool.get('permit.parcel')
        Party = pool.get('party.party')
        Inquiry = pool.get('permit.inquiry')
        self.setup()
        owner_a, owner_b = Party.create([{'name': "A"}, {'name': "B"}])
        x, y = 120000, 125000
        site, touching, near, far = Parcel.create([
                {'capakey': '53053A0001/00_000', 'geometry': square(x, y)},
                {'capakey': '53053A0002/00_000',
                    'geometry': square(x + 20, y),
                    'owners': [('add', [owner_a.id])]},
                {'capakey': '53053A0003/00_000',
                    'geometry': square(x + 60, y),
                    'owners': [('add', [owner_b.id])]},
                {'capakey': '53053A0004/00_000',
                    'geometry': square(x + 150, y + 100)},
                ])
        self.assertEqual(
            [(p.capakey, round(d)) for p, d in Parcel.near([site], 50)],
            [('53053A0002/00_000', 0), ('53053A0003/00_000', 40)])
        self.assertEqual(len(Parcel.near([site], 200)), 3)
        with set_company(self.company):
            file = self.file('PE1', deposit_date=D(2026, 3, 2),
                parcels=[('add', [site.id])])
            File.deposit([file])
            File.declare_complete([file])
            File.start_inquiry([file])
            inquiry, = file.inquiries
            self.assertEqual((inquiry.days, inquiry.radius), (30, 200))
            Inquiry.write([inquiry], {'radius': 50})
            Inquiry.list_neighbours([inquiry])
            self.assertEqual(
                [(n.parcel.capakey, [o.name for o in n.owners])
                    for n in inquiry.neighbours],
                [('53053A0002/00_000', ['A']), ('53053A0003/00_000', ['B'])])
            Notice = pool.get('permit.inquiry.notice', type='report')
            ext, content, _, _ = Notice.execute([inquiry.id], {})
            self.assertTrue(bytes(content).startswith(b'%PDF'))
            self.assertEqual(File.search([('location', '!=', None)]), [file])
            self.assertNotIn(file, File.search([('location', '=', None)]))
            location = json.loads(file.location)
            self.assertEqual(location['type'], 'Polygon')
            lon, lat = location['coordinates'][0][0]
            self.assertTrue(3 < lon < 5 and 50 < lat < 51, (lon, lat))

    @with_transaction()
    def test_rights(self):
        "Only urbanism staff see files; officers do not adjust the types"
        pool = Pool()
        File = pool.get('permit.file')
        ProcedureType = pool.get('permit.procedure_type')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        self.setup()
        group = lambda m, x: ModelData.get_id(m, x)
        officer, agent = User.create([
                {'login': 'urb', 'name': "Urbanisme",
                    'groups': [('add', [
                                group('mons_base', 'group_urbanism')])]},
                {'login': 'agent', 'name': "Agent",
                    'groups': [('add', [
                                group('mons_base', 'group_service_agent')])]},
                ])
        with set_company(self.company):
            file = self.file()
        with Transaction().set_user(agent.id), \
                Transaction().set_context(_check_access=True):
            self.assertRefused(AccessError, File.search, [])
            self.assertRefused(AccessError, File.read, [file.id],
                ['reference'])
            self.assertRefused(AccessError, File.deposit, [file])
            self.assertTrue(ProcedureType.search([]))
        with Transaction().set_user(officer.id), \
                Transaction().set_context(_check_access=True):
            self.assertEqual(File.search([]), [file])
            File.deposit([File(file.id)])
            self.assertRefused(UserError, File.write, [File(file.id)],
                {'reference': 'X'}, text='Reference')
            type_ = ProcedureType.search([('code', '=', 'PU')])[0]
            self.assertRefused(AccessError, ProcedureType.write, [type_],
                {'decision_days': 10})

    @with_transaction()
    def test_reminders_and_overdue(self):
        "The officer is reminded once before each deadline; overdue listed"
        pool = Pool()
        File = pool.get('permit.file')
        User = pool.get('res.user')
        Reminder = pool.get('permit.file.reminder')
        Email = pool.get('ir.email')
        Body = pool.get('permit.opinion.body')
        Opinion = pool.get('permit.opinion')
        Party = pool.get('party.party')
        self.setup()
        officer, = User.create([{'login': 'urb', 'name': "Urbanisme",
                    'email': 'urbanisme@mons.be'}])
        fire, = Party.create([{'name': "Zone de secours"}])
        body, = Body.create([{'party': fire.id, 'code': 'SRI',
                    'email': 'prevention@zone.be'}])
        with set_company(self.company):
            file = self.file(deposit_date=D(2026, 9, 1), officer=officer.id)
            other = self.file(deposit_date=D(2026, 9, 1))
            File.deposit([file, other])
            # Completeness due on 21/09; reminder days: 5
            File.send_reminders(D(2026, 9, 15))
            self.assertEqual(Reminder.search([], count=True), 0)
            File.send_reminders(D(2026, 9, 16))
            File.send_reminders(D(2026, 9, 17))
            reminder, = Reminder.search([])
            self.assertEqual((reminder.file, reminder.due_date,
                    reminder.recipient),
                (file, D(2026, 9, 21), 'urbanisme@mons.be'))
            email, = Email.search([('resource', '=', str(file))])
            self.assertIn('21/09/2026', email.subject)
            File.write([file], {'complete_date': D(2026, 9, 10)})
            File.declare_complete([file])
            opinion, = Opinion.create([{'file': file.id, 'body': body.id,
                        'days': 30, 'request_date': D(2026, 9, 11)}])
            Opinion.request([opinion])
            File.send_reminders(D(2026, 10, 8))
            self.assertEqual(opinion.reminded, D(2026, 10, 8))
            self.assertEqual(Email.search([], count=True), 3)
            # Today (December 2026 or later) both files are overdue
            self.assertEqual(File.search([('overdue', '=', True)],
                    order=[('id', 'ASC')]), [file, other])
            self.assertEqual(File.search([('overdue', '=', False)]), [])

    @with_transaction()
    def test_demo(self):
        "The demo files reach every step through the buttons"
        pool = Pool()
        File = pool.get('permit.file')
        Party = pool.get('party.party')
        Section = pool.get('mons.section')
        Country = pool.get('country.country')
        from trytond.modules.mons_permit import demo_files
        import random
        self.setup()
        if not Section.search([('code', '=', 'MONS')]):
            Section.create([{'code': c, 'name': c.title(),
                        'postal_code': '7000', 'latitude': lat,
                        'longitude': lon} for c, lat, lon in [
                        ('MONS', 50.4542, 3.9523), ('NIMY', 50.4717, 3.955),
                        ('GHLIN', 50.4883, 3.9067),
                        ('JEMAPPES', 50.4503, 3.8886),
                        ('CUESMES', 50.4358, 3.9228),
                        ('HAVRE', 50.4647, 4.0436),
                        ('SPIENNES', 50.4267, 3.9867)]])
        belgium, = Country.create([{'name': "Belgique", 'code': 'BE'}])
        Party.create([{'name': f"Habitant {i}", 'addresses': [('create', [{
                                'street': f"Rue {i}", 'city': "Mons",
                                'country': belgium.id}])]}
                for i in range(10)])
        with set_company(self.company):
            demo_files.load_demo(random.Random(1))
        files = File.search([])
        self.assertEqual(len(files), 12)
        self.assertEqual({f.state for f in files}, {
                'draft', 'deposited', 'incomplete', 'complete', 'inquiry',
                'opinions', 'decision', 'notified', 'closed', 'appeal',
                'cancelled'})
        inquiry_file, = [f for f in files if f.state == 'inquiry']
        self.assertTrue(inquiry_file.inquiries[0].neighbours)
