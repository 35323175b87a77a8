"""Leave administration at scale: part-time patterns per weekday in the
allocation and the day computation, a leave across the new year charged to
each year, the allocation wizard and scheduled job, "To Approve" listing
what the user may decide, the e-mails of a request and its decisions, and
the team calendar; tried as the HR officer, the managers and the employee."""
import datetime as dt

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .test_module import MONDAY, DBTestCase, day_of, ev, td, with_org
from .test_request import as_user

WEDNESDAY = MONDAY + td(days=2)


def weekday_pattern(org, employee, **shares):
    "Give employee a per-weekday part-time pattern on the fixed schedule"
    assignment, = employee.work_schedules
    values = {'pattern': 'weekday'}
    values.update(shares)
    Pool().get('hr.time.employee.schedule').write([assignment], values)
    return assignment


class Hierarchy:
    """Alice in Travaux (manager Chef) under Direction (manager Director);
    users for Alice, Chef, Director and an HR officer, all with e-mails"""

    def __init__(self, o):
        pool = Pool()
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        Service = pool.get('mons.service')
        LeaveType = pool.get('attendance.leave.type')
        User = pool.get('res.user')
        party, = Party.create([{'name': "Director"}])
        self.director, = Employee.create([{'party': party.id,
                    'company': o.company.id}])
        o.assign(self.director, o.fixed)
        top, = Service.create([{'name': "Direction", 'code': 'DG',
                    'company': o.company.id,
                    'manager': self.director.id}])
        Service.write([o.service], {'parent': top.id})
        self.annual, = LeaveType.create([{'name': "Congé annuel",
                    'code': 'annual', 'needs_allocation': True,
                    'yearly_entitlement': 26}])
        self.long, = LeaveType.create([{'name': "Formation longue",
                    'code': 'long', 'approval_levels': 2}])
        self.alice = o.user('alice', o.alice)
        self.bob = o.user('bob', o.bob)
        self.chef = o.user('chef', o.chef, groups=['group_service_manager'])
        self.director_user = o.user('director', self.director,
            groups=['group_service_manager'])
        self.hr = o.user('rh', o.other, groups=['group_hr_officer'])
        for user in [self.alice, self.bob, self.chef, self.director_user,
                self.hr]:
            User.write([user], {'email': f'{user.login}@example.com'})


class LeaveAdminTestCase(DBTestCase):
    "Leave administration: allocation, year split, approval lists, e-mails"

    @with_transaction()
    @with_org
    def test_weekday_pattern(self, o):
        "4/5 with Wednesday off: 4/5 allocation, no leave or work expected"
        pool = Pool()
        Allocation = pool.get('attendance.leave.allocation')
        Leave = pool.get('attendance.leave')
        Line = pool.get('attendance.line')
        LeaveType = pool.get('attendance.leave.type')
        assignment = weekday_pattern(o, o.bob, wednesday=0)
        self.assertEqual(assignment.fraction_at(WEDNESDAY), 0)
        self.assertEqual(assignment.fraction_at(MONDAY), 1)
        self.assertEqual(assignment.average_fraction, 0.8)
        # Full time all the year gives the full 26 days, the pattern 4/5
        self.assertEqual(Allocation.pro_rata(o.alice, 2026, 26), 26)
        self.assertEqual(Allocation.pro_rata(o.bob, 2026, 26), 21)
        # An exit on 30 June on top of it: about half of that
        o.bob.end_date = dt.date(2026, 6, 30)
        o.bob.save()
        self.assertEqual(Allocation.pro_rata(o.bob, 2026, 26), 10.5)

        # A week of leave costs 4 days: Wednesday is not a leave day
        annual, = LeaveType.create([{'name': "Congé", 'code': 'annual'}])
        leave, = Leave.create([{'employee': o.bob.id, 'type': annual.id,
                    'start': MONDAY, 'end': MONDAY + td(days=6)}])
        self.assertEqual(leave.duration, 4)
        self.assertNotIn(WEDNESDAY, leave.dates())

        # The day computation expects nothing on Wednesday, a full day
        # on Thursday (no unjustified absence on the day off)
        Line.clock([ev('B002', WEDNESDAY + td(days=1), '08:00', 'in'),
                ev('B002', WEDNESDAY + td(days=1), '16:30', 'out')])
        self.assertEqual(day_of(o.bob, WEDNESDAY + td(days=1)).expected,
            8 * 3600)
        Pool().get('attendance.day').compute([(o.bob.id, WEDNESDAY)])
        wednesday = day_of(o.bob, WEDNESDAY)
        self.assertEqual(wednesday.expected, 0)
        self.assertNotIn('unjustified_absence', wednesday.anomalies or '')

        # A half-day share counts half a day of leave
        weekday_pattern(o, o.bob, wednesday=0, friday=0.5)
        friday, = Leave.create([{'employee': o.bob.id, 'type': annual.id,
                    'start': MONDAY + td(days=11),
                    'end': MONDAY + td(days=11)}])
        self.assertEqual(friday.duration, 0.5)

        # Shares outside [0, 1] or no working day at all are refused
        with self.assertRaises(UserError):
            weekday_pattern(o, o.alice, monday=1.5)

    @with_transaction()
    @with_org
    def test_leave_across_new_year(self, o):
        "30 December to 5 January: each year's balance pays its own days"
        pool = Pool()
        Allocation = pool.get('attendance.leave.allocation')
        Leave = pool.get('attendance.leave')
        Holiday = pool.get('mons.holiday')
        h = Hierarchy(o)
        Holiday.create([{'date': dt.date(2027, 1, 1), 'name': "Nouvel an",
                    'company': o.company.id}])
        Allocation.create([{'employee': o.alice.id, 'type': h.annual.id,
                    'year': year, 'quantity': 5} for year in (2026, 2027)])
        with as_user(h.alice):
            leave, = Leave.create([{'employee': o.alice.id,
                        'type': h.annual.id,
                        'start': dt.date(2026, 12, 30),
                        'end': dt.date(2027, 1, 5)}])
            # 30, 31 December; 4, 5 January (1 January is a holiday)
            self.assertEqual(leave.duration, 4)
            Leave.request([leave])
        self.assertEqual(Allocation.balance_at(
                o.alice, h.annual, dt.date(2026, 12, 31)), 3)
        self.assertEqual(Allocation.balance_at(
                o.alice, h.annual, dt.date(2027, 1, 1)), 3)

        # Each year's part is checked against that year: after 3 days in
        # January 2027 has 2 left, so 30 December - 6 January (3 days in
        # 2027) is refused although 2026 could pay all of it
        Leave.cancel([leave])
        january, = Leave.create([{'employee': o.alice.id,
                    'type': h.annual.id, 'start': dt.date(2027, 1, 11),
                    'end': dt.date(2027, 1, 13)}])
        Leave.request([january])
        self.assertEqual(Allocation.balance_at(
                o.alice, h.annual, dt.date(2027, 6, 1)), 2)
        self.assertEqual(Allocation.balance_at(
                o.alice, h.annual, dt.date(2026, 6, 1)), 5)
        again, = Leave.create([{'employee': o.alice.id,
                    'type': h.annual.id, 'start': dt.date(2026, 12, 30),
                    'end': dt.date(2027, 1, 6)}])
        with self.assertRaises(UserError):
            Leave.request([again])

    @with_transaction()
    @with_org
    def test_allocate_wizard_and_job(self, o):
        "HR allocates a year pro rata and carries over; the job does both"
        pool = Pool()
        Allocation = pool.get('attendance.leave.allocation')
        Allocate = pool.get('attendance.leave.allocate', type='wizard')
        h = Hierarchy(o)
        weekday_pattern(o, o.bob, wednesday=0)
        o.alice.start_date = dt.date(2026, 7, 1)
        o.alice.save()

        # The employee may not run it
        data = {'start': {'type': h.annual.id, 'year': 2026, 'base': 26,
                'carry_over': True, 'employees': [o.alice.id, o.bob.id]}}
        with as_user(h.alice):
            with self.assertRaises(AccessError):
                session_id, _, _ = Allocate.create()
                Allocate.execute(session_id, data, 'open_')
        self.assertFalse(Allocation.search([]))

        with as_user(h.hr):
            session_id, _, _ = Allocate.create()
            result = Allocate.execute(session_id, data, 'open_')
            action, = result['actions']
            self.assertEqual(action[0]['res_model'],
                'attendance.leave.allocation')
        quantities = {a.employee: a.quantity for a in Allocation.search(
                [('year', '=', 2026)])}
        # Alice joins on 1 July (184 of 365 days), Bob works 4/5
        self.assertEqual(quantities, {o.alice: 13.5, o.bob: 21})

        # The job on 1 January 2027: everybody employed gets 2027 pro
        # rata and 2026's balances come along
        created = Allocation.allocate_yearly(dt.date(2027, 1, 1))
        by_employee = {a.employee: a for a in Allocation.search(
                [('year', '=', 2027)])}
        self.assertEqual(by_employee[o.bob].quantity, 21)
        self.assertEqual(by_employee[o.alice].quantity, 26)
        self.assertEqual(by_employee[o.alice].carried_over, 13.5)
        self.assertEqual(by_employee[o.bob].carried_over, 21)
        self.assertIn(by_employee[o.chef], created)
        # Run again: nothing more
        self.assertEqual(Allocation.allocate_yearly(dt.date(2027, 2, 1)),
            [])
        self.assertEqual(Allocation.search_count([('year', '=', 2027)]),
            len(by_employee))

    @with_transaction()
    @with_org
    def test_to_approve_lists_what_the_user_may_decide(self, o):
        "A level-1 manager does not see level-2 requests; nobody their own"
        pool = Pool()
        Leave = pool.get('attendance.leave')
        h = Hierarchy(o)
        with as_user(h.alice):
            leave, = Leave.create([{'employee': o.alice.id,
                        'type': h.long.id, 'start': MONDAY,
                        'end': MONDAY}])
            Leave.request([leave])
            # Her own request is not hers to decide
            self.assertEqual(Leave.search([('can_decide', '=', True)]), [])
        with as_user(h.chef):
            chef_leave, = Leave.create([{'employee': o.chef.id,
                        'type': h.long.id, 'start': MONDAY,
                        'end': MONDAY}])
            Leave.request([chef_leave])

        def to_approve(user):
            with as_user(user):
                return Leave.search([('state', '=', 'requested'),
                        ('can_decide', '=', True)])
        self.assertEqual(to_approve(h.chef), [leave])
        self.assertEqual(to_approve(h.director_user), [chef_leave])
        self.assertEqual(set(to_approve(h.hr)), {leave, chef_leave})
        self.assertEqual(to_approve(h.bob), [])
        with as_user(h.chef):
            Leave.approve(Leave.browse([leave.id]))
        # Level 2 now: the director's, no longer the chef's
        self.assertEqual(to_approve(h.chef), [])
        self.assertEqual(set(to_approve(h.director_user)),
            {leave, chef_leave})
        with as_user(h.chef):
            with self.assertRaises(UserError):
                Leave.approve(Leave.browse([leave.id]))
        with as_user(h.director_user):
            Leave.approve(Leave.browse([leave.id]))
        self.assertEqual(Leave(leave.id).state, 'approved')
        self.assertEqual(to_approve(h.director_user), [chef_leave])

    @with_transaction()
    @with_org
    def test_emails(self, o):
        "Approvers are e-mailed a request, the employee each decision"
        pool = Pool()
        Leave = pool.get('attendance.leave')
        Email = pool.get('ir.email')
        Refuse = pool.get('hr.time.request.refuse', type='wizard')
        h = Hierarchy(o)

        def emails(leave):
            return [(e.recipients, e.subject, e.body) for e in Email.search(
                    [('resource', '=', str(leave))], order=[('id', 'ASC')])]
        with as_user(h.alice):
            leave, = Leave.create([{'employee': o.alice.id,
                        'type': h.long.id, 'start': MONDAY,
                        'end': MONDAY}])
            Leave.request([leave])
        (to, subject, body), = emails(leave)
        self.assertEqual(to, 'chef <chef@example.com>')
        self.assertIn("Alice", subject)
        self.assertIn("Formation longue", body)
        with as_user(h.chef):
            Leave.approve(Leave.browse([leave.id]))
        # Level 2: the director is asked, Alice not told yet
        self.assertEqual([e[0] for e in emails(leave)][1:],
            ['director <director@example.com>'])
        with as_user(h.director_user):
            Leave.approve(Leave.browse([leave.id]))
        to, subject, body = emails(leave)[-1]
        self.assertEqual(to, 'alice <alice@example.com>')
        self.assertIn("approved", body)

        # Refused with a reason: the e-mail tells it
        with as_user(h.alice):
            other, = Leave.create([{'employee': o.alice.id,
                        'type': h.long.id, 'start': MONDAY + td(days=1),
                        'end': MONDAY + td(days=1)}])
            Leave.request([other])
        with as_user(h.chef), Transaction().set_context(
                active_model='attendance.leave', active_id=other.id,
                active_ids=[other.id]):
            session_id, _, _ = Refuse.create()
            Refuse.execute(session_id, {'start': {
                        'reason': "Service minimum ce jour-là",
                        'count': 1}}, 'refuse')
        to, subject, body = emails(other)[-1]
        self.assertEqual(to, 'alice <alice@example.com>')
        self.assertIn("refused", body)
        self.assertIn("Service minimum ce jour-là", body)
        self.assertEqual(len(emails(other)), 2)

    @with_transaction()
    @with_org
    def test_team_calendar(self, o):
        "The calendar view draws; a manager searches his service's leave"
        pool = Pool()
        Leave = pool.get('attendance.leave')
        Service = pool.get('mons.service')
        h = Hierarchy(o)
        view = Leave.fields_view_get(view_type='calendar')
        self.assertIn('dtstart="start"', view['arch'])
        leaves = Leave.create([{'employee': e.id, 'type': h.long.id,
                    'start': MONDAY, 'end': MONDAY + td(days=1)}
                for e in [o.alice, o.other]])
        Leave.request(leaves)
        culture, = Service.search([('code', '=', 'CULT')])
        with as_user(h.chef):
            self.assertEqual(Leave.search([
                        ('employee_services', '=', o.service.id)]),
                [leaves[0]])
            # The rules still apply: Culture is not his
            self.assertEqual(Leave.search([
                        ('employee_services', '=', culture.id)]), [])
        with as_user(h.hr):
            self.assertEqual(Leave.search([
                        ('employee_services', '=', culture.id)]),
                [leaves[1]])

    @with_transaction()
    @with_org
    def test_roster(self, o):
        "Who works when in a service and week, as the manager reads it"
        pool = Pool()
        Roster = pool.get('hr.time.roster')
        Leave = pool.get('attendance.leave')
        Telework = pool.get('attendance.telework')
        Holiday = pool.get('mons.holiday')
        h = Hierarchy(o)
        weekday_pattern(o, o.bob, wednesday=0, friday=0.5)
        Holiday.create([{'date': MONDAY + td(days=4), 'name': "Fête",
                    'company': o.company.id}])
        telework, = Telework.create([{'employee': o.alice.id,
                    'start': MONDAY + td(days=1)}])
        Telework.request([telework])
        leave, = Leave.create([{'employee': o.alice.id, 'type': h.long.id,
                    'start': MONDAY + td(days=3),
                    'end': MONDAY + td(days=3)}])
        Leave.request([leave])
        with as_user(h.hr):
            Leave.approve(Leave.browse([leave.id]))
            Leave.approve(Leave.browse([leave.id]))
        with as_user(h.chef):
            Telework.approve([telework])
            with Transaction().set_context(roster_service=o.service.id,
                    roster_date=MONDAY + td(days=2)):
                rows = Roster.search([])
                self.assertEqual({r.employee for r in rows},
                    {o.alice, o.bob})
                cells = {r['employee']: r for r in Roster.read(
                        [r.id for r in rows],
                        ['employee', 'day_monday', 'day_tuesday',
                            'day_wednesday', 'day_thursday',
                            'day_friday', 'day_saturday', 'week_hours'])}
            # Culture is not his
            with Transaction().set_context(roster_date=MONDAY):
                self.assertEqual({r.employee for r in Roster.search([])},
                    {o.alice, o.bob})
        alice, bob = cells[o.alice.id], cells[o.bob.id]
        self.assertEqual(alice['day_monday'], '08:00-16:30')
        self.assertEqual(alice['day_tuesday'], 'Telework 08:00-16:30')
        self.assertEqual(alice['day_thursday'], "Formation longue")
        self.assertEqual(alice['day_friday'], 'Holiday')
        self.assertEqual(alice['day_saturday'], 'Off')
        self.assertEqual(alice['week_hours'], '24h00')
        self.assertEqual(bob['day_wednesday'], 'Off')
        self.assertEqual(bob['week_hours'], '24h00')
        with as_user(h.hr), Transaction().set_context(roster_date=MONDAY):
            self.assertIn(o.other, {r.employee for r in Roster.search([])})
        with as_user(h.bob), Transaction().set_context(roster_date=MONDAY):
            self.assertEqual([r.employee for r in Roster.search([])],
                [o.bob])
