"""Telework: structural (a weekday over a period) or occasional (one date)
requests, approved by the manager, within weekly and monthly quotas."""
import datetime as dt
from collections import defaultdict

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
    half = fields.Selection([
            (None, ""),
            ('morning', "Morning"),
            ('afternoon', "Afternoon"),
            ], "Half Day", states=_states,
        help="Telework for half of the day only; it counts a half in the "
        "quotas and the payroll export.")
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

    @property
    def amount(self):
        "Days each date of the request counts for"
        return 0.5 if self.half else 1.0

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
        "The quotas of the employee (see TeleworkQuota.limits) hold"
        Quota = Pool().get('attendance.telework.quota')
        for request in requests:
            per_week, per_month = Quota.limits(request.employee)
            if not per_week and not per_month:
                continue
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
            # A morning and an afternoon of the same date make one day
            amounts = defaultdict(float)
            for date in dates:
                amounts[date] += request.amount
            for other in others:
                for date in other.dates(start, end):
                    amounts[date] += other.amount
            weeks, months = defaultdict(float), defaultdict(float)
            for date, amount in amounts.items():
                amount = min(amount, 1.0)
                weeks[date.isocalendar()[:2]] += amount
                months[(date.year, date.month)] += amount
            for date in dates:
                if (per_week and weeks[date.isocalendar()[:2]]
                        > per_week + 1e-6):
                    raise TeleworkValidationError(gettext(
                            'mons_hr_time.msg_telework_quota_week',
                            request=request.rec_name, date=date_text(date),
                            maximum=_days(per_week)))
                if (per_month and months[(date.year, date.month)]
                        > per_month + 1e-6):
                    raise TeleworkValidationError(gettext(
                            'mons_hr_time.msg_telework_quota_month',
                            request=request.rec_name, date=date_text(date),
                            maximum=_days(per_month)))

    @classmethod
    def working_day(cls, employee, date, half=None):
        """Whether the employee may telework on date (or on that half day):
        not a holiday, a day off of their pattern or a day of leave"""
        pool = Pool()
        Holiday = pool.get('mons.holiday')
        Leave = pool.get('attendance.leave')
        assignment = employee.schedule_at(date)
        line = (assignment.schedule.line_for(date)
            if assignment else None)
        with without_check_access():
            leaves = Leave.search([
                    ('employee', '=', employee.id),
                    ('state', 'in', ['requested', 'approved']),
                    ('start', '<=', date), ('end', '>=', date),
                    ])
        amounts = [l.day_amount(date) for l in leaves]
        # A full day of leave, or leave on the same half day
        on_leave = any(kind == 'day' and (amount >= 1
                or not half or leave_half == half)
            for kind, amount, _, leave_half in amounts)
        return not (date in Holiday.dates(date, date, employee.company)
            or not line or not line.expected_seconds()
            or not assignment.fraction_at(date)
            or on_leave)

    @classmethod
    def check_days(cls, requests):
        """Occasional telework is asked for a working day (structural
        telework skips the other days, see compute_day)"""
        for request in requests:
            if (request.kind == 'occasional'
                    and not cls.working_day(request.employee, request.start,
                        request.half)):
                raise TeleworkValidationError(gettext(
                        'mons_hr_time.msg_telework_not_working_day',
                        request=request.rec_name,
                        date=date_text(request.start)))

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


def _days(value):
    "1, 2.5: a quota as people write it"
    return f'{value:g}'
