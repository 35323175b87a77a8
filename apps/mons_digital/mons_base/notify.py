"""E-mails to the staff: who to write to, and a sent message kept as an
``ir.email`` on the record it is about (so the desk shows it)."""
import trytond.config as config
from trytond.pool import Pool
from trytond.sendmail import send_message_transactional

from .email_message import new_message
from .municipality import identity


def employee_address(employee):
    "E-mail of the employee's desk user, else of the employee's party"
    return employee_contact(employee)[0]


def employee_contact(employee):
    """(e-mail, language code) to write to the employee: those of their
    desk user, else the party's e-mail and no language"""
    User = Pool().get('res.user')
    users = User.search([('employees', '=', employee.id)], limit=1)
    user = users[0] if users else None
    address = (user.email if user and user.email else None) \
        or employee.party.email
    language = user.language.code if user and user.language else None
    return address, language


def send_email(to, subject, body, resource, sender=None):
    "Send at commit (nothing leaves if the transaction fails) and log it"
    Email = Pool().get('ir.email')
    # the site's sender, else the local authority's own address
    sender = sender or config.get('email', 'from') or identity()['email']
    msg = new_message(sender)
    msg['From'] = sender
    msg['To'] = to
    msg['Subject'] = subject
    msg.set_content(body)
    send_message_transactional(msg)
    email = Email.from_message(msg, body=body, resource=resource)
    email.save()
    return email
