"""Overtime: rules of the HR admin (threshold, caps, rate multipliers,
where flexitime extra work goes, prior authorisation, recovery expiry),
one overtime record per employee and month holding its days, approved by
the manager, then credited as recovery hours or paid."""
import datetime as dt
from collections import defaultdict, namedtuple

from sql.aggregate import Sum
from sql.conditionals import Coalesce
from sql.functions import CurrentTimestamp

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .computed import ComputedRecordMixin, clear_cache, insert_rows
from .dates import date_text
from .exceptions import WorkflowError
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
    flexitime_extra = fields.Selection([
            ('overtime', "Overtime"),
            ('balance', "Flexitime Balance"),
            ], "Flexitime Extra Work", required=True,
        help="Where the work of a flexitime employee on a weekend, a public "
        "holiday or outside the band goes: to overtime (then not to the "
        "balance) or to the flexitime balance (then never overtime).")
    needs_authorisation = fields.Boolean("Prior Authorisation",
        help="If checked, only the days covered by an approved prior "
        "authorisation can be approved as overtime.")
    recovery_validity_months = fields.Integer("Recovery Valid (months)",
        help="Months after which recovery hours not taken expire "
        "(empty: never).")

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_flexitime_extra():
        return 'overtime'

    @staticmethod
    def default_needs_authorisation():
        return False

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


def month_of(date):
    return date.replace(day=1)


def next_month(date):
    return (date.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


# What the synchronisation compares of a stored overtime day
_LineRow = namedtuple('_LineRow', ['id', 'overtime', 'overtime_state',
        'kind', 'duration', 'authorised'])


class Overtime(ApprovalRequestMixin, ModelSQL, ModelView):
    """Overtime of an employee in a month: its days are lines, the
    manager decides them at once. A month closed while its overtime waits
    carries it to the next month, where it stays decidable and is paid."""
    __name__ = 'attendance.overtime'

    employee = fields.Many2One('company.employee', "Employee", required=True,
        readonly=True, ondelete='CASCADE')
    month = fields.Date("Month", required=True, readonly=True,
        help="First day of the month the overtime was worked in.")
    month_text = fields.Function(fields.Char("Month"), 'get_month_text')
    payable_month = fields.Date("Paid in Month", required=True,
        readonly=True,
        help="Month whose payroll export pays it: the next one when it was "
        "carried over at the close.")
    carried = fields.Boolean("Carried Over", readonly=True,
        help="Still undecided when its month was closed: decided and paid "
        "in the next month.")
    lines = fields.One2Many('attendance.overtime.line', 'overtime', "Days",
        readonly=True)
    duration = fields.Integer("Duration (s)", required=True, readonly=True)
    credited = fields.Integer("Credited (s)", readonly=True,
        help="Duration multiplied by the rates.")
    duration_time = fields.Function(fields.TimeDelta("Duration"),
        'get_time')
    credited_time = fields.Function(fields.TimeDelta("Credited"),
        'get_time')
    unauthorised = fields.Function(fields.Boolean("Without Authorisation",
            help="Some days have no approved prior authorisation."),
        'get_unauthorised')
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
        'employee', 'month', 'payable_month', 'carried', 'lines',
        'duration', 'credited', 'decided_by')
    _deletable_states = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.state.selection = [('draft', "To Approve") if k == 'draft'
            else (k, v) for k, v in cls.state.selection]
        cls._order = [('month', 'DESC'), ('employee', 'ASC'), ('id', 'ASC')]
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

    @staticmethod
    def default_carried():
        return False

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('unauthorised', False), 'warning',
                    '')),
            ]

    def get_month_text(self, name):
        return self.month.strftime('%m/%Y') if self.month else None

    def get_rec_name(self, name):
        return f'{self.employee.rec_name} {self.get_month_text(name)}'

    @classmethod
    def get_time(cls, records, names):
        return {n: {r.id: dt.timedelta(seconds=getattr(r, n[:-5]) or 0)
                for r in records} for n in names}

    def get_unauthorised(self, name):
        return any(not l.authorised for l in self.lines)

    @classmethod
    def sync(cls, days, parts, rules):
        """Replace the overtime days still to approve; days of decided
        overtime are kept as decided. Each employee has at most one
        overtime to approve per month, holding its days."""
        pool = Pool()
        Line = pool.get('attendance.overtime.line')
        Authorisation = pool.get('attendance.overtime.authorisation')
        # Plain rows: most days of a recompute change nothing, and
        # instantiating their lines cost more than comparing them
        existing = defaultdict(list)
        line_table = Line.__table__()
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for sub in grouped_slice([d.id for d in days], 500):
            cursor.execute(*line_table.join(table,
                    condition=line_table.overtime == table.id
                    ).select(line_table.id, line_table.day, table.id,
                    table.state, line_table.kind, line_table.duration,
                    line_table.authorised,
                    where=line_table.day.in_(list(sub)),
                    order_by=[line_table.date.asc, line_table.id.asc]))
            for id_, day_id, *values in cursor:
                existing[day_id].append(_LineRow(id_, *values))
        authorised = Authorisation.covered(
            {(d.employee, d.date) for d, p in zip(days, parts)
                if p and (rule := rules.get(d.company))
                and rule.needs_authorisation})
        to_delete, wanted_by_day = [], []
        for day, day_parts in zip(days, parts):
            current = existing.get(day.id, [])
            if any(l.overtime_state != 'draft' for l in current):
                continue
            rule = rules.get(day.company)
            needs = bool(rule and rule.needs_authorisation)
            ok = (not needs) or (day.employee, day.date) in authorised
            wanted = sorted(day_parts)
            have = sorted((l.kind, l.duration) for l in current)
            if wanted == have and all(
                    bool(l.authorised) == ok for l in current):
                continue
            to_delete.extend(current)
            wanted_by_day.append((day, wanted, rule, ok))
        touched = {cls(l.overtime) for l in to_delete}
        for sub in grouped_slice([l.id for l in to_delete], 200):
            Line.delete(Line.browse(list(sub)))
        drafts = {}
        keys = {(d.employee, month_of(d.date))
            for d, w, _, _ in wanted_by_day if w}
        if keys:
            for overtime in cls.search([
                        ('employee', 'in', list({e for e, _ in keys})),
                        ('month', 'in', list({m for _, m in keys})),
                        ('state', '=', 'draft')]):
                drafts[(overtime.employee.id, overtime.month)] = overtime
            missing = sorted(k for k in keys if k not in drafts)
            if missing:
                for key, overtime in zip(missing, cls.create([{
                                'employee': e, 'month': m,
                                'payable_month': m, 'duration': 0,
                                'credited': 0,
                                } for e, m in missing])):
                    drafts[key] = overtime
        to_create = []
        for day, wanted, rule, ok in wanted_by_day:
            if rule and rule.weekly_cap and wanted:
                wanted = cls._weekly_capped(day, wanted, rule)
            for kind, seconds in wanted:
                multiplier = rule.multiplier(kind) if rule else 1.0
                overtime = drafts[(day.employee, month_of(day.date))]
                touched.add(overtime)
                to_create.append({
                        'overtime': overtime.id,
                        'employee': day.employee, 'date': day.date,
                        'day': day.id, 'kind': kind, 'duration': seconds,
                        'multiplier': multiplier,
                        'credited': int(round(seconds * multiplier)),
                        'authorised': ok,
                        })
        if to_create:
            insert_rows(Line, to_create)
        cls._update_totals(touched)

    @classmethod
    def _update_totals(cls, overtimes):
        """Totals of the days, summed by the database (an overtime of a
        month holds up to 31 days, and there is one per agent); an
        overtime to approve left without days is dropped"""
        Line = Pool().get('attendance.overtime.line')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        table = cls.__table__()
        line = Line.__table__()
        ids = sorted({o.id for o in overtimes})
        empty = []
        for sub in grouped_slice(ids, 500):
            sub = list(sub)
            cursor.execute(*table.update(
                    [table.duration, table.credited, table.write_uid,
                        table.write_date],
                    [line.select(Coalesce(Sum(line.duration), 0),
                            where=line.overtime == table.id),
                        line.select(Coalesce(Sum(line.credited), 0),
                            where=line.overtime == table.id),
                        transaction.user, CurrentTimestamp()],
                    where=table.id.in_(sub)))
            cursor.execute(*table.select(table.id,
                    where=table.id.in_(sub) & (table.state == 'draft')
                    & ~table.id.in_(line.select(line.overtime,
                            where=line.overtime.in_(sub)))))
            empty.extend(r[0] for r in cursor)
        clear_cache(cls, ids)
        if empty:
            cls.delete(cls.browse(empty))

    @classmethod
    def _weekly_capped(cls, day, parts, rule):
        Line = Pool().get('attendance.overtime.line')
        monday = day.date - dt.timedelta(days=day.date.weekday())
        others = Line.search([('employee', '=', day.employee),
                ('date', '>=', monday), ('date', '<', day.date),
                ('overtime.state', '!=', 'refused')])
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
        """Seconds of recovery at date: approved overtime credited as
        recovery minus recovery leave requested or approved, the oldest
        hours taken first; hours older than the rule's validity expire
        (computed on read, so nothing has to run for them to expire)"""
        pool = Pool()
        Leave = pool.get('attendance.leave')
        Line = pool.get('attendance.overtime.line')
        Rule = pool.get('attendance.overtime.rule')
        with without_check_access():
            credits = [[l.date, l.credited or 0] for l in Line.search([
                        ('employee', '=', employee.id),
                        ('overtime.state', '=', 'approved'),
                        ('overtime.compensation', '=', 'recovery'),
                        ('date', '<=', date),
                        ], order=[('date', 'ASC'), ('id', 'ASC')])]
            leaves = Leave.search([('employee', '=', employee.id),
                    ('type.recovery', '=', True),
                    ('state', 'in', ['requested', 'approved'])],
                order=[('start', 'ASC'), ('id', 'ASC')])
            rule = Rule.for_company(employee.company)
        months = rule.recovery_validity_months if rule else None
        hours_per_day = employee.company.hours_per_work_day or 7.6

        def expiry(earned):
            if not months:
                return None
            index = earned.year * 12 + earned.month - 1 + months
            return dt.date(index // 12, index % 12 + 1, 1)

        def usable(at):
            return [c for c in credits
                if c[1] > 0 and (expiry(c[0]) is None or at < expiry(c[0]))]

        for leave in leaves:
            if leave == exclude:
                continue
            if leave.type.unit == 'hour':
                taken = leave.duration * 3600
            else:
                taken = leave.duration * hours_per_day * 3600
            # Hours taken use the oldest hours still valid on that day;
            # what no hours cover makes the balance negative
            for credit in usable(leave.start):
                used = min(credit[1], taken)
                credit[1] -= used
                taken -= used
                if not taken:
                    break
            if taken:
                credits.append([leave.start, -taken])
        return int(sum(c[1] for c in credits
                if c[1] < 0 or expiry(c[0]) is None
                or date < expiry(c[0])))

    @classmethod
    def check_approver(cls, overtimes):
        Day = Pool().get('attendance.day')
        super().check_approver(overtimes)
        for overtime in overtimes:
            # Overtime carried over is decided in the month it was carried
            # to, which must still be open
            Day.check_open(overtime.employee, overtime.payable_month
                if overtime.carried else overtime.last_date())

    def last_date(self):
        return max((l.date for l in self.lines), default=self.month)

    @classmethod
    def carry_over(cls, overtimes, after):
        """Carry the overtime still to approve to the month after the
        date after (the end of the period being closed)"""
        drafts = [o for o in overtimes if o.state == 'draft']
        if drafts:
            with without_check_access():
                cls.write(drafts, {'carried': True,
                        'payable_month': next_month(after)})

    @classmethod
    def _decide(cls, overtimes):
        cls.check_approver(overtimes)
        cls.write(overtimes, {'decided_by': Transaction().user})

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, overtimes):
        for overtime in overtimes:
            unauthorised = [l for l in overtime.lines if not l.authorised]
            if unauthorised:
                raise WorkflowError(gettext(
                        'mons_hr_time.msg_overtime_unauthorised',
                        overtime=overtime.rec_name,
                        dates=', '.join(date_text(l.date)
                            for l in unauthorised)))
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


class OvertimeLine(ComputedRecordMixin, ModelSQL, ModelView):
    "Overtime Day"
    __name__ = 'attendance.overtime.line'

    overtime = fields.Many2One('attendance.overtime', "Overtime",
        required=True, readonly=True, ondelete='CASCADE')
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
    authorised = fields.Boolean("Authorised", readonly=True,
        help="Covered by an approved prior authorisation, or none needed.")
    duration_time = fields.Function(fields.TimeDelta("Duration"),
        'get_time')
    credited_time = fields.Function(fields.TimeDelta("Credited"),
        'get_time')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Rights and rules of the overtime, as Tryton's own lines
        cls.__access__.add('overtime')
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_authorised():
        return True

    def get_rec_name(self, name):
        return f'{self.employee.rec_name} {date_text(self.date)}'

    @classmethod
    def get_time(cls, records, names):
        return {n: {r.id: dt.timedelta(seconds=getattr(r, n[:-5]) or 0)
                for r in records} for n in names}

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if external:
            # Computed from the days only
            raise WorkflowError(gettext(
                    'mons_hr_time.msg_overtime_line_computed'))
