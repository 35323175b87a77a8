"Public holidays: Belgian ones and the local ones of the City and the CPAS."
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.transaction import Transaction


class Holiday(ModelSQL, ModelView):
    __name__ = 'mons.holiday'

    date = fields.Date("Date", required=True)
    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One('company.company', "Organisation",
        ondelete='CASCADE',
        help="Leave empty for a holiday of every organisation.")
    kind = fields.Selection([
            ('legal', "Legal (Belgium)"),
            ('regulatory', "Regulatory (public service)"),
            ('local', "Local"),
            ], "Kind", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('date_company_unique', Unique(t, t.date, t.company),
                'mons_base.msg_holiday_unique'),
            ]
        cls._order.insert(0, ('date', 'ASC'))

    @classmethod
    def validate(cls, holidays):
        super().validate(holidays)
        # UNIQUE lets NULL organisations repeat: check the shared ones
        shared = [h for h in holidays if not h.company]
        for sub in range(0, len(shared), 500):
            dates = [h.date for h in shared[sub:sub + 500]]
            found = cls.search([('company', '=', None),
                    ('date', 'in', dates)])
            if len(found) > len(set(f.date for f in found)):
                raise ValidationError(gettext('mons_base.msg_holiday_unique'))

    @staticmethod
    def default_kind():
        return 'legal'

    @classmethod
    def dates(cls, start, end, company=None):
        "Set of holiday dates between start and end for a company"
        domain = [('date', '>=', start), ('date', '<=', end)]
        if company is not None:
            domain.append(('company', 'in', [None, int(company)]))
        else:
            domain.append(('company', '=', None))
        with Transaction().set_user(0):
            return {h.date for h in cls.search(domain)}

    @classmethod
    def is_working_day(cls, date, company=None, _holidays=None):
        if date.weekday() >= 5:
            return False
        holidays = _holidays if _holidays is not None else cls.dates(
            date, date, company)
        return date not in holidays

    @classmethod
    def add_working_days(cls, start, days, company=None):
        """Return the date `days` working days after `start` (weekends and
        holidays are skipped)."""
        # Two calendar weeks per working week plus a margin covers holidays
        horizon = start + dt.timedelta(days=days * 2 + 30)
        holidays = cls.dates(start, horizon, company)
        date, remaining = start, days
        while remaining > 0:
            date += dt.timedelta(days=1)
            if date > horizon:
                horizon += dt.timedelta(days=60)
                holidays |= cls.dates(date, horizon, company)
            if cls.is_working_day(date, _holidays=holidays):
                remaining -= 1
        return date

    @classmethod
    def working_days_between(cls, start, end, company=None):
        "Number of working days in [start, end]"
        holidays = cls.dates(start, end, company)
        count, date = 0, start
        while date <= end:
            if cls.is_working_day(date, _holidays=holidays):
                count += 1
            date += dt.timedelta(days=1)
        return count
