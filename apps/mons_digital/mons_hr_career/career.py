"""The career file of an agent: one per employee, its dated events (the
history) and the current values they give."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .dates import today
from .workflow import WorkflowFieldsMixin

STATUTES = [
    (None, ""),
    ('statutory', "Statutory"),
    ('contractual', "Contractual"),
    ]
# Values an event may set, copied to the file as its current values
CURRENT = ['statute', 'grade', 'scale', 'step', 'service', 'job_description',
    'working_time', 'contract_reference']


class CareerFile(WorkflowFieldsMixin, ModelSQL, ModelView):
    """The career file of an agent: statute, grade, scale and step, service,
    position, working time (current values from the dated events),
    documents and competency profile. Read by HR of the agent's
    organisation and by the agent (without confidential parts); reads are
    logged."""
    __string__ = "Career File"
    __name__ = 'hr.career.file'
    # The current values come from the events
    _workflow_fields = ('statute', 'grade', 'scale', 'step', 'step_date',
        'grade_date', 'service', 'job_description', 'working_time',
        'contract_reference')
    _rec_name = 'agent_number'

    employee = fields.Many2One('company.employee', "Agent", required=True,
        ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT')
    agent_number = fields.Char("Agent Number", required=True, strip=True,
        help="Registration number of the agent (matricule), also printed "
        "on the separator sheets of scanned files.")
    hire_date = fields.Date("Hire Date")
    trial_end_date = fields.Date("End of Trial Period")
    appointment_date = fields.Date("Appointment Date",
        help="Date of the statutory appointment (nomination).")
    exit_date = fields.Date("Exit Date")
    events = fields.One2Many('hr.career.event', 'file', "Career Events",
        order=[('effective_date', 'DESC'), ('id', 'DESC')])
    documents = fields.One2Many('hr.career.document', 'file', "Documents")
    profile = fields.One2Many('hr.competency.profile', 'file',
        "Competency Profile")
    hr_notes = fields.Text("HR Notes",
        help="Confidential: read by HR only.")
    read_logs = fields.One2Many('hr.career.file.read', 'file', "Reads",
        readonly=True)
    # Current values, given by the events effective today
    statute = fields.Selection(STATUTES, "Statute", readonly=True)
    grade = fields.Char("Grade", readonly=True)
    scale = fields.Char("Scale", readonly=True, help="Échelle barémique.")
    step = fields.Integer("Step", readonly=True,
        help="Échelon: years of seniority counted in the scale.")
    step_date = fields.Date("Step Seniority Date", readonly=True,
        help="Effective date of the current step.")
    grade_date = fields.Date("Grade Seniority Date", readonly=True,
        help="Effective date of the current grade.")
    service = fields.Many2One('mons.service', "Service", readonly=True,
        ondelete='SET NULL')
    job_description = fields.Many2One('hr.job.description', "Position",
        readonly=True, ondelete='SET NULL')
    working_time = fields.Float("Working Time", digits=(3, 2),
        readonly=True, help="Fraction of a full-time job (1 = full time).")
    contract_reference = fields.Char("Contract", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('employee_unique', Unique(t, t.employee),
                'mons_hr_career.msg_file_employee_unique'),
            ('number_unique', Unique(t, t.company, t.agent_number),
                'mons_hr_career.msg_file_number_unique'),
            ]
        cls._order.insert(0, ('agent_number', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @fields.depends('employee', 'company')
    def on_change_employee(self):
        if self.employee:
            self.company = self.employee.company

    def get_rec_name(self, name):
        return f'{self.agent_number} - {self.employee.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('agent_number', *clause[1:]),
            ('employee.rec_name', *clause[1:]),
            ]

    @classmethod
    def validate_fields(cls, files, field_names):
        super().validate_fields(files, field_names)
        for file in files:
            if file.employee.company != file.company:
                raise ValidationError(gettext(
                        'mons_hr_career.msg_file_company',
                        file=file.rec_name))

    @classmethod
    def read(cls, ids, fields_names):
        result = super().read(ids, fields_names)
        cls.log_reads(ids)
        return result

    @classmethod
    def log_reads(cls, ids):
        """Who read which file and when, for the files read by a user
        through the desk or the API (checked access): written in a
        transaction of its own when the read runs in a read-only one (it
        stays even if the read fails later)"""
        transaction = Transaction()
        if not transaction.check_access or not transaction.user or not ids:
            return
        Read = Pool().get('hr.career.file.read')
        user = transaction.user
        now = dt.datetime.now()
        values = [{'file': i, 'user': user, 'date': now} for i in set(ids)]
        if transaction.readonly:
            with transaction.new_transaction(readonly=False) as logging, \
                    logging.set_user(0), without_check_access():
                Read.create(values)
        else:
            with transaction.set_user(0), without_check_access():
                Read.create(values)

    def values_at(self, date):
        "Current values given by the events effective at date"
        values = {n: None for n in CURRENT}
        values['step_date'] = values['grade_date'] = None
        for event in sorted(self.events,
                key=lambda e: (e.effective_date, e.id)):
            if event.effective_date > date:
                break
            for name in CURRENT:
                value = getattr(event, name)
                if name in {'service', 'job_description'}:
                    value = value.id if value else None
                if value is not None and value != '':
                    values[name] = value
                    if name == 'step':
                        values['step_date'] = event.effective_date
                    if name == 'grade':
                        values['grade_date'] = event.effective_date
        return values

    @classmethod
    def update_current(cls, files=None):
        "Copy the values of the events effective today to the files"
        if files is None:
            files = cls.search([])
        to_write = []
        for file in files:
            values = file.values_at(today())
            current = {n: getattr(file, n) for n in values}
            for n in ('service', 'job_description'):
                current[n] = current[n].id if current[n] else None
            if current != values:
                to_write.extend(([file], values))
        if to_write:
            with Transaction().set_context(_check_access=False):
                cls.write(*to_write)

    @classmethod
    def of_employee(cls, employee):
        files = cls.search([('employee', '=', employee.id)], limit=1)
        return files[0] if files else None


class CareerEvent(ModelSQL, ModelView):
    """A dated change of a career file (hire, appointment, promotion, step,
    position, contract, amendment, working time, exit) with its effective
    date."""
    __string__ = "Career Event"
    __name__ = 'hr.career.event'

    file = fields.Many2One('hr.career.file', "Career File", required=True,
        ondelete='CASCADE')
    effective_date = fields.Date("Effective Date", required=True)
    kind = fields.Selection([
            ('hire', "Hire"),
            ('appointment', "Statutory Appointment"),
            ('promotion', "Promotion"),
            ('step', "Step Increase"),
            ('position', "Position or Service Change"),
            ('contract', "Contract"),
            ('amendment', "Contract Amendment"),
            ('working_time', "Working Time Change"),
            ('exit', "Exit"),
            ], "Kind", required=True)
    statute = fields.Selection(STATUTES, "Statute")
    grade = fields.Char("Grade")
    scale = fields.Char("Scale")
    step = fields.Integer("Step")
    service = fields.Many2One('mons.service', "Service",
        ondelete='RESTRICT')
    job_description = fields.Many2One('hr.job.description', "Position",
        ondelete='RESTRICT')
    working_time = fields.Float("Working Time", digits=(3, 2),
        help="Fraction of a full-time job (1 = full time).")
    contract_reference = fields.Char("Contract")
    contract_end = fields.Date("Contract End")
    description = fields.Text("Description")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Rights and rules are those of the parent record
        cls.__access__.add('file')
        cls._order = [('effective_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def validate_fields(cls, events, field_names):
        super().validate_fields(events, field_names)
        for event in events:
            if event.working_time is not None and not (
                    0 < event.working_time <= 1):
                raise ValidationError(gettext(
                        'mons_hr_career.msg_event_working_time',
                        value=event.working_time))
            if event.step is not None and event.step < 0:
                raise ValidationError(gettext(
                        'mons_hr_career.msg_event_step'))

    @classmethod
    def on_modification(cls, mode, events, field_names=None):
        super().on_modification(mode, events, field_names=field_names)
        if mode != 'delete':
            Pool().get('hr.career.file').update_current(
                list({e.file for e in events}))

    @classmethod
    def on_delete(cls, events):
        callback = super().on_delete(events)
        files = list({e.file for e in events})
        File = Pool().get('hr.career.file')

        def update():
            File.update_current(File.browse([f.id for f in files]))
        return callback + [update]


class FileRead(ModelSQL, ModelView):
    "A read of a career file: who and when."
    __string__ = "Career File Read"
    __name__ = 'hr.career.file.read'

    file = fields.Many2One('hr.career.file', "Career File", required=True,
        ondelete='CASCADE', readonly=True)
    user = fields.Many2One('res.user', "User", required=True, readonly=True,
        ondelete='RESTRICT')
    date = fields.DateTime("Date", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
