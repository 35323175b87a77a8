"""Anomalies of the computed days (missing clocking, absence, core period,
break, balance limits, lateness, early departure, work on leave), each kept
once per kind and day and resolved when the day no longer shows it. A
resolved (justified) anomaly keeps the facts it was decided on: it opens
again only when they change."""
from collections import defaultdict, namedtuple

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .computed import ComputedRecordMixin, insert_rows
from .dates import date_text

ANOMALIES = [
    ('missing_out', "Missing clock-out"),
    ('missing_in', "Missing clock-in"),
    ('no_schedule', "Clocking without schedule"),
    ('unjustified_absence', "Unjustified absence"),
    ('core_breach', "Core period not respected"),
    ('short_break', "Break shorter than the minimum"),
    ('balance_limit', "Balance beyond the limits"),
    ('late_arrival', "Late arrival"),
    ('early_departure', "Early departure"),
    ('work_on_leave', "Work on a leave day"),
    ]


# What the synchronisation compares of a stored anomaly
_Row = namedtuple('_Row', ['id', 'facts', 'state'])


class Anomaly(ComputedRecordMixin, Workflow, ModelSQL, ModelView):
    "Attendance Anomaly"
    __name__ = 'attendance.anomaly'

    day = fields.Many2One('attendance.day', "Day", required=True,
        readonly=True, ondelete='CASCADE')
    employee = fields.Many2One('company.employee', "Employee",
        required=True, readonly=True)
    date = fields.Date("Date", required=True, readonly=True)
    kind = fields.Selection(ANOMALIES, "Kind", required=True, readonly=True)
    facts = fields.Char("Facts", readonly=True,
        help="What the anomaly was found on (local clock times, balance); "
        "a resolved anomaly opens again only when they change.")
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
    def sync(cls, days, kinds, facts=None):
        """Keep one anomaly per kind per day; gone anomalies are resolved,
        resolved ones open again only when their facts changed"""
        if facts is None:
            facts = [{}] * len(days)
        # Plain rows: most days of a recompute change nothing, and
        # instantiating their anomalies cost more than comparing them
        existing = defaultdict(dict)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for sub in grouped_slice([d.id for d in days], 500):
            cursor.execute(*table.select(table.id, table.day, table.kind,
                    table.facts, table.state,
                    where=table.day.in_(list(sub)),
                    order_by=[table.id.asc]))
            for id_, day_id, kind, text, state in cursor:
                existing[day_id][kind] = _Row(id_, text, state)
        to_create, resolved, to_write = [], [], []
        for day, day_kinds, day_facts in zip(days, kinds, facts):
            current = existing.get(day.id, {})
            for kind in day_kinds:
                anomaly = current.get(kind)
                text = day_facts.get(kind) or '-'
                if anomaly is None:
                    to_create.append({'day': day.id,
                            'employee': day.employee, 'date': day.date,
                            'kind': kind, 'facts': text, 'state': 'open'})
                    continue
                values = {}
                if anomaly.facts != text:
                    values['facts'] = text
                    if anomaly.state == 'resolved':
                        values['state'] = 'open'
                if values:
                    to_write.extend(([cls(anomaly.id)], values))
            for kind, anomaly in current.items():
                if kind not in day_kinds and anomaly.state != 'resolved':
                    resolved.append(anomaly.id)
        if to_create:
            insert_rows(cls, to_create)
        for sub in grouped_slice(resolved, 200):
            # Gone from the day: should it come back, it is new facts
            cls.write(cls.browse(list(sub)),
                {'state': 'resolved', 'facts': None})
        for i in range(0, len(to_write), 400):
            cls.write(*to_write[i:i + 400])

    @classmethod
    @ModelView.button_action('mons_hr_time.act_correction_from_anomaly')
    def request_correction(cls, anomalies):
        pass
