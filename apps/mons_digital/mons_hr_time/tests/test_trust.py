"""Workflow integrity and organisation isolation, tried as the users who
would break them: states, approval fields and computed results change only
through the buttons, device clockings are corrected by new records, and
City HR does not see the CPAS."""
import datetime as dt

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .test_module import MONDAY, DBTestCase, day_of, ev, with_org
from .test_request import as_user


class TrustTestCase(DBTestCase):

    def annual(self, o, days=20):
        pool = Pool()
        LeaveType = pool.get('attendance.leave.type')
        Allocation = pool.get('attendance.leave.allocation')
        annual, = LeaveType.create([{'name': "Congé annuel",
                    'code': 'annual', 'needs_allocation': True}])
        Allocation.create([{'employee': o.alice.id, 'type': annual.id,
                    'year': MONDAY.year, 'quantity': days}])
        return annual

    @with_transaction()
    @with_org
    def test_requests_born_draft(self, o):
        "No request is created approved, decided or with a computed result"
        pool = Pool()
        Leave = pool.get('attendance.leave')
        Telework = pool.get('attendance.telework')
        Correction = pool.get('attendance.correction')
        annual = self.annual(o)
        alice = o.user('alice', o.alice)
        chef = o.user('chef', o.chef)
        leave = {'employee': o.alice.id, 'type': annual.id,
            'start': MONDAY, 'end': MONDAY}
        with as_user(alice):
            for values in [{'state': 'approved'}, {'level': 3},
                    {'duration': 0.5}, {'certificate_received': True},
                    {'approvals': [('create', [{'level': 1,
                                        'state': 'approved'}])]}]:
                with self.assertRaises(UserError):
                    Leave.create([dict(leave, **values)])
            with self.assertRaisesRegex(UserError, 'State|État'):
                Telework.create([{'employee': o.alice.id,
                            'start': MONDAY, 'state': 'approved'}])
            with self.assertRaises(UserError):
                Correction.create([{'employee': o.alice.id, 'kind': 'add',
                            'at': dt.datetime(2026, 3, 2, 15),
                            'direction': 'out', 'reason': "x",
                            'decided_by': chef.id}])
            # Giving the default state is not a forgery
            # (the refused creates above stay in this test's transaction,
            # a request's is rolled back: another date)
            later = MONDAY + dt.timedelta(days=7)
            draft, = Leave.create([dict(leave, state='draft',
                        start=later, end=later)])
            self.assertEqual(draft.state, 'draft')

    @with_transaction()
    @with_org
    def test_state_only_through_buttons(self, o):
        """A refused leave stays refused; an approved one is not rewritten,
        nor deleted; its decisions are not forged"""
        pool = Pool()
        Leave = pool.get('attendance.leave')
        Approval = pool.get('attendance.leave.approval')
        annual = self.annual(o, days=1)
        alice = o.user('alice', o.alice)
        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        with as_user(alice):
            leave, = Leave.create([{'employee': o.alice.id,
                        'type': annual.id, 'start': MONDAY,
                        'end': MONDAY}])
            Leave.request([leave])
            for values in [{'state': 'approved'}, {'level': 2},
                    {'reason': "changed"}]:
                with self.assertRaises(UserError):
                    Leave.write([leave], values)
            with self.assertRaises(UserError):
                Leave.delete([leave])
            with self.assertRaises(UserError):
                Approval.write(list(leave.approvals), {'state': 'approved'})
            with self.assertRaises(UserError):
                Approval.create([{'leave': leave.id, 'level': 1,
                            'state': 'approved'}])
            # Nor approved by its own employee through the button
            with self.assertRaises(UserError):
                Leave.approve([leave])
        with as_user(chef):
            Leave.refuse([Leave(leave.id)])
        with as_user(alice):
            with self.assertRaises(UserError):
                Leave.write([Leave(leave.id)], {'state': 'approved'})
            # A refused request may be deleted by its employee
            Leave.delete([Leave(leave.id)])

    @with_transaction()
    @with_org
    def test_overtime_paid_not_rewritten(self, o):
        pool = Pool()
        Line = pool.get('attendance.line')
        Overtime = pool.get('attendance.overtime')
        Line.clock([ev('B001', MONDAY, '07:00', 'in'),
                ev('B001', MONDAY, '18:30', 'out')])
        overtime, = Overtime.search([('employee', '=', o.alice.id)])
        alice = o.user('alice', o.alice)
        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        with as_user(alice):
            # The employee chooses the compensation while it waits
            Overtime.write([overtime], {'compensation': 'payment'})
            for values in [{'duration': 99999}, {'credited': 99999},
                    {'state': 'approved'}]:
                with self.assertRaises(UserError):
                    Overtime.write([overtime], values)
        with as_user(chef):
            Overtime.approve([Overtime(overtime.id)])
        with as_user(alice):
            with self.assertRaises((UserError, AccessError)):
                Overtime.write([Overtime(overtime.id)],
                    {'compensation': 'recovery'})
            with self.assertRaises((UserError, AccessError)):
                Overtime.delete([Overtime(overtime.id)])
        self.assertEqual(Overtime(overtime.id).compensation, 'payment')

    @with_transaction()
    @with_org
    def test_device_clocking_corrected_by_new_record(self, o):
        """A badge-terminal clocking is neither moved nor deleted, even by
        HR; a correction replaces it by a new clocking that points to it"""
        pool = Pool()
        Line = pool.get('attendance.line')
        Correction = pool.get('attendance.correction')
        Line.clock([ev('B001', MONDAY, '08:00', 'in'),
                ev('B001', MONDAY, '12:00', 'out')])
        first, second = Line.search([('employee', '=', o.alice.id)],
            order=[('at', 'ASC')])
        self.assertEqual(day_of(o.alice, MONDAY).paired, 4 * 3600)
        alice = o.user('alice', o.alice)
        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        rh = o.user('rh', o.other, groups=['group_hr_officer'])
        for user in [alice, rh]:
            with as_user(user):
                with self.assertRaises((UserError, AccessError)):
                    Line.write([Line(second.id)],
                        {'at': dt.datetime(2026, 3, 2, 16)})
                with self.assertRaises((UserError, AccessError)):
                    Line.delete([Line(second.id)])
        with as_user(alice):
            # Nor forged as a device clocking
            with self.assertRaises((UserError, AccessError)):
                Line.create([{'employee': o.alice.id,
                            'company': o.company.id,
                            'at': dt.datetime(2026, 3, 2, 17),
                            'type': 'out', 'source': 'device'}])
            correction, = Correction.create([{'employee': o.alice.id,
                        'kind': 'move', 'clocking': second.id,
                        'at': dt.datetime(2026, 3, 2, 15),
                        'reason': "Sortie à 16 h, badgeuse en panne"}])
            Correction.request([correction])
        with as_user(rh):
            # HR may enter a desk clocking, but not as a device one
            with self.assertRaises(UserError):
                Line.create([{'employee': o.alice.id,
                            'company': o.company.id,
                            'at': dt.datetime(2026, 3, 3, 7),
                            'type': 'in', 'device': o.device.id}])
        with as_user(chef):
            Correction.approve([Correction(correction.id)])
        correction = Correction(correction.id)
        self.assertEqual(correction.state, 'approved')
        new = correction.line
        self.assertEqual(new.corrects, second)
        self.assertEqual((new.source, new.type), ('correction', 'out'))
        # The device clocking is kept as received, marked corrected
        self.assertEqual(Line(second.id).source, 'device')
        self.assertEqual(Line(second.id).at, second.at)
        self.assertTrue(Line(second.id).corrected)
        self.assertEqual(Line.search([('corrected', '=', True)]), [second])
        self.assertEqual(day_of(o.alice, MONDAY).paired, 8 * 3600)
        # A clocking is corrected once
        with as_user(alice):
            again, = Correction.create([{'employee': o.alice.id,
                        'kind': 'remove', 'clocking': second.id,
                        'reason': "Encore"}])
            with self.assertRaises(UserError):
                Correction.request([again])
            # The approved correction's clocking is not moved either
            with self.assertRaises((UserError, AccessError)):
                Line.write([new], {'at': dt.datetime(2026, 3, 2, 18)})
        # Cancelling a clocking: the day loses its pair
        with as_user(alice):
            remove, = Correction.create([{'employee': o.alice.id,
                        'kind': 'remove', 'clocking': first.id,
                        'reason': "Badge d'un collègue"}])
            Correction.request([remove])
        with as_user(chef):
            Correction.approve([Correction(remove.id)])
        day = day_of(o.alice, MONDAY)
        self.assertIsNone(day.worked)
        self.assertIn('missing_in', day.anomalies)

    @with_transaction()
    @with_org
    def test_city_hr_does_not_read_other_organisation(self, o):
        pool = Pool()
        Company = pool.get('company.company')
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        Leave = pool.get('attendance.leave')
        Overtime = pool.get('attendance.overtime')
        Anomaly = pool.get('attendance.anomaly')
        Line = pool.get('attendance.line')
        LeaveType = pool.get('attendance.leave.type')
        Device = pool.get('hr.time.device')
        sick, = LeaveType.create([{'name': "Maladie", 'code': 'SICK'}])
        cpas_party, = Party.create([{'name': "CPAS"}])
        cpas, = Company.create([{'party': cpas_party.id,
                    'currency': o.company.currency.id,
                    'timezone': 'Europe/Brussels'}])
        party, = Party.create([{'name': "Zoé"}])
        zoe, = Employee.create([{'party': party.id, 'company': cpas.id,
                    'badge': 'C001'}])
        o.assign(zoe, o.fixed)
        Device.create([{'name': "CPAS", 'code': 'CPAS-1',
                    'company': cpas.id}])
        Line.clock([ev('C001', MONDAY, '07:00', 'in', device='CPAS-1')])
        Line.clock([ev('B001', MONDAY, '07:00', 'in')])
        Leave.create([{'employee': zoe.id, 'type': sick.id,
                    'start': MONDAY, 'end': MONDAY}])
        rh = o.user('rh', o.other, groups=['group_hr_officer'])
        with as_user(rh):
            self.assertFalse(Leave.search([('employee', '=', zoe.id)]))
            self.assertFalse(Anomaly.search([('employee', '=', zoe.id)]))
            self.assertFalse(Overtime.search([('employee', '=', zoe.id)]))
            self.assertTrue(Anomaly.search([('employee', '=', o.alice.id)]))
            with self.assertRaises(AccessError):
                Leave.create([{'employee': zoe.id, 'type': sick.id,
                            'start': MONDAY, 'end': MONDAY}])

    @with_transaction()
    @with_org
    def test_badge_and_balances_private(self, o):
        """Badge and balances: the employee's own, their managers' and
        HR's; not a colleague's nor another service's manager's"""
        Employee = Pool().get('company.employee')
        alice = o.user('alice', o.alice)
        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        other = o.user('other', o.other, groups=['group_service_manager'])
        rh = o.user('rh', o.dora if hasattr(o, 'dora') else o.other,
            groups=['group_hr_officer'])
        fields = ['badge', 'leave_balance', 'recovery_balance',
            'flexitime_balance']

        def read(user, employee):
            with as_user(user):
                row, = Employee.read([employee.id], fields)
            return row

        self.assertEqual(read(alice, o.alice)['badge'], 'B001')
        self.assertIsNotNone(read(alice, o.alice)['leave_balance'])
        for user, employee in [(alice, o.bob), (other, o.alice)]:
            row = read(user, employee)
            self.assertEqual({f: row[f] for f in fields},
                dict.fromkeys(fields), (user.login, employee.rec_name))
        self.assertEqual(read(chef, o.alice)['badge'], 'B001')
        self.assertEqual(read(rh, o.bob)['badge'], 'B002')

    @with_transaction()
    @with_org
    def test_managers_read_their_tree_only(self, o):
        """A manager reads the time of the people of the services they
        manage and below; being a member of a service is not managing it"""
        pool = Pool()
        Service = pool.get('mons.service')
        Day = pool.get('attendance.day')
        Line = pool.get('attendance.line')
        culture, = Service.search([('code', '=', 'CULT')])
        eve = o.employee("Eve", 'B300')
        o.assign(eve, o.fixed)
        Service.write([culture], {'members': [('add', [eve.id])]})
        Line.clock([ev('B001', MONDAY, '08:00', 'in'),
                ev('B300', MONDAY, '08:00', 'in')])
        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        # Other is a member of Culture and manages nothing
        other = o.user('other', o.other, groups=['group_service_manager'])
        with as_user(chef):
            self.assertEqual({d.employee for d in Day.search([])},
                {o.alice})
        with as_user(other):
            self.assertEqual(Day.search([('employee', '=', eve.id)]), [])
        self.assertEqual(o.alice.time_managers, (o.chef,))
