"""Job openings: a vacancy of one organisation, written from a job
description, published on the portal (draft → published → closed, only
through the buttons of HR)."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access


class OpeningWorkflowError(AccessError):
    "A user tried to change what only the opening's buttons change"


class Opening(Workflow, ModelSQL, ModelView):
    __string__ = "Job Opening"
    __name__ = 'hr.job.opening'
    _rec_name = 'title'
    # Changed only by the buttons: the portal shows what HR published
    _workflow_fields = ('state', 'published_date')

    title = fields.Char("Title", required=True,
        states={'readonly': Eval('state') == 'closed'},
        help="The job's name as the portal shows it, in plain words.")
    job_description = fields.Many2One('hr.job.description',
        "Job Description", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': Eval('state') != 'draft'})
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'draft'})
    service = fields.Many2One('mons.service', "Service", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': Eval('state') == 'closed'})
    contract_type = fields.Selection([
            ('statutory', "Statutory"),
            ('permanent', "Permanent Contract"),
            ('fixed_term', "Fixed-term Contract"),
            ('replacement', "Replacement"),
            ('student', "Student Job"),
            ('article_60', "Article 60 (CPAS)"),
            ], "Contract Type", required=True,
        states={'readonly': Eval('state') == 'closed'})
    hours = fields.Float("Hours per Week", digits=(4, 1), required=True,
        states={'readonly': Eval('state') == 'closed'})
    closing_date = fields.Date("Closing Date",
        states={'readonly': Eval('state') == 'closed'},
        help="Last day on which applications are received.")
    location = fields.Char("Place of Work",
        states={'readonly': Eval('state') == 'closed'})
    description = fields.Text("The Job",
        states={'readonly': Eval('state') == 'closed'},
        help="What the person will do, in plain words (shown on the "
        "portal).")
    profile = fields.Text("What We Look For",
        states={'readonly': Eval('state') == 'closed'},
        help="Competencies and conditions, in plain words (shown on the "
        "portal).")
    state = fields.Selection([
            ('draft', "Draft"),
            ('published', "Published"),
            ('closed', "Closed"),
            ], "State", required=True, readonly=True, sort=False)
    published_date = fields.Date("Published On", readonly=True)
    open_for_applications = fields.Function(fields.Boolean(
            "Open for Applications"), 'get_open_for_applications')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('published_date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'closed'),
            ('published', 'draft'),
            ('closed', 'published'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'published',
                    'depends': ['state'],
                    },
                'publish': {
                    'invisible': Eval('state') == 'published',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'published',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_contract_type():
        return 'permanent'

    @staticmethod
    def default_hours():
        return 38.0

    @classmethod
    def copy(cls, openings, default=None):
        default = default.copy() if default else {}
        default.setdefault('published_date', None)
        return super().copy(openings, default=default)

    @fields.depends('job_description', 'title', 'service', 'description',
        'profile')
    def on_change_job_description(self):
        "Start the portal's texts from the job description HR wrote"
        job = self.job_description
        if not job:
            return
        if not self.title:
            self.title = job.name
        if not self.service and job.service:
            self.service = job.service
        if not self.description:
            self.description = '\n\n'.join(
                t for t in [job.mission, job.tasks] if t) or None
        if not self.profile and job.competencies:
            self.profile = '\n'.join(
                f'- {c.competency.name} ({c.level.name})'
                for c in job.competencies)

    def get_open_for_applications(self, name):
        return self.state == 'published' and (
            not self.closing_date or self.closing_date >= dt.date.today())

    @classmethod
    def check_modification(cls, mode, openings, values=None, external=False):
        super().check_modification(
            mode, openings, values=values, external=external)
        if not external:
            return
        if mode == 'create':
            for opening in openings:
                for name in cls._workflow_fields:
                    value = getattr(opening, name, None)
                    if name == 'state' and value == 'draft':
                        continue
                    if value:
                        cls._refuse_field(opening, name)
        elif mode == 'write':
            for name in cls._workflow_fields:
                if name in values:
                    for opening in openings:
                        cls._refuse_field(opening, name)
        elif mode == 'delete':
            for opening in openings:
                if opening.state != 'draft' or opening._has_applicants():
                    raise OpeningWorkflowError(gettext(
                            'mons_hr_career.msg_opening_delete',
                            opening=opening.rec_name))

    def _has_applicants(self):
        "Whether anyone applied, whoever may read the applications"
        Applicant = Pool().get('hr.applicant')
        with without_check_access():
            return bool(Applicant.search(
                    [('opening', '=', self.id)], limit=1))

    @classmethod
    def _refuse_field(cls, opening, name):
        raise OpeningWorkflowError(gettext(
                'mons_hr_career.msg_opening_workflow_field',
                field=cls.__names__(name)['field'],
                opening=opening.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, openings):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, openings):
        for opening in openings:
            if not (opening.description or '').strip():
                raise OpeningWorkflowError(gettext(
                        'mons_hr_career.msg_opening_no_description',
                        opening=opening.rec_name))
        cls.write([o for o in openings if not o.published_date],
            {'published_date': dt.date.today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, openings):
        pass

    @classmethod
    def close_expired(cls):
        "Close the published openings whose closing date has passed (cron)"
        expired = cls.search([
                ('state', '=', 'published'),
                ('closing_date', '<', dt.date.today()),
                ])
        if expired:
            cls.close(expired)
        return expired

    @classmethod
    def portal_search(cls, text=None, company=None, contract_type=None):
        """Published openings open for applications matching the visitor's
        search; run as the visitor, the record rules keep what is public"""
        domain = [
            ('state', '=', 'published'),
            ['OR', ('closing_date', '=', None),
                ('closing_date', '>=', dt.date.today())],
            ]
        for word in (text or '').split():
            domain.append(['OR',
                    ('title', 'ilike', f'%{word}%'),
                    ('description', 'ilike', f'%{word}%'),
                    ('profile', 'ilike', f'%{word}%'),
                    ('location', 'ilike', f'%{word}%'),
                    ])
        if company:
            domain.append(('company', '=', company))
        if contract_type:
            domain.append(('contract_type', '=', contract_type))
        return cls.search(domain)

    def contract_label(self):
        selection = dict(self.fields_get(['contract_type'])[
                'contract_type']['selection'])
        return selection.get(self.contract_type, self.contract_type)

