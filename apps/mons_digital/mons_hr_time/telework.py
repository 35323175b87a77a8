"""Telework: structural (a weekday over a period) or occasional (one date)
requests, approved by the manager, within weekly and monthly quotas."""
import datetime as dt
from collections import Counter

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .dates import date_text
from .exceptions import TeleworkValidationError
from .request import CancellableRequestMixin
from .schedule import WEEKDAYS

# Open-ended structural telework is checked against the quotas over
QUOTA_HORIZON = dt.timedelta(weeks=12)


class Telework(CancellableRequestMixin, ModelSQL, ModelView):
    "Telework Request"
    __name__ = 'attendance.telework'
    _workflow_fields = CancellableRequestMixin._workflow_fields + (
        'decided_by',)
    _states = {'readonly': Eval('state') != 'draft'}

    employee = fields.Many2One('company.employee', "Employee", required=True,
        states=_states)
    kind = fields.Selection([
            ('occasional', "Occasional"),
            ('structural', "Structural"),
            ], "Kind", required=True, states=_states)
    start = fields.Date("Date", required=True, states=_states,
        help="The telework date, or the first date of structural "
        "telework.")
    end = fields.Date("End", states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'structural',
            }, domain=['OR', ('end', '=', None),
            ('end', '>=', Eval('start', None))])
    weekday = fields.Selection([(None, "")] + WEEKDAYS, "Weekday",
        sort=False, states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'structural',
            'required': Eval('kind') == 'structural',
            })
    reason = fields.Text("Reason", states=_states)
    decided_by = fields.Many2One('res.user', "Decided by", readonly=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('start', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_kind():
        return 'occasional'

    def get_rec_name(self, name):
        return f'{self.employee.rec_name} {date_text(self.start)}'

    def dates(self, start=None, end=None):
        "Telework dates between start and end"
        if self.kind == 'occasional':
            if ((start is None or self.start >= start)
                    and (end is None or self.start <= end)):
                return [self.start]
            return []
        first = max(self.start, start) if start else self.start
        last = self.end or (first + QUOTA_HORIZON)
        if end:
            last = min(last, end)
        weekday = int(self.weekday)
        date = first + dt.timedelta(days=(weekday - first.weekday()) % 7)
        result = []
        while date <= last:
            result.append(date)
            date += dt.timedelta(days=7)
        return result

    @classmethod
    def check_quota(cls, requests):
        pool = Pool()
        Configuration = pool.get('hr.time.configuration')
        config = Configuration(1)
        if not config.telework_max_week and not config.telework_max_month:
            return
        for request in requests:
            dates = request.dates()
            if not dates:
                continue
            first, last = min(dates), max(dates)
            # Whole weeks and months around the requested dates
            start = min(first - dt.timedelta(days=first.weekday()),
                first.replace(day=1))
            end = max(last + dt.timedelta(days=6 - last.weekday()),
                (last.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
                - dt.timedelta(days=1))
            with without_check_access():
                others = cls.search([
                        ('id', '!=', request.id),
                        ('employee', '=', request.employee.id),
                        ('state', 'in', ['requested', 'approved']),
                        ('start', '<=', end),
                        ['OR', ('end', '=', None),
                            ('end', '>=', start)],
                        ])
            all_dates = set(dates)
            for other in others:
                all_dates.update(other.dates(start, end))
            weeks = Counter(d.isocalendar()[:2] for d in all_dates)
            months = Counter((d.year, d.month) for d in all_dates)
            for date in dates:
                if (config.telework_max_week
                        and weeks[date.isocalendar()[:2]]
                        > config.telework_max_week):
                    raise TeleworkValidationError(gettext(
                            'mons_hr_time.msg_telework_quota_week',
                            request=request.rec_name, date=date_text(date),
                            maximum=config.telework_max_week))
                if (config.telework_max_month
                        and months[(date.year, date.month)]
                        > config.telework_max_month):
                    raise TeleworkValidationError(gettext(
                            'mons_hr_time.msg_telework_quota_month',
                            request=request.rec_name, date=date_text(date),
                            maximum=config.telework_max_month))

    @classmethod
    def check_days(cls, requests):
        """Occasional telework is asked for a working day: not a holiday,
        a day off of the employee's pattern or a day of leave (structural
        telework skips those days, see compute_day)"""
        pool = Pool()
        Holiday = pool.get('mons.holiday')
        Leave = pool.get('attendance.leave')
        for request in requests:
            if request.kind != 'occasional':
                continue
            date = request.start
            employee = request.employee
            assignment = employee.schedule_at(date)
            line = (assignment.schedule.line_for(date)
                if assignment else None)
            with without_check_access():
                leaves = Leave.search([
                        ('employee', '=', employee.id),
                        ('state', 'in', ['requested', 'approved']),
                        ('start', '<=', date), ('end', '>=', date),
                        ])
            on_leave = any(l.day_amount(date)[0] == 'day'
                and l.day_amount(date)[1] >= 1 for l in leaves)
            if (date in Holiday.dates(date, date, employee.company)
                    or not line or not line.expected_seconds()
                    or on_leave):
                raise TeleworkValidationError(gettext(
                        'mons_hr_time.msg_telework_not_working_day',
                        request=request.rec_name, date=date_text(date)))

    @classmethod
    def _touch(cls, requests):
        Day = Pool().get('attendance.day')
        today = dt.date.today()
        Day.touch({(r.employee.id, d) for r in requests
                for d in r.dates(end=today)})

    @classmethod
    @ModelView.button
    @Workflow.transition('requested')
    def request(cls, requests):
        Day = Pool().get('attendance.day')
        for request in requests:
            Day.check_open(request.employee, request.start)
        cls.check_days(requests)
        cls.check_quota(requests)

    @classmethod
    @ModelView.button
    def approve(cls, requests):
        Day = Pool().get('attendance.day')
        cls.check_approver(requests)
        for request in requests:
            Day.check_open(request.employee, request.start)
        cls.check_days(requests)
        cls.check_quota(requests)
        cls.do_approve(requests)
        cls.write(requests, {'decided_by': Transaction().user})
        cls._touch(requests)
        # The list shows the requests still waiting once decided
        return 'reload'

    @classmethod
    @Workflow.transition('approved')
    def do_approve(cls, requests):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, requests):
        cls.check_approver(requests)
        cls.write(requests, {'decided_by': Transaction().user})
        # The list shows the requests still waiting once decided
        return 'reload'
