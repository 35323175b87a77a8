"Employees: badge, schedules and balances for time management."
import datetime as dt

from sql import Null
from sql.operators import Equal

from trytond.model import Exclude, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'

    badge = fields.Char("Badge", strip=True,
        help="Identifier sent by the clocking devices for this employee.")
    time_services = fields.Many2Many('mons.service-company.employee',
        'employee', 'service', "Services", readonly=True,
        help="Services the employee is a member of.")
    work_schedules = fields.One2Many('hr.time.employee.schedule', 'employee',
        "Work Schedules")
    leave_balance = fields.Function(fields.Float("Annual Leave Balance",
            digits=(16, 1), help="Days of annual leave left this year."),
        'get_balances')
    recovery_balance = fields.Function(fields.TimeDelta("Recovery Balance",
            help="Approved overtime credited as recovery minus the "
            "recovery leave taken."),
        'get_balances')
    flexitime_balance = fields.Function(fields.TimeDelta("Flexitime Balance",
            help="Balance of the current flexitime period, carry-over "
            "included."),
        'get_balances')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('badge_unique', Exclude(t, (t.badge, Equal),
                    where=t.badge != Null),
                'mons_hr_time.msg_badge_unique'),
            ]

    def schedule_at(self, date):
        "Return the employee schedule assignment valid at date"
        for assignment in self.work_schedules:
            if (assignment.valid_from <= date
                    and (not assignment.valid_to
                        or assignment.valid_to >= date)):
                return assignment

    @classmethod
    def get_balances(cls, employees, names):
        pool = Pool()
        Allocation = pool.get('attendance.leave.allocation')
        Overtime = pool.get('attendance.overtime')
        Day = pool.get('attendance.day')
        today = Transaction().context.get('date') or dt.date.today()
        result = {n: {} for n in names}
        for employee in employees:
            if 'leave_balance' in names:
                result['leave_balance'][employee.id] = (
                    Allocation.balance_of_code(employee, 'annual', today))
            if 'recovery_balance' in names:
                result['recovery_balance'][employee.id] = dt.timedelta(
                    seconds=Overtime.recovery_balance(employee, today))
            if 'flexitime_balance' in names:
                result['flexitime_balance'][employee.id] = dt.timedelta(
                    seconds=Day.flexitime_balance(employee, today))
        return result
