"Open mail per service and agent, with the items due soon and overdue."
import datetime as dt

from sql import Literal
from sql.aggregate import Sum
from sql.conditionals import Case, Coalesce

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool

from .item import OPEN_STATES


class Dashboard(ModelSQL, ModelView):
    "Open mail per service and agent"
    __name__ = 'mail.item.dashboard'

    company = fields.Many2One('company.company', "Organisation")
    service = fields.Many2One('mons.service', "Service")
    agent = fields.Many2One('company.employee', "Agent")
    open = fields.Integer("Open")
    due_soon = fields.Integer("Due Soon")
    overdue = fields.Integer("Overdue")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('overdue', 'DESC'), ('due_soon', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Item = pool.get('mail.item')
        Date = pool.get('ir.date')
        Configuration = pool.get('mail.configuration')
        item = Item.__table__()
        today = Date.today()
        # Calendar approximation of the working-day window: a list, not a rule
        soon = today + dt.timedelta(
            days=Configuration(1).reminder_days * 7 // 5 + 1)
        one = Literal(1)
        zero = Literal(0)
        return item.select(
            Sum(one).as_('open'),
            Sum(Case(((item.due_date >= today) & (item.due_date <= soon),
                        one), else_=zero)).as_('due_soon'),
            Sum(Case((item.due_date < today, one), else_=zero)).as_(
                'overdue'),
            item.company, item.service, item.agent,
            # A stable id per (service, agent) pair for the client
            (Coalesce(item.service, 0) * 1000000
                + Coalesce(item.agent, 0)).as_('id'),
            where=item.state.in_(OPEN_STATES),
            group_by=[item.company, item.service, item.agent])
