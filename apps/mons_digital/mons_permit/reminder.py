# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Reminders before the deadlines of a file: an e-mail to the file's
officer (else its service) some days before each deadline, once per
deadline; consulted bodies are reminded of the opinions they owe. Each
reminder sent is recorded on the file."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta

from trytond.modules.mons_base.notify import send_email

from .file import OPEN_STATES, fr_date, today


class Reminder(ModelSQL, ModelView):
    __name__ = 'permit.file.reminder'
    __string__ = "Deadline Reminder"

    file = fields.Many2One('permit.file', "File", required=True,
        ondelete='CASCADE', readonly=True)
    deadline = fields.Char("Deadline", required=True, readonly=True)
    due_date = fields.Date("Due Date", required=True, readonly=True)
    sent_on = fields.Date("Sent On", required=True, readonly=True)
    recipient = fields.Char("Recipient", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('sent_on', 'DESC'))


class File(metaclass=PoolMeta):
    __name__ = 'permit.file'

    reminders = fields.One2Many('permit.file.reminder', 'file', "Reminders",
        readonly=True)

    @classmethod
    def copy(cls, files, default=None):
        default = dict(default or {})
        default.setdefault('reminders', None)
        return super().copy(files, default=default)

    def reminder_address(self):
        "The officer, else the service"
        if self.officer and self.officer.email:
            return self.officer.email
        if self.service and self.service.email:
            return self.service.email

    @classmethod
    def send_reminders(cls, date=None):
        """Daily: remind the officer of each deadline within the reminder
        days of the procedure type, and the bodies of their opinions"""
        pool = Pool()
        Reminder = pool.get('permit.file.reminder')
        Opinion = pool.get('permit.opinion')
        date = date or today()
        sent = {(r.file.id, r.deadline, r.due_date)
            for r in Reminder.search([('due_date', '>=', date)])}
        to_create = []
        for file in cls.search([('state', 'in', OPEN_STATES)]):
            days = file.procedure_type.reminder_days
            to = file.reminder_address()
            if not to:
                continue
            for due, label in file.pending_deadlines():
                if not due or due < date or (file.id, label, due) in sent:
                    continue
                if due - dt.timedelta(days=days) > date:
                    continue
                send_email(to,
                    gettext('mons_permit.msg_reminder_subject',
                        file=file.rec_name, deadline=label,
                        date=fr_date(due)),
                    gettext('mons_permit.msg_reminder_body',
                        file=file.rec_name, object=file.object,
                        deadline=label, date=fr_date(due)),
                    file)
                to_create.append({'file': file.id, 'deadline': label,
                        'due_date': due, 'sent_on': date, 'recipient': to})
        Reminder.create(to_create)

        to_remind = []
        for opinion in Opinion.search([
                    ('state', '=', 'requested'), ('reminded', '=', None)]):
            days = opinion.file.procedure_type.reminder_days
            due = opinion.due_date
            if (not due or not opinion.body.email
                    or due - dt.timedelta(days=days) > date):
                continue
            send_email(opinion.body.email,
                gettext('mons_permit.msg_opinion_reminder_subject',
                    file=opinion.file.rec_name, date=fr_date(due)),
                gettext('mons_permit.msg_opinion_reminder_body',
                    file=opinion.file.rec_name, object=opinion.file.object,
                    date=fr_date(opinion.request_date), due=fr_date(due)),
                opinion)
            to_remind.append(opinion)
        if to_remind:
            Opinion._workflow_write(to_remind, {'reminded': date})


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('permit.file|send_reminders', "Send Permit Deadline Reminders"))
