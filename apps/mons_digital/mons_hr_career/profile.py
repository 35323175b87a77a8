"""Competency profiles of the agents and the gap between them and what
their position requires, per agent and per service."""
from sql import Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce, Greatest

from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .dates import today
from .workflow import WorkflowFieldsMixin


class Profile(WorkflowFieldsMixin, ModelSQL, ModelView):
    """The level an agent has reached in a competency (from HR, an evaluation
    or a training)."""
    __string__ = "Competency Profile"
    __name__ = 'hr.competency.profile'
    _workflow_fields = ('source',)

    file = fields.Many2One('hr.career.file', "Career File", required=True,
        ondelete='CASCADE')
    competency = fields.Many2One('hr.competency', "Competency",
        required=True, ondelete='RESTRICT')
    level = fields.Many2One('hr.competency.level', "Level", required=True,
        ondelete='RESTRICT',
        domain=[('competency', '=', Eval('competency', -1))])
    date = fields.Date("Assessed On", required=True)
    source = fields.Selection([
            ('manual', "HR"),
            ('evaluation', "Evaluation"),
            ('training', "Training"),
            ], "Source", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Rights and rules are those of the parent record
        cls.__access__.add('file')
        t = cls.__table__()
        cls._sql_constraints += [
            ('competency_unique', Unique(t, t.file, t.competency),
                'mons_hr_career.msg_profile_competency_unique'),
            ]

    @staticmethod
    def default_source():
        return 'manual'

    @staticmethod
    def default_date():
        return today()

    @classmethod
    def record(cls, file, level, date, source, only_higher=False):
        "Set the agent's level of a competency (kept if higher when asked)"
        existing = cls.search([('file', '=', file.id),
                ('competency', '=', level.competency.id)], limit=1)
        with Transaction().set_context(_check_access=False):
            if existing:
                profile, = existing
                if only_higher and profile.level.rank >= level.rank:
                    return profile
                profile.level = level
                profile.date = date
                profile.source = source
                profile.save()
                return profile
            profile, = cls.create([{'file': file.id,
                        'competency': level.competency.id,
                        'level': level.id, 'date': date, 'source': source}])
            return profile

    @classmethod
    def update_from_evaluations(cls, evaluations):
        for evaluation in evaluations:
            for line in evaluation.lines:
                if line.assessed_level:
                    cls.record(evaluation.file, line.assessed_level,
                        evaluation.interview_date or evaluation.due_date,
                        'evaluation')


def level_ranks():
    "(level, rank) of every level: its position in its competency, from 1"
    Level = Pool().get('hr.competency.level')
    level = Level.__table__()
    other = Level.__table__()
    return level.join(other, condition=(other.competency == level.competency)
        & ((Coalesce(other.sequence, 0) < Coalesce(level.sequence, 0))
            | ((Coalesce(other.sequence, 0) == Coalesce(level.sequence, 0))
                & (other.id <= level.id)))
        ).select(level.id.as_('level'), Count(other.id).as_('rank'),
            group_by=[level.id])


class Gap(ModelSQL, ModelView):
    """The gap between the level a position requires and the agent's level,
    per agent and competency."""
    __string__ = "Competency Gap"
    __name__ = 'hr.competency.gap'

    file = fields.Many2One('hr.career.file', "Career File")
    employee = fields.Many2One('company.employee', "Agent")
    company = fields.Many2One('company.company', "Organisation")
    service = fields.Many2One('mons.service', "Service")
    job_description = fields.Many2One('hr.job.description', "Position")
    competency = fields.Many2One('hr.competency', "Competency")
    required_level = fields.Many2One('hr.competency.level',
        "Required Level")
    current_level = fields.Many2One('hr.competency.level', "Current Level")
    gap = fields.Integer("Gap",
        help="Levels missing to reach the required one (0 when reached).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('gap', 'DESC'), ('file', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        File = pool.get('hr.career.file')
        Required = pool.get('hr.job.description.competency')
        Profile = pool.get('hr.competency.profile')
        file = File.__table__()
        required = Required.__table__()
        profile = Profile.__table__()
        req_rank = level_ranks()
        cur_rank = level_ranks()
        query = file.join(required,
            condition=required.job_description == file.job_description
            ).join(req_rank, condition=req_rank.level == required.level
            ).join(profile, 'LEFT',
                condition=(profile.file == file.id)
                & (profile.competency == required.competency)
            ).join(cur_rank, 'LEFT', condition=cur_rank.level == profile.level)
        return query.select(
            (file.id * 100000 + required.id).as_('id'),
            file.id.as_('file'),
            file.employee.as_('employee'),
            file.company.as_('company'),
            file.service.as_('service'),
            file.job_description.as_('job_description'),
            required.competency.as_('competency'),
            required.level.as_('required_level'),
            profile.level.as_('current_level'),
            Greatest(req_rank.rank - Coalesce(cur_rank.rank, 0), 0).as_('gap'),
            where=(file.exit_date == Null) | (file.exit_date > Literal(
                    today())))


class ServiceGap(ModelSQL, ModelView):
    "Competency gaps summed per service and competency."
    __string__ = "Competency Gap per Service"
    __name__ = 'hr.competency.gap.service'

    company = fields.Many2One('company.company', "Organisation")
    service = fields.Many2One('mons.service', "Service")
    competency = fields.Many2One('hr.competency', "Competency")
    agents = fields.Integer("Agents",
        help="Agents whose position requires the competency.")
    agents_below = fields.Integer("Agents Below",
        help="Agents below the required level.")
    total_gap = fields.Integer("Levels Missing")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('total_gap', 'DESC'), ('service', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        Gap = Pool().get('hr.competency.gap')
        gap = Gap.table_query()
        return gap.select(
            (gap.service * 100000 + gap.competency).as_('id'),
            gap.company.as_('company'),
            gap.service.as_('service'),
            gap.competency.as_('competency'),
            Count(gap.file).as_('agents'),
            Sum(Case((gap.gap > 0, 1), else_=0)).as_('agents_below'),
            Sum(gap.gap).as_('total_gap'),
            where=gap.service != Null,
            group_by=[gap.company, gap.service, gap.competency])
