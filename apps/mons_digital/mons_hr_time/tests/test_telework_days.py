"""Telework is a way of working a working day: refused on holidays, days
off and leave days, and never counted (nor exported) on such a day."""
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .test_module import MONDAY, DBTestCase, day_of, td, with_org


class TeleworkDaysTestCase(DBTestCase):

    @with_transaction()
    @with_org
    def test_telework_only_on_working_days(self, o):
        pool = Pool()
        Telework = pool.get('attendance.telework')
        Holiday = pool.get('mons.holiday')
        LeaveType = pool.get('attendance.leave.type')
        Leave = pool.get('attendance.leave')
        tuesday, wednesday = MONDAY + td(days=1), MONDAY + td(days=2)
        saturday = MONDAY + td(days=5)
        Holiday.create([{'date': tuesday, 'name': "Fête"}])
        kind, = LeaveType.create([{'name': "Congé", 'code': 'leave'}])
        leave, = Leave.create([{'employee': o.alice.id, 'type': kind.id,
                    'start': wednesday, 'end': wednesday}])
        Leave.request([leave])
        for date in [tuesday, wednesday, saturday]:
            request, = Telework.create([{'employee': o.alice.id,
                        'start': date}])
            with self.assertRaises(UserError) as cm:
                Telework.request([request])
            self.assertIn('working day', cm.exception.message)
        monday, = Telework.create([{'employee': o.alice.id,
                    'start': MONDAY}])
        Telework.request([monday])

        # Structural telework on Tuesdays skips the holiday: not a
        # telework day, so not exported as one
        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        structural, = Telework.create([{'employee': o.bob.id,
                    'kind': 'structural', 'weekday': '1',
                    'start': MONDAY, 'end': MONDAY + td(days=8)}])
        Telework.request([structural])
        with Transaction().set_user(chef.id), \
                Transaction().set_context(_check_access=True):
            Telework.approve(Telework.browse([structural.id]))
        self.assertFalse(day_of(o.bob, tuesday).telework)
        self.assertTrue(day_of(o.bob, tuesday + td(days=7)).telework)
