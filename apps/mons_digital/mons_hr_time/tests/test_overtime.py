"""Overtime without double counting: one rule sends a flexitime agent's
extra work to overtime or to the balance, never both; one overtime per
employee and month holding its days; optional prior authorisation;
recovery hours expire (computed on read, dates pinned)."""
import datetime as dt

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .test_module import MONDAY, DBTestCase, day_of, ev, t, td, with_org
from .test_request import as_user

SATURDAY = MONDAY + td(days=5)


def flexitime(o, employee):
    pool = Pool()
    Schedule = pool.get('hr.time.schedule')
    Assignment = pool.get('hr.time.employee.schedule')
    flexi, = Schedule.create([{'name': "Flexi", 'kind': 'flexitime',
                'company': o.company.id,
                'band_start': t(7), 'band_end': t(19),
                'core_am_start': t(9), 'core_am_end': t(11, 30),
                'core_pm_start': t(14), 'core_pm_end': t(15, 30),
                'balance_period': 'month',
                'lines': [('create', [{'weekday': str(d),
                                'target': td(hours=7, minutes=36)}
                            for d in range(5)])]}])
    assignment, = employee.work_schedules
    Assignment.write([assignment], {'valid_to': MONDAY - td(days=1)})
    o.assign(employee, flexi, start=MONDAY)
    return flexi


class OvertimeTestCase(DBTestCase):

    @with_transaction()
    @with_org
    def test_saturday_flexitime_not_counted_twice(self, o):
        "Saturday work on flexitime: overtime OR balance, as the rule says"
        pool = Pool()
        Line = pool.get('attendance.line')
        Day = pool.get('attendance.day')
        Rule = pool.get('attendance.overtime.rule')
        OvertimeLine = pool.get('attendance.overtime.line')
        Overtime = pool.get('attendance.overtime')
        flexitime(o, o.alice)
        Line.clock([ev('B001', MONDAY, '08:00', 'in'),
                ev('B001', MONDAY, '12:00', 'out'),
                ev('B001', MONDAY, '12:30', 'in'),
                ev('B001', MONDAY, '16:06', 'out')])
        monday = day_of(o.alice, MONDAY)
        self.assertEqual(monday.difference, 0)
        Line.clock([ev('B001', SATURDAY, '09:00', 'in'),
                ev('B001', SATURDAY, '13:05', 'out')])
        saturday = day_of(o.alice, SATURDAY)
        self.assertEqual(saturday.worked, 4 * 3600 + 5 * 60)

        # Default rule: the Saturday is overtime, not in the balance
        self.assertEqual(o.rule.flexitime_extra, 'overtime')
        line, = OvertimeLine.search([('date', '=', SATURDAY)])
        self.assertEqual((line.kind, line.duration),
            ('saturday', 4 * 3600 + 5 * 60))
        self.assertEqual(saturday.difference, 0)
        self.assertEqual(Day.flexitime_balance(o.alice, SATURDAY), 0)

        # The rule says balance: the Saturday feeds the balance, and no
        # overtime is left to approve
        Rule.write([o.rule], {'flexitime_extra': 'balance'})
        Day.compute({(o.alice.id, SATURDAY)})
        self.assertFalse(OvertimeLine.search([('date', '=', SATURDAY)]))
        self.assertFalse(Overtime.search([('employee', '=', o.alice.id)]))
        self.assertEqual(day_of(o.alice, SATURDAY).difference,
            4 * 3600 + 5 * 60)
        self.assertEqual(Day.flexitime_balance(o.alice, SATURDAY),
            4 * 3600 + 5 * 60)

        # Out of the band too: 06:00 counts in the balance, not overtime
        tuesday = MONDAY + td(days=1)
        Line.clock([ev('B001', tuesday, '06:00', 'in'),
                ev('B001', tuesday, '12:00', 'out'),
                ev('B001', tuesday, '12:30', 'in'),
                ev('B001', tuesday, '15:30', 'out')])
        day = day_of(o.alice, tuesday)
        self.assertEqual(day.worked, 9 * 3600)
        self.assertFalse(OvertimeLine.search([('date', '=', tuesday)]))
        Rule.write([o.rule], {'flexitime_extra': 'overtime'})
        Day.compute({(o.alice.id, tuesday)})
        day = day_of(o.alice, tuesday)
        self.assertEqual(day.worked, 8 * 3600)
        line, = OvertimeLine.search([('date', '=', tuesday)])
        self.assertEqual(line.duration, 3600)

    @with_transaction()
    @with_org
    def test_one_overtime_per_month_with_its_days(self, o):
        pool = Pool()
        Line = pool.get('attendance.line')
        Overtime = pool.get('attendance.overtime')
        for offset in range(3):
            day = MONDAY + td(days=offset)
            Line.clock([ev('B001', day, '08:00', 'in'),
                    ev('B001', day, '17:30', 'out')])
        april = dt.date(2026, 4, 1)
        Line.clock([ev('B001', april, '08:00', 'in', offset='+02:00'),
                ev('B001', april, '18:00', 'out', offset='+02:00')])
        march, april_ot = Overtime.search([('employee', '=', o.alice.id)],
            order=[('month', 'ASC')])
        self.assertEqual(march.month, dt.date(2026, 3, 1))
        self.assertEqual(len(march.lines), 3)
        self.assertEqual(march.duration, 3 * 5400)
        self.assertEqual(march.state, 'draft')
        self.assertEqual(len(april_ot.lines), 1)
        self.assertEqual(april_ot.duration, 2 * 3600)

        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        alice = o.user('alice', o.alice)
        with as_user(alice):
            with self.assertRaises(UserError):
                Overtime.approve(Overtime.browse([march.id]))
            # The days are computed, never written by hand
            OvertimeLine = pool.get('attendance.overtime.line')
            with self.assertRaises(UserError):
                OvertimeLine.write(list(Overtime(march.id).lines),
                    {'duration': 1})
        with as_user(chef):
            Overtime.approve(Overtime.browse([march.id]))
        # A later day of the month goes to a new overtime to approve; the
        # approved one keeps its days
        thursday = MONDAY + td(days=3)
        Line.clock([ev('B001', thursday, '08:00', 'in'),
                ev('B001', thursday, '17:30', 'out')])
        self.assertEqual(len(Overtime(march.id).lines), 3)
        later, = Overtime.search([('employee', '=', o.alice.id),
                ('state', '=', 'draft'),
                ('month', '=', dt.date(2026, 3, 1))])
        self.assertEqual([l.date for l in later.lines], [thursday])

    @with_transaction()
    @with_org
    def test_prior_authorisation(self, o):
        pool = Pool()
        Line = pool.get('attendance.line')
        Rule = pool.get('attendance.overtime.rule')
        Overtime = pool.get('attendance.overtime')
        Authorisation = pool.get('attendance.overtime.authorisation')
        Rule.write([o.rule], {'needs_authorisation': True})
        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        alice = o.user('alice', o.alice)
        Line.clock([ev('B001', MONDAY, '08:00', 'in'),
                ev('B001', MONDAY, '18:30', 'out')])
        overtime, = Overtime.search([('employee', '=', o.alice.id)])
        self.assertTrue(overtime.unauthorised)
        with as_user(chef):
            with self.assertRaises(UserError):
                Overtime.approve(Overtime.browse([overtime.id]))
        with as_user(alice):
            request, = Authorisation.create([{'employee': o.alice.id,
                        'start': MONDAY, 'end': MONDAY + td(days=1),
                        'hours': td(hours=3), 'reason': "Inventaire"}])
            Authorisation.request([request])
            # Nobody authorises their own overtime
            with self.assertRaises(UserError):
                Authorisation.approve([Authorisation(request.id)])
        with as_user(chef):
            Authorisation.approve(Authorisation.browse([request.id]))
        overtime, = Overtime.search([('employee', '=', o.alice.id)])
        self.assertFalse(overtime.unauthorised)
        with as_user(chef):
            Overtime.approve(Overtime.browse([overtime.id]))
        self.assertEqual(Overtime(overtime.id).state, 'approved')

    @with_transaction()
    @with_org
    def test_recovery_hours_expire(self, o):
        "Hours not taken within the rule's validity expire (pinned dates)"
        pool = Pool()
        Line = pool.get('attendance.line')
        Rule = pool.get('attendance.overtime.rule')
        Overtime = pool.get('attendance.overtime')
        LeaveType = pool.get('attendance.leave.type')
        Leave = pool.get('attendance.leave')
        Line.clock([ev('B001', MONDAY, '08:00', 'in'),
                ev('B001', MONDAY, '19:00', 'out')])
        Overtime.approve(Overtime.search([('employee', '=', o.alice.id)]))
        earned = 3 * 3600
        self.assertEqual(Overtime.recovery_balance(o.alice,
                dt.date(2027, 1, 1)), earned)
        Rule.write([o.rule], {'recovery_validity_months': 3})
        # Earned in March, valid through May
        self.assertEqual(Overtime.recovery_balance(o.alice,
                dt.date(2026, 5, 31)), earned)
        self.assertEqual(Overtime.recovery_balance(o.alice,
                dt.date(2026, 6, 1)), 0)
        # Two hours taken in April use them; only the hour left expires
        recovery, = LeaveType.create([{'name': "Récupération",
                    'code': 'REC', 'unit': 'hour', 'recovery': True}])
        leave, = Leave.create([{'employee': o.alice.id,
                    'type': recovery.id, 'start': dt.date(2026, 4, 7),
                    'end': dt.date(2026, 4, 7), 'hours': td(hours=2)}])
        Leave.request([leave])
        self.assertEqual(Overtime.recovery_balance(o.alice,
                dt.date(2026, 5, 31)), 3600)
        self.assertEqual(Overtime.recovery_balance(o.alice,
                dt.date(2026, 6, 1)), 0)
        # The employee's balance reads the same, as of the context date
        Employee = pool.get('company.employee')
        from trytond.transaction import Transaction
        with Transaction().set_context(date=dt.date(2026, 6, 1)):
            self.assertEqual(Employee(o.alice.id).recovery_balance,
                td())
        with Transaction().set_context(date=dt.date(2026, 5, 1)):
            self.assertEqual(Employee(o.alice.id).recovery_balance,
                td(hours=1))
