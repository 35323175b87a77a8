"Services of the City and the CPAS: directions, departments and cells."

from trytond.cache import Cache
from sql.operators import Equal

from trytond.model import (
    DeactivableMixin, Exclude, ModelSQL, ModelView, fields, tree)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction


class Service(DeactivableMixin, tree(separator=' / '), ModelSQL, ModelView):
    __name__ = 'mons.service'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True, strip=True,
        help="Short unique code, e.g. URB for Urbanisme.")
    kind = fields.Selection([
            ('direction', "Direction"),
            ('department', "Department"),
            ('cell', "Cell"),
            ], "Kind", required=True)
    parent = fields.Many2One('mons.service', "Parent", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    children = fields.One2Many('mons.service', 'parent', "Children")
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT')
    manager = fields.Many2One('company.employee', "Manager",
        ondelete='SET NULL',
        domain=[('company', '=', Eval('company', -1))])
    members = fields.Many2Many('mons.service-company.employee',
        'service', 'employee', "Members",
        domain=[('company', '=', Eval('company', -1))])
    users = fields.Function(fields.Many2Many('res.user', None, None, "Users",
            help="Users of the manager and the members."),
        'get_users', searcher='search_users')
    email = fields.Char("Email")
    phone = fields.Char("Phone")
    _user_services_cache = Cache('mons.service.services_of_user',
        context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Exclude(t, (t.code, Equal)),
                'mons_base.msg_service_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @staticmethod
    def default_kind():
        return 'department'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        return f'{self.code} - {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('code', *clause[1:]),
            ('name', *clause[1:]),
            ]

    @classmethod
    def get_users(cls, services, name):
        User = Pool().get('res.user')
        result = {}
        for service in services:
            employees = [e.id for e in service.members]
            if service.manager:
                employees.append(service.manager.id)
            result[service.id] = [u.id for u in User.search(
                    [('employees', 'in', employees)])] if employees else []
        return result

    @classmethod
    def search_users(cls, name, clause):
        User = Pool().get('res.user')
        _, operator, *value = clause
        with Transaction().set_user(0), \
                Transaction().set_context(active_test=False):
            users = User.search([('id', operator, *value)])
        employees = {e.id for u in users for e in u.employees}
        return ['OR',
            ('members', 'in', list(employees)),
            ('manager', 'in', list(employees)),
            ]

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._user_services_cache.clear()

    @classmethod
    def services_of_user(cls, user_id):
        """Ids of the services a user belongs to or manages, with every
        service below the ones they manage."""
        cached = cls._user_services_cache.get(user_id)
        if cached is not None:
            return cached
        with Transaction().set_context(active_test=False), \
                Transaction().set_user(0):
            user = Pool().get('res.user')(user_id)
            employees = [e.id for e in user.employees]
            member = cls.search([('members', 'in', employees)])
            managed = cls.search([('manager', 'in', employees)])
            below = cls.search([('parent', 'child_of',
                        [s.id for s in managed])]) if managed else []
        result = sorted({s.id for s in member + managed + below})
        cls._user_services_cache.set(user_id, result)
        return result


class ServiceMember(ModelSQL):
    __name__ = 'mons.service-company.employee'
    service = fields.Many2One('mons.service', "Service", required=True,
        ondelete='CASCADE')
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('member_unique', Exclude(t, (t.service, Equal), (t.employee, Equal)),
                'mons_base.msg_service_member_unique'),
            ]

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Pool().get('mons.service')._user_services_cache.clear()
