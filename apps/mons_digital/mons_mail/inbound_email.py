"Incoming emails turned into mail items by an inbound email rule."
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval

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
    mail_register = fields.Boolean("Register",
        states={'invisible': Eval('action') != ACTION},
        help="Register the item at once instead of leaving it as a draft "
        "for the mail office.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.action.selection.append((ACTION, "Mail Item"))
