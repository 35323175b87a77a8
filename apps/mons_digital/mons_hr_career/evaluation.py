"""Evaluation cycles, evaluations (self-assessment, interview, scores,
acknowledgement, appeal) and their reminders."""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .dates import next_due, today
from .exceptions import CareerError
from .workflow import WorkflowFieldsMixin, refuse_own

POPULATIONS = [
    ('trial', "Agents at the end of their trial period"),
    ('statutory', "Statutory agents"),
    ('contractual', "Contractual agents"),
    ]
# States where the evaluation is still to be made: reminders go out
OPEN_STATES = {'draft', 'self_assessment', 'interview'}


def french_date(date):
    return date.strftime('%d/%m/%Y') if date else ''


class Cycle(WorkflowFieldsMixin, Workflow, ModelSQL, ModelView):
    """An evaluation cycle of a population (trial end, statutory every N
    months, contractual) whose button creates the evaluations with their
    due dates."""
    __string__ = "Evaluation Cycle"
    __name__ = 'hr.evaluation.cycle'

    _states = {'readonly': Eval('state') != 'draft'}

    name = fields.Char("Name", required=True, states=_states)
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT', states=_states)
    population = fields.Selection(POPULATIONS, "Population", required=True,
        states=_states)
    start_date = fields.Date("Start Date", required=True, states=_states,
        domain=[If(Bool(Eval('end_date')),
                ('start_date', '<=', Eval('end_date')), ())])
    end_date = fields.Date("End Date", required=True, states=_states)
    interval_months = fields.Integer("Interval (Months)", states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('population') == 'trial',
            'required': Eval('population') != 'trial',
            },
        help="Months between two evaluations of an agent, counted from "
        "their last evaluation, else their appointment or hire date.")
    remind_before_days = fields.Integer("Reminder Before (Days)",
        required=True,
        help="Days before the due date when the evaluator and the agent "
        "are reminded.")
    remind_after_days = fields.Integer("Reminder After (Days)",
        required=True,
        help="Days between the reminders once the due date is past.")
    appeal_days = fields.Integer("Appeal Period (Days)", required=True,
        help="Days the agent has, after acknowledging, to appeal.")
    appeal_decision_days = fields.Integer("Appeal Decision (Days)",
        required=True, help="Days HR has to decide an appeal.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('open', "Open"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True)
    evaluations = fields.One2Many('hr.evaluation', 'cycle', "Evaluations",
        readonly=True)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {('draft', 'open'), ('open', 'closed')}
        cls._buttons.update({
                'open': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'generate': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_population():
        return 'statutory'

    @staticmethod
    def default_interval_months():
        return 24

    @staticmethod
    def default_remind_before_days():
        return 30

    @staticmethod
    def default_remind_after_days():
        return 7

    @staticmethod
    def default_appeal_days():
        return 15

    @staticmethod
    def default_appeal_decision_days():
        return 30

    def in_population(self, file):
        if file.exit_date and file.exit_date < self.start_date:
            return False
        if self.population == 'trial':
            return bool(file.trial_end_date)
        return file.statute == self.population

    def due_date_for(self, file):
        """When the agent of file is due for an evaluation in this cycle
        (None when not in it): the end of their trial period, or every
        interval from their last evaluation, else their appointment
        (statutory) or hire date"""
        if not self.in_population(file):
            return None
        if self.population == 'trial':
            due = file.trial_end_date
        else:
            Evaluation = Pool().get('hr.evaluation')
            last = Evaluation.search([
                    ('file', '=', file.id),
                    ('state', 'in', ['acknowledged', 'appealed', 'closed']),
                    ('interview_date', '<', self.start_date),
                    ], order=[('interview_date', 'DESC')], limit=1)
            if last:
                anchor = last[0].interview_date
            elif self.population == 'statutory':
                anchor = file.appointment_date or file.hire_date
            else:
                anchor = file.hire_date
            due = next_due(anchor, self.interval_months, self.start_date)
        if due and self.start_date <= due <= self.end_date:
            return due

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, cycles):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, cycles):
        pass

    @classmethod
    @ModelView.button
    def generate(cls, cycles):
        "Create the evaluations of the agents due in the cycles"
        pool = Pool()
        File = pool.get('hr.career.file')
        Evaluation = pool.get('hr.evaluation')
        to_create = []
        for cycle in cycles:
            if cycle.state != 'open':
                continue
            existing = {e.file.id for e in cycle.evaluations}
            for file in File.search([('company', '=', cycle.company.id)]):
                if file.id in existing:
                    continue
                due = cycle.due_date_for(file)
                if due:
                    to_create.append(Evaluation.values_for(cycle, file, due))
        with Transaction().set_context(_evaluation_generate=True):
            return Evaluation.create(to_create)


class Mention(sequence_ordered(), ModelSQL, ModelView):
    "A mention given by an average score (configurable)."
    __string__ = "Evaluation Mention"
    __name__ = 'hr.evaluation.mention'

    name = fields.Char("Name", required=True, translate=True)
    min_score = fields.Numeric("Minimum Score", digits=(4, 2),
        required=True,
        help="Lowest average score (0 to 4) that gives this mention.")
    favourable = fields.Boolean("Favourable",
        help="Whether the mention lets the agent go on in their career "
        "(step increase, end of trial).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('min_score', 'DESC'))

    @classmethod
    def for_score(cls, score):
        if score is None:
            return None
        mentions = cls.search([('min_score', '<=', score)],
            order=[('min_score', 'DESC')], limit=1)
        return mentions[0] if mentions else None


class Evaluation(WorkflowFieldsMixin, Workflow, ModelSQL, ModelView):
    """An evaluation of an agent: self-assessment, interview form, score and
    mention, acknowledgement and appeal with their deadlines; workflow
    through its buttons only."""
    __string__ = "Evaluation"
    __name__ = 'hr.evaluation'
    _rec_name = 'reference'
    _workflow_fields = ('state', 'cycle', 'file', 'employee', 'company',
        'service', 'job_description', 'due_date', 'score', 'mention',
        'evaluated_date', 'acknowledged_date', 'appeal_deadline',
        'appeal_date', 'appeal_decision_deadline', 'appeal_decision_date',
        'reminded_before', 'reminded_after')

    cycle = fields.Many2One('hr.evaluation.cycle', "Cycle", required=True,
        ondelete='RESTRICT', readonly=True)
    file = fields.Many2One('hr.career.file', "Career File", required=True,
        ondelete='CASCADE', readonly=True)
    employee = fields.Many2One('company.employee', "Agent", required=True,
        ondelete='RESTRICT', readonly=True)
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT', readonly=True)
    service = fields.Many2One('mons.service', "Service", readonly=True,
        ondelete='SET NULL')
    job_description = fields.Many2One('hr.job.description', "Position",
        readonly=True, ondelete='SET NULL')
    evaluator = fields.Many2One('company.employee', "Evaluator",
        ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': ~Eval('state').in_(list(OPEN_STATES))})
    reference = fields.Function(fields.Char("Reference"), 'get_reference',
        searcher='search_reference')
    due_date = fields.Date("Due Date", required=True, readonly=True)
    self_assessment = fields.Text("Self-Assessment",
        states={'readonly': Eval('state') != 'self_assessment'},
        help="The agent's view of their year, filled before the "
        "interview.")
    interview_date = fields.Date("Interview Date",
        states={'readonly': Eval('state') != 'interview'})
    lines = fields.One2Many('hr.evaluation.line', 'evaluation',
        "Interview Form",
        states={'readonly': Eval('state') != 'interview'})
    evaluator_comment = fields.Text("Evaluator's Comment",
        states={'readonly': Eval('state') != 'interview'})
    score = fields.Numeric("Score", digits=(4, 2), readonly=True)
    mention = fields.Many2One('hr.evaluation.mention', "Mention",
        readonly=True, ondelete='RESTRICT')
    evaluated_date = fields.Date("Evaluated On", readonly=True)
    agent_comment = fields.Text("Agent's Comment",
        states={'readonly': Eval('state') != 'evaluated'})
    acknowledged_date = fields.Date("Acknowledged On", readonly=True)
    appeal_deadline = fields.Date("Appeal Deadline", readonly=True)
    appeal_reason = fields.Text("Appeal Reason",
        states={
            'readonly': Eval('state') != 'acknowledged',
            'invisible': ~Eval('state').in_(
                ['acknowledged', 'appealed', 'closed']),
            })
    appeal_date = fields.Date("Appealed On", readonly=True)
    appeal_decision_deadline = fields.Date("Appeal Decision Deadline",
        readonly=True)
    appeal_outcome = fields.Selection([
            (None, ""),
            ('confirmed', "Confirmed"),
            ('revised', "Revised"),
            ], "Appeal Outcome",
        states={'readonly': Eval('state') != 'appealed'})
    appeal_mention = fields.Many2One('hr.evaluation.mention',
        "Mention After Appeal", ondelete='RESTRICT',
        states={
            'readonly': Eval('state') != 'appealed',
            'required': Eval('appeal_outcome') == 'revised',
            'invisible': Eval('appeal_outcome') != 'revised',
            })
    appeal_decision_date = fields.Date("Appeal Decided On", readonly=True)
    final_mention = fields.Function(fields.Many2One(
            'hr.evaluation.mention', "Final Mention"), 'get_final_mention')
    reminded_before = fields.Date("Reminded Before Due", readonly=True)
    reminded_after = fields.Date("Last Overdue Reminder", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('self_assessment', "Self-Assessment"),
            ('interview', "Interview"),
            ('evaluated', "Evaluated"),
            ('acknowledged', "Acknowledged"),
            ('appealed', "Appealed"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('cycle_file_unique', Unique(t, t.cycle, t.file),
                'mons_hr_career.msg_evaluation_cycle_file_unique'),
            ]
        cls._order = [('due_date', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('draft', 'self_assessment'),
            ('draft', 'interview'),
            ('self_assessment', 'interview'),
            ('interview', 'evaluated'),
            ('evaluated', 'acknowledged'),
            ('acknowledged', 'appealed'),
            ('acknowledged', 'closed'),
            ('appealed', 'closed'),
            }
        cls._buttons.update({
                'ask_self_assessment': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'submit_self_assessment': {
                    'invisible': Eval('state') != 'self_assessment',
                    'depends': ['state'],
                    },
                'start_interview': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'fill_form': {
                    'invisible': Eval('state') != 'interview',
                    'depends': ['state'],
                    },
                'complete': {
                    'invisible': Eval('state') != 'interview',
                    'depends': ['state'],
                    },
                'acknowledge': {
                    'invisible': Eval('state') != 'evaluated',
                    'depends': ['state'],
                    },
                'appeal': {
                    'invisible': Eval('state') != 'acknowledged',
                    'depends': ['state'],
                    },
                'decide_appeal': {
                    'invisible': Eval('state') != 'appealed',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'acknowledged',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def values_for(cls, cycle, file, due):
        evaluator = None
        if file.service and file.service.manager \
                and file.service.manager != file.employee:
            evaluator = file.service.manager.id
        return {
            'cycle': cycle.id,
            'file': file.id,
            'employee': file.employee.id,
            'company': file.company.id,
            'service': file.service.id if file.service else None,
            'job_description': (
                file.job_description.id if file.job_description else None),
            'evaluator': evaluator,
            'due_date': due,
            }

    def get_reference(self, name):
        return f'{self.cycle.name} / {self.file.rec_name}'

    @classmethod
    def search_reference(cls, name, clause):
        return ['OR',
            ('cycle.name',) + tuple(clause[1:]),
            ('file.rec_name',) + tuple(clause[1:]),
            ]

    def get_final_mention(self, name):
        if self.appeal_outcome == 'revised' and self.appeal_mention:
            return self.appeal_mention.id
        return self.mention.id if self.mention else None

    @classmethod
    def create(cls, vlist):
        # Evaluations come from their cycle (due dates are computed
        # there); results and dates of the workflow are set by buttons
        if not Transaction().context.get('_evaluation_generate') \
                and Transaction().check_access:
            raise CareerError(gettext(
                    'mons_hr_career.msg_evaluation_from_cycle'))
        return super().create(vlist)

    @classmethod
    def validate_fields(cls, evaluations, field_names):
        super().validate_fields(evaluations, field_names)
        cls.check_in_cycle(evaluations, field_names)

    @classmethod
    def check_in_cycle(cls, evaluations, field_names=None):
        "An evaluation's dates fall within its cycle"
        for evaluation in evaluations:
            cycle = evaluation.cycle
            for name in ('due_date', 'interview_date'):
                date = getattr(evaluation, name)
                if date and not (cycle.start_date <= date <= cycle.end_date):
                    raise ValidationError(gettext(
                            'mons_hr_career.msg_evaluation_out_of_cycle',
                            field=cls.__names__(name)['field'],
                            date=french_date(date),
                            cycle=cycle.name,
                            start=french_date(cycle.start_date),
                            end=french_date(cycle.end_date)))

    @classmethod
    def check_modification(cls, mode, evaluations, values=None,
            external=False):
        super().check_modification(mode, evaluations, values=values,
            external=external)
        if mode == 'write' and external:
            User = Pool().get('res.user')
            mine = set(User.get_employees())
            evaluator_fields = {'evaluator', 'interview_date', 'lines',
                'evaluator_comment'}
            for evaluation in evaluations:
                # The agent writes their own parts, never the evaluator's
                if (evaluation.employee.id in mine
                        and evaluator_fields & set(values)):
                    raise CareerError(gettext(
                            'mons_hr_career.msg_evaluation_own_form',
                            evaluation=evaluation.rec_name))
                if evaluation.cycle.state == 'closed':
                    raise CareerError(gettext(
                            'mons_hr_career.msg_evaluation_cycle_closed',
                            evaluation=evaluation.rec_name))

    @classmethod
    def check_agent(cls, evaluations):
        "Only the evaluated agent acknowledges and appeals"
        User = Pool().get('res.user')
        # Buttons run without access checks: the user still counts (not
        # root, as crons and internal calls are)
        if not Transaction().user:
            return
        mine = set(User.get_employees())
        for evaluation in evaluations:
            if evaluation.employee.id not in mine:
                raise CareerError(gettext(
                        'mons_hr_career.msg_evaluation_agent_only',
                        evaluation=evaluation.rec_name))

    @classmethod
    def check_not_agent(cls, evaluations):
        "Nobody evaluates themself"
        refuse_own(evaluations, 'mons_hr_career.msg_evaluation_own_form',
            'evaluation')

    @classmethod
    @ModelView.button
    @Workflow.transition('self_assessment')
    def ask_self_assessment(cls, evaluations):
        cls.check_not_agent(evaluations)

    @classmethod
    @ModelView.button
    @Workflow.transition('interview')
    def submit_self_assessment(cls, evaluations):
        cls.check_agent(evaluations)
        for evaluation in evaluations:
            if not (evaluation.self_assessment or '').strip():
                raise CareerError(gettext(
                        'mons_hr_career.msg_evaluation_self_empty',
                        field=cls.__names__('self_assessment')['field']))
        cls.fill_lines(evaluations)

    @classmethod
    @ModelView.button
    @Workflow.transition('interview')
    def start_interview(cls, evaluations):
        cls.check_not_agent(evaluations)
        cls.fill_lines(evaluations)

    @classmethod
    @ModelView.button
    def fill_form(cls, evaluations):
        cls.check_not_agent(evaluations)
        cls.fill_lines(evaluations)

    @classmethod
    def fill_lines(cls, evaluations):
        """The interview form: a line per competency the job description
        requires (with its level) and per objective, added once"""
        Line = Pool().get('hr.evaluation.line')
        lines = []
        for evaluation in evaluations:
            job = evaluation.job_description
            if not job:
                continue
            have = {l.competency.id for l in evaluation.lines
                if l.competency}
            objectives = {l.name for l in evaluation.lines
                if l.kind == 'objective'}
            for required in job.competencies:
                if required.competency.id not in have:
                    lines.append(Line(evaluation=evaluation,
                            kind='competency',
                            competency=required.competency,
                            required_level=required.level,
                            name=required.competency.name))
            for objective in job.objective_lines():
                if objective not in objectives:
                    lines.append(Line(evaluation=evaluation,
                            kind='objective', name=objective))
        with Transaction().set_context(_check_access=False):
            Line.save(lines)

    @classmethod
    @ModelView.button
    @Workflow.transition('evaluated')
    def complete(cls, evaluations):
        pool = Pool()
        Mention = pool.get('hr.evaluation.mention')
        cls.check_not_agent(evaluations)
        for evaluation in evaluations:
            if not evaluation.interview_date:
                raise CareerError(gettext(
                        'mons_hr_career.msg_evaluation_field_required',
                        field=cls.__names__('interview_date')['field']))
            scored = [l.score for l in evaluation.lines
                if l.score is not None]
            if not evaluation.lines or len(scored) != len(evaluation.lines):
                raise CareerError(gettext(
                        'mons_hr_career.msg_evaluation_unscored',
                        evaluation=evaluation.rec_name))
            evaluation.score = (Decimal(sum(scored)) / len(scored)
                ).quantize(Decimal('0.01'))
            evaluation.mention = Mention.for_score(evaluation.score)
            evaluation.evaluated_date = today()
        cls.save(evaluations)

    @classmethod
    @ModelView.button
    @Workflow.transition('acknowledged')
    def acknowledge(cls, evaluations):
        pool = Pool()
        Profile = pool.get('hr.competency.profile')
        cls.check_agent(evaluations)
        day = today()
        for evaluation in evaluations:
            evaluation.acknowledged_date = day
            evaluation.appeal_deadline = day + dt.timedelta(
                days=evaluation.cycle.appeal_days)
        cls.save(evaluations)
        Profile.update_from_evaluations(evaluations)

    @classmethod
    @ModelView.button
    @Workflow.transition('appealed')
    def appeal(cls, evaluations):
        cls.check_agent(evaluations)
        day = today()
        for evaluation in evaluations:
            if day > evaluation.appeal_deadline:
                raise CareerError(gettext(
                        'mons_hr_career.msg_evaluation_appeal_late',
                        field=cls.__names__('appeal_deadline')['field'],
                        deadline=french_date(evaluation.appeal_deadline)))
            if not (evaluation.appeal_reason or '').strip():
                raise CareerError(gettext(
                        'mons_hr_career.msg_evaluation_field_required',
                        field=cls.__names__('appeal_reason')['field']))
            evaluation.appeal_date = day
            evaluation.appeal_decision_deadline = day + dt.timedelta(
                days=evaluation.cycle.appeal_decision_days)
        cls.save(evaluations)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def decide_appeal(cls, evaluations):
        cls.check_not_agent(evaluations)
        for evaluation in evaluations:
            if not evaluation.appeal_outcome:
                raise CareerError(gettext(
                        'mons_hr_career.msg_evaluation_field_required',
                        field=cls.__names__('appeal_outcome')['field']))
            if (evaluation.appeal_outcome == 'revised'
                    and not evaluation.appeal_mention):
                raise CareerError(gettext(
                        'mons_hr_career.msg_evaluation_field_required',
                        field=cls.__names__('appeal_mention')['field']))
            evaluation.appeal_decision_date = today()
        cls.save(evaluations)
        cls.file_reports(evaluations)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, evaluations):
        day = today()
        for evaluation in evaluations:
            if evaluation.appeal_deadline and day <= \
                    evaluation.appeal_deadline:
                raise CareerError(gettext(
                        'mons_hr_career.msg_evaluation_appeal_open',
                        field=cls.__names__('appeal_deadline')['field'],
                        deadline=french_date(evaluation.appeal_deadline)))
        cls.file_reports(evaluations)

    @classmethod
    def file_reports(cls, evaluations):
        "The closed evaluation goes into the career file as a document"
        pool = Pool()
        Document = pool.get('hr.career.document')
        Type = pool.get('hr.career.document.type')
        type_ = Type.by_code('EVAL')
        if not type_:
            return
        Document.create([{
                    'file': e.file.id,
                    'type': type_.id,
                    'name': gettext('mons_hr_career.msg_evaluation_document',
                        evaluation=e.rec_name,
                        mention=e.final_mention.rec_name
                        if e.final_mention else '-'),
                    'date': e.interview_date or e.due_date,
                    'origin': str(e),
                    } for e in evaluations])

    # Reminders

    @classmethod
    def send_reminders(cls, date=None):
        """Remind the evaluator and the agent before the due date (once)
        and after it (every remind_after_days) while the evaluation is not
        made; return the evaluations reminded"""
        date = date or today()
        reminded = []
        evaluations = cls.search([
                ('state', 'in', list(OPEN_STATES)),
                ('cycle.state', '=', 'open'),
                ])
        for evaluation in evaluations:
            kind = evaluation.reminder_due(date)
            if not kind:
                continue
            evaluation.notify(kind)
            if kind == 'before':
                evaluation.reminded_before = date
            else:
                evaluation.reminded_after = date
            reminded.append(evaluation)
        cls.save(reminded)
        return reminded

    def reminder_due(self, date):
        "'before', 'after' or None: the reminder to send on date"
        cycle = self.cycle
        if date > self.due_date:
            if (not self.reminded_after
                    or (date - self.reminded_after).days
                    >= cycle.remind_after_days):
                return 'after'
        elif (self.due_date - date).days <= cycle.remind_before_days:
            if not self.reminded_before:
                return 'before'

    def notify(self, kind):
        from trytond.modules.mons_base.notify import employee_address, \
            send_email
        for employee in filter(None, [self.evaluator, self.employee]):
            address = employee_address(employee)
            if not address:
                continue
            subject = gettext(f'mons_hr_career.msg_reminder_{kind}_subject',
                evaluation=self.rec_name)
            body = gettext(f'mons_hr_career.msg_reminder_{kind}_body',
                agent=self.employee.rec_name,
                due=french_date(self.due_date),
                cycle=self.cycle.name)
            send_email(address, subject, body, self)


class EvaluationLine(
        WorkflowFieldsMixin, sequence_ordered(), ModelSQL, ModelView):
    """A line of the interview form: a required competency or an objective,
    with its score."""
    __string__ = "Evaluation Line"
    __name__ = 'hr.evaluation.line'
    _workflow_fields = ('required_level',)

    evaluation = fields.Many2One('hr.evaluation', "Evaluation",
        required=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('competency', "Competency"),
            ('objective', "Objective"),
            ], "Kind", required=True)
    name = fields.Char("Item", required=True)
    competency = fields.Many2One('hr.competency', "Competency",
        ondelete='RESTRICT',
        states={
            'invisible': Eval('kind') != 'competency',
            'required': Eval('kind') == 'competency',
            })
    required_level = fields.Many2One('hr.competency.level',
        "Required Level", readonly=True, ondelete='RESTRICT')
    assessed_level = fields.Many2One('hr.competency.level', "Level Shown",
        ondelete='RESTRICT',
        domain=[('competency', '=', Eval('competency', -1))],
        states={'invisible': Eval('kind') != 'competency'})
    score = fields.Integer("Score", help="From 0 (insufficient) to 4 "
        "(excellent).",
        domain=['OR', ('score', '=', None),
            [('score', '>=', 0), ('score', '<=', 4)]])
    comment = fields.Text("Comment")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Rights and rules are those of the parent record
        cls.__access__.add('evaluation')

    @staticmethod
    def default_kind():
        return 'objective'

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(mode, lines, values=values,
            external=external)
        if not external:
            return
        User = Pool().get('res.user')
        mine = set(User.get_employees())
        for line in lines:
            evaluation = line.evaluation
            # The interview form is the evaluator's, while interviewing
            if evaluation.employee.id in mine:
                raise CareerError(gettext(
                        'mons_hr_career.msg_evaluation_own_form',
                        evaluation=evaluation.rec_name))
            if evaluation.state != 'interview' or (
                    mode == 'write' and 'evaluation' in values):
                raise CareerError(gettext(
                        'mons_hr_career.msg_evaluation_form_closed',
                        evaluation=evaluation.rec_name))
