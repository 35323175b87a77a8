"""Correction requests of the clockings of a day, decided by the approvers
of the employee.

A clocking is never edited nor deleted: an approved correction adds a new
clocking (``add``), a new clocking that replaces one (``move``: the new
line points to the one it corrects) or voids one (``remove``); the voided
and replaced clockings stay, marked corrected, and no longer count."""
from sql import Null

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .attendance import local_datetime
from .exceptions import WorkflowError
from .request import ApprovalRequestMixin

# Kinds whose approval takes a clocking out of the computation
VOIDING = ('move', 'remove')
# Anomalies of a missing clocking: the direction of the one to add
MISSING = {'missing_out': 'out', 'missing_in': 'in'}


class Correction(ApprovalRequestMixin, ModelSQL, ModelView):
    "Correction request of the clockings of a day"
    __name__ = 'attendance.correction'
    _workflow_fields = ApprovalRequestMixin._workflow_fields + (
        'line', 'decided_by')
    _states = {'readonly': Eval('state') != 'draft'}

    employee = fields.Many2One('company.employee', "Employee", required=True,
        states=_states)
    anomaly = fields.Many2One('attendance.anomaly', "Anomaly",
        domain=[('employee', '=', Eval('employee', -1))], states=_states)
    kind = fields.Selection([
            ('add', "Add a Clocking"),
            ('move', "Change the Time of a Clocking"),
            ('remove', "Cancel a Clocking"),
            ('justify', "Justify"),
            ], "Kind", required=True, states=_states)
    clocking = fields.Many2One('attendance.line', "Corrected Clocking",
        domain=[('employee', '=', Eval('employee', -1))],
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind').in_(list(VOIDING)),
            'invisible': ~Eval('kind').in_(list(VOIDING)),
            },
        help="The clocking the correction replaces or cancels; it stays "
        "as it was received, marked corrected.")
    at = fields.DateTime("At", states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind').in_(['add', 'move']),
            'invisible': ~Eval('kind').in_(['add', 'move']),
            })
    direction = fields.Selection([
            (None, ""),
            ('in', "In"),
            ('out', "Out"),
            ], "Direction", states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind') == 'add',
            'invisible': ~Eval('kind').in_(['add', 'move']),
            })
    reason = fields.Text("Reason", required=True, states=_states)
    line = fields.Many2One('attendance.line', "New Clocking", readonly=True)
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
            if self.anomaly.kind in MISSING:
                self.kind = 'add'
                self.direction = MISSING[self.anomaly.kind]
            else:
                self.kind = 'justify'

    @classmethod
    def preprocess_values(cls, mode, values):
        """A clocking added for a missing clocking goes the anomaly's way
        when the request does not say it (the desk may send an empty
        direction when a click follows typing too closely)"""
        values = super().preprocess_values(mode, values)
        if (mode == 'create' and values.get('anomaly')
                and not values.get('direction')
                and values.get('kind', cls.default_kind()) == 'add'):
            Anomaly = Pool().get('attendance.anomaly')
            kind = Anomaly(values['anomaly']).kind
            if kind in MISSING:
                values['direction'] = MISSING[kind]
        return values

    @fields.depends('clocking')
    def on_change_clocking(self):
        if self.clocking:
            self.employee = self.clocking.employee
            self.at = self.clocking.at
            if self.clocking.type in {'in', 'out'}:
                self.direction = self.clocking.type

    def get_rec_name(self, name):
        return f'{self.employee.rec_name} ({self.reason or ""})'[:80]

    @classmethod
    def voided_lines(cls):
        "SQL query of the ids of the clockings that no longer count"
        table = cls.__table__()
        return table.select(table.clocking,
            where=(table.state == 'approved')
            & table.kind.in_(list(VOIDING))
            & (table.clocking != Null))

    @classmethod
    def validate(cls, corrections):
        super().validate(corrections)
        for correction in corrections:
            if (correction.kind in VOIDING and correction.clocking
                    and correction.clocking.employee != correction.employee):
                raise WorkflowError(gettext(
                        'mons_hr_time.msg_correction_other_employee',
                        correction=correction.rec_name))

    @classmethod
    def check_clockings(cls, corrections):
        "A clocking of an open day is corrected once"
        Day = Pool().get('attendance.day')
        for correction in corrections:
            clocking = correction.clocking
            if correction.kind not in VOIDING or not clocking:
                continue
            Day.check_open(correction.employee, clocking.date)
            with without_check_access():
                others = cls.search([
                        ('id', '!=', correction.id),
                        ('clocking', '=', clocking.id),
                        ('kind', 'in', list(VOIDING)),
                        ('state', 'in', ['requested', 'approved']),
                        ], limit=1)
            if others:
                raise WorkflowError(gettext(
                        'mons_hr_time.msg_correction_already',
                        clocking=clocking.rec_name,
                        other=others[0].rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('requested')
    def request(cls, corrections):
        pool = Pool()
        Anomaly = pool.get('attendance.anomaly')
        cls.check_clockings(corrections)
        with without_check_access():
            Anomaly.write([c.anomaly for c in corrections
                    if c.anomaly and c.anomaly.state == 'open'],
                {'state': 'correction'})

    @classmethod
    @ModelView.button
    def approve(cls, corrections):
        pool = Pool()
        Line = pool.get('attendance.line')
        Anomaly = pool.get('attendance.anomaly')
        Day = pool.get('attendance.day')
        user = Transaction().user
        corrections = [c for c in corrections
            if c.state == cls._pending_state]
        cls.check_approver(corrections)
        cls.check_clockings(corrections)
        touched = set()
        with without_check_access():
            for correction in corrections:
                clocking = correction.clocking
                if correction.kind in {'add', 'move'}:
                    direction = correction.direction
                    if not direction and clocking:
                        direction = clocking.type
                    line, = Line.create([{
                                'company': correction.employee.company.id,
                                'employee': correction.employee.id,
                                'at': correction.at,
                                'date': correction.employee.work_date(
                                    local_datetime(correction.at,
                                        correction.employee.company)),
                                'type': direction,
                                'source': 'correction',
                                'corrects': (clocking.id
                                    if correction.kind == 'move' else None),
                                }])
                    correction.line = line
                elif correction.kind == 'justify' and correction.anomaly:
                    Anomaly.write([correction.anomaly],
                        {'state': 'resolved'})
                if correction.kind in VOIDING and clocking:
                    touched.add((clocking.employee.id, clocking.date))
                correction.decided_by = user
            cls.save(corrections)
            cls.do_approve(corrections)
        # Once approved, the corrected clockings no longer count
        Day.touch(touched)
        # The list shows the requests still waiting once decided
        return 'reload'

    @classmethod
    @Workflow.transition('approved')
    def do_approve(cls, corrections):
        pass

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
        # The list shows the requests still waiting once decided
        return 'reload'
