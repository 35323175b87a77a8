"""Leave allocations: the yearly entitlement of each employee and type
(pro rata for entries, exits and part-time), the balance carried over to
the next year (with a cap and an expiry), and the balances."""
import datetime as dt
import math

from sql.operators import Equal

from trytond.model import Exclude, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.transaction import check_access, without_check_access
from trytond.wizard import Button, StateAction, StateView, Wizard


class Allocation(ModelSQL, ModelView):
    "Leave Allocation"
    __name__ = 'attendance.leave.allocation'

    employee = fields.Many2One('company.employee', "Employee", required=True,
        ondelete='CASCADE')
    type = fields.Many2One('attendance.leave.type', "Type", required=True,
        domain=[('needs_allocation', '=', True)])
    year = fields.Integer("Year", required=True)
    base = fields.Float("Full-time Entitlement", digits=(16, 1),
        help="Entitlement of a full-time employee present all the year.")
    quantity = fields.Float("Allocated", digits=(16, 1), required=True,
        help="Entitlement after pro rata for part-time work and joiners.")
    carried_over = fields.Float("Carried Over", digits=(16, 1),
        help="Balance brought from the previous year.")
    carry_expiry = fields.Date("Carry-over Expiry")
    balance = fields.Function(fields.Float("Balance", digits=(16, 1)),
        'get_balance')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('employee_type_year_unique', Exclude(t, (t.employee, Equal),
                    (t.type, Equal), (t.year, Equal)),
                'mons_hr_time.msg_allocation_unique'),
            ]
        cls._order = [('year', 'DESC'), ('employee', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_year():
        return dt.date.today().year

    @staticmethod
    def default_carried_over():
        return 0.0

    def get_rec_name(self, name):
        return f'{self.type.rec_name} {self.year} - {self.employee.rec_name}'

    def get_balance(self, name):
        date = min(dt.date.today(), dt.date(self.year, 12, 31))
        date = max(date, dt.date(self.year, 1, 1))
        return self.balance_at(self.employee, self.type, date)

    @classmethod
    def pro_rata(cls, employee, year, base):
        """Entitlement for a year: base × the days of the year the employee
        is employed, each weighted by the part-time share of its week
        (4/5 with Wednesday off: 0.8), rounded up to the half day."""
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        total = (end - start).days + 1
        weighted = 0.0
        weeks = {}
        date = start
        while date <= end:
            if ((not employee.start_date or employee.start_date <= date)
                    and (not employee.end_date or employee.end_date >= date)):
                assignment = employee.schedule_at(date)
                if assignment:
                    key = (assignment.id,
                        date - dt.timedelta(days=date.weekday()))
                    if key not in weeks:
                        weeks[key] = assignment.week_fraction(date)
                    weighted += weeks[key]
                else:
                    weighted += 1.0
            date += dt.timedelta(days=1)
        return math.ceil(base * weighted / total * 2) / 2

    @classmethod
    def allocate(cls, type_, year, base, employees):
        "Create the missing allocations of a year with pro rata"
        existing = {a.employee.id for a in cls.search([
                    ('type', '=', type_.id), ('year', '=', year),
                    ('employee', 'in', [e.id for e in employees])])}
        return cls.create([{
                    'employee': e.id, 'type': type_.id, 'year': year,
                    'base': base,
                    'quantity': cls.pro_rata(e, year, base),
                    } for e in employees if e.id not in existing])

    @classmethod
    def carry_over(cls, allocations):
        """Bring the balances of the allocations to the next year, within
        the cap of the type and with its expiry."""
        created = []
        for allocation in allocations:
            type_ = allocation.type
            remaining = cls.balance_at(allocation.employee, type_,
                dt.date(allocation.year, 12, 31))
            if type_.carry_over_cap is not None:
                remaining = min(remaining, type_.carry_over_cap)
            if remaining <= 0:
                continue
            expiry = None
            if type_.carry_over_months:
                month = type_.carry_over_months + 1
                expiry = dt.date(allocation.year + 1 + (month - 1) // 12,
                    (month - 1) % 12 + 1, 1) - dt.timedelta(days=1)
            nexts = cls.search([('employee', '=', allocation.employee.id),
                    ('type', '=', type_.id),
                    ('year', '=', allocation.year + 1)])
            if nexts:
                cls.write(nexts, {'carried_over': remaining,
                        'carry_expiry': expiry})
            else:
                created.extend(cls.create([{
                            'employee': allocation.employee.id,
                            'type': type_.id,
                            'year': allocation.year + 1,
                            'base': allocation.base,
                            'quantity': cls.pro_rata(allocation.employee,
                                allocation.year + 1, allocation.base or 0),
                            'carried_over': remaining,
                            'carry_expiry': expiry,
                            }]))
        return created

    @classmethod
    def balance_at(cls, employee, type_, date, exclude=None):
        """Balance of a type at date: allocations of the year and the
        carry-over still valid, minus the leave requested or approved."""
        pool = Pool()
        Leave = pool.get('attendance.leave')
        first, last = dt.date(date.year, 1, 1), dt.date(date.year, 12, 31)
        with without_check_access():
            allocations = cls.search([('employee', '=', employee.id),
                    ('type', '=', type_.id), ('year', '=', date.year)])
            # A leave across the new year charges each year its own days
            leaves = Leave.search([('employee', '=', employee.id),
                    ('type', '=', type_.id),
                    ('state', 'in', ['requested', 'approved']),
                    ('start', '<=', last),
                    ('end', '>=', first),
                    ])
        leaves = [l for l in leaves if l != exclude]
        taken = sum(l.duration_between(first, last) for l in leaves)
        quantity = sum(a.quantity for a in allocations)
        for allocation in allocations:
            carried = allocation.carried_over or 0
            if allocation.carry_expiry and date > allocation.carry_expiry:
                # After expiry only what was used before it stays counted
                used = sum(l.duration_between(first, allocation.carry_expiry)
                    for l in leaves)
                carried = min(carried, used)
            quantity += carried
        return round(quantity - taken, 2)

    @classmethod
    def balance_of_code(cls, employee, code, date):
        "Balance of the type with code (0 when none)"
        Type = Pool().get('attendance.leave.type')
        with without_check_access():
            types = Type.search([('code', '=', code)], limit=1)
        if not types:
            return 0.0
        return cls.balance_at(employee, types[0], date)

    @classmethod
    def allocate_yearly(cls, date=None):
        """Scheduled job: the allocations of the year of date for every
        type with a yearly entitlement and every employee employed that
        year, then the carry-over of the previous year's balances. Both
        are idempotent, so the job may run every month and catch the
        employees who joined since."""
        pool = Pool()
        Type = pool.get('attendance.leave.type')
        Employee = pool.get('company.employee')
        date = date or dt.date.today()
        year = date.year
        created = []
        with without_check_access():
            types = Type.search([('needs_allocation', '=', True),
                    ('yearly_entitlement', '!=', None)])
            employees = Employee.search(cls._employed_domain(year))
            for type_ in types:
                created += cls.allocate(
                    type_, year, type_.yearly_entitlement, employees)
                created += cls.carry_over(cls.search([
                            ('type', '=', type_.id), ('year', '=', year - 1),
                            ]))
        return created

    @staticmethod
    def _employed_domain(year):
        return [
            ['OR', ('start_date', '=', None),
                ('start_date', '<=', dt.date(year, 12, 31))],
            ['OR', ('end_date', '=', None),
                ('end_date', '>=', dt.date(year, 1, 1))],
            ]


class AllocateStart(ModelView):
    "Allocate Leave"
    __name__ = 'attendance.leave.allocate.start'
    __string__ = "Allocate Leave"

    type = fields.Many2One('attendance.leave.type', "Type", required=True,
        domain=[('needs_allocation', '=', True)])
    year = fields.Integer("Year", required=True)
    base = fields.Float("Full-time Entitlement", digits=(16, 1),
        required=True,
        help="Entitlement of a full-time employee present all the year; "
        "each employee gets it pro rata.")
    employees = fields.Many2Many('company.employee', None, None,
        "Employees", help="Empty: every employee employed that year.")
    carry_over = fields.Boolean("Carry Over",
        help="Also carry the balances of the previous year over.")

    @staticmethod
    def default_year():
        return dt.date.today().year

    @staticmethod
    def default_carry_over():
        return True

    @fields.depends('type', 'base')
    def on_change_type(self):
        if self.type and self.type.yearly_entitlement is not None:
            self.base = self.type.yearly_entitlement


class Allocate(Wizard):
    """Allocate a year's leave pro rata and carry the previous year over,
    with the rights of the HR officer who runs it"""
    __name__ = 'attendance.leave.allocate'
    start = StateView('attendance.leave.allocate.start',
        'mons_hr_time.allocate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Allocate", 'open_', 'tryton-ok', default=True),
            ])
    open_ = StateAction('mons_hr_time.act_allocation')

    def do_open_(self, action):
        pool = Pool()
        Allocation = pool.get('attendance.leave.allocation')
        Employee = pool.get('company.employee')
        start = self.start
        # Wizards run without Tryton's checks: the user's own apply
        with check_access():
            employees = list(start.employees) or Employee.search(
                Allocation._employed_domain(start.year))
            Allocation.allocate(start.type, start.year, start.base,
                employees)
            if start.carry_over:
                Allocation.carry_over(Allocation.search([
                            ('type', '=', start.type.id),
                            ('year', '=', start.year - 1),
                            ('employee', 'in', [e.id for e in employees]),
                            ]))
        action['pyson_domain'] = PYSONEncoder().encode([
                ('type', '=', start.type.id), ('year', '=', start.year)])
        action['name'] += f' {start.type.rec_name} {start.year}'
        return action, {}
