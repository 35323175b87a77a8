"""Anomalies a manager can trust: raised when the facts say so and only
then (pinned dates and a pinned 'now', never today)."""
import datetime as dt

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .test_module import MONDAY, DBTestCase, day_of, ev, t, td, with_org
from .test_payroll import load_french


def utc(date, hour, minute=0):
    "Naive UTC now for the computation (Brussels is UTC+1 in March)"
    return dt.datetime.combine(date, dt.time(hour, minute))


def kinds(employee, date):
    day = day_of(employee, date)
    return set((day.anomalies or '').split(',')) - {''} if day else set()


class AnomalyTestCase(DBTestCase):

    def flexi(self, o, employee, **values):
        pool = Pool()
        Schedule = pool.get('hr.time.schedule')
        Assignment = pool.get('hr.time.employee.schedule')
        flexi, = Schedule.create([{'name': "Flexi", 'kind': 'flexitime',
                    'company': o.company.id,
                    'band_start': t(7), 'band_end': t(19),
                    'core_am_start': t(9), 'core_am_end': t(11, 30),
                    'core_pm_start': t(14), 'core_pm_end': t(15, 30),
                    'lines': [('create', [{'weekday': str(d),
                                    'target': td(hours=7)}
                                for d in range(5)])],
                    **values}])
        assignment, = employee.work_schedules
        Assignment.delete([assignment])
        o.assign(employee, flexi)
        return flexi

    @with_transaction()
    @with_org
    def test_late_arrival_and_early_departure(self, o):
        "Fixed hours 08:00-16:30: 1h30 late and 1h30 early are two anomalies"
        pool = Pool()
        Line = pool.get('attendance.line')
        Anomaly = pool.get('attendance.anomaly')
        Line.clock([ev('B001', MONDAY, '09:30', 'in'),
                ev('B001', MONDAY, '15:00', 'out')])
        self.assertEqual(kinds(o.alice, MONDAY),
            {'late_arrival', 'early_departure'})
        load_french()
        with Transaction().set_context(language='fr'):
            late, = Anomaly.search([('employee', '=', o.alice.id),
                    ('kind', '=', 'late_arrival')])
            self.assertEqual(late.description,
                "Arrivée tardive le 02/03/2026.")
            # Local clock times, not UTC
            self.assertEqual(late.facts, '09:30 \u2192, 15:00 \u2190')
            day = day_of(o.alice, MONDAY)
            self.assertEqual(day.anomaly_labels,
                "Arrivée tardive, Départ anticipé")
        # Within the grace minutes (15 by default): nothing
        Line.clock([ev('B002', MONDAY, '08:10', 'in'),
                ev('B002', MONDAY, '16:20', 'out')])
        self.assertEqual(kinds(o.bob, MONDAY), set())
        # A tighter grace makes the same day late
        Configuration = pool.get('hr.time.configuration')
        config = Configuration(1)
        config.late_grace_minutes = 5
        config.save()
        Pool().get('attendance.day').compute({(o.bob.id, MONDAY)})
        self.assertEqual(kinds(o.bob, MONDAY), {'late_arrival'})

    @with_transaction()
    @with_org
    def test_missing_out_once_the_shift_closed(self, o):
        "A lone clock-in is missing its clock-out only after 16:30"
        pool = Pool()
        Line = pool.get('attendance.line')
        Day = pool.get('attendance.day')
        with Transaction().set_context(_hr_time_now=utc(MONDAY, 9)):
            Line.clock([ev('B001', MONDAY, '08:00', 'in')])
        day = day_of(o.alice, MONDAY)
        self.assertEqual(kinds(o.alice, MONDAY), set())
        self.assertIsNone(day.worked)
        # 16:00 local (15:00 UTC): still within the shift
        with Transaction().set_context(_hr_time_now=utc(MONDAY, 15)):
            Day.compute({(o.alice.id, MONDAY)})
        self.assertEqual(kinds(o.alice, MONDAY), set())
        # 17:00 local: the shift closed at 16:30
        with Transaction().set_context(_hr_time_now=utc(MONDAY, 16)):
            Day.compute({(o.alice.id, MONDAY)})
        self.assertEqual(kinds(o.alice, MONDAY), {'missing_out'})

    @with_transaction()
    @with_org
    def test_double_tap_counts_once(self, o):
        "Taps 4 s apart on a terminal without direction keys are one"
        pool = Pool()
        Line = pool.get('attendance.line')
        Configuration = pool.get('hr.time.configuration')

        def tap(clock):
            return {'badge': 'B001', 'device': 'HALL-1',
                'at': f'{MONDAY.isoformat()}T{clock}+01:00',
                'direction': 'unknown'}
        Line.clock([tap('08:00:00'), tap('08:00:04'), tap('12:00:00'),
                tap('12:30:00'), tap('16:30:00')])
        day = day_of(o.alice, MONDAY)
        self.assertEqual(kinds(o.alice, MONDAY), set())
        self.assertEqual(day.worked, 8 * 3600)
        # With the window at 2 s the same taps pair wrongly
        config = Configuration(1)
        config.double_tap_seconds = 2
        config.save()
        pool.get('attendance.day').compute({(o.alice.id, MONDAY)})
        self.assertIn('missing_out', kinds(o.alice, MONDAY))

    @with_transaction()
    @with_org
    def test_core_periods_bind_working_days_only(self, o):
        pool = Pool()
        Line = pool.get('attendance.line')
        Holiday = pool.get('mons.holiday')
        self.flexi(o, o.alice)
        saturday = MONDAY + td(days=5)
        wednesday = MONDAY + td(days=2)
        Holiday.create([{'date': wednesday, 'name': "Fête"}])
        Line.clock([ev('B001', saturday, '09:30', 'in'),
                ev('B001', saturday, '10:30', 'out'),
                ev('B001', wednesday, '09:30', 'in'),
                ev('B001', wednesday, '10:30', 'out'),
                ev('B001', MONDAY, '09:30', 'in'),
                ev('B001', MONDAY, '10:30', 'out')])
        self.assertNotIn('core_breach', kinds(o.alice, saturday))
        self.assertNotIn('core_breach', kinds(o.alice, wednesday))
        self.assertIn('core_breach', kinds(o.alice, MONDAY))

    @with_transaction()
    @with_org
    def test_work_on_leave_day(self, o):
        pool = Pool()
        Line = pool.get('attendance.line')
        LeaveType = pool.get('attendance.leave.type')
        Leave = pool.get('attendance.leave')
        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        kind, = LeaveType.create([{'name': "Congé", 'code': 'leave'}])
        leave, = Leave.create([{'employee': o.alice.id, 'type': kind.id,
                    'start': MONDAY, 'end': MONDAY}])
        Leave.request([leave])
        with Transaction().set_user(chef.id), \
                Transaction().set_context(_check_access=True):
            Leave.approve(Leave.browse([leave.id]))
        self.assertEqual(Leave(leave.id).state, 'approved')
        self.assertEqual(kinds(o.alice, MONDAY), set())
        Line.clock([ev('B001', MONDAY, '08:00', 'in'),
                ev('B001', MONDAY, '16:30', 'out')])
        self.assertEqual(kinds(o.alice, MONDAY), {'work_on_leave'})

    @with_transaction()
    @with_org
    def test_justified_stays_justified_until_facts_change(self, o):
        pool = Pool()
        Line = pool.get('attendance.line')
        Day = pool.get('attendance.day')
        Anomaly = pool.get('attendance.anomaly')
        tuesday = MONDAY + td(days=1)
        Line.clock([ev('B001', MONDAY, '09:30', 'in'),
                ev('B001', MONDAY, '16:30', 'out')])
        Day.compute({(o.bob.id, tuesday)})
        late, = Anomaly.search([('kind', '=', 'late_arrival')])
        absence, = Anomaly.search([('kind', '=', 'unjustified_absence')])
        # What an approved justification does
        Anomaly.write([late, absence], {'state': 'resolved'})
        Day.compute_month(o.company, 2026, 3)
        self.assertEqual(Anomaly(late.id).state, 'resolved')
        self.assertEqual(Anomaly(absence.id).state, 'resolved')
        # New facts: a clocking of the late day changes
        Line.clock([ev('B001', MONDAY, '12:00', 'out'),
                ev('B001', MONDAY, '12:30', 'in')])
        self.assertEqual(Anomaly(late.id).state, 'open')
        self.assertIn('12:00', Anomaly(late.id).facts)
        self.assertEqual(Anomaly(absence.id).state, 'resolved')

    @with_transaction()
    @with_org
    def test_balance_limits_at_period_end(self, o):
        "Weekly flexitime: the carry-over limit is checked on Sunday only"
        pool = Pool()
        Line = pool.get('attendance.line')
        Day = pool.get('attendance.day')
        Anomaly = pool.get('attendance.anomaly')
        self.flexi(o, o.alice, balance_period='week',
            carry_over_max=td(hours=1), carry_over_min=td(hours=1))
        sunday = MONDAY + td(days=6)
        week = [MONDAY + td(days=i) for i in range(7)]
        # The week is not over yet
        with Transaction().set_context(_hr_time_now=utc(sunday, 10)):
            Line.clock([ev('B001', MONDAY, '07:00', 'in'),
                    ev('B001', MONDAY, '17:00', 'out')]
                + [e for d in week[1:5] for e in (
                        ev('B001', d, '08:00', 'in'),
                        ev('B001', d, '15:00', 'out'))])
            Day.compute({(o.alice.id, d) for d in week})
        self.assertEqual(day_of(o.alice, sunday).anomalies, None)
        self.assertEqual(Anomaly.search_count(
                [('kind', '=', 'balance_limit')]), 0)
        with Transaction().set_context(
                _hr_time_now=utc(sunday + td(days=1), 10)):
            Day.compute({(o.alice.id, d) for d in week})
            limit, = Anomaly.search([('kind', '=', 'balance_limit')])
            self.assertEqual((limit.date, limit.facts), (sunday, '+3:00'))
            # Monday corrected alone: Sunday's balance follows
            Line.clock([ev('B001', MONDAY, '10:00', 'out'),
                    ev('B001', MONDAY, '13:00', 'in')])
        self.assertEqual(Anomaly(limit.id).state, 'resolved')
        self.assertNotIn('balance_limit', kinds(o.alice, sunday))

    @with_transaction()
    @with_org
    def test_daily_computation_catches_up(self, o):
        "The cron missed Monday to Wednesday: Thursday's run computes them"
        pool = Pool()
        Day = pool.get('attendance.day')
        Company = pool.get('company.company')
        Company.write([o.company], {
                'hr_time_computed_until': MONDAY - td(days=1)})
        thursday = MONDAY + td(days=3)
        with Transaction().set_context(_hr_time_now=utc(thursday, 9)):
            Day.compute_recent()
        for date in [MONDAY, MONDAY + td(days=1), MONDAY + td(days=2)]:
            self.assertEqual(kinds(o.bob, date), {'unjustified_absence'})
        # Today is computed but not yet an absence
        self.assertEqual(kinds(o.bob, thursday), set())
        self.assertEqual(Company(o.company.id).hr_time_computed_until,
            thursday)
