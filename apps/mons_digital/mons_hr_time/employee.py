"Employees: badge, schedules and balances for time management."
import datetime as dt
from collections import defaultdict

from trytond.model import Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .day_balance import _as_date
from .schedule import time_seconds

# Clock-outs up to 4 hours after a night shift's end count for the shift,
# never after noon
NIGHT_GRACE = 4 * 3600
NIGHT_CUTOFF_LIMIT = 12 * 3600


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'

    badge = fields.Char("Badge", strip=True,
        help="Identifier sent by the clocking devices for this employee.")
    payroll_number = fields.Char("Payroll Number", strip=True,
        help="The employee's number (matricule) in the payroll tool, "
        "written in the payroll export.")
    time_services = fields.Many2Many('mons.service-company.employee',
        'employee', 'service', "Services", readonly=True,
        help="Services the employee is a member of.")
    time_managers = fields.Function(fields.Many2Many(
            'company.employee', None, None, "Managers",
            help="Managers of the employee's services and of the services "
            "above them."),
        'get_time_managers', searcher='search_time_managers')
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
            # SQL NULLs are distinct: employees without badge
            ('badge_uniq', Unique(t, t.badge),
                'mons_hr_time.msg_badge_unique'),
            ('payroll_number_uniq', Unique(t, t.company, t.payroll_number),
                'mons_hr_time.msg_payroll_number_unique'),
            ]

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        # Exclude was emulated by a table scan on SQLite
        cls.__table_handler__(module).drop_constraint('badge_unique')

    def get_time_managers(self, name):
        Service = Pool().get('mons.service')
        managers = set()
        with without_check_access():
            nodes = Service.search(['OR',
                    ('members', '=', self.id), ('manager', '=', self.id)])
            seen = set()
            while nodes:
                parents = []
                for node in nodes:
                    if node.id in seen:
                        continue
                    seen.add(node.id)
                    if node.manager and node.manager.id != self.id:
                        managers.add(node.manager.id)
                    if node.parent:
                        parents.append(node.parent)
                nodes = parents
        return sorted(managers)

    @classmethod
    def search_time_managers(cls, name, clause):
        """Employees whose managers (service tree) include the employees
        of the clause: the members of the services they manage and below,
        and the managers of the services below"""
        Service = Pool().get('mons.service')
        _, operator, value = clause[:3]
        if operator not in {'=', 'in'}:
            raise NotImplementedError(operator)
        managers = set(value if isinstance(value, (list, tuple))
            else [value])
        managers.discard(None)
        if not managers:
            return [('id', '=', -1)]
        with without_check_access():
            managed = Service.search([('manager', 'in', list(managers))])
            tree = Service.search([
                    ('parent', 'child_of', [s.id for s in managed])]
                ) if managed else []
        employees = {m.id for s in tree for m in s.members}
        employees |= {s.manager.id for s in tree
            if s.manager and s.manager.id not in managers}
        return [('id', 'in', sorted(employees))]

    def schedule_at(self, date):
        "Return the employee schedule assignment valid at date"
        for assignment in self.work_schedules:
            if (assignment.valid_from <= date
                    and (not assignment.valid_to
                        or assignment.valid_to >= date)):
                return assignment

    def work_date(self, local, cutoffs=None):
        """Day a clocking at the aware local datetime counts for: the early
        hours after a night shift belong to the day the shift started.
        cutoffs: a BatchCutoffs to share the schedules' look-ups across
        the clockings of a batch"""
        date = local.date()
        seconds = time_seconds(local.time())
        if seconds >= NIGHT_CUTOFF_LIMIT:
            return date
        if cutoffs is None:
            cutoff = self.night_cutoff(date)
        else:
            cutoff = cutoffs.cutoff(self, date)
        if cutoff is not None and seconds < cutoff:
            return date - dt.timedelta(days=1)
        return date

    def night_cutoff(self, date, line_at=None):
        """Seconds after the midnight starting date before which a clocking
        belongs to the previous day's night shift; None without one.
        line_at: the employee's schedule line of a date"""
        line_at = line_at or self.schedule_line_at
        night = line_at(date - dt.timedelta(days=1))
        if not night or not night.crosses_midnight:
            return None
        end = time_seconds(night.end)
        cutoff = min(end + NIGHT_GRACE, NIGHT_CUTOFF_LIMIT)
        own = line_at(date)
        if own and own.start and time_seconds(own.start) > end:
            # A clocking between the two shifts goes to the nearer one
            cutoff = min(cutoff, (end + time_seconds(own.start)) // 2)
        return cutoff

    def schedule_line_at(self, date):
        assignment = self.schedule_at(date)
        if assignment:
            return assignment.schedule.line_for(date)

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


class BatchCutoffs:
    """Night cut-offs of the clockings of a batch: the assignments of its
    employees are read in one query and each schedule's line of a date
    once, as thousands of clockings share a few schedules"""

    def __init__(self, employee_ids):
        pool = Pool()
        Assignment = pool.get('hr.time.employee.schedule')
        table = Assignment.__table__()
        cursor = Transaction().connection.cursor()
        self._periods = defaultdict(list)
        for sub in grouped_slice(sorted(set(employee_ids)), 500):
            cursor.execute(*table.select(table.employee, table.valid_from,
                    table.valid_to, table.schedule,
                    where=table.employee.in_(list(sub)),
                    order_by=[table.valid_from.desc]))
            for employee, start, end, schedule in cursor:
                self._periods[employee].append(
                    (_as_date(start), _as_date(end), schedule))
        self._lines, self._cutoffs = {}, {}

    def line_at(self, employee_id, date):
        Schedule = Pool().get('hr.time.schedule')
        for start, end, schedule in self._periods.get(employee_id, ()):
            if start <= date and (not end or end >= date):
                key = (schedule, date)
                if key not in self._lines:
                    self._lines[key] = Schedule(schedule).line_for(date)
                return self._lines[key]

    def cutoff(self, employee, date):
        key = (employee.id, date)
        if key not in self._cutoffs:
            self._cutoffs[key] = employee.night_cutoff(date,
                line_at=lambda d: self.line_at(employee.id, d))
        return self._cutoffs[key]
