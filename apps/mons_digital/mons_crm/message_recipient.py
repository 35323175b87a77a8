"Deliveries of a mass email: one per address, with its state."
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.rpc import RPC


class MessageRecipient(ModelSQL, ModelView):
    "Delivery of a mass email to one address"
    __name__ = 'marketing.email.message.recipient'
    _rec_name = 'address'

    message = fields.Many2One('marketing.email.message', "Message",
        required=True, ondelete='CASCADE', readonly=True)
    email = fields.Many2One('marketing.email', "Subscription",
        ondelete='SET NULL', readonly=True)
    address = fields.Char("Address", readonly=True)
    party = fields.Many2One('party.party', "Contact", ondelete='SET NULL',
        readonly=True)
    state = fields.Selection([
            ('pending', "Pending"),
            ('sent', "Sent"),
            ('bounced', "Bounced"),
            ('unsubscribed', "Unsubscribed"),
            ('failed', "Failed"),
            ], "State", readonly=True, required=True)
    sent_at = fields.DateTime("Sent at", readonly=True)
    error = fields.Char("Error", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.message, Index.Range()),
                (t.state, Index.Equality(cardinality='low'))))
        cls.__rpc__.update({
                'record_bounce': RPC(readonly=False),
                })

    @classmethod
    def default_state(cls):
        return 'pending'

    @classmethod
    def record_bounce(cls, address, message=None):
        """Mark as bounced the last delivery to address (called by the
        bounce processing of the mail server)."""
        pool = Pool()
        Email = pool.get('marketing.email')
        domain = [('address', '=', address.lower()),
            ('state', '=', 'sent')]
        if message:
            domain.append(('message', '=', message))
        recipients = cls.search(domain, order=[('sent_at', 'DESC')], limit=1)
        if recipients:
            recipient, = recipients
            cls.write(recipients, {'state': 'bounced'})
            if recipient.email:
                Email.write([recipient.email], {
                        'bounces': (recipient.email.bounces or 0) + 1})
        return len(recipients)
