"""Telework is a way of working a working day: refused on holidays, days
off and leave days, and never counted (nor exported) on such a day."""
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .test_module import (
    MONDAY, DBTestCase, carry_and_close, day_of, td, with_org)
from .test_payroll import run_tasks


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

    @with_transaction()
    @with_org
    def test_export_counts_half_telework_days(self, o):
        """A half day of telework is exported as 0.5 day, a full day as 1,
        in the closed month's payroll export"""
        pool = Pool()
        Telework = pool.get('attendance.telework')
        Period = pool.get('attendance.period')
        PayCode = pool.get('hr.time.pay.code')
        Layout = pool.get('hr.time.payroll.layout')
        Export = pool.get('hr.time.payroll.export')
        Employee = pool.get('company.employee')
        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        requests = Telework.create([
                {'employee': o.alice.id, 'start': MONDAY,
                    'half': 'morning'},
                {'employee': o.bob.id, 'start': MONDAY},
                {'employee': o.bob.id, 'start': MONDAY + td(days=1),
                    'half': 'afternoon'}])
        Telework.request(requests)
        with Transaction().set_user(chef.id), \
                Transaction().set_context(_check_access=True):
            Telework.approve(Telework.browse(requests))
        self.assertEqual(day_of(o.alice, MONDAY).telework_days, 0.5)
        self.assertEqual(day_of(o.bob, MONDAY).telework_days, 1.0)
        period, = Period.create([{'company': o.company.id,
                    'ends_at': Period.month_end(o.company, 2026, 3)}])
        carry_and_close(period)
        for code, kind in [('5000', 'telework'), ('9000', 'absence'),
                ('9100', 'incomplete')]:
            PayCode.create([{'code': code, 'name': code, 'kind': kind}])
        layout, = Layout.create([{'name': "Persée",
                    'columns': [('create', [
                                {'name': 'MATRICULE',
                                    'field': 'payroll_number'},
                                {'name': 'CODE', 'field': 'pay_code'},
                                {'name': 'QTE', 'field': 'quantity'}])]}])
        for employee, number in [(o.alice, 'P-1'), (o.bob, 'P-2'),
                (o.chef, 'P-3'), (o.other, 'P-4')]:
            Employee.write([employee], {'payroll_number': number})
        export, = Export.create([{'period': period.id,
                    'layout': layout.id}])
        Export.generate([export])
        run_tasks()
        export = Export(export.id)
        self.assertEqual(export.state, 'done', export.error_message)
        lines = export.file.decode().splitlines()
        self.assertIn('P-1;5000;0,50', lines)
        self.assertIn('P-2;5000;1,50', lines)
