"""Monthly close: closing a Tryton attendance period first computes the
open days up to its end, then freezes them."""
import datetime as dt

from trytond.model import ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import timezone as tz
from trytond.transaction import without_check_access

from .attendance import local_datetime, to_utc


class Period(metaclass=PoolMeta):
    __name__ = 'attendance.period'

    exports = fields.One2Many('hr.time.payroll.export', 'period',
        "Payroll Exports", readonly=True)

    @classmethod
    def month_end(cls, company, year, month):
        "Stored end of a month: the last second of its last local day"
        zone = tz.ZoneInfo(company.timezone) if company.timezone else tz.UTC
        first_next = (dt.date(year, month, 1) + dt.timedelta(days=32)
            ).replace(day=1)
        local = dt.datetime.combine(first_next, dt.time(0), tzinfo=zone)
        return to_utc(local) - dt.timedelta(seconds=1)

    def closed_until(self):
        "Last local date covered by the period"
        local = local_datetime(self.ends_at, self.company)
        if local.time() >= dt.time(23, 59):
            return local.date()
        return local.date() - dt.timedelta(days=1)

    def starts_after(self):
        "Last local date covered by the previous closed period"
        previous = self.search([
                ('company', '=', self.company.id),
                ('ends_at', '<', self.ends_at),
                ('state', '=', 'closed'),
                ('id', '!=', self.id),
                ], order=[('ends_at', 'DESC')], limit=1)
        return previous[0].closed_until() if previous else None

    @classmethod
    def last_closed_date(cls, company):
        ends_at = cls.get_last_period_date(company)
        if not ends_at:
            return None
        local = local_datetime(ends_at, company)
        if local.time() >= dt.time(23, 59):
            return local.date()
        return local.date() - dt.timedelta(days=1)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, periods):
        pool = Pool()
        Day = pool.get('attendance.day')
        for period in periods:
            end = period.closed_until()
            after = period.starts_after()
            start = (after + dt.timedelta(days=1) if after
                else dt.date(end.year, end.month, 1))
            with without_check_access():
                Day.compute(Day.employed_days(period.company, start, end))
                Day.set_state(period.company, None, end, 'closed')
        super().close(periods)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, periods):
        pool = Pool()
        Day = pool.get('attendance.day')
        super().draft(periods)
        for period in periods:
            after = period.starts_after()
            Day.set_state(period.company, after, period.closed_until(),
                'open')
