"Incoming emails turned into mail items by an inbound email rule."
from email.utils import getaddresses

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .ir import is_active_content
from .trusted import trusted

ACTION = 'mail.item|from_inbound_email'


class Rule(metaclass=PoolMeta):
    __name__ = 'inbound.email.rule'

    mail_company = fields.Many2One('company.company', "Organisation",
        states={
            'required': Eval('action') == ACTION,
            'invisible': Eval('action') != ACTION,
            })
    mail_service = fields.Many2One('mons.service', "Service in Charge",
        domain=[('company', '=', Eval('mail_company', -1))],
        states={'invisible': Eval('action') != ACTION},
        help="Service the items are assigned to when they are registered.")
    mail_register = fields.Boolean("Register at Once",
        states={'invisible': Eval('action') != ACTION},
        help="Register the item at once instead of leaving it as a draft "
        "for the mail office.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.action.selection.append((ACTION, "Mail Item"))


def display_name(message, address):
    """Name the sender gives in From ("Jean Dupont <jean@…>"), else None;
    Tryton's inbound e-mail keeps the address only"""
    header = (message.get('headers') or {}).get('From') or ''
    for name, email_ in getaddresses([str(header)]):
        name = ' '.join(name.split())
        if name and email_.lower() == address.lower() and name != address:
            return name
    return None


class Item(metaclass=PoolMeta):
    __name__ = 'mail.item'

    @classmethod
    def from_inbound_email(cls, email_, rule):
        "Inbound email rule action: the email becomes an incoming item"
        pool = Pool()
        Party = pool.get('party.party')
        ContactMechanism = pool.get('party.contact_mechanism')
        Attachment = pool.get('ir.attachment')
        message = email_.as_dict()
        sender = (message.get('from') or '').strip()
        with Transaction().set_context(_check_access=False):
            party = None
            if sender:
                mechanisms = ContactMechanism.search([
                        ('type', '=', 'email'),
                        ('value', '=', sender),
                        ], limit=1)
                if mechanisms:
                    party = mechanisms[0].party
                else:
                    party, = Party.create([{
                                'name': display_name(message, sender)
                                or sender,
                                'contact_mechanisms': [('create', [{
                                                'type': 'email',
                                                'value': sender,
                                                }])],
                                }])
            body = message.get('text')
            if body is None and message.get('html'):
                from trytond.report import html_to_text
                body = html_to_text(message['html'])
            item, = cls.create([{
                        'company': rule.mail_company.id,
                        'direction': 'incoming',
                        'medium': 'email',
                        'party': party.id if party else None,
                        'email_from': sender or None,
                        'subject': (message.get('subject') or '').strip()
                        or None,
                        'body': body,
                        'service': (rule.mail_service.id
                            if rule.mail_service else None),
                        }])
            # Markup annexes (HTML, SVG) would run in the desk when opened:
            # they are left out, the email's text is kept in the body
            annexes = [a for a in message.get('attachments', [])
                if a.get('data') and not is_active_content(
                    a.get('filename'), a['data'])]
            with trusted('inbound_annexes'):
                Attachment.create([{
                            'resource': str(item),
                            'name': a.get('filename') or 'piece-jointe',
                            'type': 'data',
                            'data': a['data'],
                            } for a in annexes])
            if rule.mail_register and item.party and item.subject:
                cls.register([item])
                if item.service:
                    cls.assign([item])
        return item
