"""Bounces read from the bounce mailbox (an inbound e-mail rule).

Mail servers report a failed delivery in a delivery status notification
(RFC 3464): a ``message/delivery-status`` part with, per recipient, its
``Final-Recipient`` and ``Status``. Only permanent failures (5.x.x) count; a
full mailbox or a greylisting (4.x.x) is retried by the server itself."""
import email
import email.policy

from trytond.pool import Pool, PoolMeta

ACTION = 'marketing.email.message.recipient|from_bounce_email'


def failed_addresses(raw):
    "Addresses a delivery status notification reports as permanently failed"
    if isinstance(raw, str):
        message = email.message_from_string(raw, policy=email.policy.default)
    else:
        message = email.message_from_bytes(raw, policy=email.policy.default)
    addresses = []
    for part in message.walk():
        if part.get_content_type() != 'message/delivery-status':
            continue
        # The first block is about the message, the next ones about each
        # recipient
        for block in part.get_payload()[1:]:
            status = (block.get('Status') or '').strip()
            action = (block.get('Action') or '').strip().lower()
            recipient = block.get('Final-Recipient') or block.get(
                'Original-Recipient') or ''
            _, _, address = str(recipient).partition(';')
            address = address.strip().strip('<>').lower()
            if address and (status.startswith('5') or (
                        not status and action == 'failed')):
                addresses.append(address)
    if not addresses and message.get('X-Failed-Recipients'):
        addresses = [a.strip().lower()
            for a in message['X-Failed-Recipients'].split(',') if a.strip()]
    return addresses


class Rule(metaclass=PoolMeta):
    __name__ = 'inbound.email.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.action.selection.append((ACTION, "Mass Email Bounces"))


class MessageRecipient(metaclass=PoolMeta):
    __name__ = 'marketing.email.message.recipient'

    @classmethod
    def from_bounce_email(cls, email_, rule):
        """Inbound rule action: each permanently failed address of the
        notification is marked bounced on its last delivery"""
        if email_.data_type != 'raw':
            return None
        last = None
        for address in failed_addresses(email_.data):
            if cls.record_bounce(address):
                last = cls.search([('address', '=', address)],
                    order=[('sent_at', 'DESC')], limit=1)[0]
        return last
