"""Telework quotas per service or per employee: the most precise one
applies (the employee's, else the nearest service's up the tree, else the
configuration's)."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import without_check_access

from .exceptions import TeleworkValidationError


class TeleworkQuota(ModelSQL, ModelView):
    "Telework Quota"
    __name__ = 'attendance.telework.quota'
    __string__ = "Telework Quota"

    service = fields.Many2One('mons.service', "Service", ondelete='CASCADE',
        states={
            'required': ~Eval('employee'),
            'invisible': Bool(Eval('employee')),
            },
        help="Applies to the members of the service and of the services "
        "below it without a quota of their own.")
    employee = fields.Many2One('company.employee', "Employee",
        ondelete='CASCADE',
        states={
            'required': ~Eval('service'),
            'invisible': Bool(Eval('service')),
            })
    per_week = fields.Float("Days per Week", digits=(16, 1),
        help="Largest number of telework days in a week, half days "
        "counting a half (empty: no limit).")
    per_month = fields.Float("Days per Month", digits=(16, 1),
        help="Largest number of telework days in a month (empty: no "
        "limit).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('service', 'ASC'), ('employee', 'ASC'),
            ('id', 'ASC')]

    def get_rec_name(self, name):
        return (self.employee or self.service).rec_name

    @classmethod
    def validate(cls, quotas):
        super().validate(quotas)
        for quota in quotas:
            if bool(quota.service) == bool(quota.employee):
                raise TeleworkValidationError(gettext(
                        'mons_hr_time.msg_telework_quota_target'))
            for value in [quota.per_week, quota.per_month]:
                if value is not None and value < 0:
                    raise TeleworkValidationError(gettext(
                            'mons_hr_time.msg_telework_quota_negative',
                            quota=quota.rec_name))

    @classmethod
    def limits(cls, employee):
        """(days per week, days per month) of employee: from its own quota,
        else the nearest service's (the largest when services at the same
        distance differ), else the configuration"""
        pool = Pool()
        Configuration = pool.get('hr.time.configuration')
        with without_check_access():
            own = cls.search([('employee', '=', employee.id)], limit=1)
            if own:
                return own[0].per_week, own[0].per_month
            nodes = list(employee.time_services)
            seen = set()
            while nodes:
                quotas = cls.search([
                        ('service', 'in', [n.id for n in nodes])])
                if quotas:
                    return (_largest(q.per_week for q in quotas),
                        _largest(q.per_month for q in quotas))
                seen.update(n.id for n in nodes)
                nodes = [n.parent for n in nodes
                    if n.parent and n.parent.id not in seen]
        config = Configuration(1)
        return config.telework_max_week, config.telework_max_month


def _largest(values):
    "The largest limit; None (no limit) wins"
    values = list(values)
    if any(v is None for v in values):
        return None
    return max(values)
