from trytond.model import fields
from trytond.pool import Pool, PoolMeta


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    services = fields.Function(fields.Many2Many(
            'mons.service', None, None, "Services",
            help="Services the user belongs to or manages (with the "
            "services below the managed ones)."),
        'get_services')

    def get_services(self, name):
        return Pool().get('mons.service').services_of_user(self.id)

    @classmethod
    def get_services_ids(cls):
        "Services of the current user, for rules and context"
        from trytond.transaction import Transaction
        return Pool().get('mons.service').services_of_user(
            Transaction().user)
