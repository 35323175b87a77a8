"""Daily e-mail of the open clocking anomalies: each employee gets their
own, each approver those of the people whose corrections they approve
(managers and their substitutes of the day)."""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access
from trytond.url import http_host

from trytond.modules.mons_base.notify import (
    employee_contact, send_email)

from .dates import date_text

# A digest is read, not searched: beyond this the desk lists them
MAX_LINES = 50


class Digest(ModelSQL):
    "Attendance Anomaly Digest"
    # The e-mail kept with a digest is readable by its recipient and HR
    # only: on the employee it would be readable by anyone reading employees
    __name__ = 'attendance.anomaly.digest'

    recipient = fields.Many2One('company.employee', "Recipient",
        required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    kind = fields.Selection([
            ('employee', "Own Anomalies"),
            ('approver', "Anomalies to Approve"),
            ], "Kind", required=True)
    count = fields.Integer("Anomalies")

    def get_rec_name(self, name):
        return f'{self.recipient.rec_name} ({date_text(self.date)})'


class Anomaly(metaclass=PoolMeta):
    __name__ = 'attendance.anomaly'

    @classmethod
    def send_digest(cls, date=None):
        pool = Pool()
        Date = pool.get('ir.date')
        Holiday = pool.get('mons.holiday')
        Approver = pool.get('hr.time.approver')
        Employee = pool.get('company.employee')
        today = date or Date.today()
        if not Holiday.is_working_day(today):
            return
        with without_check_access():
            anomalies = cls.search([
                    ('state', '=', 'open'),
                    ('day.state', '=', 'open'),
                    ('date', '<', today),
                    ], order=[('employee', 'ASC'), ('date', 'ASC')])
            by_employee = defaultdict(list)
            for anomaly in anomalies:
                by_employee[anomaly.employee].append(anomaly)
            by_approver = defaultdict(list)
            for employee, items in by_employee.items():
                managers = Approver.managers_of(employee)
                for approver in managers | Approver.substitutes_of(
                        managers, today):
                    by_approver[approver].extend(items)
                cls._send_digest(employee, 'employee', items, today)
            for approver, items in by_approver.items():
                cls._send_digest(Employee(approver), 'approver', items, today)

    @classmethod
    def _send_digest(cls, employee, kind, anomalies, date):
        pool = Pool()
        Lang = pool.get('ir.lang')
        Digest = pool.get('attendance.anomaly.digest')
        to, language = employee_contact(employee)
        if not to:
            return
        digest, = Digest.create([{'recipient': employee.id, 'date': date,
                    'kind': kind, 'count': len(anomalies)}])
        names = kind == 'approver'
        message = ('mons_hr_time.msg_digest_manager' if names
            else 'mons_hr_time.msg_digest_employee')
        transaction = Transaction()
        url = f'{http_host()}/{transaction.database.name}/portal/pointage'
        with transaction.set_context(
                language=language or transaction.language):
            # Descriptions in the reader's language
            text = '\n'.join(
                f'- {a.employee.rec_name} : {a.description}' if names
                else f'- {a.description}'
                for a in cls.browse(anomalies[:MAX_LINES]))
            if len(anomalies) > MAX_LINES:
                text += '\n' + gettext('mons_hr_time.msg_digest_more',
                    count=len(anomalies) - MAX_LINES)
            send_email(to,
                gettext('mons_hr_time.msg_digest_subject',
                    date=Lang.get().strftime(date)),
                gettext(message, name=employee.party.name, lines=text,
                    url=url),
                resource=digest)
