"""KPI "applications received online": counts per organisation and month,
an aggregate the public may read (no applicant is readable through it),
added to the open-data dashboard when that module is there."""
from sql import Literal
from sql.aggregate import Count, Min
from sql.functions import Extract

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool


class OnlineApplications(ModelSQL, ModelView):
    __string__ = "Online Applications per Month"
    __name__ = 'hr.applicant.online_count'

    # The organisation's name: the public counts every organisation's part
    organisation = fields.Char("Organisation", readonly=True)
    year = fields.Integer("Year", readonly=True)
    month = fields.Integer("Month", readonly=True)
    applications = fields.Integer("Applications", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('month', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Applicant = pool.get('hr.applicant')
        Opening = pool.get('hr.job.opening')
        Company = pool.get('company.company')
        Party = pool.get('party.party')
        applicant = Applicant.__table__()
        opening = Opening.__table__()
        company = Company.__table__()
        party = Party.__table__()
        year = Extract('YEAR', applicant.received_date)
        month = Extract('MONTH', applicant.received_date)
        return applicant.join(opening,
            condition=applicant.opening == opening.id
            ).join(company, condition=opening.company == company.id
            ).join(party, condition=company.party == party.id
            ).select(
                Min(applicant.id).as_('id'),
                Literal(0).as_('create_uid'),
                Min(applicant.create_date).as_('create_date'),
                party.name.as_('organisation'),
                year.as_('year'),
                month.as_('month'),
                Count(applicant.id).as_('applications'),
                where=(applicant.source == 'portal')
                & (applicant.state != 'draft')
                & (applicant.received_date != None),  # noqa: E711
                group_by=[party.name, year, month])

    @classmethod
    def total(cls):
        "Applications received online, as the caller may count them"
        return sum(r.applications for r in cls.search([]))


def register_dashboard_count():
    "Add the count to the open-data dashboard's KPI, if it is installed"
    try:
        from trytond.modules.mons_opendata.dashboard_counts import register
    except ImportError:
        return None
    from trytond.modules.mons_base.portal_i18n import N_
    # N_: the dashboard shows it in the visitor's language
    return register('online_applications', N_("candidatures à un emploi"),
        lambda pool: pool.get('hr.applicant.online_count').total())
