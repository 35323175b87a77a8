"""Telework quotas per service or employee and half days: a morning and
an afternoon make a day in the quotas, half a day worked and half a day
in the figure the payroll export counts."""
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .test_leave_admin import Hierarchy, weekday_pattern
from .test_module import MONDAY, DBTestCase, day_of, ev, td, with_org
from .test_request import as_user


class TeleworkQuotaTestCase(DBTestCase):

    @with_transaction()
    @with_org
    def test_quota_per_service_and_employee(self, o):
        "The employee's quota, else the nearest service's, else the default"
        pool = Pool()
        Telework = pool.get('attendance.telework')
        Quota = pool.get('attendance.telework.quota')
        Configuration = pool.get('hr.time.configuration')
        Service = pool.get('mons.service')
        h = Hierarchy(o)
        Configuration.write([Configuration(1)], {'telework_max_week': 3})
        top, = Service.search([('code', '=', 'DG')])
        self.assertEqual(Quota.limits(o.alice), (3, None))

        # Only HR sets quotas
        with as_user(h.chef):
            with self.assertRaises(AccessError):
                Quota.create([{'service': o.service.id, 'per_week': 5}])
        with as_user(h.hr):
            Quota.create([{'service': top.id, 'per_week': 2,
                        'per_month': 6}])
            # Direction's quota reaches Travaux below it
            self.assertEqual(Quota.limits(o.alice), (2, 6))
            Quota.create([{'service': o.service.id, 'per_week': 1}])
            self.assertEqual(Quota.limits(o.alice), (1, None))
            Quota.create([{'employee': o.bob.id, 'per_week': 2.5}])
            with self.assertRaises(UserError):
                Quota.create([{'service': o.service.id,
                            'employee': o.alice.id, 'per_week': 1}])
        self.assertEqual(Quota.limits(o.bob), (2.5, None))

        with as_user(h.alice):
            first, second = Telework.create([{'employee': o.alice.id,
                        'start': MONDAY + td(days=i)} for i in (0, 1)])
            Telework.request([first])
            # Travaux allows 1 day a week
            with self.assertRaises(UserError) as cm:
                Telework.request([second])
            self.assertIn('1 telework days', cm.exception.message)
        with as_user(h.bob):
            days = Telework.create([
                    {'employee': o.bob.id, 'start': MONDAY},
                    {'employee': o.bob.id, 'start': MONDAY + td(days=1)},
                    {'employee': o.bob.id, 'start': MONDAY + td(days=2),
                        'half': 'morning'},
                    {'employee': o.bob.id, 'start': MONDAY + td(days=3),
                        'half': 'afternoon'},
                    ])
            # 2.5 days: two days and a half day fit, not one half more
            Telework.request(days[:3])
            with self.assertRaises(UserError):
                Telework.request(days[3:])

    @with_transaction()
    @with_org
    def test_half_days(self, o):
        "Half a day worked, half a day counted; the other half clocked"
        pool = Pool()
        Telework = pool.get('attendance.telework')
        Line = pool.get('attendance.line')
        Leave = pool.get('attendance.leave')
        h = Hierarchy(o)
        tuesday = MONDAY + td(days=1)
        with as_user(h.alice):
            morning, afternoon, friday = Telework.create([
                    {'employee': o.alice.id, 'start': MONDAY,
                        'half': 'morning'},
                    {'employee': o.alice.id, 'start': MONDAY,
                        'half': 'afternoon'},
                    {'employee': o.alice.id, 'start': tuesday,
                        'half': 'morning'},
                    ])
            Telework.request([morning, afternoon, friday])
        with as_user(h.chef):
            Telework.approve(Telework.browse([morning, afternoon, friday]))
        # Morning and afternoon: a full telework day
        monday = day_of(o.alice, MONDAY)
        self.assertTrue(monday.telework)
        self.assertEqual(monday.telework_days, 1)
        self.assertEqual(monday.worked, 8 * 3600)
        # Tuesday: telework in the morning, the office in the afternoon
        Line.clock([ev('B001', tuesday, '12:30', 'in'),
                ev('B001', tuesday, '16:30', 'out')])
        day = day_of(o.alice, tuesday)
        self.assertTrue(day.telework)
        self.assertEqual(day.telework_days, 0.5)
        self.assertEqual(day.worked, 8 * 3600)
        self.assertEqual(day.expected, 8 * 3600)
        self.assertEqual(day.leave, 0)
        self.assertFalse(day.anomalies)

        # A half day of telework is refused on the half of a half-day
        # leave, accepted on the other half; never on a pattern's day off
        weekday_pattern(o, o.alice, wednesday=0)
        wednesday, thursday = MONDAY + td(days=9), MONDAY + td(days=10)
        leave, = Leave.create([{'employee': o.alice.id, 'type': h.long.id,
                    'start': thursday, 'end': thursday,
                    'half': 'morning'}])
        Leave.request([leave])
        with as_user(h.alice):
            same, other, off = Telework.create([
                    {'employee': o.alice.id, 'start': thursday,
                        'half': 'morning'},
                    {'employee': o.alice.id, 'start': thursday,
                        'half': 'afternoon'},
                    {'employee': o.alice.id, 'start': wednesday},
                    ])
            with self.assertRaises(UserError):
                Telework.request([same])
            Telework.request([other])
            with self.assertRaises(UserError):
                Telework.request([off])
