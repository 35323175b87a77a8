"""A close that checks first: the list of what is undecided per service,
the refusal naming it, carrying to the next period where overtime stays
decidable and is paid, the managers' sign-off, and the payroll export
with the payroll number and the codes of absences and incomplete days."""
import datetime as dt
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .test_module import (
    MONDAY, DBTestCase, carry_and_close, ev, td, with_org)
from .test_payroll import load_french, run_tasks
from .test_request import as_user


def march(o):
    pool = Pool()
    Period = pool.get('attendance.period')
    period, = Period.create([{'company': o.company.id,
                'ends_at': Period.month_end(o.company, 2026, 3)}])
    return period


def undecided_march(o):
    """March with something of each kind to decide: Alice's overtime and
    absences, Bob's missing clock-out and requested leave"""
    pool = Pool()
    Line = pool.get('attendance.line')
    Leave = pool.get('attendance.leave')
    LeaveType = pool.get('attendance.leave.type')
    load_french()
    annual, = LeaveType.create([{'name': "Congé", 'code': 'CA'}])
    Line.clock([ev('B001', MONDAY, '08:00', 'in'),
            ev('B001', MONDAY, '18:00', 'out'),
            # Bob forgets to clock out
            ev('B002', MONDAY, '08:00', 'in')])
    leave, = Leave.create([{'employee': o.bob.id, 'type': annual.id,
                'start': MONDAY + td(days=10),
                'end': MONDAY + td(days=10)}])
    Leave.request([leave])
    return leave


class CloseTestCase(DBTestCase):

    @with_transaction()
    @with_org
    def test_close_computes_again_what_changed_since_the_check(self, o):
        "The close reuses the check's days only if nothing they use changed"
        pool = Pool()
        Period = pool.get('attendance.period')
        Day = pool.get('attendance.day')
        Holiday = pool.get('mons.holiday')
        Item = pool.get('hr.time.close.item')
        Signoff = pool.get('hr.time.close.signoff')
        # A local holiday nobody clocked on: no absence at the check
        holiday_date = MONDAY + td(days=8)
        holiday, = Holiday.create([{'date': holiday_date,
                    'name': "Ducasse", 'kind': 'local',
                    'company': o.company.id}])
        period = march(o)

        def decide_all():
            Period.check_close([period])
            Item.carry(Item.search([('period', '=', period.id),
                        ('state', '=', 'open')]))
            Signoff.sign(Signoff.search([('period', '=', period.id),
                        ('state', '=', 'to_sign')]))
        decide_all()
        self.assertTrue(Period(period.id).checked_inputs)
        # Only the check records it: the close trusts it
        rh = o.user('rh', o.other, groups=['group_hr_officer'])
        with as_user(rh), self.assertRaises(UserError) as cm:
            Period.write(Period.browse([period.id]),
                {'checked_inputs': 'x'})
        self.assertIn("recorded by the period's check", cm.exception.message)
        self.assertFalse(Item.search([('period', '=', period.id),
                    ('date', '=', holiday_date)]))

        # The holiday is withdrawn after the check: the close computes the
        # days again, finds the absences and refuses
        Holiday.delete([holiday])
        with self.assertRaises(UserError):
            Period.close([period])
        self.assertTrue(Item.search([('period', '=', period.id),
                    ('date', '=', holiday_date), ('state', '=', 'open')]))

        # Checked again with nothing changed since: the close does not
        # compute the month a second time
        decide_all()
        with patch.object(Day, 'compute', wraps=Day.compute) as compute:
            Period.close([period])
        compute.assert_not_called()
        self.assertEqual(Period(period.id).state, 'closed')

    @with_transaction()
    @with_org
    def test_close_checks_first(self, o):
        pool = Pool()
        Period = pool.get('attendance.period')
        Item = pool.get('hr.time.close.item')
        Signoff = pool.get('hr.time.close.signoff')
        Overtime = pool.get('attendance.overtime')
        leave = undecided_march(o)
        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        rh = o.user('rh', o.other, groups=['group_hr_officer'])
        alice = o.user('alice', o.alice)
        period = march(o)
        with as_user(rh):
            Period.check_close(Period.browse([period.id]))
        items = Item.search([('period', '=', period.id)])
        kinds = {(i.employee, i.kind) for i in items}
        self.assertIn((o.alice, 'overtime'), kinds)
        self.assertIn((o.bob, 'incomplete'), kinds)
        self.assertIn((o.bob, 'request'), kinds)
        self.assertIn((o.bob, 'anomaly'), kinds)
        # The unpaired clocking is listed once, as the incomplete day
        self.assertFalse([i for i in items if i.kind == 'anomaly'
                and i.record.kind in {'missing_out', 'missing_in'}])
        self.assertEqual({i.service for i in items if i.employee == o.alice},
            {o.service})

        # The close refuses, in French, naming what is open
        with Transaction().set_context(language='fr'):
            with self.assertRaises(UserError) as cm:
                Period.close(Period.browse([period.id]))
        message = cm.exception.message
        self.assertIn("ne peut pas être clôturée", message)
        self.assertIn("Heures supplémentaires à décider : 1", message)
        self.assertIn("Journée incomplète : 1", message)
        self.assertIn("Travaux", message)
        self.assertEqual(Period(period.id).state, 'draft')

        # The manager sees and carries his people's items only
        overtime_item, = [i for i in items if i.kind == 'overtime']
        other_item = next(i for i in items if i.employee == o.other)
        with as_user(chef):
            self.assertFalse(Item.search([('employee', '=', o.other.id)]))
            with self.assertRaises(AccessError):
                Item.carry(Item.browse([other_item.id]))
            # The items are built by the check, never written
            with self.assertRaises(UserError):
                Item.write(Item.browse([overtime_item.id]),
                    {'state': 'carried'})
            # Sign-off waits for the employee's items
            alice_signoff, = Signoff.search([('employee', '=', o.alice.id),
                    ('period', '=', period.id)])
            with self.assertRaises(UserError):
                Signoff.sign(Signoff.browse([alice_signoff.id]))
            Item.carry(Item.search([('employee', '=', o.alice.id),
                        ('state', '=', 'open')]))
        with as_user(alice):
            # An employee neither reads the list nor signs their month
            with self.assertRaises(AccessError):
                Signoff.sign(Signoff.browse([alice_signoff.id]))
        with as_user(chef):
            Signoff.sign(Signoff.browse([alice_signoff.id]))
        signoff = Signoff(alice_signoff.id)
        self.assertEqual((signoff.state, signoff.signed_by),
            ('signed', chef))
        overtime, = Overtime.search([('employee', '=', o.alice.id)])
        self.assertTrue(overtime.carried)
        self.assertEqual(overtime.payable_month, dt.date(2026, 4, 1))

        # HR carries the rest; unsigned employees still block the close
        with as_user(rh):
            Item.carry(Item.search([('period', '=', period.id),
                        ('state', '=', 'open')]))
            Period.check_close(Period.browse([period.id]))
        with Transaction().set_context(language='fr'):
            with self.assertRaises(UserError) as cm:
                Period.close(Period.browse([period.id]))
        self.assertIn("sans visa", cm.exception.message)
        with as_user(rh):
            Signoff.sign(Signoff.search([('period', '=', period.id),
                        ('state', '=', 'to_sign')]))
        Period.close(Period.browse([period.id]))
        self.assertEqual(Period(period.id).state, 'closed')

        # Overtime carried from the closed month is still decided
        with as_user(chef):
            Overtime.approve(Overtime.browse([overtime.id]))
        self.assertEqual(Overtime(overtime.id).state, 'approved')
        # and carried items come back at the next close while undecided
        april = Period.create([{'company': o.company.id,
                    'ends_at': Period.month_end(o.company, 2026, 4)}])[0]
        Period.check_close([april])
        again = Item.search([('period', '=', april.id)])
        self.assertIn(str(leave), {str(i.record) for i in again})
        self.assertIn((o.bob, 'incomplete'),
            {(i.employee, i.kind) for i in again if i.date == MONDAY})
        self.assertNotIn(str(overtime), {str(i.record) for i in again})

    @with_transaction()
    @with_org
    def test_export_pays_carried_overtime_and_codes(self, o):
        "Matricule, absence and incomplete-day codes; carried overtime paid"
        pool = Pool()
        Line = pool.get('attendance.line')
        Period = pool.get('attendance.period')
        PayCode = pool.get('hr.time.pay.code')
        Layout = pool.get('hr.time.payroll.layout')
        Export = pool.get('hr.time.payroll.export')
        Overtime = pool.get('attendance.overtime')
        Employee = pool.get('company.employee')
        load_french()
        Line.clock([ev('B001', MONDAY, '08:00', 'in'),
                ev('B001', MONDAY, '17:30', 'out'),
                ev('B002', MONDAY, '08:00', 'in')])
        Overtime.write(Overtime.search([]), {'compensation': 'payment'})
        period = march(o)
        carry_and_close(period)
        for code, kind, extra in [('1000', 'worked', {}),
                ('2100', 'overtime', {'overtime_kind': 'normal'}),
                ('9000', 'absence', {})]:
            PayCode.create([dict(code=code, name=code, kind=kind, **extra)])
        layout, = Layout.create([{'name': "Persée",
                    'columns': [('create', [
                                {'name': 'MATRICULE',
                                    'field': 'payroll_number'},
                                {'name': 'CODE', 'field': 'pay_code'},
                                {'name': 'QTE', 'field': 'quantity'}])]}])

        def export(period):
            record, = Export.create([{'period': period.id,
                        'layout': layout.id}])
            with Transaction().set_context(language='fr'):
                Export.generate([record])
            run_tasks()
            return Export(record.id)

        # Bob's incomplete day is never exported as 0 h silently
        failed = export(period)
        self.assertEqual(failed.state, 'failed')
        self.assertIn("journées incomplètes", failed.error_message)
        PayCode.create([{'code': '9100', 'name': "Incomplet",
                    'kind': 'incomplete'}])
        # The matricule is the payroll number, not the badge
        failed = export(period)
        self.assertEqual(failed.state, 'failed')
        self.assertIn("matricule", failed.error_message)
        for employee, number in [(o.alice, 'P-0001'), (o.bob, 'P-0002'),
                (o.chef, 'P-0100'), (o.other, 'P-0200')]:
            Employee.write([employee], {'payroll_number': number})
        done = export(period)
        self.assertEqual(done.state, 'done', done.error_message)
        lines = done.file.decode().splitlines()
        self.assertIn('P-0001;1000;9,50', lines)
        self.assertIn('P-0002;9100;1,00', lines)
        absences = [l for l in lines if l.startswith('P-0100;9000;')]
        self.assertEqual(len(absences), 1)
        self.assertNotIn('B001', done.file.decode())
        # The overtime was carried undecided: not paid in March...
        self.assertFalse([l for l in lines if ';2100;' in l])

        # ... but in April, once approved after the March close
        Overtime.approve(Overtime.search([('employee', '=', o.alice.id)]))
        april, = Period.create([{'company': o.company.id,
                    'ends_at': Period.month_end(o.company, 2026, 4)}])
        carry_and_close(april)
        done = export(april)
        self.assertEqual(done.state, 'done', done.error_message)
        self.assertIn('P-0001;2100;1,50', done.file.decode().splitlines())

    @with_transaction()
    @with_org
    def test_carried_items_stay_decidable(self, o):
        """Items carried at a close are decided after it: an anomaly is
        justified, an incomplete day justified, a request decided; once
        decided they leave the next close's list, and the closed days
        stay as they were"""
        pool = Pool()
        Period = pool.get('attendance.period')
        Item = pool.get('hr.time.close.item')
        Anomaly = pool.get('attendance.anomaly')
        Correction = pool.get('attendance.correction')
        Leave = pool.get('attendance.leave')
        Day = pool.get('attendance.day')
        leave = undecided_march(o)
        chef = o.user('chef', o.chef, groups=['group_service_manager'])
        period = march(o)
        carry_and_close(period)
        self.assertEqual(Period(period.id).state, 'closed')
        absence, = Anomaly.search([('employee', '=', o.alice.id),
                ('kind', '=', 'unjustified_absence'),
                ('date', '=', MONDAY + td(days=1))])
        missing, = Anomaly.search([('employee', '=', o.bob.id),
                ('kind', '=', 'missing_out'), ('date', '=', MONDAY)])
        carried = {str(i.record) for i in Item.search([
                    ('period', '=', period.id), ('state', '=', 'carried')])}
        self.assertIn(str(absence), carried)
        self.assertIn(str(leave), carried)
        bob_day = Day.search([('employee', '=', o.bob.id),
                ('date', '=', MONDAY)])[0]
        self.assertIn(str(bob_day), carried)

        # The employees ask, the manager justifies the carried absence and
        # the missing clock-out of the closed month
        alice = o.user('alice', o.alice)
        bob = o.user('bob', o.bob)
        corrections = []
        for user, employee, anomaly, reason in [
                (alice, o.alice, absence, "Formation"),
                (bob, o.bob, missing, "Sorti en mission")]:
            with as_user(user):
                correction, = Correction.create([{'employee': employee.id,
                            'anomaly': anomaly.id, 'kind': 'justify',
                            'reason': reason}])
                Correction.request([correction])
            corrections.append(correction.id)
        with as_user(chef):
            Correction.approve(Correction.browse(corrections))
        self.assertEqual(Anomaly(absence.id).state, 'resolved')
        self.assertEqual(Anomaly(missing.id).state, 'resolved')
        # and decides the carried leave request
        with as_user(chef):
            Leave.refuse(Leave.browse([leave.id]))
        self.assertEqual(Leave(leave.id).state, 'refused')
        # A closed day is not computed again: its facts stay as closed
        self.assertEqual(Day(bob_day.id).state, 'closed')
        with as_user(bob):
            late, = Correction.create([{'employee': o.bob.id,
                        'kind': 'add', 'at': dt.datetime(2026, 3, 2, 15),
                        'direction': 'out', 'reason': "Oubli"}])
            Correction.request([late])
        with self.assertRaises(UserError):
            with as_user(chef):
                Correction.approve(Correction.browse([late.id]))

        # Decided, they are no longer listed at the next close
        april, = Period.create([{'company': o.company.id,
                    'ends_at': Period.month_end(o.company, 2026, 4)}])
        Period.check_close([april])
        listed = {str(i.record) for i in Item.search([
                    ('period', '=', april.id)])}
        self.assertNotIn(str(absence), listed)
        self.assertNotIn(str(leave), listed)
        self.assertNotIn(str(bob_day), listed)
