"""Monthly close: closing a Tryton attendance period first computes the
open days up to its end and lists what is still undecided (close.py);
it refuses while an item is open or an employee is not signed off, then
freezes the days."""
import datetime as dt
from collections import Counter

from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import timezone as tz
from trytond.transaction import without_check_access

from .attendance import local_datetime, to_utc
from .exceptions import CloseError, WorkflowError


class Period(metaclass=PoolMeta):
    __name__ = 'attendance.period'

    exports = fields.One2Many('hr.time.payroll.export', 'period',
        "Payroll Exports", readonly=True)
    close_items = fields.One2Many('hr.time.close.item', 'period',
        "To Decide before the Close", readonly=True)
    signoffs = fields.One2Many('hr.time.close.signoff', 'period',
        "Sign-offs", readonly=True)
    checked_inputs = fields.Char("Inputs at the Check", readonly=True,
        help="What the days were computed from at the last check, once "
        "the period was over: the close computes them again only when "
        "it changed since.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'check_close': {
                    'invisible': Eval('state') == 'closed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def check_modification(cls, mode, periods, values=None, external=False):
        super().check_modification(
            mode, periods, values=values, external=external)
        if external and mode == 'write' and 'checked_inputs' in values:
            # What the close trusts to skip its computation
            raise WorkflowError(gettext(
                    'mons_hr_time.msg_period_checked_inputs'))

    def first_date(self):
        after = self.starts_after()
        end = self.closed_until()
        return (after + dt.timedelta(days=1) if after
            else dt.date(end.year, end.month, 1))

    @classmethod
    @ModelView.button
    def check_close(cls, periods):
        "Compute the days and list what is undecided, as the close does"
        Day = Pool().get('attendance.day')
        with without_check_access():
            for period in periods:
                period._prepare_close()
                # Days still running at the check (until two days after
                # the end, for night shifts) may change with time alone
                over = (Day.today(period.company)
                    > period.closed_until() + dt.timedelta(days=1))
                cls.write([period], {'checked_inputs':
                        Day.inputs_fingerprint() if over else None})

    def _prepare_close(self, reuse=False):
        """Items still open and sign-offs missing, after computing the
        days of the period (reuse: not again when nothing they are
        computed from changed since the check)"""
        pool = Pool()
        Day = pool.get('attendance.day')
        Item = pool.get('hr.time.close.item')
        Signoff = pool.get('hr.time.close.signoff')
        Configuration = pool.get('hr.time.configuration')
        start, end = self.first_date(), self.closed_until()
        keys = Day.employed_days(self.company, start, end)
        if not (reuse and self.checked_inputs
                and self.checked_inputs == Day.inputs_fingerprint()):
            Day.compute(keys)
        items = Item.refresh(self, start, end)
        signoffs = Signoff.refresh(self, sorted({e for e, _ in keys}))
        needs_signoff = Configuration(1).close_needs_signoff
        return (items,
            [s for s in signoffs if s.state != 'signed']
            if needs_signoff else [])

    def _check_closable(self, items, unsigned):
        if not items and not unsigned:
            return
        Item = Pool().get('hr.time.close.item')
        labels = dict(Item.fields_get(['kind'])['kind']['selection'])
        counts = Counter(i.kind for i in items)
        parts = [f'{labels[k]} : {counts[k]}' for k, _ in labels.items()
            if counts.get(k)]
        if unsigned:
            parts.append(gettext('mons_hr_time.msg_close_unsigned',
                    count=len(unsigned)))
        Service = Pool().get('mons.service')
        services = sorted(s.rec_name for s in Service.browse(
                {i.service for i in items if i.service}
                | {s.service for s in unsigned if s.service}))
        raise CloseError(gettext('mons_hr_time.msg_close_open_items',
                period=self.rec_name, items='; '.join(parts),
                services=', '.join(services) or '-'))

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
            with without_check_access():
                items, unsigned = period._prepare_close(reuse=True)
                period._check_closable(items, unsigned)
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
