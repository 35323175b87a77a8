"Job descriptions and the competencies (with levels) they require."
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.pyson import Eval
from trytond.transaction import Transaction


class JobDescription(DeactivableMixin, ModelSQL, ModelView):
    """A job description: mission, tasks, objectives and the competencies it
    requires."""
    __string__ = "Job Description"
    __name__ = 'hr.job.description'

    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT')
    service = fields.Many2One('mons.service', "Service",
        ondelete='SET NULL',
        domain=[('company', '=', Eval('company', -1))])
    grade = fields.Char("Grade", help="Grade and scale of the job, "
        "e.g. D4 or A1.")
    mission = fields.Text("Mission", translate=True)
    tasks = fields.Text("Main Tasks", translate=True)
    objectives = fields.Text("Objectives",
        help="Objectives used by the evaluation interviews, one a line.")
    competencies = fields.One2Many('hr.job.description.competency',
        'job_description', "Required Competencies")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def objective_lines(self):
        return [l.strip() for l in (self.objectives or '').splitlines()
            if l.strip()]


class JobDescriptionCompetency(ModelSQL, ModelView):
    """A competency a job description requires, at a level of that
    competency."""
    __string__ = "Job Description Competency"
    __name__ = 'hr.job.description.competency'

    job_description = fields.Many2One('hr.job.description',
        "Job Description", required=True, ondelete='CASCADE')
    competency = fields.Many2One('hr.competency', "Competency",
        required=True, ondelete='RESTRICT')
    level = fields.Many2One('hr.competency.level', "Required Level",
        required=True, ondelete='RESTRICT',
        domain=[('competency', '=', Eval('competency', -1))])
    kind = fields.Function(fields.Selection('get_kinds', "Kind"),
        'on_change_with_kind')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Rights and rules are those of the job description
        cls.__access__.add('job_description')
        t = cls.__table__()
        cls._sql_constraints += [
            ('competency_unique', Unique(t, t.job_description, t.competency),
                'mons_hr_career.msg_job_competency_unique'),
            ]

    @classmethod
    def get_kinds(cls):
        from trytond.pool import Pool
        return Pool().get('hr.competency').fields_get(['kind'])['kind'][
            'selection']

    @fields.depends('competency', '_parent_competency.kind')
    def on_change_with_kind(self, name=None):
        return self.competency.kind if self.competency else None

    @fields.depends('competency', 'level')
    def on_change_competency(self):
        if self.level and self.level.competency != self.competency:
            self.level = None
