"""Leave allocations: the yearly entitlement of each employee and type
(pro rata for entries, exits and part-time), the balance carried over to
the next year (with a cap and an expiry), and the balances."""
import datetime as dt
import math

from sql.operators import Equal

from trytond.model import Exclude, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import without_check_access


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
        """Entitlement for a year: base × part-time fraction × presence,
        rounded up to the half day."""
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        total = (end - start).days + 1
        weighted = 0.0
        date = start
        while date <= end:
            if ((not employee.start_date or employee.start_date <= date)
                    and (not employee.end_date or employee.end_date >= date)):
                assignment = employee.schedule_at(date)
                weighted += assignment.fraction if assignment else 1.0
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
        with without_check_access():
            allocations = cls.search([('employee', '=', employee.id),
                    ('type', '=', type_.id), ('year', '=', date.year)])
            leaves = Leave.search([('employee', '=', employee.id),
                    ('type', '=', type_.id),
                    ('state', 'in', ['requested', 'approved']),
                    ('start', '>=', dt.date(date.year, 1, 1)),
                    ('start', '<=', dt.date(date.year, 12, 31)),
                    ])
        taken = sum(l.duration for l in leaves if l != exclude)
        quantity = sum(a.quantity for a in allocations)
        for allocation in allocations:
            carried = allocation.carried_over or 0
            if allocation.carry_expiry and date > allocation.carry_expiry:
                # After expiry only what was used before it stays counted
                used = sum(l.duration for l in leaves
                    if l.start <= allocation.carry_expiry and l != exclude)
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
