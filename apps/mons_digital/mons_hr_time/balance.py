"""Who may read an employee's time figures: badge and balances are the
employee's own, their managers' (service tree) and their organisation's
HR's. The rules say it once, on ``hr.time.balance`` (one row per
employee); the badge and balance fields of ``company.employee`` show only
on the rows of it the reader may read."""
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

PRIVATE_FIELDS = {'badge', 'leave_balance', 'recovery_balance',
    'flexitime_balance'}


class Balance(ModelSQL, ModelView):
    "Time Balances of an Employee"
    __name__ = 'hr.time.balance'
    __string__ = "Time Balances of an Employee"

    employee = fields.Many2One('company.employee', "Employee",
        readonly=True)
    company = fields.Many2One('company.company', "Organisation",
        readonly=True)

    @classmethod
    def table_query(cls):
        Employee = Pool().get('company.employee')
        employee = Employee.__table__()
        return employee.select(
            employee.id.as_('id'),
            employee.id.as_('employee'),
            employee.company.as_('company'),
            employee.create_uid.as_('create_uid'),
            employee.create_date.as_('create_date'),
            employee.write_uid.as_('write_uid'),
            employee.write_date.as_('write_date'))

    @classmethod
    def readable(cls, employee_ids):
        "Ids among employee_ids whose time figures the user may read"
        return {b.id for b in cls.search([('id', 'in', list(employee_ids))])}


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'

    @classmethod
    def read(cls, ids, fields_names):
        result = super().read(ids, fields_names)
        private = PRIVATE_FIELDS & set(fields_names)
        transaction = Transaction()
        if private and transaction.user and transaction.check_access:
            Balance = Pool().get('hr.time.balance')
            readable = Balance.readable(ids)
            for row in result:
                if row['id'] not in readable:
                    for name in private:
                        row[name] = None
        return result
