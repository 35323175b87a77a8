# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""The permit file: from the deposit to the closing, with its legal
deadlines computed and explained.

The state, the reference and the prorogation are the server's: they change
only through the buttons (button groups decide who may press them), never
at creation nor by a write. A date the officer enters (completeness,
decision, notification) may be written only in the step it belongs to, and
never before the deposit."""
import datetime as dt
import functools

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from . import deadline
from .exceptions import PermitValidationError, PermitWorkflowError

STATES = [
    ('draft', "Draft"),
    ('deposited', "Deposited"),
    ('incomplete', "Incomplete"),
    ('complete', "Complete"),
    ('inquiry', "Inquiry"),
    ('opinions', "Opinions"),
    ('decision', "Decision"),
    ('notified', "Notified"),
    ('appeal', "Appeal"),
    ('closed', "Closed"),
    ('cancelled', "Cancelled"),
    ]
OPEN_STATES = ['deposited', 'incomplete', 'complete', 'inquiry', 'opinions',
    'decision', 'notified', 'appeal']
# Set by the buttons only: refused at creation and to every writer
WORKFLOW_FIELDS = ['state', 'reference', 'prorogation_days', 'prorogated']
# Dates and answers the officer enters, each in its own steps
EDITABLE_IN = {
    'deposit_date': ['draft'],
    'complete_date': ['deposited'],
    'complements_date': ['incomplete'],
    'incomplete_reason': ['deposited', 'incomplete'],
    'decision': ['decision'],
    'decision_date': ['decision'],
    'notification_date': ['decision'],
    'appeal_date': ['notified'],
    }
# The dates that may not come before the deposit
AFTER_DEPOSIT = ['complete_date', 'complements_date', 'decision_date',
    'notification_date', 'appeal_date']


def fr_date(date):
    return date.strftime('%d/%m/%Y') if date else ''


def explain(steps):
    "The French text of the steps of a computed date, one line each"
    lines = []
    for kind, values in steps:
        values = {k: fr_date(v) if isinstance(v, dt.date) else v
            for k, v in values.items()}
        lines.append(gettext(f'mons_permit.msg_explain_{kind}', **values))
    return '\n'.join(lines)


def today():
    return Pool().get('ir.date').today()


def holidays_between(start, end, company=None):
    return Pool().get('mons.holiday').dates(start, end, company)


def computed_holidays(start, days, company=None):
    "The holidays a deadline of `days` from start may meet"
    return holidays_between(start, start + dt.timedelta(days=days * 2 + 90),
        company)


def check_state(action, states, message=None):
    """Refuse, with a message naming the file and its state, an action the
    state does not allow (the buttons show only where they apply, REST
    callers get the reason)"""
    def decorator(func):
        @functools.wraps(func)
        def wrapper(cls, files, *args, **kwargs):
            for file in files:
                if file.state not in states:
                    raise PermitWorkflowError(gettext(
                            message or 'mons_permit.msg_file_wrong_state',
                            file=file.rec_name,
                            state=file.state_string,
                            action=action))
            with Transaction().set_context(_permit_workflow=True):
                return func(cls, files, *args, **kwargs)
        return wrapper
    return decorator


class File(Workflow, ModelSQL, ModelView):
    __name__ = 'permit.file'
    __string__ = "Permit File"
    _rec_name = 'reference'

    _draft = Eval('state') == 'draft'
    _party_context = {'company': Eval('company', -1)}

    company = fields.Many2One('company.company', "Organisation",
        ondelete='RESTRICT', states={'readonly': ~_draft})
    reference = fields.Char("Reference", readonly=True,
        help="Given at the deposit from the permit sequence.")
    procedure_type = fields.Many2One('permit.procedure_type',
        "Procedure Type", required=True, ondelete='RESTRICT',
        states={'readonly': ~_draft})
    kind = fields.Function(fields.Selection('get_kinds', "Kind"),
        'on_change_with_kind')
    origin = fields.Selection([
            ('counter', "Counter"),
            ('portal', "Portal"),
            ], "Origin", required=True, readonly=True)
    state = fields.Selection(STATES, "State", required=True, readonly=True,
        sort=False)
    state_string = state.translated('state')
    object = fields.Char("Object", required=True,
        states={'readonly': ~Eval('state').in_(['draft', 'deposited',
                        'incomplete'])},
        help="What is asked, in one line (it is published).")
    description = fields.Text("Description")
    applicant = fields.Many2One('party.party', "Applicant", required=True,
        ondelete='RESTRICT', context=_party_context, depends={'company'})
    applicants = fields.Many2Many('permit.file-party.party', 'file', 'party',
        "Other Applicants", context=_party_context, depends={'company'})
    architect = fields.Many2One('party.party', "Architect",
        ondelete='RESTRICT', context=_party_context, depends={'company'})
    notary = fields.Many2One('party.party', "Notary", ondelete='RESTRICT',
        context=_party_context, depends={'company'})
    address = fields.Text("Address", help="Address of the works or site.")
    section = fields.Many2One('mons.section', "Section", ondelete='RESTRICT')
    officer = fields.Many2One('res.user', "Officer", ondelete='RESTRICT',
        help="The agent following the file: reminders go to them.")
    service = fields.Many2One('mons.service', "Service", ondelete='RESTRICT')

    deposit_date = fields.Date("Deposit Date",
        states={'readonly': ~_draft},
        help="Day the application was received (today when left empty at "
        "the deposit).")
    incomplete_reason = fields.Text("Missing Items",
        states={
            'readonly': ~Eval('state').in_(['deposited', 'incomplete']),
            'invisible': ~Eval('state').in_(['deposited', 'incomplete'])
            & ~Eval('incomplete_reason'),
            })
    complements_date = fields.Date("Complements Received",
        states={'readonly': Eval('state') != 'incomplete'},
        help="Day the missing items were received: the completeness check "
        "starts again from it.")
    complete_date = fields.Date("Completeness Date",
        states={'readonly': Eval('state') != 'deposited'},
        help="Day the file was declared complete (today when left empty). "
        "The decision deadline runs from it.")
    official_opinion = fields.Boolean("Regional Official's Opinion",
        states={'readonly': ~Eval('state').in_(OPEN_STATES[:5])},
        help="The regional official (fonctionnaire délégué) must give an "
        "opinion: the longest decision deadline applies.")
    prorogated = fields.Boolean("Prorogated", readonly=True)
    prorogation_days = fields.Integer("Prorogation Days", readonly=True)
    prorogation_reason = fields.Text("Prorogation Reason",
        states={'readonly': Bool(Eval('prorogated'))
            | ~Eval('state').in_(['complete', 'inquiry', 'opinions',
                    'decision'])},
        help="Why the decision deadline is extended (required for the "
        "prorogation; it can be granted once).")
    decision = fields.Selection([
            (None, ""),
            ('granted', "Granted"),
            ('refused', "Refused"),
            ], "Decision", states={'readonly': Eval('state') != 'decision'})
    decision_date = fields.Date("College Decision Date",
        states={'readonly': Eval('state') != 'decision'})
    notification_date = fields.Date("Notification Date",
        states={'readonly': Eval('state') != 'decision'},
        help="Day the decision was sent to the applicant: the appeal "
        "period runs from it.")
    appeal_date = fields.Date("Appeal Date",
        states={'readonly': Eval('state') != 'notified'})

    completeness_due = fields.Function(fields.Date("Completeness Due"),
        'get_deadlines')
    completeness_explanation = fields.Function(
        fields.Text("How the Completeness Date Is Computed"),
        'get_deadlines')
    decision_due = fields.Function(fields.Date("Decision Due"),
        'get_deadlines')
    decision_explanation = fields.Function(
        fields.Text("How the Decision Date Is Computed"), 'get_deadlines')
    appeal_due = fields.Function(fields.Date("Appeal Period Ends"),
        'get_deadlines')
    appeal_explanation = fields.Function(
        fields.Text("How the Appeal Period Is Computed"), 'get_deadlines')
    next_deadline = fields.Function(fields.Date("Next Deadline"),
        'get_deadlines')
    next_deadline_label = fields.Function(fields.Char("Next Step"),
        'get_deadlines')
    overdue = fields.Function(fields.Boolean("Overdue"), 'get_deadlines',
        searcher='search_overdue')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('deposit_date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'deposited'),
            ('deposited', 'complete'),
            ('deposited', 'incomplete'),
            ('incomplete', 'deposited'),
            ('complete', 'inquiry'),
            ('complete', 'opinions'),
            ('inquiry', 'opinions'),
            ('complete', 'decision'),
            ('inquiry', 'decision'),
            ('opinions', 'decision'),
            ('decision', 'notified'),
            ('notified', 'appeal'),
            ('notified', 'closed'),
            ('appeal', 'closed'),
            ('draft', 'cancelled'),
            ('deposited', 'cancelled'),
            ('incomplete', 'cancelled'),
            }
        cls._buttons.update({
                'deposit': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'declare_incomplete': {
                    'invisible': Eval('state') != 'deposited',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'receive_complements': {
                    'invisible': Eval('state') != 'incomplete',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'declare_complete': {
                    'invisible': Eval('state') != 'deposited',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                # Shown before completeness too: pressing it then says why
                # the inquiry cannot start yet
                'start_inquiry': {
                    'invisible': ~Eval('state').in_(
                        ['deposited', 'incomplete', 'complete']),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'request_opinions': {
                    'invisible': ~Eval('state').in_(['complete', 'inquiry']),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'to_decision': {
                    'invisible': ~Eval('state').in_(
                        ['complete', 'inquiry', 'opinions']),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'prorogate': {
                    'invisible': Bool(Eval('prorogated'))
                    | ~Eval('state').in_(
                        ['complete', 'inquiry', 'opinions', 'decision']),
                    'icon': 'tryton-date',
                    'depends': ['state', 'prorogated'],
                    },
                'notify': {
                    'invisible': Eval('state') != 'decision',
                    'icon': 'tryton-email',
                    'depends': ['state'],
                    },
                'appeal': {
                    'invisible': Eval('state') != 'notified',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': ~Eval('state').in_(['notified', 'appeal']),
                    'icon': 'tryton-close',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'deposited', 'incomplete']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_origin():
        return 'counter'

    @staticmethod
    def default_officer():
        return Transaction().user or None

    @classmethod
    def get_kinds(cls):
        ProcedureType = Pool().get('permit.procedure_type')
        return ProcedureType.fields_get(['kind'])['kind']['selection']

    @fields.depends('procedure_type')
    def on_change_with_kind(self, name=None):
        return self.procedure_type.kind if self.procedure_type else None

    def get_rec_name(self, name):
        return self.reference or f'({self.id})'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('reference', operator, operand, *extra),
            ('object', operator, operand, *extra),
            ]

    # Deadlines -------------------------------------------------------------

    def _company_id(self):
        return self.company.id if self.company else None

    def compute_completeness_due(self):
        start = self.complements_date or self.deposit_date
        if not start:
            return None
        days = self.procedure_type.completeness_days
        label = 'complements' if self.complements_date else 'deposit'
        return deadline.add_days(start, days,
            computed_holidays(start, days, self._company_id()), label=label)

    def decision_days(self):
        "The legal decision period and what chose it"
        type_ = self.procedure_type
        if self.official_opinion:
            return type_.decision_days_official, 'official'
        if (self.has_inquiry_or_opinions()
                or type_.requires_inquiry != 'none'
                or type_.requires_opinions):
            return type_.decision_days_opinions, 'opinions'
        return type_.decision_days, 'simple'

    def has_inquiry_or_opinions(self):
        "Overridden by the inquiries and opinions"
        return False

    def compute_decision_due(self):
        if not self.complete_date:
            return None
        days, basis = self.decision_days()
        holidays = computed_holidays(self.complete_date,
            days + (self.prorogation_days or 0), self._company_id())
        computed = deadline.add_days(self.complete_date, days, holidays,
            label='complete')
        computed = deadline.Computed(computed.date,
            [deadline.Step('basis', {'basis': gettext(
                                f'mons_permit.msg_basis_{basis}'),
                        'days': days})] + computed.steps)
        if self.prorogated:
            computed = deadline.extend(computed, self.prorogation_days or 0,
                holidays, reason=self.prorogation_reason or '')
        return computed

    def compute_appeal_due(self):
        if not self.notification_date:
            return None
        days = self.procedure_type.appeal_days
        return deadline.add_days(self.notification_date, days,
            computed_holidays(self.notification_date, days,
                self._company_id()), label='notification')

    def pending_deadlines(self):
        """(date, label) of the deadlines still running in this state;
        inquiries and opinions add theirs"""
        result = []
        if self.state in {'deposited', 'incomplete'}:
            computed = self.compute_completeness_due()
            if computed:
                result.append((computed.date,
                        gettext('mons_permit.msg_deadline_completeness')))
        if self.state in {'complete', 'inquiry', 'opinions', 'decision'}:
            computed = self.compute_decision_due()
            if computed:
                result.append((computed.date,
                        gettext('mons_permit.msg_deadline_decision')))
        if self.state == 'notified':
            computed = self.compute_appeal_due()
            if computed:
                result.append((computed.date,
                        gettext('mons_permit.msg_deadline_appeal')))
        return result

    @classmethod
    def get_deadlines(cls, files, names):
        result = {n: {} for n in names}
        date = today()
        for file in files:
            values = {}
            for prefix, method in [
                    ('completeness', file.compute_completeness_due),
                    ('decision', file.compute_decision_due),
                    ('appeal', file.compute_appeal_due)]:
                if not ({f'{prefix}_due', f'{prefix}_explanation'}
                        & set(names)) or not file.procedure_type:
                    values[f'{prefix}_due'] = None
                    values[f'{prefix}_explanation'] = None
                    continue
                computed = method()
                values[f'{prefix}_due'] = computed.date if computed else None
                values[f'{prefix}_explanation'] = (
                    explain(computed.steps) if computed else None)
            pending = []
            if {'next_deadline', 'next_deadline_label', 'overdue'} & set(
                    names) and file.state in OPEN_STATES:
                pending = sorted(file.pending_deadlines())
            values['next_deadline'] = pending[0][0] if pending else None
            values['next_deadline_label'] = (
                pending[0][1] if pending else None)
            values['overdue'] = bool(pending and pending[0][0] < date)
            for name in names:
                result[name][file.id] = values.get(name)
        return result

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause[:3]
        files = cls.search([('state', 'in', OPEN_STATES)])
        ids = [f.id for f in files if f.overdue]
        if (operator == '=') == bool(value):
            return [('id', 'in', ids)]
        return [('id', 'not in', ids)]

    # Validation ------------------------------------------------------------

    @classmethod
    def validate_fields(cls, files, field_names):
        super().validate_fields(files, field_names)
        cls.check_dates(files, field_names)

    @classmethod
    def check_dates(cls, files, field_names=None):
        names = [n for n in AFTER_DEPOSIT + ['deposit_date']
            if field_names is None or n in field_names]
        if not names:
            return
        date = today()
        strings = cls.fields_get(AFTER_DEPOSIT + ['deposit_date'])
        for file in files:
            if file.deposit_date and file.deposit_date > date:
                raise PermitValidationError(gettext(
                        'mons_permit.msg_date_in_future',
                        field=strings['deposit_date']['string'],
                        file=file.rec_name))
            for name in AFTER_DEPOSIT:
                value = getattr(file, name)
                if (value and file.deposit_date
                        and value < file.deposit_date):
                    raise PermitValidationError(gettext(
                            'mons_permit.msg_date_before_deposit',
                            field=strings[name]['string'],
                            date=fr_date(value),
                            deposit=fr_date(file.deposit_date),
                            file=file.rec_name))
            if (file.notification_date and file.decision_date
                    and file.notification_date < file.decision_date):
                raise PermitValidationError(gettext(
                        'mons_permit.msg_notification_before_decision',
                        field=strings['notification_date']['string'],
                        file=file.rec_name))

    # Storage ---------------------------------------------------------------

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        strings = None
        for values in vlist:
            # A file is born a draft: its state, reference and prorogation
            # come from the buttons
            for name in WORKFLOW_FIELDS:
                value = values.pop(name, None)
                if (name == 'state' and value in {None, 'draft'}) or (
                        name == 'prorogated' and not value):
                    continue
                if value not in {None, ''}:
                    strings = strings or cls.fields_get(WORKFLOW_FIELDS)
                    raise PermitWorkflowError(gettext(
                            'mons_permit.msg_workflow_field',
                            field=strings[name]['string']))
            for name in EDITABLE_IN:
                if values.get(name) and 'draft' not in EDITABLE_IN[name]:
                    strings = strings or cls.fields_get(list(EDITABLE_IN))
                    raise PermitWorkflowError(gettext(
                            'mons_permit.msg_field_not_in_state',
                            field=strings[name]['string'],
                            state=dict(STATES)['draft']))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        if not Transaction().context.get('_permit_workflow'):
            actions = iter(args)
            strings = None
            state_strings = None
            for files, values in zip(actions, actions):
                for name in WORKFLOW_FIELDS:
                    if name in values:
                        strings = strings or cls.fields_get(WORKFLOW_FIELDS)
                        raise PermitWorkflowError(gettext(
                                'mons_permit.msg_workflow_field',
                                field=strings[name]['string']))
                for name, states in EDITABLE_IN.items():
                    if name not in values:
                        continue
                    for file in files:
                        if (file.state not in states
                                and getattr(file, name) != values[name]):
                            strings = strings or cls.fields_get(
                                list(EDITABLE_IN))
                            state_strings = state_strings or dict(
                                cls.fields_get(['state'])['state'][
                                    'selection'])
                            raise PermitWorkflowError(gettext(
                                    'mons_permit.msg_field_not_in_state',
                                    field=strings[name]['string'],
                                    state=state_strings[file.state]))
        super().write(*args)

    @classmethod
    def _workflow_write(cls, files, values):
        with Transaction().set_context(_permit_workflow=True):
            cls.write(files, values)

    @classmethod
    def copy(cls, files, default=None):
        default = dict(default or {})
        for name in WORKFLOW_FIELDS + list(EDITABLE_IN) + [
                'incomplete_reason', 'origin']:
            default.setdefault(name, None)
        default['origin'] = 'counter'
        return super().copy(files, default=default)

    @classmethod
    def delete(cls, files):
        for file in files:
            if file.state not in {'draft', 'cancelled'}:
                raise PermitWorkflowError(gettext(
                        'mons_permit.msg_file_delete', file=file.rec_name))
        super().delete(files)

    # Workflow --------------------------------------------------------------

    @classmethod
    def set_reference(cls, files):
        pool = Pool()
        Configuration = pool.get('permit.configuration')
        config = Configuration(1)
        for file in files:
            if file.reference:
                continue
            reference = config.get_file_sequence().get()
            cls._workflow_write([file], {'reference': reference})

    @classmethod
    @ModelView.button
    @check_state('deposit', ['draft'])
    def deposit(cls, files):
        cls._deposit(files)

    @classmethod
    def _deposit(cls, files):
        "The deposit itself, for the counter button and the portal"
        with Transaction().set_context(_permit_workflow=True):
            cls._to_deposited(files)

    @classmethod
    @Workflow.transition('deposited')
    def _to_deposited(cls, files):
        date = today()
        for file in files:
            if not file.deposit_date:
                cls._workflow_write([file], {'deposit_date': date})
        cls.set_reference(files)

    @classmethod
    @ModelView.button
    @check_state('declare_incomplete', ['deposited'])
    @Workflow.transition('incomplete')
    def declare_incomplete(cls, files):
        for file in files:
            if not (file.incomplete_reason or '').strip():
                raise PermitWorkflowError(gettext(
                        'mons_permit.msg_incomplete_reason',
                        field=cls.fields_get(['incomplete_reason'])[
                            'incomplete_reason']['string'],
                        file=file.rec_name))

    @classmethod
    @ModelView.button
    @check_state('receive_complements', ['incomplete'])
    @Workflow.transition('deposited')
    def receive_complements(cls, files):
        date = today()
        for file in files:
            if not file.complements_date:
                cls._workflow_write([file], {'complements_date': date})

    @classmethod
    @ModelView.button
    @check_state('declare_complete', ['deposited'])
    @Workflow.transition('complete')
    def declare_complete(cls, files):
        date = today()
        for file in files:
            if not file.complete_date:
                cls._workflow_write([file], {'complete_date': date})

    @classmethod
    @ModelView.button
    @check_state('start_inquiry', ['complete'],
        'mons_permit.msg_inquiry_before_complete')
    def start_inquiry(cls, files):
        "Overridden by the inquiries (inquiry.py)"
        cls._to_inquiry(files)

    @classmethod
    @Workflow.transition('inquiry')
    def _to_inquiry(cls, files):
        pass

    @classmethod
    @ModelView.button
    @check_state('request_opinions', ['complete', 'inquiry'])
    def request_opinions(cls, files):
        cls.check_inquiry_ended(files, 'request_opinions')
        cls._to_opinions(files)

    @classmethod
    @Workflow.transition('opinions')
    def _to_opinions(cls, files):
        pass

    @classmethod
    def check_inquiry_ended(cls, files, action, date=None):
        "Overridden by the inquiries: refuse while an inquiry runs"

    @classmethod
    @ModelView.button
    @check_state('to_decision', ['complete', 'inquiry', 'opinions'])
    def to_decision(cls, files):
        cls.check_inquiry_ended(files, 'to_decision')
        cls._to_decision(files)

    @classmethod
    @Workflow.transition('decision')
    def _to_decision(cls, files):
        pass

    @classmethod
    @ModelView.button
    @check_state('prorogate', ['complete', 'inquiry', 'opinions', 'decision'])
    def prorogate(cls, files):
        for file in files:
            if file.prorogated:
                raise PermitWorkflowError(gettext(
                        'mons_permit.msg_prorogation_once',
                        file=file.rec_name))
            if not (file.prorogation_reason or '').strip():
                raise PermitWorkflowError(gettext(
                        'mons_permit.msg_prorogation_reason',
                        field=cls.fields_get(['prorogation_reason'])[
                            'prorogation_reason']['string'],
                        file=file.rec_name))
            cls._workflow_write([file], {
                    'prorogated': True,
                    'prorogation_days': file.procedure_type.prorogation_days,
                    })

    @classmethod
    @ModelView.button
    @check_state('notify', ['decision'])
    def notify(cls, files):
        strings = cls.fields_get(['decision', 'decision_date'])
        for file in files:
            for name in ['decision', 'decision_date']:
                if not getattr(file, name):
                    raise PermitWorkflowError(gettext(
                            'mons_permit.msg_decision_missing',
                            field=strings[name]['string'],
                            file=file.rec_name))
        cls.check_inquiry_ended(files, 'notify')
        cls._notify(files)

    @classmethod
    @Workflow.transition('notified')
    def _notify(cls, files):
        date = today()
        for file in files:
            if not file.notification_date:
                cls._workflow_write([file], {'notification_date': date})

    @classmethod
    @ModelView.button
    @check_state('appeal', ['notified'])
    @Workflow.transition('appeal')
    def appeal(cls, files):
        date = today()
        for file in files:
            if not file.appeal_date:
                cls._workflow_write([file], {'appeal_date': date})

    @classmethod
    @ModelView.button
    @check_state('close', ['notified', 'appeal'])
    @Workflow.transition('closed')
    def close(cls, files):
        pass

    @classmethod
    @ModelView.button
    @check_state('cancel', ['draft', 'deposited', 'incomplete'])
    @Workflow.transition('cancelled')
    def cancel(cls, files):
        pass


class FileApplicant(ModelSQL):
    __name__ = 'permit.file-party.party'
    __string__ = "Permit File - Applicant"

    file = fields.Many2One('permit.file', "File", required=True,
        ondelete='CASCADE')
    party = fields.Many2One('party.party', "Party", required=True,
        ondelete='RESTRICT')
