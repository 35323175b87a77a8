"""Training: the catalogue, sessions, requests with approval against the
service's budget, attendance, certificates into the career file and the
competencies gained."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.mons_base import upload
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from .dates import today

from .exceptions import CareerError
from .workflow import WorkflowFieldsMixin, refuse_own

ZERO = Decimal(0)
# Requests whose cost is committed on the budget, and spent
COMMITTED = {'approved'}
SPENT = {'attended', 'absent'}


class Course(DeactivableMixin, ModelSQL, ModelView):
    """A training of the catalogue (internal or external), its provider,
    duration, cost and the competencies it gives."""
    __string__ = "Training Course"
    __name__ = 'hr.training.course'

    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT')
    kind = fields.Selection([
            ('internal', "Internal"),
            ('external', "External"),
            ], "Kind", required=True)
    provider = fields.Many2One('party.party', "Provider",
        ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends=['company'],
        states={'invisible': Eval('kind') != 'external'})
    duration = fields.Float("Duration (Hours)", digits=(6, 1))
    cost = fields.Numeric("Cost per Participant", digits=(16, 2),
        required=True)
    description = fields.Text("Description", translate=True)
    competencies = fields.One2Many('hr.training.course.competency',
        'course', "Competencies Gained")
    sessions = fields.One2Many('hr.training.session', 'course', "Sessions")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_kind():
        return 'internal'

    @staticmethod
    def default_cost():
        return ZERO


class CourseCompetency(ModelSQL, ModelView):
    "A competency level a training gives."
    __string__ = "Training Course Competency"
    __name__ = 'hr.training.course.competency'

    course = fields.Many2One('hr.training.course', "Course", required=True,
        ondelete='CASCADE')
    competency = fields.Many2One('hr.competency', "Competency",
        required=True, ondelete='RESTRICT')
    level = fields.Many2One('hr.competency.level', "Level Reached",
        required=True, ondelete='RESTRICT',
        domain=[('competency', '=', Eval('competency', -1))])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Rights and rules are those of the parent record
        cls.__access__.add('course')


class Session(ModelSQL, ModelView):
    "A session of a training with its dates and places."
    __string__ = "Training Session"
    __name__ = 'hr.training.session'

    course = fields.Many2One('hr.training.course', "Course", required=True,
        ondelete='CASCADE')
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT')
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date", required=True,
        domain=[('end_date', '>=', Eval('start_date', None))])
    location = fields.Char("Location")
    places = fields.Integer("Places", required=True,
        domain=[('places', '>=', 0)])
    places_taken = fields.Function(fields.Integer("Places Taken"),
        'get_places')
    places_left = fields.Function(fields.Integer("Places Left"),
        'get_places')
    requests = fields.One2Many('hr.training.request', 'session',
        "Participants", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @fields.depends('course', '_parent_course.company')
    def on_change_course(self):
        if self.course:
            self.company = self.course.company

    def get_rec_name(self, name):
        return (f'{self.course.rec_name} '
            f'({self.start_date.strftime("%d/%m/%Y")})')

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('course.rec_name',) + tuple(clause[1:])]

    @classmethod
    def get_places(cls, sessions, names):
        Request = Pool().get('hr.training.request')
        result = {n: {} for n in names}
        with Transaction().set_context(_check_access=False):
            for session in sessions:
                taken = Request.search_count([
                        ('session', '=', session.id),
                        ('state', 'in', list(COMMITTED | SPENT)),
                        ])
                if 'places_taken' in names:
                    result['places_taken'][session.id] = taken
                if 'places_left' in names:
                    result['places_left'][session.id] = session.places - taken
        return result


class Budget(ModelSQL, ModelView):
    """The training budget of a service for a year, with its commitments and
    actuals."""
    __string__ = "Training Budget"
    __name__ = 'hr.training.budget'

    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT')
    service = fields.Many2One('mons.service', "Service", required=True,
        ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    year = fields.Integer("Year", required=True)
    amount = fields.Numeric("Budget", digits=(16, 2), required=True)
    committed = fields.Function(fields.Numeric("Committed", digits=(16, 2),
            help="Cost of the approved requests not attended yet."),
        'get_amounts')
    actual = fields.Function(fields.Numeric("Actual", digits=(16, 2),
            help="Cost of the sessions attended (or missed)."),
        'get_amounts')
    available = fields.Function(fields.Numeric("Available", digits=(16, 2)),
        'get_amounts')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('service_year_unique', Unique(t, t.service, t.year),
                'mons_hr_career.msg_budget_unique'),
            ]
        cls._order = [('year', 'DESC'), ('service', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_year():
        return today().year

    def get_rec_name(self, name):
        return f'{self.service.rec_name} {self.year}'

    @classmethod
    def get_amounts(cls, budgets, names):
        Request = Pool().get('hr.training.request')
        result = {n: {} for n in names}
        with Transaction().set_context(_check_access=False):
            for budget in budgets:
                requests = Request.search([
                        ('service', '=', budget.service.id),
                        ('year', '=', budget.year),
                        ('state', 'in', list(COMMITTED | SPENT)),
                        ])
                committed = sum((r.cost or ZERO for r in requests
                        if r.state in COMMITTED), ZERO)
                actual = sum((r.cost or ZERO for r in requests
                        if r.state in SPENT), ZERO)
                values = {'committed': committed, 'actual': actual,
                    'available': budget.amount - committed - actual}
                for name in names:
                    result[name][budget.id] = values[name]
        return result

    @classmethod
    def of(cls, service, year):
        budgets = cls.search([('service', '=', service.id),
                ('year', '=', year)], limit=1)
        return budgets[0] if budgets else None


class Request(WorkflowFieldsMixin, Workflow, ModelSQL, ModelView):
    """A training request by an agent or a manager, approved against the
    service's budget, then attended."""
    __string__ = "Training Request"
    __name__ = 'hr.training.request'
    _workflow_fields = ('state', 'cost', 'decided_by', 'document')

    _draft = {'readonly': Eval('state') != 'draft'}

    employee = fields.Many2One('company.employee', "Agent", required=True,
        ondelete='RESTRICT', states=_draft,
        domain=[('company', '=', Eval('company', -1))])
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT', states=_draft)
    service = fields.Many2One('mons.service', "Service", required=True,
        ondelete='RESTRICT', states=_draft,
        domain=[('company', '=', Eval('company', -1))],
        help="Service whose training budget pays.")
    course = fields.Many2One('hr.training.course', "Course", required=True,
        ondelete='RESTRICT', states=_draft,
        domain=[('company', '=', Eval('company', -1))])
    session = fields.Many2One('hr.training.session', "Session",
        ondelete='RESTRICT', states=_draft,
        domain=[('course', '=', Eval('course', -1))])
    year = fields.Integer("Budget Year", required=True, states=_draft)
    reason = fields.Text("Reason", states=_draft)
    cost = fields.Numeric("Cost", digits=(16, 2), readonly=True)
    requested_by = fields.Many2One('res.user', "Requested By",
        readonly=True, ondelete='SET NULL')
    decided_by = fields.Many2One('res.user', "Decided By", readonly=True,
        ondelete='SET NULL')
    refusal_reason = fields.Text("Refusal Reason",
        states={'readonly': Eval('state') != 'requested'})
    certificate = fields.Binary("Certificate", filename='certificate_name',
        states={'readonly': ~Eval('state').in_(['approved', 'attended'])})
    certificate_name = fields.Char("Certificate File Name",
        states={'readonly': ~Eval('state').in_(['approved', 'attended'])})
    document = fields.Many2One('hr.career.document', "Filed Certificate",
        readonly=True, ondelete='SET NULL')
    state = fields.Selection([
            ('draft', "Draft"),
            ('requested', "Requested"),
            ('approved', "Approved"),
            ('refused', "Refused"),
            ('attended', "Attended"),
            ('absent', "Absent"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True)

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'requested'),
            ('requested', 'approved'),
            ('requested', 'refused'),
            ('approved', 'attended'),
            ('approved', 'absent'),
            ('draft', 'cancelled'),
            ('requested', 'cancelled'),
            ('approved', 'cancelled'),
            }
        cls._buttons.update({
                'request': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                'refuse': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                'attend': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                'absent': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'requested', 'approved']),
                    'depends': ['state'],
                    },
                'file_certificate': {
                    'invisible': ((Eval('state') != 'attended')
                        | Bool(Eval('document'))),
                    'depends': ['state', 'document'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_employee():
        return Transaction().context.get('employee')

    @staticmethod
    def default_year():
        return today().year

    @fields.depends('employee', 'service')
    def on_change_employee(self):
        File = Pool().get('hr.career.file')
        if self.employee and not self.service:
            with Transaction().set_context(_check_access=False):
                file = File.of_employee(self.employee)
                service = file.service if file else None
            if not service and self.employee.time_services:
                service = self.employee.time_services[0]
            self.service = service

    @fields.depends('session', 'year')
    def on_change_session(self):
        if self.session:
            self.year = self.session.start_date.year

    def get_rec_name(self, name):
        return f'{self.employee.rec_name} — {self.course.rec_name}'

    @classmethod
    def validate_fields(cls, requests, field_names):
        super().validate_fields(requests, field_names)
        if field_names is None or 'certificate' in field_names:
            for request in requests:
                if request.certificate:
                    upload.check(request.certificate,
                        request.certificate_name or 'certificat')

    @classmethod
    def create(cls, vlist):
        # The workflow sets these, never the caller
        user = Transaction().user
        vlist = [{k: v for k, v in values.items() if k not in {
                        'state', 'cost', 'requested_by', 'decided_by',
                        'document'}}
            for values in vlist]
        for values in vlist:
            values['requested_by'] = user or None
        return super().create(vlist)

    @classmethod
    def check_decider(cls, requests):
        "Nobody approves their own request"
        refuse_own(requests, 'mons_hr_career.msg_training_own_request',
            'request')

    @classmethod
    @ModelView.button
    @Workflow.transition('requested')
    def request(cls, requests):
        for request in requests:
            request.cost = request.course.cost
        cls.save(requests)

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, requests):
        pool = Pool()
        Budget = pool.get('hr.training.budget')
        cls.check_decider(requests)
        user = Transaction().user
        for request in requests:
            with Transaction().set_context(_check_access=False):
                budget = Budget.of(request.service, request.year)
                available = budget.available if budget else None
            if budget is None or available < (request.cost or ZERO):
                raise CareerError(gettext(
                        'mons_hr_career.msg_training_budget',
                        field=cls.__names__('service')['field'],
                        service=request.service.rec_name,
                        year=request.year,
                        available=available if available is not None
                        else ZERO,
                        cost=request.cost or ZERO))
            if request.session and request.session.places_left <= 0:
                raise CareerError(gettext(
                        'mons_hr_career.msg_training_full',
                        field=cls.__names__('session')['field'],
                        session=request.session.rec_name))
            request.decided_by = user or None
            # Each approval counts against the next one in the same call
            request.save()

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, requests):
        cls.check_decider(requests)
        for request in requests:
            if not (request.refusal_reason or '').strip():
                raise CareerError(gettext(
                        'mons_hr_career.msg_training_refusal_reason',
                        field=cls.__names__('refusal_reason')['field']))
            request.decided_by = Transaction().user or None
        cls.save(requests)

    @classmethod
    @ModelView.button
    @Workflow.transition('attended')
    def attend(cls, requests):
        pool = Pool()
        File = pool.get('hr.career.file')
        Profile = pool.get('hr.competency.profile')
        for request in requests:
            with Transaction().set_context(_check_access=False):
                file = File.of_employee(request.employee)
            if not file:
                continue
            date = (request.session.end_date if request.session
                else today())
            for gained in request.course.competencies:
                Profile.record(file, gained.level, date, 'training',
                    only_higher=True)

    @classmethod
    @ModelView.button
    @Workflow.transition('absent')
    def absent(cls, requests):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, requests):
        pass

    @classmethod
    @ModelView.button
    def file_certificate(cls, requests):
        "The certificate goes into the agent's career file"
        pool = Pool()
        File = pool.get('hr.career.file')
        Document = pool.get('hr.career.document')
        Type = pool.get('hr.career.document.type')
        type_ = Type.by_code('TRAIN')
        for request in requests:
            if request.state != 'attended' or request.document:
                continue
            if not request.certificate:
                raise CareerError(gettext(
                        'mons_hr_career.msg_training_certificate',
                        field=cls.__names__('certificate')['field']))
            file = File.of_employee(request.employee)
            if not file or not type_:
                raise CareerError(gettext(
                        'mons_hr_career.msg_training_no_file',
                        request=request.rec_name))
            request.document, = Document.create([{
                        'file': file.id,
                        'type': type_.id,
                        'name': request.course.rec_name,
                        'date': (request.session.end_date
                            if request.session else None)
                        or today(),
                        'data': request.certificate,
                        'filename': request.certificate_name
                        or 'certificat.pdf',
                        'origin': str(request),
                        }])
        cls.save(requests)
