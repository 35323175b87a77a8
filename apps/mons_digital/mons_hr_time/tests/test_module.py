import datetime as dt
import functools
import unittest

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.mons_base.tests import (
    DeskViewsTestMixin, FrenchTranslationTestMixin)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    ModuleTestCase, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

MONDAY = dt.date(2026, 3, 2)


def td(**kw):
    return dt.timedelta(**kw)


def t(hour, minute=0):
    return dt.time(hour, minute)


class HRTime:
    "Builds a small organisation for the tests"

    def __init__(self):
        pool = Pool()
        Device = pool.get('hr.time.device')
        Schedule = pool.get('hr.time.schedule')
        Service = pool.get('mons.service')
        Rule = pool.get('attendance.overtime.rule')
        self.company = company = create_company()
        company.timezone = 'Europe/Brussels'
        company.save()
        self.ctx = set_company(company)
        self.ctx.__enter__()

        self.alice = self.employee("Alice", 'B001')
        self.bob = self.employee("Bob", 'B002')
        self.chef = self.employee("Chef", 'B100')
        self.other = self.employee("Other", 'B200')
        self.service, = Service.create([{'name': "Travaux", 'code': 'TRAV',
                    'company': company.id, 'manager': self.chef.id,
                    'members': [('add', [self.alice.id, self.bob.id])]}])
        Service.create([{'name': "Culture", 'code': 'CULT',
                    'company': company.id,
                    'members': [('add', [self.other.id])]}])
        self.device, = Device.create([{'name': "Hall", 'code': 'HALL-1',
                    'company': company.id}])
        self.fixed, = Schedule.create([{'name': "Fixed", 'kind': 'fixed',
                    'company': company.id,
                    'lines': [('create', [{'weekday': str(d),
                                    'start': t(8), 'end': t(16, 30),
                                    'break_duration': td(minutes=30)}
                                for d in range(5)])]}])
        self.rule, = Rule.create([{'company': company.id,
                    'evening_start': t(20)}])
        for e in [self.alice, self.bob, self.chef, self.other]:
            self.assign(e, self.fixed)

    def close(self):
        self.ctx.__exit__(None, None, None)

    def employee(self, name, badge):
        pool = Pool()
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        party, = Party.create([{'name': name}])
        return Employee.create([{'party': party.id,
                    'company': self.company.id, 'badge': badge}])[0]

    def assign(self, employee, schedule, start=dt.date(2026, 1, 1),
            end=None, fraction=1.0):
        Assignment = Pool().get('hr.time.employee.schedule')
        return Assignment.create([{'employee': employee.id,
                    'schedule': schedule.id, 'valid_from': start,
                    'valid_to': end, 'fraction': fraction}])[0]

    def user(self, login, employee, groups=()):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        group_ids = [ModelData.get_id('mons_base', g)
            for g in ('group_employee',) + tuple(groups)]
        user, = User.create([{'login': login, 'name': login,
                    'employees': [('add', [employee.id])],
                    'employee': employee.id,
                    'companies': [('add', [self.company.id])],
                    'company': self.company.id,
                    'groups': [('add', group_ids)]}])
        return user


def with_org(func):
    "Run a test inside a small organisation, leaving its context on error"
    @functools.wraps(func)
    def wrapper(self):
        org = HRTime()
        try:
            return func(self, org)
        finally:
            org.close()
    return wrapper


class DBTestCase(unittest.TestCase):
    """A database with the module for plain test cases, dropped afterwards
    as ModuleTestCase does: a scenario run next restores its own"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('mons_hr_time')

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()


def ev(badge, date, clock, direction, device='HALL-1', offset='+01:00'):
    return {'badge': badge, 'at': f'{date.isoformat()}T{clock}:00{offset}',
        'direction': direction, 'device': device}


def carry_and_close(period):
    """Close a period as HR would once everything is decided: what is left
    open is explicitly carried and every employee signed off"""
    pool = Pool()
    Period = pool.get('attendance.period')
    Item = pool.get('hr.time.close.item')
    Signoff = pool.get('hr.time.close.signoff')
    Period.check_close([period])
    Item.carry(Item.search([('period', '=', period.id),
                ('state', '=', 'open')]))
    Signoff.sign(Signoff.search([('period', '=', period.id),
                ('state', '=', 'to_sign')]))
    Period.close([period])


def day_of(employee, date):
    Day = Pool().get('attendance.day')
    days = Day.search([('employee', '=', employee.id), ('date', '=', date)])
    return days[0] if days else None


class MonsHrTimeTestCase(
        DeskViewsTestMixin, FrenchTranslationTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test mons_hr_time module"
    module = 'mons_hr_time'

    @with_transaction()
    @with_org
    def test_worked_example_and_replay(self, o):
        "IN 08:05 OUT 12:00 IN 12:30 OUT 17:10 gives 8h35, 35 min over"
        Line = Pool().get('attendance.line')
        batch = [ev('B001', MONDAY, '08:05', 'in'),
            ev('B001', MONDAY, '12:00', 'out'),
            ev('B001', MONDAY, '12:30', 'in'),
            ev('B001', MONDAY, '17:10', 'out')]
        result = Line.clock(batch)
        self.assertEqual([r['status'] for r in result], ['created'] * 4)
        day = day_of(o.alice, MONDAY)
        self.assertEqual(day.worked, 8 * 3600 + 35 * 60)
        self.assertEqual(day.expected, 8 * 3600)
        self.assertEqual(day.difference, 35 * 60)
        self.assertEqual(day.overtime, 35 * 60)
        self.assertFalse(day.anomalies)

        again = Line.clock(batch)
        self.assertEqual([r['status'] for r in again], ['duplicate'] * 4)
        self.assertEqual([r['id'] for r in again], [r['id'] for r in result])
        self.assertEqual(Line.search_count(
                [('employee', '=', o.alice.id)]), 4)
        day = day_of(o.alice, MONDAY)
        self.assertEqual(day.worked, 8 * 3600 + 35 * 60)

        # Same event twice in one batch is stored once
        tuesday = MONDAY + td(days=1)
        twice = Line.clock([ev('B001', tuesday, '08:00', 'in')] * 2)
        self.assertEqual([r['status'] for r in twice],
            ['created', 'duplicate'])

    @with_transaction()
    @with_org
    def test_out_of_order_and_late_events(self, o):
        "Events arriving out of order or days late give the same day"
        Line = Pool().get('attendance.line')
        day2 = MONDAY + td(days=2)
        Line.clock([ev('B002', day2, '17:00', 'out'),
                ev('B002', day2, '08:00', 'in')])
        self.assertEqual(day_of(o.bob, day2).worked, 9 * 3600)
        # A forgotten pair sent days later
        Line.clock([ev('B002', day2, '12:30', 'in'),
                ev('B002', day2, '12:00', 'out')])
        day = day_of(o.bob, day2)
        self.assertEqual(day.worked, 8 * 3600 + 30 * 60)
        self.assertEqual(day.break_taken, 30 * 60)
        self.assertEqual(Line.search_count([('employee', '=', o.bob.id)]), 4)

    @with_transaction()
    @with_org
    def test_lone_in_is_missing_clock_out(self, o):
        "A lone IN is a missing clock-out anomaly, not 0 or 8 hours"
        pool = Pool()
        Line = pool.get('attendance.line')
        Anomaly = pool.get('attendance.anomaly')
        Line.clock([ev('B001', MONDAY, '08:00', 'in')])
        day = day_of(o.alice, MONDAY)
        self.assertIn('missing_out', day.anomalies)
        self.assertIsNone(day.worked)
        self.assertIsNone(day.difference)
        self.assertEqual(day.expected, 8 * 3600)
        anomaly, = Anomaly.search([('day', '=', day.id)])
        self.assertEqual(anomaly.kind, 'missing_out')
        # The clock-out arrives later: anomaly resolved, time known
        Line.clock([ev('B001', MONDAY, '16:30', 'out')])
        day = day_of(o.alice, MONDAY)
        self.assertFalse(day.anomalies)
        self.assertEqual(day.worked, 8 * 3600 + 30 * 60)
        self.assertEqual(Anomaly(anomaly.id).state, 'resolved')

    @with_transaction()
    @with_org
    def test_unknown_direction_alternates(self, o):
        Line = Pool().get('attendance.line')
        Line.clock([ev('B001', MONDAY, h, 'unknown')
                for h in ['08:00', '12:00', '12:30', '16:30']])
        self.assertEqual(day_of(o.alice, MONDAY).worked, 8 * 3600)

    @with_transaction()
    @with_org
    def test_bad_input(self, o):
        "Bad events are rejected with a reason and kept for review"
        pool = Pool()
        Line = pool.get('attendance.line')
        Review = pool.get('attendance.clock.review')
        future = dt.date.today() + td(days=3)
        batch = [
            {'badge': 'B001', 'at': '2026-03-02 25:99', 'direction': 'in',
                'device': 'HALL-1'},
            {'badge': 'B001', 'at': '2026-03-02T08:00:00',
                'direction': 'in', 'device': 'HALL-1'},
            ev('B001', future, '08:00', 'in'),
            ev('NOPE', MONDAY, '08:00', 'in'),
            ev('B001', MONDAY, '08:00', 'in', device='ROGUE'),
            {'badge': 'B001', 'at': '2026-03-02T08:00:00+01:00',
                'direction': 'sideways', 'device': 'HALL-1'},
            'not an event',
            ev('B001', MONDAY, '08:00', 'in'),
            ]
        result = Line.clock(batch)
        self.assertEqual([r['status'] for r in result], [
                'rejected', 'rejected', 'rejected', 'unknown_badge',
                'rejected', 'rejected', 'rejected', 'created'])
        self.assertEqual([r['code'] for r in result[:3]],
            ['malformed', 'timezone', 'future'])
        self.assertEqual(result[4]['code'], 'device')
        for r in result[:7]:
            self.assertTrue(r['reason'])
        self.assertIn('ROGUE', result[4]['reason'])
        reviews = Review.search([])
        self.assertEqual(len(reviews), 7)
        self.assertEqual({r.kind for r in reviews}, {
                'malformed', 'timezone', 'future', 'unknown_badge',
                'device'})
        # Replay: nothing more is stored
        Line.clock(batch)
        self.assertEqual(Review.search_count([]), 7)
        self.assertEqual(Line.search_count([]), 1)

        # The unknown badge is resolved by HR into a clocking
        review, = Review.search([('kind', '=', 'unknown_badge')])
        review.employee = o.bob
        review.save()
        Review.resolve([review])
        self.assertEqual(review.line.employee, o.bob)
        with self.assertRaises(UserError):
            Line.clock({'badge': 'B001'})

    @with_transaction()
    @with_org
    def test_clock_access(self, o):
        "Only device integrators and HR send device events"
        pool = Pool()
        Line = pool.get('attendance.line')
        user = o.user('alice', o.alice)
        api = o.user('device', o.chef, groups=['group_api'])
        with Transaction().set_user(user.id), \
                Transaction().set_context(_check_access=True):
            with self.assertRaises(AccessError):
                Line.clock([ev('B002', MONDAY, '08:00', 'in')])
            result = Line.clock_self('in')
            self.assertEqual(result['type'], 'in')
        with Transaction().set_user(api.id), \
                Transaction().set_context(_check_access=True):
            result = Line.clock([ev('B002', MONDAY, '08:00', 'in')])
            self.assertEqual(result[0]['status'], 'created')

    @with_transaction()
    @with_org
    def test_flexitime_rotating_part_time(self, o):
        pool = Pool()
        Schedule = pool.get('hr.time.schedule')
        Line = pool.get('attendance.line')
        Day = pool.get('attendance.day')
        Assignment = pool.get('hr.time.employee.schedule')
        Overtime = pool.get('attendance.overtime')
        OvertimeLine = pool.get('attendance.overtime.line')
        flexi, = Schedule.create([{'name': "Flexi", 'kind': 'flexitime',
                    'company': o.company.id,
                    'band_start': t(7), 'band_end': t(19),
                    'core_am_start': t(9), 'core_am_end': t(11, 30),
                    'core_pm_start': t(14), 'core_pm_end': t(15, 30),
                    'minimum_break': td(minutes=30),
                    'balance_period': 'month',
                    'carry_over_max': td(hours=10),
                    'carry_over_min': td(hours=5),
                    'lines': [('create', [{'weekday': str(d),
                                    'target': td(hours=7, minutes=36)}
                                for d in range(5)])]}])
        assignment, = o.alice.work_schedules
        Assignment.write([assignment], {'valid_to': MONDAY - td(days=1)})
        o.assign(o.alice, flexi, start=MONDAY)
        # Arrives at 06:00 (before the band), leaves 10:00, back 14:10
        Line.clock([ev('B001', MONDAY, '06:00', 'in'),
                ev('B001', MONDAY, '10:00', 'out'),
                ev('B001', MONDAY, '10:10', 'in'),
                ev('B001', MONDAY, '16:00', 'out')])
        day = day_of(o.alice, MONDAY)
        # 07:00-10:00 + 10:10-16:00 = 8h50, break 10 min < 30: minus 20
        self.assertEqual(day.worked, 8 * 3600 + 30 * 60)
        self.assertEqual(day.expected, 7 * 3600 + 36 * 60)
        self.assertIn('short_break', day.anomalies)
        self.assertIn('core_breach', day.anomalies)
        # The excess over the target goes to the balance; the hour before
        # the band is overtime for the manager to approve
        self.assertEqual(day.overtime, 3600)
        line, = OvertimeLine.search([('day', '=', day.id)])
        self.assertEqual((line.kind, line.overtime.state),
            ('normal', 'draft'))
        self.assertEqual(Overtime.search([('employee', '=', o.alice.id)]),
            [line.overtime])
        self.assertEqual(Day.flexitime_balance(o.alice, MONDAY),
            day.difference)

        # Rotating pattern over 2 weeks, 4/5 part-time
        rota, = Schedule.create([{'name': "Rota", 'company': o.company.id,
                    'cycle_weeks': 2, 'cycle_start': dt.date(2026, 1, 5),
                    'lines': [('create', [
                                {'week': 1, 'weekday': '0', 'start': t(6),
                                    'end': t(14)},
                                {'week': 2, 'weekday': '0', 'start': t(14),
                                    'end': t(22)}])]}])
        self.assertEqual(rota.line_for(dt.date(2026, 1, 5)).start, t(6))
        self.assertEqual(rota.line_for(dt.date(2026, 1, 12)).start, t(14))
        self.assertEqual(rota.line_for(dt.date(2026, 1, 19)).start, t(6))
        self.assertIsNone(rota.line_for(dt.date(2026, 1, 6)))
        assignment, = o.bob.work_schedules
        Assignment.write([assignment], {'valid_to': MONDAY - td(days=1)})
        o.assign(o.bob, o.fixed, start=MONDAY, fraction=0.8)
        Day.compute({(o.bob.id, MONDAY)})
        self.assertEqual(day_of(o.bob, MONDAY).expected, int(8 * 3600 * .8))
        with self.assertRaises(UserError):
            o.assign(o.bob, rota, start=MONDAY + td(days=10))

    @with_transaction()
    @with_org
    def test_flexitime_balance_and_daily_cron(self, o):
        """A flexitime day's difference feeds the balance; absences daily
        (the limits at the period end: test_anomalies)"""
        pool = Pool()
        Schedule = pool.get('hr.time.schedule')
        Assignment = pool.get('hr.time.employee.schedule')
        Line = pool.get('attendance.line')
        Day = pool.get('attendance.day')
        flexi, = Schedule.create([{'name': "Flexi", 'kind': 'flexitime',
                    'company': o.company.id,
                    'carry_over_max': td(hours=1),
                    'carry_over_min': td(hours=1),
                    'lines': [('create', [{'weekday': str(d),
                                    'target': td(hours=7)}
                                for d in range(7)])]}])
        assignment, = o.alice.work_schedules
        Assignment.delete([assignment])
        o.assign(o.alice, flexi, start=dt.date.today() - td(days=40))
        day = dt.date.today() - td(days=3)
        Line.clock([ev('B001', day, '07:00', 'in', offset='+00:00'),
                ev('B001', day, '17:00', 'out', offset='+00:00')])
        computed = day_of(o.alice, day)
        self.assertEqual(computed.difference, 3 * 3600)

        Day.compute_recent()
        yesterday = dt.date.today() - td(days=1)
        days = Day.search([('date', '=', yesterday)])
        self.assertEqual({d.employee for d in days},
            {o.alice, o.bob, o.chef, o.other})
        if yesterday.weekday() < 5:
            self.assertIn('unjustified_absence',
                day_of(o.bob, yesterday).anomalies)

    @with_transaction()
    @with_org
    def test_night_shift(self, o):
        "A night shift's early-morning clockings count for its first day"
        pool = Pool()
        Schedule = pool.get('hr.time.schedule')
        Assignment = pool.get('hr.time.employee.schedule')
        Line = pool.get('attendance.line')
        night, = Schedule.create([{'name': "Nuit", 'kind': 'fixed',
                    'company': o.company.id,
                    'lines': [('create', [{'weekday': str(d),
                                    'start': t(22), 'end': t(6),
                                    'break_duration': td(minutes=30)}
                                for d in range(5)])]}])
        self.assertEqual(night.lines[0].expected, td(hours=7, minutes=30))
        nina = o.employee("Nina", 'B300')
        o.assign(nina, night)
        tuesday = MONDAY + td(days=1)
        Line.clock([ev('B300', MONDAY, '21:58', 'in'),
                ev('B300', tuesday, '02:00', 'out'),
                ev('B300', tuesday, '02:30', 'in'),
                ev('B300', tuesday, '06:20', 'out')])
        self.assertEqual({l.date for l in Line.search(
                        [('employee', '=', nina.id)])}, {MONDAY})
        day = day_of(nina, MONDAY)
        self.assertEqual(day.worked, 7 * 3600 + 52 * 60)
        self.assertEqual(day.expected, 7 * 3600 + 30 * 60)
        self.assertEqual(day.difference, 22 * 60)
        self.assertEqual(day.overtime, 22 * 60)
        self.assertFalse(day.anomalies)
        # Tuesday's own shift starts in the evening: its in is Tuesday's
        Line.clock([ev('B300', tuesday, '21:50', 'in')])
        self.assertIn('missing_out', day_of(nina, tuesday).anomalies)
        self.assertFalse(day_of(nina, MONDAY).anomalies)

        # A day worker on a night shift without the schedule saying so:
        # two anomalies, until the schedule is corrected
        Line.clock([ev('B002', MONDAY, '22:00', 'in'),
                ev('B002', tuesday, '06:00', 'out')])
        self.assertIn('missing_out', day_of(o.bob, MONDAY).anomalies)
        self.assertIn('missing_in', day_of(o.bob, tuesday).anomalies)
        assignment, = Assignment.search([('employee', '=', o.bob.id)])
        Assignment.write([assignment], {'valid_to': MONDAY - td(days=1)})
        o.assign(o.bob, night, start=MONDAY)
        monday = day_of(o.bob, MONDAY)
        self.assertFalse(monday.anomalies)
        self.assertEqual(monday.worked, 8 * 3600)
        self.assertNotIn('missing_in', day_of(o.bob, tuesday).anomalies or '')

        with self.assertRaises(UserError) as cm:
            Schedule.create([{'name': "Zéro", 'kind': 'fixed',
                        'company': o.company.id,
                        'lines': [('create', [{'weekday': '0',
                                        'start': t(8), 'end': t(8)}])]}])
        self.assertIn("Zéro", cm.exception.message)

    @with_transaction()
    @with_org
    def test_same_second_in_and_out(self, o):
        "An in and an out of one badge in one second are two taps"
        Line = Pool().get('attendance.line')
        result = Line.clock([ev('B001', MONDAY, '08:00', 'in'),
                ev('B001', MONDAY, '08:00', 'out'),
                ev('B001', MONDAY, '08:00', 'in')])
        self.assertEqual([r['status'] for r in result],
            ['created', 'created', 'duplicate'])
        self.assertEqual(result[0]['id'], result[2]['id'])

    @with_transaction()
    @with_org
    def test_holiday_weekend_and_absence(self, o):
        pool = Pool()
        Holiday = pool.get('mons.holiday')
        Line = pool.get('attendance.line')
        Day = pool.get('attendance.day')
        Overtime = pool.get('attendance.overtime')
        OvertimeLine = pool.get('attendance.overtime.line')
        Holiday.create([{'date': MONDAY, 'name': "Fête"}])
        saturday = MONDAY + td(days=5)
        Line.clock([ev('B001', MONDAY, '09:00', 'in'),
                ev('B001', MONDAY, '11:00', 'out'),
                ev('B001', saturday, '09:00', 'in'),
                ev('B001', saturday, '12:00', 'out')])
        day = day_of(o.alice, MONDAY)
        self.assertEqual(day.expected, 0)
        self.assertEqual(day.overtime, 2 * 3600)
        line, = OvertimeLine.search([('day', '=', day.id)])
        self.assertEqual((line.kind, line.multiplier),
            ('holiday', 2.0))
        saturday_ot, = OvertimeLine.search([('date', '=', saturday)])
        self.assertEqual(saturday_ot.kind, 'saturday')
        self.assertEqual(saturday_ot.credited, int(3 * 3600 * 1.5))
        # One overtime for the month holds both days
        overtime, = Overtime.search([('employee', '=', o.alice.id)])
        self.assertEqual(overtime.lines, (line, saturday_ot))
        self.assertEqual(overtime.duration, 5 * 3600)
        self.assertEqual(overtime.credited, 4 * 3600 + int(3 * 3600 * 1.5))
        self.assertIn('no_schedule', day_of(o.alice, saturday).anomalies)
        tuesday = MONDAY + td(days=1)
        Day.compute({(o.alice.id, tuesday)})
        self.assertIn('unjustified_absence',
            day_of(o.alice, tuesday).anomalies)

    @with_transaction()
    @with_org
    def test_overtime_approval_and_recovery(self, o):
        pool = Pool()
        Line = pool.get('attendance.line')
        Overtime = pool.get('attendance.overtime')
        LeaveType = pool.get('attendance.leave.type')
        Leave = pool.get('attendance.leave')
        Line.clock([ev('B001', MONDAY, '08:00', 'in'),
                ev('B001', MONDAY, '21:00', 'out')])
        overtimes = Overtime.search([('employee', '=', o.alice.id)])
        self.assertEqual(sorted((x.kind, x.duration)
                for x in overtimes[0].lines),
            [('evening', 3600), ('normal', 4 * 3600)])
        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        alice = o.user('alice', o.alice)
        with Transaction().set_user(alice.id), \
                Transaction().set_context(_check_access=True):
            with self.assertRaises(UserError):
                Overtime.approve(Overtime.browse(overtimes))
        with Transaction().set_user(chef.id), \
                Transaction().set_context(_check_access=True):
            Overtime.approve(Overtime.browse(overtimes))
        self.assertEqual(Overtime.recovery_balance(o.alice, MONDAY),
            4 * 3600 + int(3600 * 1.25))
        recovery, = LeaveType.create([{'name': "Récupération",
                    'code': 'REC', 'unit': 'hour', 'recovery': True}])
        leave, = Leave.create([{'employee': o.alice.id,
                    'type': recovery.id, 'start': MONDAY + td(days=7),
                    'end': MONDAY + td(days=7), 'hours': td(hours=4)}])
        Leave.request([leave])
        self.assertEqual(Overtime.recovery_balance(o.alice, MONDAY),
            int(3600 * 1.25))
        big, = Leave.create([{'employee': o.alice.id,
                    'type': recovery.id, 'start': MONDAY + td(days=8),
                    'end': MONDAY + td(days=8), 'hours': td(hours=2)}])
        with self.assertRaises(UserError):
            Leave.request([big])

    @with_transaction()
    @with_org
    def test_leave(self, o):
        pool = Pool()
        LeaveType = pool.get('attendance.leave.type')
        Allocation = pool.get('attendance.leave.allocation')
        Leave = pool.get('attendance.leave')
        Approver = pool.get('hr.time.approver')
        Service = pool.get('mons.service')
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        annual, = LeaveType.create([{'name': "Congé annuel",
                    'code': 'annual', 'needs_allocation': True,
                    'approval_levels': 2, 'carry_over_cap': 5,
                    'carry_over_months': 3}])
        # Level 2: the manager above the service
        party, = Party.create([{'name': "Director"}])
        director, = Employee.create([{'party': party.id,
                    'company': o.company.id}])
        top, = Service.create([{'name': "Direction", 'code': 'DG',
                    'company': o.company.id, 'manager': director.id}])
        Service.write([o.service], {'parent': top.id})

        # Pro rata: joiner on 1 July, 4/5 time
        o.bob.start_date = dt.date(2026, 7, 1)
        o.bob.save()
        assignment, = o.bob.work_schedules
        assignment.fraction = 0.8
        assignment.save()
        self.assertEqual(Allocation.pro_rata(o.bob, 2026, 26), 10.5)
        allocation, = Allocation.allocate(annual, 2026, 26, [o.alice])
        self.assertEqual(allocation.quantity, 26)

        leave, = Leave.create([{'employee': o.alice.id, 'type': annual.id,
                    'start': MONDAY, 'end': MONDAY + td(days=6)}])
        self.assertEqual(leave.duration, 5)
        too_long, = Leave.create([{'employee': o.alice.id,
                    'type': annual.id, 'start': dt.date(2026, 4, 1),
                    'end': dt.date(2026, 6, 30)}])
        with self.assertRaises(UserError):
            Leave.request([too_long])

        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        alice = o.user('alice', o.alice)
        o.user('director', director, groups=['group_service_manager'])
        sub = o.user('other', o.other)
        Leave.request([leave])
        self.assertEqual(Allocation.balance_at(o.alice, annual, MONDAY), 21)
        with Transaction().set_user(alice.id), \
                Transaction().set_context(_check_access=True):
            with self.assertRaises(UserError):
                Leave.approve(Leave.browse([leave.id]))
        with Transaction().set_user(chef.id), \
                Transaction().set_context(_check_access=True):
            Leave.approve(Leave.browse([leave.id]))
        leave = Leave(leave.id)
        self.assertEqual((leave.state, leave.level), ('requested', 2))
        with Transaction().set_user(chef.id), \
                Transaction().set_context(_check_access=True):
            with self.assertRaises(UserError):
                Leave.approve(Leave.browse([leave.id]))
        # The director names a substitute, who approves level 2
        Approver.create([{'approver': director.id,
                    'substitute': o.other.id, 'start': dt.date.today(),
                    'end': dt.date.today() + td(days=7)}])
        with Transaction().set_user(sub.id), \
                Transaction().set_context(_check_access=True):
            self.assertIn(Leave(leave.id), Leave.search([]))
            Leave.approve(Leave.browse([leave.id]))
        leave = Leave(leave.id)
        self.assertEqual(leave.state, 'approved')
        day = day_of(o.alice, MONDAY)
        self.assertEqual(day.expected, 0)
        self.assertEqual(day.leave, 8 * 3600)
        self.assertFalse(day.anomalies)

        # Hourly leave and half day
        training, = LeaveType.create([{'name': "Formation",
                    'code': 'training', 'unit': 'hour',
                    'counts_as_worked': True}])
        hourly, = Leave.create([{'employee': o.bob.id,
                    'type': training.id, 'start': MONDAY, 'end': MONDAY,
                    'hours': td(hours=2)}])
        self.assertEqual(hourly.duration, 2)
        half, = Leave.create([{'employee': o.bob.id, 'type': annual.id,
                    'start': MONDAY + td(days=1),
                    'end': MONDAY + td(days=1), 'half': 'morning'}])
        self.assertEqual(half.duration, 0.5)

        # Carry-over capped at 5 days, valid until 31 March
        created = Allocation.carry_over([allocation])
        self.assertEqual(created[0].carried_over, 5)
        self.assertEqual(created[0].carry_expiry, dt.date(2027, 3, 31))

        # Last as a failed write stays in the test transaction
        overlap, = Leave.create([{'employee': o.alice.id, 'type': annual.id,
                    'start': MONDAY + td(days=14),
                    'end': MONDAY + td(days=14)}])
        with self.assertRaises(UserError):
            Leave.write([overlap], {'start': MONDAY + td(days=4),
                    'end': MONDAY + td(days=4)})

    @with_transaction()
    @with_org
    def test_telework(self, o):
        pool = Pool()
        Telework = pool.get('attendance.telework')
        Configuration = pool.get('hr.time.configuration')
        Line = pool.get('attendance.line')
        Configuration.write([Configuration(1)], {'telework_max_week': 2})
        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        requests = Telework.create([{'employee': o.alice.id,
                    'start': MONDAY + td(days=i)} for i in range(3)])
        Telework.request(requests[:2])
        with self.assertRaises(UserError):
            Telework.request(requests[2:])
        with Transaction().set_user(chef.id), \
                Transaction().set_context(_check_access=True):
            Telework.approve(Telework.browse(requests[:2]))
        day = day_of(o.alice, MONDAY)
        self.assertTrue(day.telework)
        self.assertEqual(day.worked, day.expected)
        self.assertFalse(day.anomalies)
        # When telework needs clocking only the clocked time counts
        Configuration.write([Configuration(1)],
            {'telework_needs_clocking': True})
        Line.clock([ev('B001', MONDAY + td(days=1), '09:00', 'in'),
                ev('B001', MONDAY + td(days=1), '12:00', 'out')])
        self.assertEqual(day_of(o.alice, MONDAY + td(days=1)).worked,
            3 * 3600)
        structural, = Telework.create([{'employee': o.bob.id,
                    'kind': 'structural', 'weekday': '2',
                    'start': MONDAY, 'end': MONDAY + td(days=20)}])
        self.assertEqual(structural.dates(), [MONDAY + td(days=2),
                MONDAY + td(days=9), MONDAY + td(days=16)])

    @with_transaction()
    @with_org
    def test_correction(self, o):
        pool = Pool()
        Line = pool.get('attendance.line')
        Correction = pool.get('attendance.correction')
        Anomaly = pool.get('attendance.anomaly')
        Line.clock([ev('B001', MONDAY, '08:00', 'in')])
        anomaly, = Anomaly.search([('employee', '=', o.alice.id)])
        alice = o.user('alice', o.alice)
        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        with Transaction().set_user(alice.id), \
                Transaction().set_context(_check_access=True):
            correction, = Correction.create([{'employee': o.alice.id,
                        'anomaly': anomaly.id, 'kind': 'add',
                        'at': dt.datetime(2026, 3, 2, 15, 30),
                        'direction': 'out',
                        'reason': "Oubli de badger"}])
            Correction.request([correction])
            with self.assertRaises(UserError):
                Correction.approve([correction])
        self.assertEqual(Anomaly(anomaly.id).state, 'correction')
        with Transaction().set_user(chef.id), \
                Transaction().set_context(_check_access=True):
            Correction.approve(Correction.browse([correction.id]))
        # 15:30 UTC is 16:30 in Brussels
        day = day_of(o.alice, MONDAY)
        self.assertEqual(day.worked, 8 * 3600 + 30 * 60)
        self.assertEqual(Anomaly(anomaly.id).state, 'resolved')

    @with_transaction()
    @with_org
    def test_close_and_payroll(self, o):
        pool = Pool()
        Line = pool.get('attendance.line')
        Period = pool.get('attendance.period')
        Day = pool.get('attendance.day')
        Leave = pool.get('attendance.leave')
        LeaveType = pool.get('attendance.leave.type')
        Review = pool.get('attendance.clock.review')
        PayCode = pool.get('hr.time.pay.code')
        Layout = pool.get('hr.time.payroll.layout')
        Export = pool.get('hr.time.payroll.export')
        Overtime = pool.get('attendance.overtime')
        sick, = LeaveType.create([{'name': "Maladie", 'code': 'SICK'}])
        Line.clock([ev('B001', MONDAY, '08:00', 'in'),
                ev('B001', MONDAY, '17:30', 'out'),
                ev('B002', MONDAY, '08:00', 'in'),
                ev('B002', MONDAY, '16:30', 'out')])
        Overtime.write(Overtime.search([]), {'compensation': 'payment'})
        Overtime.approve(Overtime.search([]))
        leave, = Leave.create([{'employee': o.bob.id, 'type': sick.id,
                    'start': MONDAY + td(days=1),
                    'end': MONDAY + td(days=2)}])
        Leave.request([leave])
        Leave.approve([leave])
        period, = Period.create([{'company': o.company.id,
                    'ends_at': Period.month_end(o.company, 2026, 3)}])
        # The month's absences are undecided: the close refuses first
        with self.assertRaises(UserError):
            Period.close([period])
        carry_and_close(period)
        self.assertEqual(period.closed_until(), dt.date(2026, 3, 31))
        days = Day.search([('date', '>=', dt.date(2026, 3, 1)),
                ('date', '<=', dt.date(2026, 3, 31))])
        self.assertEqual(len(days), 4 * 31)
        self.assertEqual({d.state for d in days}, {'closed'})

        # Changes to the closed month are refused, nothing is lost
        result = Line.clock([ev('B001', MONDAY, '18:00', 'in')])
        self.assertEqual(result[0]['code'], 'closed')
        self.assertEqual(Review.search_count([('kind', '=', 'closed')]), 1)
        with self.assertRaises(UserError):
            Line.write(Line.search([], limit=1),
                {'at': dt.datetime(2026, 3, 2, 6)})
        with self.assertRaises(UserError):
            Leave.cancel([leave])
        late, = Leave.create([{'employee': o.alice.id, 'type': sick.id,
                    'start': MONDAY + td(days=3),
                    'end': MONDAY + td(days=3)}])
        with self.assertRaises(UserError):
            Leave.request([late])
        self.assertEqual(day_of(o.alice, MONDAY).worked, 9 * 3600 + 1800)

        for code, name, kind, extra in [
                ('1000', "Prestations", 'worked', {}),
                ('2100', "HS 100%", 'overtime', {'overtime_kind': 'normal'}),
                ('3000', "Maladie", 'leave', {'leave_type': sick.id}),
                ('4000', "Télétravail", 'telework', {})]:
            PayCode.create([dict(code=code, name=name, kind=kind, **extra)])
        csv_layout, = Layout.create([{'name': "Persée CSV",
                    'columns': [('create', [
                                {'name': 'MATRICULE', 'field': 'badge'},
                                {'name': 'DEBUT', 'field': 'period_start'},
                                {'name': 'CODE', 'field': 'pay_code'},
                                {'name': 'QTE', 'field': 'quantity'}])]}])
        fixed_layout, = Layout.create([{'name': "Persée fixe",
                    'format': 'fixed', 'decimal_separator': None,
                    'columns': [('create', [
                                {'name': 'MAT', 'field': 'badge',
                                    'width': 6},
                                {'name': 'CODE', 'field': 'pay_code',
                                    'width': 4},
                                {'name': 'QTE', 'field': 'quantity',
                                    'width': 7, 'align': 'right',
                                    'fill': '0'}])]}])
        exports = Export.create([{'period': period.id,
                    'layout': l.id} for l in [csv_layout, fixed_layout]])
        Export.generate(exports)
        # generate only queues the work (see tests/test_payroll.py)
        Export.process(exports)
        exports = Export.browse(exports)
        text = exports[0].file.decode()
        lines = text.splitlines()
        self.assertEqual(lines[0], 'MATRICULE;DEBUT;CODE;QTE')
        self.assertIn('B001;20260301;1000;9,50', lines)
        self.assertIn('B001;20260301;2100;1,50', lines)
        self.assertIn('B002;20260301;1000;8,50', lines)
        self.assertIn('B002;20260301;3000;2,00', lines)
        worked = sum((d.worked or 0) for d in days) / 3600
        self.assertEqual(exports[0].worked_days_total, worked)
        self.assertEqual(exports[0].worked_export_total, worked)
        fixed = exports[1].file.decode().splitlines()
        self.assertIn('B001  10000000950', fixed)
        self.assertTrue(all(len(l) == 17 for l in fixed))

    @with_transaction()
    @with_org
    def test_demo_idempotent(self, o):
        "The demo data loads twice without creating anything new"
        import random
        pool = Pool()
        Line = pool.get('attendance.line')
        Day = pool.get('attendance.day')
        Leave = pool.get('attendance.leave')
        Schedule = pool.get('hr.time.schedule')
        Digest = pool.get('attendance.anomaly.digest')
        from trytond.modules.mons_hr_time import demo
        Pool().get('hr.time.employee.schedule').delete(
            Pool().get('hr.time.employee.schedule').search([]))
        demo.load_demo(random.Random(1))
        counts = [M.search_count([])
            for M in [Line, Day, Leave, Schedule, Digest]]
        self.assertGreater(counts[0], 4 * 15)
        self.assertGreater(counts[1], 4 * 28)
        self.assertGreater(counts[2], 0)
        demo.load_demo(random.Random(1))
        self.assertEqual(
            [M.search_count([])
            for M in [Line, Day, Leave, Schedule, Digest]],
            counts)

    @with_transaction()
    @with_org
    def test_rights(self, o):
        "Employees see their own data, managers their services' people"
        pool = Pool()
        Line = pool.get('attendance.line')
        Day = pool.get('attendance.day')
        Leave = pool.get('attendance.leave')
        LeaveType = pool.get('attendance.leave.type')
        Review = pool.get('attendance.clock.review')
        sick, = LeaveType.create([{'name': "Maladie", 'code': 'SICK'}])
        Line.clock([ev(b, MONDAY, '08:00', 'in')
                for b in ['B001', 'B002', 'B200']])
        for e in [o.alice, o.bob, o.other]:
            Leave.create([{'employee': e.id, 'type': sick.id,
                        'start': MONDAY + td(days=7),
                        'end': MONDAY + td(days=7)}])
        alice = o.user('alice', o.alice)
        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        hr = o.user('rh', o.other, groups=['group_hr_officer'])

        with Transaction().set_user(alice.id), \
                Transaction().set_context(_check_access=True):
            self.assertEqual({l.employee for l in Line.search([])},
                {o.alice})
            self.assertEqual({d.employee for d in Day.search([])},
                {o.alice})
            self.assertEqual({l.employee for l in Leave.search([])},
                {o.alice})
            with self.assertRaises(AccessError):
                Day.read([Day.search([], limit=1)[0].id + 1], ['worked'])
            with self.assertRaises(AccessError):
                Leave.create([{'employee': o.bob.id, 'type': sick.id,
                            'start': MONDAY, 'end': MONDAY}])
            with self.assertRaises(AccessError):
                Review.search([])
            with self.assertRaises(AccessError):
                Line.create([{'employee': o.bob.id,
                            'company': o.company.id, 'type': 'in',
                            'at': dt.datetime(2026, 3, 3, 8)}])
        with Transaction().set_user(chef.id), \
                Transaction().set_context(_check_access=True):
            self.assertEqual({l.employee for l in Line.search([])},
                {o.alice, o.bob})
            self.assertEqual({d.employee for d in Day.search([])},
                {o.alice, o.bob})
            self.assertEqual({l.employee for l in Leave.search([])},
                {o.alice, o.bob})
        with Transaction().set_user(hr.id), \
                Transaction().set_context(_check_access=True):
            self.assertEqual({l.employee for l in Line.search([])},
                {o.alice, o.bob, o.other})
            self.assertEqual(len(Review.search([])), 0)


del ModuleTestCase
