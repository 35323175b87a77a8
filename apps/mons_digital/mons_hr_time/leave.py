"""Leave: types configured by HR, requests with several approval levels
and substitute approvers (the allocations and balances: allocation.py)."""
import datetime as dt

from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Exclude, ModelSQL, ModelView, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import (
    Transaction, check_access, without_check_access)

from trytond.modules.mons_base.notify import employee_address, send_email

from .dates import date_text
from .exceptions import LeaveValidationError, WorkflowError
from .request import CancellableRequestMixin


class LeaveType(DeactivableMixin, ModelSQL, ModelView):
    "Leave Type"
    __name__ = 'attendance.leave.type'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True, strip=True,
        help="Short code, also used by the payroll export.")
    unit = fields.Selection([
            ('day', "Days"),
            ('hour', "Hours"),
            ], "Unit", required=True)
    half_day = fields.Boolean("Half Days Allowed",
        states={'invisible': Eval('unit') != 'day'})
    paid = fields.Boolean("Paid")
    certificate_required = fields.Boolean("Certificate Required")
    counts_as_worked = fields.Boolean("Counts as Worked Time",
        help="If checked, the leave adds to the worked time instead of "
        "reducing the expected time (training, mission...).")
    needs_allocation = fields.Boolean("Needs Allocation",
        help="If checked, a request may not exceed the balance of the "
        "allocations.")
    recovery = fields.Boolean("Recovery",
        help="Taken from the recovery hours earned by overtime.")
    approval_levels = fields.Integer("Approval Levels", required=True,
        help="1: the service manager; 2: then the manager above.")
    yearly_entitlement = fields.Float("Yearly Entitlement", digits=(16, 1),
        states={'invisible': ~Eval('needs_allocation')},
        help="Allocation of a full-time employee present all the year, "
        "given each year by the scheduled job (empty: allocated by hand).")
    carry_over_cap = fields.Float("Carry-over Cap", digits=(16, 1),
        help="Largest balance carried to the next year (empty: none).")
    carry_over_months = fields.Integer("Carry-over Validity (months)",
        help="Months of the next year during which the carried balance "
        "may be used.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Exclude(t, (t.code, Equal)),
                'mons_hr_time.msg_leave_type_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_unit():
        return 'day'

    @staticmethod
    def default_paid():
        return True

    @staticmethod
    def default_approval_levels():
        return 1

    @staticmethod
    def default_half_day():
        return True


class Leave(CancellableRequestMixin, ModelSQL, ModelView):
    "Leave Request"
    __name__ = 'attendance.leave'
    _workflow_fields = CancellableRequestMixin._workflow_fields + (
        'level', 'duration', 'approvals', 'certificate_received')
    _states = {'readonly': Eval('state') != 'draft'}

    employee = fields.Many2One('company.employee', "Employee", required=True,
        states=_states)
    type = fields.Many2One('attendance.leave.type', "Type", required=True,
        states=_states)
    unit = fields.Function(fields.Selection('get_units', "Unit"),
        'on_change_with_unit')
    start = fields.Date("Start", required=True, states=_states)
    end = fields.Date("End", required=True, states=_states,
        domain=[('end', '>=', Eval('start', None))])
    half = fields.Selection([
            (None, ""),
            ('morning', "Morning"),
            ('afternoon', "Afternoon"),
            ], "Half Day", states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('unit') != 'day',
            })
    hours = fields.TimeDelta("Hours", states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('unit') != 'hour',
            'required': Eval('unit') == 'hour',
            }, help="Time taken each day of the request.")
    duration = fields.Float("Duration", digits=(16, 2), readonly=True,
        help="In days or hours, as the unit of the type.")
    reason = fields.Text("Reason", states=_states)
    certificate_received = fields.Boolean("Certificate Received",
        readonly=True, states={'invisible': ~Eval('certificate_required')})
    certificate_required = fields.Function(
        fields.Boolean("Certificate Required"), 'on_change_with_'
        'certificate_required')
    level = fields.Integer("Approval Level", readonly=True)
    approvals = fields.One2Many('attendance.leave.approval', 'leave',
        "Approvals", readonly=True)
    approver_users = fields.Function(fields.Many2Many(
            'res.user', None, None, "Approver Users",
            help="Users who may decide the request at its level: the "
            "managers and their substitutes today (e-mailed on a request)."),
        'get_approver_users')
    employee_services = fields.Function(fields.Many2Many(
            'mons.service', None, None, "Services",
            help="Services the employee is a member of."),
        'get_employee_services', searcher='search_employee_services')
    employee_users = fields.Function(fields.Many2Many(
            'res.user', None, None, "Employee Users",
            help="Desk users of the employee (e-mailed on each decision)."),
        'get_employee_users')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('start', 'DESC'), ('id', 'DESC')]
        cls._transitions.add(('requested', 'draft'))
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                'receive_certificate': {
                    'invisible': (~Eval('certificate_required')
                        | Eval('certificate_received')
                        | ~Eval('state').in_(['requested', 'approved'])),
                    'depends': ['certificate_required',
                        'certificate_received', 'state'],
                    },
                })

    @staticmethod
    def default_level():
        return 0

    @classmethod
    def get_units(cls):
        Type = Pool().get('attendance.leave.type')
        return Type.fields_get(['unit'])['unit']['selection']

    @fields.depends('type')
    def on_change_with_unit(self, name=None):
        return self.type.unit if self.type else None

    @fields.depends('type')
    def on_change_with_certificate_required(self, name=None):
        return bool(self.type and self.type.certificate_required)

    def get_rec_name(self, name):
        return (f'{self.type.rec_name} {self.employee.rec_name} '
            f'{date_text(self.start)}')

    def _approval_level(self):
        return self.level or 1

    def get_approver_users(self, name):
        pool = Pool()
        Approver = pool.get('hr.time.approver')
        User = pool.get('res.user')
        # Still a draft inside the request button (its transition writes
        # the state afterwards)
        if self.state not in {'draft', 'requested'}:
            return []
        managers = Approver.managers_of(self.employee, self._approval_level())
        deciders = (managers | Approver.substitutes_of(managers)) - {
            self.employee.id}
        if not deciders:
            return []
        with without_check_access():
            return [u.id for u in User.search([
                        ('employees', 'in', list(deciders))])]

    def get_employee_services(self, name):
        return [s.id for s in self.employee.time_services]

    @classmethod
    def search_employee_services(cls, name, clause):
        return [('employee.time_services' + clause[0][len(name):],
                *clause[1:])]

    def get_employee_users(self, name):
        User = Pool().get('res.user')
        with without_check_access():
            return [u.id for u in User.search([
                        ('employees', '=', self.employee.id)])]

    @classmethod
    def _send_template(cls, leaves, xml_id, recipients, fallback=None):
        """E-mail each leave with the template xml_id (an ir.email.template
        HR may adapt) to the users of the field recipients, in their
        language or the site's; fallback(leave) gives an address when
        none of them has one. Sent at commit: a failed decision sends
        nothing."""
        pool = Pool()
        Template = pool.get('ir.email.template')
        ModelData = pool.get('ir.model.data')
        # The system writes the notice; it holds only what its recipients
        # may read on the request
        with without_check_access():
            template_id = ModelData.get_id('mons_hr_time', xml_id)
            for leave in cls.browse(leaves):
                users = getattr(leave, recipients)
                languages = Template.get_languages(list(users))
                language = languages[0].code if languages else None
                # The text is rendered with the rights of the user who
                # acts; the recipients' addresses (users they may not
                # read) by the system
                with Transaction().set_context(language=language), \
                        check_access():
                    values = Template(template_id).get(cls(leave.id))
                to = values.get('to') or Template.get_addresses(list(users))
                if not to and fallback:
                    address = fallback(leave)
                    to = [address] if address else []
                if not to or not values.get('subject'):
                    continue
                send_email(', '.join(to), values['subject'],
                    values.get('body') or '', leave)

    @classmethod
    def notify_approvers(cls, leaves):
        "Tell the approvers of the current level a request awaits them"
        cls._send_template(leaves, 'leave_email_request', 'approver_users')

    @classmethod
    def notify_decision(cls, leaves):
        "Tell the employees the decision on their requests"
        for state, xml_id in [('approved', 'leave_email_approved'),
                ('refused', 'leave_email_refused')]:
            decided = [l for l in leaves if l.state == state]
            if decided:
                cls._send_template(decided, xml_id, 'employee_users',
                    fallback=lambda l: employee_address(l.employee))

    def dates(self):
        "Working dates of the employee covered by the request"
        pool = Pool()
        Holiday = pool.get('mons.holiday')
        holidays = Holiday.dates(self.start, self.end, self.employee.company)
        result = []
        date = self.start
        while date <= self.end:
            if date not in holidays:
                assignment = self.employee.schedule_at(date)
                if assignment:
                    line = assignment.schedule.line_for(date)
                    # A day off of the part-time pattern is no leave day
                    working = bool(line and line.expected_seconds()
                        and assignment.fraction_at(date) > 0)
                else:
                    working = date.weekday() < 5
                if working:
                    result.append(date)
            date += dt.timedelta(days=1)
        return result

    def date_amounts(self):
        """(date, amount in the unit of the type) of each working date: a
        day of a per-weekday part-time pattern counts its share"""
        dates = self.dates()
        if self.type.unit == 'hour':
            hours = self.hours.total_seconds() / 3600 if self.hours else 0
            return [(d, hours) for d in dates]
        if self.half and len(dates) == 1:
            return [(dates[0], 0.5)]
        result = []
        for date in dates:
            assignment = self.employee.schedule_at(date)
            share = 1.0
            if assignment and assignment.pattern == 'weekday':
                share = min(assignment.fraction_at(date), 1.0)
            result.append((date, share))
        return result

    def compute_duration(self):
        return round(sum(a for _, a in self.date_amounts()), 2)

    def duration_between(self, start, end):
        "Part of the duration between start and end (both included)"
        if start <= self.start and self.end <= end and self.duration:
            return self.duration
        return round(sum(a for d, a in self.date_amounts()
                if start <= d <= end), 2)

    def day_amount(self, date):
        "Amount of a date for the daily computation"
        if self.type.unit == 'hour':
            return ('hours', int(self.hours.total_seconds())
                if self.hours else 0, self.type.counts_as_worked, None)
        if self.half and self.start == self.end:
            return ('day', 0.5, self.type.counts_as_worked, self.half)
        return ('day', 1.0, self.type.counts_as_worked, None)

    @classmethod
    def validate(cls, leaves):
        super().validate(leaves)
        for leave in leaves:
            leave.check_dates()
            if leave.state in {'draft', 'requested', 'approved'}:
                leave.check_overlap()

    def check_dates(self):
        if self.half and (self.start != self.end or not self.type.half_day):
            raise LeaveValidationError(gettext(
                    'mons_hr_time.msg_leave_half_day', leave=self.rec_name))
        if self.type.unit == 'hour' and (
                not self.hours or self.hours <= dt.timedelta(0)
                or self.hours > dt.timedelta(hours=12)):
            raise LeaveValidationError(gettext(
                    'mons_hr_time.msg_leave_hours', leave=self.rec_name))

    def check_overlap(self):
        others = self.search([
                ('id', '!=', self.id),
                ('employee', '=', self.employee.id),
                ('state', 'in', ['draft', 'requested', 'approved']),
                ('start', '<=', self.end),
                ('end', '>=', self.start),
                ])
        for other in others:
            # Hourly leave and complementary half days may share a day
            if (self.type.unit == 'hour' or other.type.unit == 'hour'
                    or (self.half and other.half and self.half != other.half
                        and self.start == self.end == other.start
                        == other.end)):
                continue
            raise LeaveValidationError(gettext(
                    'mons_hr_time.msg_leave_overlap',
                    leave=self.rec_name, other=other.rec_name))

    def check_balance(self):
        pool = Pool()
        Allocation = pool.get('attendance.leave.allocation')
        Overtime = pool.get('attendance.overtime')
        if self.type.recovery:
            available = Overtime.recovery_balance(
                self.employee, self.start, exclude=self) / 3600
            if self.type.unit == 'day':
                hours_per_day = (
                    self.employee.company.hours_per_work_day or 7.6)
                needed = self.duration * hours_per_day
            else:
                needed = self.duration
            if needed > available + 1e-6:
                raise LeaveValidationError(gettext(
                        'mons_hr_time.msg_leave_over_recovery',
                        leave=self.rec_name, needed=round(needed, 2),
                        available=round(available, 2)))
        elif self.type.needs_allocation:
            # Each year's part against that year's balance
            for year in range(self.start.year, self.end.year + 1):
                first = dt.date(year, 1, 1)
                needed = self.duration_between(
                    first, dt.date(year, 12, 31))
                if not needed:
                    continue
                available = Allocation.balance_at(self.employee, self.type,
                    max(self.start, first), exclude=self)
                if needed > available + 1e-6:
                    raise LeaveValidationError(gettext(
                            'mons_hr_time.msg_leave_over_balance',
                            leave=self.rec_name, duration=needed,
                            balance=available))

    @classmethod
    def create(cls, vlist):
        leaves = super().create(vlist)
        cls._set_duration(leaves)
        return leaves

    @classmethod
    def write(cls, *args):
        super().write(*args)
        leaves = sum(args[::2], [])
        cls._set_duration(leaves)

    @classmethod
    def _set_duration(cls, leaves):
        to_write = []
        for leave in leaves:
            duration = leave.compute_duration()
            if leave.duration != duration:
                to_write.extend(([leave], {'duration': duration}))
        if to_write:
            with without_check_access():
                super().write(*to_write)

    @classmethod
    def check_modification(cls, mode, leaves, values=None, external=False):
        pool = Pool()
        Day = pool.get('attendance.day')
        super().check_modification(
            mode, leaves, values=values, external=external)
        for leave in leaves:
            if mode != 'create' and (mode == 'delete'
                    or leave.state == 'approved'
                    or (values or {}).get('state') == 'approved'):
                Day.check_open(leave.employee, leave.start)
        if mode == 'create':
            return
        if values and values.get('start'):
            for leave in leaves:
                Day.check_open(leave.employee, values['start'])

    @classmethod
    def _touch(cls, leaves):
        Day = Pool().get('attendance.day')
        Day.touch({(l.employee.id, d) for l in leaves for d in l.dates()
                if d <= dt.date.today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, leaves):
        with without_check_access():
            pool = Pool()
            Approval = pool.get('attendance.leave.approval')
            Approval.delete([a for l in leaves for a in l.approvals])
        cls.write(leaves, {'level': 0})

    @classmethod
    @ModelView.button
    @Workflow.transition('requested')
    def request(cls, leaves):
        pool = Pool()
        Approval = pool.get('attendance.leave.approval')
        Day = pool.get('attendance.day')
        for leave in leaves:
            Day.check_open(leave.employee, leave.start)
            if not leave.dates():
                raise LeaveValidationError(gettext(
                        'mons_hr_time.msg_leave_no_working_day',
                        leave=leave.rec_name))
            leave.check_balance()
        with without_check_access():
            Approval.create([{'leave': l.id, 'level': level}
                    for l in leaves
                    for level in range(1, (l.type.approval_levels or 1) + 1)])
        cls.write(leaves, {'level': 1})
        cls.notify_approvers(leaves)

    @classmethod
    @ModelView.button
    def approve(cls, leaves):
        pool = Pool()
        Approval = pool.get('attendance.leave.approval')
        User = pool.get('res.user')
        user = User(Transaction().user)
        approved, next_level = [], []
        for leave in leaves:
            if leave.state != 'requested':
                continue
            cls.check_approver([leave])
            pending = [a for a in leave.approvals
                if a.level == leave.level and a.state == 'pending']
            with without_check_access():
                Approval.write(pending, {'state': 'approved',
                        'user': user.id, 'decided_at': dt.datetime.now()})
                if leave.level >= (leave.type.approval_levels or 1):
                    approved.append(leave)
                else:
                    cls.write([leave], {'level': leave.level + 1})
                    next_level.append(leave)
        if approved:
            cls.do_approve(approved)
            cls._touch(approved)
            cls.notify_decision(approved)
        if next_level:
            cls.notify_approvers(next_level)
        # The list shows the requests still waiting once decided
        return 'reload'

    @classmethod
    @Workflow.transition('approved')
    def do_approve(cls, leaves):
        pass

    @classmethod
    @ModelView.button
    def receive_certificate(cls, leaves):
        "HR records the medical certificate of a leave"
        cls.write([l for l in leaves if l.certificate_required],
            {'certificate_received': True})

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, leaves):
        Approval = Pool().get('attendance.leave.approval')
        cls.check_approver(leaves)
        with without_check_access():
            Approval.write([a for l in leaves for a in l.approvals
                    if a.state == 'pending'], {
                    'state': 'refused', 'user': Transaction().user,
                    'decided_at': dt.datetime.now()})
        if not Transaction().context.get('_refusal_notify_later'):
            # Else the refusal wizard sends it with the reason
            cls.notify_decision(cls.browse(leaves))
        # The list shows the requests still waiting once decided
        return 'reload'

    @classmethod
    def check_cancel(cls, leaves):
        # Even a requested leave of a closed month stays as it was
        Day = Pool().get('attendance.day')
        for leave in leaves:
            Day.check_open(leave.employee, leave.start)


class LeaveApproval(ModelSQL, ModelView):
    "Leave Approval"
    __name__ = 'attendance.leave.approval'

    @classmethod
    def check_modification(cls, mode, approvals, values=None,
            external=False):
        super().check_modification(
            mode, approvals, values=values, external=external)
        if external:
            # Only the buttons of the leave record its decisions
            raise WorkflowError(gettext(
                    'mons_hr_time.msg_leave_approval_buttons'))

    leave = fields.Many2One('attendance.leave', "Leave", required=True,
        ondelete='CASCADE')
    level = fields.Integer("Level", required=True)
    state = fields.Selection([
            ('pending', "Pending"),
            ('approved', "Approved"),
            ('refused', "Refused"),
            ], "State", required=True)
    user = fields.Many2One('res.user', "By")
    decided_at = fields.DateTime("Decided at")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('leave')
        cls._order = [('level', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_state():
        return 'pending'
