"""Prior authorisation of overtime: the employee asks before working
extra, the manager approves; where the overtime rule requires it, only the
days an approved authorisation covers can be approved as overtime."""
import datetime as dt

from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .dates import date_text
from .request import ApprovalRequestMixin


class OvertimeAuthorisation(ApprovalRequestMixin, ModelSQL, ModelView):
    "Overtime Authorisation"
    __name__ = 'attendance.overtime.authorisation'
    _workflow_fields = ApprovalRequestMixin._workflow_fields + (
        'decided_by',)
    _states = {'readonly': Eval('state') != 'draft'}

    employee = fields.Many2One('company.employee', "Employee", required=True,
        states=_states)
    start = fields.Date("From", required=True, states=_states)
    end = fields.Date("To", required=True, states=_states,
        domain=[('end', '>=', Eval('start', None))])
    hours = fields.TimeDelta("Hours Foreseen", states=_states)
    reason = fields.Text("Reason", required=True, states=_states)
    decided_by = fields.Many2One('res.user', "Decided by", readonly=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('start', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.employee.rec_name} {date_text(self.start)}'

    @classmethod
    def covered(cls, keys):
        "The (employee id, date) keys an approved authorisation covers"
        if not keys:
            return set()
        dates = [d for _, d in keys]
        with without_check_access():
            records = cls.search([
                    ('employee', 'in', list({e for e, _ in keys})),
                    ('state', '=', 'approved'),
                    ('start', '<=', max(dates)),
                    ('end', '>=', min(dates)),
                    ])
        return {(e, d) for e, d in keys for r in records
            if r.employee.id == e and r.start <= d <= r.end}

    def dates(self):
        date = self.start
        while date <= self.end:
            yield date
            date += dt.timedelta(days=1)

    @classmethod
    @ModelView.button
    @Workflow.transition('requested')
    def request(cls, authorisations):
        pass

    @classmethod
    def _decide(cls, authorisations):
        cls.check_approver(authorisations)
        cls.write(authorisations, {'decided_by': Transaction().user})

    @classmethod
    @ModelView.button
    def approve(cls, authorisations):
        Day = Pool().get('attendance.day')
        authorisations = [a for a in authorisations
            if a.state == cls._pending_state]
        cls._decide(authorisations)
        cls.do_approve(authorisations)
        # Overtime already computed on these days becomes authorised
        today = Day._now().date()
        Day.touch({(a.employee.id, d) for a in authorisations
                for d in a.dates() if d <= today})
        return 'reload'

    @classmethod
    @Workflow.transition('approved')
    def do_approve(cls, authorisations):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, authorisations):
        cls._decide(authorisations)
        return 'reload'
