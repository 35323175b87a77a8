"""Who may approve the requests of an employee: the managers of the
employee's services (level 1), the managers above (level 2), HR, and the
substitutes the managers named for their absences."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import ApprovalError

HR_GROUPS = [
    ('mons_base', 'group_hr_officer'),
    ('mons_base', 'group_hr_manager'),
    ('mons_base', 'group_admin'),
    ]


class Approver(ModelSQL, ModelView):
    "Substitute approver of a manager for a period"
    __name__ = 'hr.time.approver'

    approver = fields.Many2One('company.employee', "Approver", required=True,
        ondelete='CASCADE')
    substitute = fields.Many2One('company.employee', "Substitute",
        required=True, ondelete='CASCADE',
        domain=[('id', '!=', Eval('approver', -1))])
    start = fields.Date("Start", required=True)
    end = fields.Date("End", required=True,
        domain=[('end', '>=', Eval('start', None))])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('start', 'DESC'))

    @classmethod
    def is_hr(cls, user_id=None):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        transaction = Transaction()
        if user_id is None:
            user_id = transaction.user
        if user_id == 0:
            return True
        with transaction.set_user(user_id):
            groups = set(User.get_groups())
        return bool(groups & {ModelData.get_id(m, x) for m, x in HR_GROUPS})

    @classmethod
    def managers_of(cls, employee, level=1):
        """Employee ids allowed at a level: 1 = managers of the employee's
        services, 2 = managers of the services above them."""
        pool = Pool()
        Service = pool.get('mons.service')
        with without_check_access():
            services = Service.search([('members', '=', employee.id)])
            services += Service.search([('manager', '=', employee.id)])
            nodes = services
            managers = set()
            for _ in range(level):
                managers, parents = set(), []
                for node in nodes:
                    # A manager does not approve their own requests
                    while node and (not node.manager
                            or node.manager.id == employee.id):
                        node = node.parent
                    if node:
                        managers.add(node.manager.id)
                        parents.append(node.parent)
                nodes = [p for p in parents if p]
        return managers

    @classmethod
    def substitutes_of(cls, managers, date=None):
        date = date or dt.date.today()
        with without_check_access():
            return {a.substitute.id for a in cls.search([
                        ('approver', 'in', list(managers)),
                        ('start', '<=', date), ('end', '>=', date),
                        ])}

    @classmethod
    def may_approve(cls, employee, level=1, user_id=None):
        pool = Pool()
        User = pool.get('res.user')
        transaction = Transaction()
        if user_id is None:
            user_id = transaction.user
        if cls.is_hr(user_id):
            return True
        with without_check_access():
            own = {e.id for e in User(user_id).employees}
        if employee.id in own:
            return False
        managers = cls.managers_of(employee, level)
        if managers & own:
            return True
        return bool(cls.substitutes_of(managers) & own)

    @classmethod
    def check_approve(cls, employee, record, level=1):
        if not cls.may_approve(employee, level):
            raise ApprovalError(gettext('mons_hr_time.msg_not_approver',
                    record=record.rec_name))
