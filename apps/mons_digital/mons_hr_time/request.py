"""The workflow the requests of an employee share (leave, telework,
overtime, corrections): they wait in a pending state for an approver
(the managers above the employee, HR or a substitute named in
``hr.time.approver``) who approves or refuses them."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import (
    Transaction, check_access, without_check_access)
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import WorkflowError

STATES = [
    ('draft', "Draft"),
    ('requested', "Requested"),
    ('approved', "Approved"),
    ('refused', "Refused"),
    ('cancelled', "Cancelled"),
    ]


class ApprovalRequestMixin(Workflow):
    """A request an approver decides.

    A model sets ``_pending_state`` (the state awaiting the approver;
    ``'requested'`` gives a ``request`` button from draft) and
    ``_request_states`` (its states among ``STATES``).

    Users (REST, desk) change a request only while it is a draft, never
    its ``_workflow_fields`` (the state, who decided, computed results):
    those change only inside the buttons, whose groups and approvers are
    checked on the server. A decided request is corrected by a new one.

    The desk offers Approve and Refuse only to who may decide the request
    (``can_decide``), on a row or on the selected rows; refusing from the
    desk asks the reason, which the employee reads on the request."""
    __slots__ = ()
    _pending_state = 'requested'
    _request_states = ('draft', 'requested', 'approved', 'refused')
    _workflow_fields = ('state', 'refusal_reason')
    # States in which its users may still change or delete a request
    _editable_states = ('draft',)
    _deletable_states = ('draft', 'refused', 'cancelled')

    # In the workflow's order, draft first: sao redraws a select after a
    # change and may read its first option back into the record
    state = fields.Selection(STATES, "State", required=True, readonly=True,
        sort=False)
    substitute_approvers = fields.Function(fields.Many2Many(
            'company.employee', None, None, "Substitute Approvers",
            help="Employees standing in today for the approvers."),
        'get_substitute_approvers',
        searcher='search_substitute_approvers')
    can_decide = fields.Function(fields.Boolean("Can Decide",
            help="Whether the user may approve or refuse the request."),
        'get_can_decide', searcher='search_can_decide')
    refusal_reason = fields.Text("Refusal Reason", readonly=True,
        states={'invisible': Eval('state') != 'refused'},
        help="Why the approver refused the request.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.state.selection = [s for s in cls.state.selection
            if s[0] in cls._request_states]
        pending = cls._pending_state
        cls._transitions |= {(pending, 'approved'), (pending, 'refused')}
        # Hidden from who may not decide, and refused to them by the server
        decide = {
            'invisible': ((Eval('state') != pending)
                | ~Eval('can_decide', False)),
            'depends': ['state', 'can_decide'],
            }
        cls._buttons.update({
                'approve': decide.copy(),
                'refuse': decide.copy(),
                'refuse_with_reason': decide.copy(),
                })
        if pending != 'draft':
            cls._transitions.add(('draft', pending))
            cls._buttons['request'] = {
                'invisible': Eval('state') != 'draft',
                'depends': ['state'],
                }

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def check_modification(cls, mode, requests, values=None, external=False):
        super().check_modification(
            mode, requests, values=values, external=external)
        if not external:
            # The buttons' own writes
            return
        if mode == 'create':
            for request in requests:
                for name in cls._workflow_fields:
                    if _given(request, name):
                        cls._refuse_field(request, name)
        elif mode == 'write':
            for name in cls._workflow_fields:
                if name in values:
                    for request in requests:
                        cls._refuse_field(request, name)
            for request in requests:
                if request.state not in cls._editable_states:
                    raise WorkflowError(gettext(
                            'mons_hr_time.msg_request_not_editable',
                            record=request.rec_name,
                            state=request._state_label()))
        elif mode == 'delete':
            for request in requests:
                if request.state not in cls._deletable_states:
                    raise WorkflowError(gettext(
                            'mons_hr_time.msg_request_not_deletable',
                            record=request.rec_name,
                            state=request._state_label()))

    @classmethod
    def _refuse_field(cls, request, name):
        raise WorkflowError(gettext('mons_hr_time.msg_workflow_field',
                field=cls.__names__(name)['field'],
                record=request.rec_name))

    def _state_label(self):
        selection = dict(self.fields_get(['state'])['state']['selection'])
        return selection.get(self.state, self.state)

    @staticmethod
    def default_employee():
        return Transaction().context.get('employee')

    def _approval_level(self):
        "Level of the approvers the request waits for"
        return 1

    @classmethod
    def get_can_decide(cls, requests, name):
        Approver = Pool().get('hr.time.approver')
        return {r.id: (r.state == cls._pending_state
                and Approver.may_approve(r.employee, r._approval_level()))
            for r in requests}

    @classmethod
    def search_can_decide(cls, name, clause):
        """The pending requests the user may decide now, at their level:
        "To Approve" lists them, not a level-2 request of a level-1
        manager nor the user's own"""
        pool = Pool()
        Approver = pool.get('hr.time.approver')
        User = pool.get('res.user')
        _, operator, value = clause[:3]
        if operator not in {'=', '!='}:
            raise NotImplementedError(operator)
        wanted = (operator == '=') == bool(value)
        user_id = Transaction().user
        pending = [('state', '=', cls._pending_state)]
        if Approver.is_hr(user_id):
            ids = None
        else:
            with without_check_access():
                own = [e.id for e in User(user_id).employees]
                today = dt.date.today()
                substituted = {a.approver.id for a in Approver.search([
                            ('substitute', 'in', own),
                            ('start', '<=', today), ('end', '>=', today)])}
                # Requests of the people below the user or below whom the
                # user stands in for, then the level of each decides
                deciders = list(set(own) | substituted)
                requests = cls.search(pending + [
                        ('employee.time_managers', 'in', deciders),
                        ('employee', 'not in', own),
                        ]) if deciders else []
                ids = [r.id for r in requests
                    if Approver.may_approve(r.employee, r._approval_level(),
                        user_id)]
        if wanted:
            return pending if ids is None else [('id', 'in', ids)]
        if ids is None:
            return [('state', '!=', cls._pending_state)]
        return [('id', 'not in', ids)]

    @classmethod
    @ModelView.button_action('mons_hr_time.wizard_request_refuse')
    def refuse_with_reason(cls, requests):
        "Ask the reason, then refuse (RequestRefuse)"

    @classmethod
    def check_approver(cls, requests):
        "Raise unless the user may decide each request"
        Approver = Pool().get('hr.time.approver')
        for request in requests:
            Approver.check_approve(
                request.employee, request, request._approval_level())

    def get_substitute_approvers(self, name):
        Approver = Pool().get('hr.time.approver')
        if self.state != self._pending_state:
            return []
        managers = Approver.managers_of(
            self.employee, self._approval_level())
        return sorted(Approver.substitutes_of(managers) - {self.employee.id})

    @classmethod
    def search_substitute_approvers(cls, name, clause):
        """Requests awaiting approval that the employees of the clause may
        decide today as substitutes, as ``Approver.may_approve`` does: the
        substituted manager must be an approver of the request's level."""
        pool = Pool()
        Approver = pool.get('hr.time.approver')
        Service = pool.get('mons.service')
        value = clause[2]
        substitutes = set(
            value if isinstance(value, (list, tuple)) else [value])
        today = dt.date.today()
        with without_check_access():
            substituted = {a.approver.id for a in Approver.search([
                        ('substitute', 'in', list(substitutes)),
                        ('start', '<=', today), ('end', '>=', today)])}
            if not substituted:
                return [('id', '=', -1)]
            # The approvers of a request manage one of the services of
            # its employee or a service above them
            managed = Service.search([('manager', 'in', list(substituted))])
            services = Service.search([
                    ('parent', 'child_of', [s.id for s in managed])])
            employees = {m.id for s in services for m in s.members}
            employees |= {s.manager.id for s in services if s.manager}
            # Nobody approves their own requests
            employees -= substitutes
            requests = cls.search([
                    ('state', '=', cls._pending_state),
                    ('employee', 'in', list(employees)),
                    ]) if employees else []
            managers = {}
            ids = []
            for request in requests:
                key = (request.employee.id, request._approval_level())
                if key not in managers:
                    managers[key] = Approver.managers_of(
                        request.employee, key[1])
                if managers[key] & substituted:
                    ids.append(request.id)
        return [('id', 'in', ids)]


class CancellableRequestMixin(ApprovalRequestMixin):
    """A request its employee may cancel while requested or once approved;
    the model gives ``_touch(requests)`` to recompute the days of the
    approved ones."""
    __slots__ = ()
    _request_states = (
        'draft', 'requested', 'approved', 'refused', 'cancelled')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {
            ('requested', 'cancelled'),
            ('approved', 'cancelled'),
            }
        cls._buttons.update({
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['requested', 'approved']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def check_cancel(cls, requests):
        "Cancelling an approved request changes days: they must be open"
        Day = Pool().get('attendance.day')
        for request in requests:
            if request.state == 'approved':
                Day.check_open(request.employee, request.start)

    @classmethod
    @ModelView.button
    def cancel(cls, requests):
        cls.check_cancel(requests)
        approved = [r for r in requests if r.state == 'approved']
        cls.do_cancel(requests)
        cls._touch(approved)

    @classmethod
    @Workflow.transition('cancelled')
    def do_cancel(cls, requests):
        pass


class RequestRefuseStart(ModelView):
    "Refuse Requests"
    __name__ = 'hr.time.request.refuse.start'
    reason = fields.Text("Reason", required=True,
        help="Sent to the employee with the refusal.")
    count = fields.Integer("Requests", readonly=True)


class RequestRefuse(Wizard):
    """Refuse the selected requests with a reason: the approver's own
    rights decide, as the Refuse button does"""
    __name__ = 'hr.time.request.refuse'
    start = StateView('hr.time.request.refuse.start',
        'mons_hr_time.request_refuse_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Refuse", 'refuse', 'tryton-ok', default=True),
            ])
    refuse = StateTransition()

    def _requests(self):
        if not issubclass(self.model or object, ApprovalRequestMixin):
            raise WorkflowError(gettext('mons_hr_time.msg_refuse_not_request'))
        return self.records

    def default_start(self, fields):
        return {'count': len(self._requests())}

    def transition_refuse(self):
        Model = self.model
        requests = self._requests()
        # The wizard runs without Tryton's checks: the button's groups,
        # states (who may decide) and record rules apply as in the desk
        with check_access(), Transaction().set_context(
                _refusal_notify_later=True):
            Model.refuse(requests)
        refused = [r for r in Model.browse(requests) if r.state == 'refused']
        with without_check_access():
            Model.write(refused, {'refusal_reason': self.start.reason})
        if hasattr(Model, 'notify_decision'):
            # The e-mail tells the reason
            Model.notify_decision(Model.browse(refused))
        return 'end'

    def end(self):
        # The list shows the requests still waiting once decided
        return 'reload'


def _given(record, name):
    "Whether a created record has a value other than the field's default"
    value = getattr(record, name, None)
    if value in (None, '', (), [], False, 0):
        return False
    default = record._defaults.get(name)
    return default is None or getattr(value, 'id', value) != default()
