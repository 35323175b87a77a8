"""Reminders of mail items: level 1 before the due date, level 2 after it,
then escalation to the service manager; and the managers' digest of
overdue items. Every e-mail links to the letters in the desk."""
import urllib.parse

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from trytond.modules.mons_base.notify import employee_address, send_email
from trytond.modules.mons_base.web_user import public_url

from .item import OPEN_STATES


def desk_url(record):
    """Address of the record in the desk (sao) from the site's public
    address: the reader of an e-mail opens the letter in one click, after
    signing in if needed."""
    local = urllib.parse.quote(
        f'{Transaction().database.name}/model/{record.__name__}/{record.id}')
    return f'{public_url()}/#{local}'


class Type(metaclass=PoolMeta):
    __name__ = 'mail.type'

    reminder_before_days = fields.Integer("First Reminder (Days Before)",
        help="Working days before the due date when the agent is reminded; "
        "empty: the days of the mail configuration.")
    reminder_after_days = fields.Integer("Second Reminder (Days After)",
        required=True,
        help="Working days after the due date when the agent is reminded "
        "again.")
    escalation_days = fields.Integer("Escalation (Days After Second)",
        required=True,
        help="Working days after the second reminder when the service "
        "manager is told that the letter is still open.")

    @classmethod
    def default_reminder_after_days(cls):
        return 2

    @classmethod
    def default_escalation_days(cls):
        return 3

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        # Types created before the levels existed get the defaults
        for name, value in [('reminder_after_days', 2),
                ('escalation_days', 3)]:
            column = getattr(table, name)
            cursor.execute(*table.update([column], [value],
                    where=column == None))  # noqa: E711


class Item(metaclass=PoolMeta):
    __name__ = 'mail.item'

    reminder2_date = fields.Date("Second Reminder Sent", readonly=True)
    escalation_date = fields.Date("Escalated to the Manager", readonly=True)

    @classmethod
    def copy(cls, items, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('reminder2_date', None)
        default.setdefault('escalation_date', None)
        return super().copy(items, default=default)

    @classmethod
    def _manager_address(cls, service):
        if service.email:
            return service.email
        if service.manager:
            return employee_address(service.manager)

    @classmethod
    def _agent_address(cls, item):
        "The agent in charge, else the service"
        to = employee_address(item.agent) if item.agent else None
        if not to and item.service:
            to = cls._manager_address(item.service)
        return to

    @classmethod
    def _escalation_address(cls, service):
        "The manager in person, else the service's address"
        to = employee_address(service.manager) if service.manager else None
        return to or service.email

    @classmethod
    def _send(cls, to, subject, body, resource):
        return send_email(to, subject, body, resource)

    def _reminder_days(self, default):
        "(days before, days after, escalation days) of the item's type"
        type_ = self.type
        before = (type_.reminder_before_days if type_
            and type_.reminder_before_days is not None else default)
        after = type_.reminder_after_days if type_ else 2
        escalation = type_.escalation_days if type_ else 3
        return before, after, escalation

    @classmethod
    def send_reminders(cls, date=None):
        """Daily: level 1 to the agent (or the service) before the due date,
        level 2 after it, escalation to the service manager after level 2;
        the managers get a digest of their overdue items"""
        pool = Pool()
        Date = pool.get('ir.date')
        Holiday = pool.get('mons.holiday')
        Configuration = pool.get('mail.configuration')
        lang = Pool().get('ir.lang').get()
        today = date or Date.today()
        config_ = Configuration(1)

        def text(item):
            return {
                'number': item.number, 'subject': item.subject,
                'service': item.service.rec_name if item.service else '-',
                'date': lang.strftime(item.due_date),
                'url': desk_url(item),
                }

        with Transaction().set_context(_check_access=False,
                active_test=False):
            open_items = cls.search([
                    ('state', 'in', OPEN_STATES),
                    ('due_date', '!=', None),
                    ['OR', ('reminder_date', '=', None),
                        ('reminder2_date', '=', None),
                        ('escalation_date', '=', None)],
                    ], order=[('due_date', 'ASC'), ('id', 'ASC')])
            first, second, escalated = [], [], []
            horizons = {}
            for item in open_items:
                before, after, escalation = item._reminder_days(
                    config_.reminder_days)
                due = item.due_date
                if due >= today:
                    if before not in horizons:
                        horizons[before] = Holiday.add_working_days(
                            today, before)
                    if (item.reminder_date is None
                            and due <= horizons[before]):
                        to = cls._agent_address(item)
                        if to:
                            cls._send(to,
                                gettext('mons_mail.msg_reminder_subject',
                                    **text(item)),
                                gettext('mons_mail.msg_reminder_body',
                                    **text(item)),
                                item)
                            first.append(item)
                    continue
                if item.reminder2_date is None:
                    if today >= Holiday.add_working_days(due, after):
                        to = cls._agent_address(item)
                        if to:
                            cls._send(to,
                                gettext('mons_mail.msg_reminder2_subject',
                                    **text(item)),
                                gettext('mons_mail.msg_reminder2_body',
                                    **text(item)),
                                item)
                            second.append(item)
                    continue
                if (item.escalation_date is None and item.service
                        and today >= Holiday.add_working_days(
                            item.reminder2_date, escalation)):
                    to = cls._escalation_address(item.service)
                    if to:
                        values = text(item)
                        values['agent'] = (item.agent.rec_name
                            if item.agent else '-')
                        values['reminded'] = lang.strftime(
                            item.reminder2_date)
                        cls._send(to,
                            gettext('mons_mail.msg_escalation_subject',
                                **values),
                            gettext('mons_mail.msg_escalation_body',
                                **values),
                            item)
                        escalated.append(item)
            for items, field, level in [
                    (first, 'reminder_date', 'msg_history_reminder1'),
                    (second, 'reminder2_date', 'msg_history_reminder2'),
                    (escalated, 'escalation_date',
                        'msg_history_escalation')]:
                if items:
                    cls.write(items, {field: today})
                    cls.add_history(items, 'reminder',
                        new_value=gettext(f'mons_mail.{level}'))

            overdue = cls.search([
                    ('state', 'in', OPEN_STATES),
                    ('due_date', '<', today),
                    ('service', '!=', None),
                    ], order=[('service', 'ASC'), ('due_date', 'ASC')])
            by_service = {}
            for item in overdue:
                by_service.setdefault(item.service, []).append(item)
            for service, items in by_service.items():
                to = cls._manager_address(service)
                if not to:
                    continue
                lines = [gettext('mons_mail.msg_overdue_body',
                        service=service.rec_name), '']
                for item in items:
                    lines.append(
                        f'- {item.number} ({lang.strftime(item.due_date)}) '
                        f'{item.subject}'
                        + (f' — {item.agent.rec_name}' if item.agent else '')
                        + f'\n  {desk_url(item)}')
                cls._send(to,
                    gettext('mons_mail.msg_overdue_subject',
                        count=len(items), service=service.rec_name),
                    '\n'.join(lines), service)
