"Subscription of an address to a list: contact, source, consent."
import datetime as dt

from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .exceptions import MailingError
from .normalize import valid_email
from .sources import LEGAL_BASES, SOURCES, crm_url


class Email(metaclass=PoolMeta):
    "Subscription of an address to a list"
    __name__ = 'marketing.email'

    # marketing_email only knows the party of a web user: the contact of
    # the directory is stored here and shown as the party
    contact = fields.Many2One('party.party', "Contact", ondelete='SET NULL')
    subscribed_at = fields.DateTime("Subscribed at", readonly=True)
    unsubscribed_at = fields.DateTime("Unsubscribed at", readonly=True)
    source = fields.Selection(SOURCES, "Source", required=True)
    consent_proof = fields.Text("Consent Proof",
        help="How the consent was given: form, email, signed paper...")
    legal_basis = fields.Selection(LEGAL_BASES, "Legal Basis", required=True,
        help="Why the City may write to this address (GDPR art. 6.1).")
    consent = fields.Many2One('mons.crm.consent', "Consent", readonly=True,
        ondelete='SET NULL')
    bounces = fields.Integer("Bounces", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.contact, Index.Range())))
        cls.party.searcher = 'search_party'

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        table = cls.__table__()
        # Subscriptions made before the basis was recorded were consents
        Transaction().connection.cursor().execute(*table.update(
                [table.legal_basis], ['consent'],
                where=table.legal_basis == Null))

    @classmethod
    def default_source(cls):
        return 'desk'

    @classmethod
    def default_legal_basis(cls):
        return 'consent'

    @classmethod
    def validate_fields(cls, emails, field_names):
        super().validate_fields(emails, field_names)
        if field_names and 'email' not in field_names:
            return
        for email in emails:
            if email.email and not valid_email(email.email):
                raise MailingError(gettext(
                        'mons_crm.msg_subscription_bad_email',
                        email=email.email))

    @classmethod
    def default_subscribed_at(cls):
        return dt.datetime.now()

    @classmethod
    def default_bounces(cls):
        return 0

    @classmethod
    def get_web_user(cls, records, names):
        result = super().get_web_user(records, names)
        if 'party' in result:
            for record in records:
                if record.contact:
                    result['party'][record.id] = record.contact.id
        return result

    @classmethod
    def search_party(cls, name, clause):
        return [('contact' + clause[0][len(name):], *clause[1:])]

    @fields.depends('contact', 'email')
    def on_change_contact(self):
        if self.contact and not self.email:
            self.email = self.contact.email

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values.setdefault('subscribed_at', dt.datetime.now())
            if values.get('contact') and not values.get('email'):
                party = Pool().get('party.party')(values['contact'])
                if party.email:
                    values['email'] = party.email.lower()
        if 'active' in values:
            if values['active']:
                values.setdefault('unsubscribed_at', None)
            else:
                values.setdefault('unsubscribed_at', dt.datetime.now())
        return values

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        pool = Pool()
        Consent = pool.get('mons.crm.consent')
        super().on_modification(mode, records, field_names=field_names)
        if mode == 'create':
            Consent.record_for(records)
        elif mode == 'write' and field_names and 'active' in field_names:
            Consent.follow_subscriptions(records)

    def get_email_unsubscribe_url(self, url=None):
        result = super().get_email_unsubscribe_url(url=url)
        if not result:
            result = crm_url('desabonner', token=self.email_token)
        return result

    def get_email_subscribe_url(self, url=None):
        result = super().get_email_subscribe_url(url=url)
        if not result:
            result = crm_url('confirmer', token=self.email_token)
        return result

    def get_preferences_url(self):
        return crm_url('preferences', token=self.email_token)
