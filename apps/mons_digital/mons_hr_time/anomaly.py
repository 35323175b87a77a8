"""Anomalies of the computed days (missing clocking, absence, core period,
break, balance limits), each kept once per kind and day and resolved when
the day no longer shows it."""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pyson import Eval
from trytond.tools import grouped_slice

from .dates import date_text

ANOMALIES = [
    ('missing_out', "Missing clock-out"),
    ('missing_in', "Missing clock-in"),
    ('no_schedule', "Clocking without schedule"),
    ('unjustified_absence', "Unjustified absence"),
    ('core_breach', "Core period not respected"),
    ('short_break', "Break shorter than the minimum"),
    ('balance_limit', "Balance beyond the limits"),
    ]


class Anomaly(Workflow, ModelSQL, ModelView):
    "Attendance Anomaly"
    __name__ = 'attendance.anomaly'

    day = fields.Many2One('attendance.day', "Day", required=True,
        readonly=True, ondelete='CASCADE')
    employee = fields.Many2One('company.employee', "Employee",
        required=True, readonly=True)
    date = fields.Date("Date", required=True, readonly=True)
    kind = fields.Selection(ANOMALIES, "Kind", required=True, readonly=True)
    description = fields.Function(fields.Char("Description"),
        'get_description')
    state = fields.Selection([
            ('open', "Open"),
            ('correction', "Correction Requested"),
            ('resolved', "Resolved"),
            ], "State", required=True, readonly=True)
    corrections = fields.One2Many('attendance.correction', 'anomaly',
        "Corrections", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('employee', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('open', 'correction'),
            ('correction', 'open'),
            ('correction', 'resolved'),
            ('open', 'resolved'),
            }
        cls._buttons.update({
                'request_correction': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'open'

    def get_description(self, name):
        return gettext(f'mons_hr_time.msg_anomaly_{self.kind}',
            date=date_text(self.date))

    def get_rec_name(self, name):
        return f'{self.employee.rec_name}: {self.description}'

    @classmethod
    def sync(cls, days, kinds):
        "Keep one anomaly per kind per day; gone anomalies are resolved"
        existing = defaultdict(dict)
        for sub in grouped_slice([d.id for d in days], 500):
            for anomaly in cls.search([('day', 'in', list(sub))]):
                existing[anomaly.day.id][anomaly.kind] = anomaly
        to_create, resolved, reopened = [], [], []
        for day, day_kinds in zip(days, kinds):
            current = existing.get(day.id, {})
            for kind in day_kinds:
                anomaly = current.get(kind)
                if anomaly is None:
                    to_create.append({'day': day.id,
                            'employee': day.employee, 'date': day.date,
                            'kind': kind})
                elif anomaly.state == 'resolved':
                    reopened.append(anomaly)
            for kind, anomaly in current.items():
                if kind not in day_kinds and anomaly.state != 'resolved':
                    resolved.append(anomaly)
        if to_create:
            cls.create(to_create)
        if resolved:
            cls.write(resolved, {'state': 'resolved'})
        if reopened:
            cls.write(reopened, {'state': 'open'})

    @classmethod
    @ModelView.button_action('mons_hr_time.act_correction_from_anomaly')
    def request_correction(cls, anomalies):
        pass
