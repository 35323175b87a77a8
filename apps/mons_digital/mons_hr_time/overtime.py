"""Overtime: rules of the HR admin (threshold, caps, rate multipliers),
overtime per day approved by the manager, then credited as recovery
hours or paid."""
import datetime as dt
from collections import defaultdict

from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .dates import date_text
from .request import ApprovalRequestMixin

KINDS = [
    ('normal', "Weekday"),
    ('evening', "Evening"),
    ('saturday', "Saturday"),
    ('sunday', "Sunday"),
    ('holiday', "Public Holiday"),
    ]


class OvertimeRule(ModelSQL, ModelView):
    "Overtime Rule"
    __name__ = 'attendance.overtime.rule'

    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='CASCADE')
    threshold = fields.TimeDelta("Threshold",
        help="Daily excess below this is not overtime.")
    daily_cap = fields.TimeDelta("Daily Cap")
    weekly_cap = fields.TimeDelta("Weekly Cap")
    evening_start = fields.Time("Evening Starts at")
    multiplier_normal = fields.Float("Weekday Rate", digits=(4, 2),
        required=True)
    multiplier_evening = fields.Float("Evening Rate", digits=(4, 2),
        required=True)
    multiplier_saturday = fields.Float("Saturday Rate", digits=(4, 2),
        required=True)
    multiplier_sunday = fields.Float("Sunday Rate", digits=(4, 2),
        required=True)
    multiplier_holiday = fields.Float("Holiday Rate", digits=(4, 2),
        required=True)

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_multiplier_normal():
        return 1.0

    @staticmethod
    def default_multiplier_evening():
        return 1.25

    @staticmethod
    def default_multiplier_saturday():
        return 1.5

    @staticmethod
    def default_multiplier_sunday():
        return 2.0

    @staticmethod
    def default_multiplier_holiday():
        return 2.0

    def get_rec_name(self, name):
        return self.company.rec_name

    def threshold_seconds(self):
        return int(self.threshold.total_seconds()) if self.threshold else 1

    @classmethod
    def for_company(cls, company):
        rules = cls.search([('company', '=', int(company))], limit=1)
        return rules[0] if rules else None

    def multiplier(self, kind):
        return getattr(self, f'multiplier_{kind}')


class Overtime(ApprovalRequestMixin, ModelSQL, ModelView):
    "Overtime"
    __name__ = 'attendance.overtime'

    employee = fields.Many2One('company.employee', "Employee", required=True,
        readonly=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True, readonly=True)
    day = fields.Many2One('attendance.day', "Day", readonly=True,
        ondelete='SET NULL')
    kind = fields.Selection(KINDS, "Rate", required=True, readonly=True)
    duration = fields.Integer("Duration (s)", required=True, readonly=True)
    multiplier = fields.Float("Multiplier", digits=(4, 2), readonly=True)
    credited = fields.Integer("Credited (s)", readonly=True,
        help="Duration multiplied by the rate.")
    duration_time = fields.Function(fields.TimeDelta("Duration"),
        'get_time')
    credited_time = fields.Function(fields.TimeDelta("Credited"),
        'get_time')
    compensation = fields.Selection([
            ('recovery', "Recovery Hours"),
            ('payment', "Payment"),
            ], "Compensation", required=True,
        states={'readonly': Eval('state') != 'draft'})
    decided_by = fields.Many2One('res.user', "Decided by", readonly=True)
    # Computed from the days, overtime waits for approval from its creation
    _pending_state = 'draft'
    _request_states = ('draft', 'approved', 'refused')
    # Users choose only the compensation, while it waits for approval
    _workflow_fields = ApprovalRequestMixin._workflow_fields + (
        'employee', 'date', 'day', 'kind', 'duration', 'multiplier',
        'credited', 'decided_by')
    _deletable_states = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.state.selection = [('draft', "To Approve") if k == 'draft'
            else (k, v) for k, v in cls.state.selection]
        cls._order = [('date', 'DESC'), ('employee', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('approved', 'draft'),
            ('refused', 'draft'),
            }
        cls._buttons.update({
                'reset': {
                    'invisible': Eval('state') == 'draft',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_compensation():
        return 'recovery'

    def get_rec_name(self, name):
        return f'{self.employee.rec_name} {date_text(self.date)}'

    @classmethod
    def get_time(cls, records, names):
        return {n: {r.id: dt.timedelta(seconds=getattr(r, n[:-5]) or 0)
                for r in records} for n in names}

    @classmethod
    def sync(cls, days, parts, rules):
        """Replace the overtime to approve of the days; decided overtime
        is kept as decided."""
        existing = defaultdict(list)
        for sub in grouped_slice([d.id for d in days], 500):
            for overtime in cls.search([('day', 'in', list(sub))]):
                existing[overtime.day.id].append(overtime)
        to_delete, to_create = [], []
        for day, day_parts in zip(days, parts):
            current = existing.get(day.id, [])
            if any(o.state != 'draft' for o in current):
                continue
            wanted = sorted(day_parts)
            have = sorted((o.kind, o.duration) for o in current)
            if wanted == have:
                continue
            to_delete.extend(current)
            rule = rules.get(day.company)
            if rule and rule.weekly_cap and wanted:
                wanted = cls._weekly_capped(day, wanted, rule)
            for kind, seconds in wanted:
                multiplier = rule.multiplier(kind) if rule else 1.0
                to_create.append({
                        'employee': day.employee, 'date': day.date,
                        'day': day.id, 'kind': kind, 'duration': seconds,
                        'multiplier': multiplier,
                        'credited': int(round(seconds * multiplier)),
                        })
        if to_delete:
            cls.delete(to_delete)
        if to_create:
            cls.create(to_create)

    @classmethod
    def _weekly_capped(cls, day, parts, rule):
        monday = day.date - dt.timedelta(days=day.date.weekday())
        others = cls.search([('employee', '=', day.employee),
                ('date', '>=', monday), ('date', '<', day.date),
                ('state', '!=', 'refused')])
        left = int(rule.weekly_cap.total_seconds()) - sum(
            o.duration for o in others)
        capped = []
        for kind, seconds in parts:
            seconds = min(seconds, max(left, 0))
            left -= seconds
            if seconds:
                capped.append((kind, seconds))
        return capped

    @classmethod
    def recovery_balance(cls, employee, date, exclude=None):
        """Seconds of recovery: approved overtime credited as recovery
        minus recovery leave requested or approved"""
        pool = Pool()
        Leave = pool.get('attendance.leave')
        with without_check_access():
            credited = sum(o.credited or 0 for o in cls.search([
                        ('employee', '=', employee.id),
                        ('state', '=', 'approved'),
                        ('compensation', '=', 'recovery'),
                        ('date', '<=', date),
                        ]))
            leaves = Leave.search([('employee', '=', employee.id),
                    ('type.recovery', '=', True),
                    ('state', 'in', ['requested', 'approved'])])
        hours_per_day = employee.company.hours_per_work_day or 7.6
        taken = 0
        for leave in leaves:
            if leave == exclude:
                continue
            if leave.type.unit == 'hour':
                taken += leave.duration * 3600
            else:
                taken += leave.duration * hours_per_day * 3600
        return int(credited - taken)

    @classmethod
    def check_approver(cls, overtimes):
        Day = Pool().get('attendance.day')
        super().check_approver(overtimes)
        for overtime in overtimes:
            Day.check_open(overtime.employee, overtime.date)

    @classmethod
    def _decide(cls, overtimes):
        cls.check_approver(overtimes)
        cls.write(overtimes, {'decided_by': Transaction().user})

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, overtimes):
        cls._decide(overtimes)
        # The list shows the requests still waiting once decided
        return 'reload'

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, overtimes):
        cls._decide(overtimes)
        # The list shows the requests still waiting once decided
        return 'reload'

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def reset(cls, overtimes):
        cls.check_approver(overtimes)
        # Decided again: a former refusal's reason no longer applies
        cls.write(overtimes, {'refusal_reason': None})
