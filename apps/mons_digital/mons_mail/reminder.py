"Reminders of mail items due soon and the managers' digest of overdue ones."
import trytond.config as config
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from trytond.modules.mons_base.notify import employee_address, send_email

from .item import OPEN_STATES


class Item(metaclass=PoolMeta):
    __name__ = 'mail.item'

    @classmethod
    def _manager_address(cls, service):
        if service.email:
            return service.email
        if service.manager:
            return employee_address(service.manager)

    @classmethod
    def _send(cls, to, subject, body, resource):
        return send_email(to, subject, body, resource,
            sender=config.get('email', 'from', default='courrier@mons.be'))

    @classmethod
    def send_reminders(cls, date=None):
        """Daily: remind the agents (or the service) of items due soon, send
        the managers a digest of their overdue items"""
        pool = Pool()
        Date = pool.get('ir.date')
        Holiday = pool.get('mons.holiday')
        Configuration = pool.get('mail.configuration')
        lang = Pool().get('ir.lang').get()
        today = date or Date.today()
        config_ = Configuration(1)
        with Transaction().set_context(_check_access=False,
                active_test=False):
            horizon = Holiday.add_working_days(today, config_.reminder_days)
            due_soon = cls.search([
                    ('state', 'in', OPEN_STATES),
                    ('due_date', '>=', today),
                    ('due_date', '<=', horizon),
                    ('reminder_date', '=', None),
                    ])
            reminded = []
            for item in due_soon:
                to = None
                if item.agent:
                    to = employee_address(item.agent)
                if not to and item.service:
                    to = cls._manager_address(item.service)
                if not to:
                    continue
                date_str = lang.strftime(item.due_date)
                cls._send(to,
                    gettext('mons_mail.msg_reminder_subject',
                        number=item.number, date=date_str),
                    gettext('mons_mail.msg_reminder_body',
                        number=item.number, subject=item.subject,
                        service=item.service.rec_name if item.service
                        else '-', date=date_str),
                    item)
                reminded.append(item)
            if reminded:
                cls.write(reminded, {'reminder_date': today})

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
                        + (f' — {item.agent.rec_name}' if item.agent else ''))
                cls._send(to,
                    gettext('mons_mail.msg_overdue_subject',
                        count=len(items), service=service.rec_name),
                    '\n'.join(lines), service)
