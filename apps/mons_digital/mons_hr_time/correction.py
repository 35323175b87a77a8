"""Correction requests of the clockings of a day, decided by the approvers
of the employee."""
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .attendance import local_datetime
from .request import ApprovalRequestMixin


class Correction(ApprovalRequestMixin, ModelSQL, ModelView):
    "Correction request of the clockings of a day"
    __name__ = 'attendance.correction'
    _states = {'readonly': Eval('state') != 'draft'}

    employee = fields.Many2One('company.employee', "Employee", required=True,
        states=_states)
    anomaly = fields.Many2One('attendance.anomaly', "Anomaly",
        domain=[('employee', '=', Eval('employee', -1))], states=_states)
    kind = fields.Selection([
            ('add', "Add a Clocking"),
            ('justify', "Justify"),
            ], "Kind", required=True, states=_states)
    at = fields.DateTime("At", states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind') == 'add',
            'invisible': Eval('kind') != 'add',
            })
    direction = fields.Selection([
            (None, ""),
            ('in', "In"),
            ('out', "Out"),
            ], "Direction", states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind') == 'add',
            'invisible': Eval('kind') != 'add',
            })
    reason = fields.Text("Reason", required=True, states=_states)
    line = fields.Many2One('attendance.line', "Clocking", readonly=True)
    decided_by = fields.Many2One('res.user', "Decided by", readonly=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('create_date', 'DESC'))
        cls._transitions.add(('requested', 'draft'))

    @staticmethod
    def default_kind():
        return 'add'

    @fields.depends('anomaly')
    def on_change_anomaly(self):
        if self.anomaly:
            self.employee = self.anomaly.employee
            if self.anomaly.kind in {'missing_out', 'missing_in'}:
                self.kind = 'add'
                self.direction = ('out' if self.anomaly.kind == 'missing_out'
                    else 'in')
            else:
                self.kind = 'justify'

    def get_rec_name(self, name):
        return f'{self.employee.rec_name} ({self.reason or ""})'[:80]

    @classmethod
    @ModelView.button
    @Workflow.transition('requested')
    def request(cls, corrections):
        pool = Pool()
        Anomaly = pool.get('attendance.anomaly')
        with without_check_access():
            Anomaly.write([c.anomaly for c in corrections
                    if c.anomaly and c.anomaly.state == 'open'],
                {'state': 'correction'})

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, corrections):
        pool = Pool()
        Line = pool.get('attendance.line')
        Anomaly = pool.get('attendance.anomaly')
        user = Transaction().user
        cls.check_approver(corrections)
        with without_check_access():
            for correction in corrections:
                if correction.kind == 'add':
                    line, = Line.create([{
                                'company': correction.employee.company.id,
                                'employee': correction.employee.id,
                                'at': correction.at,
                                'date': correction.employee.work_date(
                                    local_datetime(correction.at,
                                        correction.employee.company)),
                                'type': correction.direction,
                                'source': 'correction',
                                }])
                    correction.line = line
                elif correction.anomaly:
                    Anomaly.write([correction.anomaly],
                        {'state': 'resolved'})
                correction.decided_by = user
            cls.save(corrections)

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, corrections):
        pool = Pool()
        Anomaly = pool.get('attendance.anomaly')
        cls.check_approver(corrections)
        with without_check_access():
            Anomaly.write([c.anomaly for c in corrections
                    if c.anomaly and c.anomaly.state == 'correction'],
                {'state': 'open'})
            cls.write(corrections, {'decided_by': Transaction().user})
