# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""How many applications the portal received, per month: a count the
public may read (the open-data dashboard shows it), with nothing of the
applications themselves."""
from sql import Cast, Literal
from sql.aggregate import Count, Min
from sql.functions import Extract

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool


class ApplicationStatistic(ModelSQL, ModelView):
    __name__ = 'permit.application.statistic'
    __string__ = "Online Applications per Month"

    year = fields.Integer("Year", readonly=True)
    month = fields.Integer("Month", readonly=True)
    count = fields.Integer("Applications", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('month', 'DESC'), ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        Application = Pool().get('permit.application')
        application = Application.__table__()
        # PostgreSQL's EXTRACT is a double precision: ids and fields are
        # integers
        year = Cast(Extract('YEAR', application.submitted_at), 'INTEGER')
        month = Cast(Extract('MONTH', application.submitted_at), 'INTEGER')
        return application.select(
            (year * 100 + month).as_('id'),
            Literal(0).as_('create_uid'),
            Min(application.submitted_at).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            year.as_('year'),
            month.as_('month'),
            Count(application.id).as_('count'),
            where=application.state == 'submitted',
            group_by=[year, month])


def count_online(pool):
    "Applications received online, as the dashboard's visitor reads them"
    Statistic = pool.get('permit.application.statistic')
    return sum(s.count for s in Statistic.search([]))


from trytond.modules.mons_base.portal_i18n import N_

try:
    from trytond.modules.mons_opendata import dashboard_counts
except ImportError:  # the open-data module is not installed
    dashboard_counts = None
if dashboard_counts:
    # N_: the dashboard shows it in the visitor's language
    dashboard_counts.register('online_applications',
        N_("demandes de permis"), count_online)
