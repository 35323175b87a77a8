"""Recipients of an outgoing letter: several addressees and copies, each
sent its own letter at its own address."""
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Recipient(sequence_ordered(), ModelSQL, ModelView):
    "Recipient of an outgoing letter"
    __name__ = 'mail.item.recipient'

    item = fields.Many2One('mail.item', "Mail Item", required=True,
        ondelete='CASCADE')
    party = fields.Many2One('party.party', "Contact", required=True,
        ondelete='RESTRICT')
    address = fields.Many2One('party.address', "Address",
        ondelete='RESTRICT',
        domain=[('party', '=', Eval('party', -1))],
        help="Empty: the contact's first address.")
    kind = fields.Selection([
            ('to', "Addressee"),
            ('cc', "Copy"),
            ], "Kind", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Read and changed as the letter is: its rules are the item's
        cls.__access__.add('item')

    @classmethod
    def default_kind(cls):
        return 'to'

    @fields.depends('party', 'address')
    def on_change_party(self):
        if self.address and self.address.party != self.party:
            self.address = None
        if self.party and not self.address and self.party.addresses:
            self.address = self.party.addresses[0]

    def get_address(self):
        "The address the letter goes to"
        if self.address:
            return self.address
        addresses = self.party.addresses if self.party else []
        return addresses[0] if addresses else None


class Item(metaclass=PoolMeta):
    __name__ = 'mail.item'

    recipients = fields.One2Many('mail.item.recipient', 'item',
        "Recipients",
        states={
            'invisible': Eval('direction') != 'outgoing',
            'readonly': Eval('state').in_(['answered', 'closed']),
            },
        help="Addressees and copies of an outgoing letter; empty: the "
        "contact alone.")

    def letter_recipients(self):
        """(contact, address) of each letter to print: the addressees
        (the contact when none), then the copies"""
        recipients = sorted(self.recipients or [],
            key=lambda r: (r.kind != 'to', r.sequence or 0, r.id))
        if not any(r.kind == 'to' for r in recipients) and self.party:
            first = [(self.party, self.party.addresses[0]
                    if self.party.addresses else None)]
        else:
            first = []
        return first + [(r.party, r.get_address()) for r in recipients]

    @classmethod
    def copy(cls, items, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('recipients', None)
        return super().copy(items, default=default)
