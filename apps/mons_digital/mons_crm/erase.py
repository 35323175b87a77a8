"""Erasure of a person's data (GDPR right to erasure).

Tryton's party.erase wizard blanks the party, its addresses, contact
mechanisms and identifiers. The person is also copied elsewhere as text: the
subscriptions and consents (address), the deliveries of mass emails
(address), the duplicate pairs and import rows (name, values), and other
modules' records (a letter's sender address and its search text). Those
copies go too, and the consents read "withdrawn".

Other modules erase their own copies through a hook: a model that keeps a
text copy of a contact defines the class method
``erase_party_copies(party_ids, texts)``, called after the erasure with the
ids of the erased parties and the texts they were known by (names, email
addresses, phone numbers) as they were before.
"""
import datetime as dt

from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, inactive_records

from .exceptions import PersonalDataError
from .personal import in_groups
from .wizard_session import wizard_session

# Groups that erase a person (besides Tryton's party administrators)
ERASE_GROUPS = ['group_dpo', 'group_data_steward']
MASK = '****'


def erased_parties(party):
    "The party and every party merged into it, recursively"
    Party = Pool().get('party.party')
    parties = replacing = [party]
    with inactive_records():
        while replacing:
            replacing = Party.search([
                    ('replaced_by', 'in', [p.id for p in replacing]),
                    ])
            parties = parties + replacing
    return parties


def known_texts(parties):
    "Names, addresses and numbers the parties are known by"
    texts = set()
    with inactive_records():
        for party in parties:
            texts.update(filter(None, [party.name, party.first_name,
                        party.last_name]))
            for mechanism in party.contact_mechanisms:
                if mechanism.value:
                    texts.add(mechanism.value)
            for email in party.subscriptions:
                if email.email:
                    texts.add(email.email)
    return {t.strip() for t in texts if t and t.strip() and t != MASK}


def check_erase_rights(party):
    """The DPO or the data steward of the organisation owning the contact
    (City and CPAS apart) erases it"""
    pool = Pool()
    User = pool.get('res.user')
    if not Transaction().user:
        return
    owner = party.owner_service
    allowed = in_groups(ERASE_GROUPS + ['group_admin'])
    if allowed and owner and owner.company:
        allowed = owner.company.id in set(User.get_companies())
    if not allowed:
        raise PersonalDataError(gettext('mons_crm.msg_erase_refused',
                party=party.rec_name))


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'erase_personal_data': {
                    'invisible': Eval('id', -1) < 0,
                    'depends': ['id'],
                    },
                })

    @classmethod
    @ModelView.button
    def erase_personal_data(cls, parties):
        """Deactivate and erase the persons (right to erasure); the button's
        groups are the DPO and the data steward"""
        pool = Pool()
        Erase = pool.get('party.erase', type='wizard')
        for party in parties:
            check_erase_rights(party)
        for party in parties:
            if party.active:
                cls.write([party], {'active': False})
            with wizard_session(Erase) as erase:
                erase.ask.party = party
                erase.transition_erase()
        # The wizard writes in SQL: records read before are stale
        Transaction().cache.clear()


class Erase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def transition_erase(self):
        pool = Pool()
        Email = pool.get('marketing.email')
        Duplicate = pool.get('party.duplicate')
        check_erase_rights(self.ask.party)
        parties = erased_parties(self.ask.party)
        party_ids = [p.id for p in parties]
        texts = known_texts(parties)
        self._erased_addresses = {t.lower() for t in texts if '@' in t}
        # Subscriptions only hold the address: they go with the person,
        # their consents stay as withdrawn (to_erase)
        with inactive_records():
            emails = Email.search(['OR',
                    ('contact', 'in', party_ids),
                    ('email', 'in', list(self._erased_addresses)),
                    ])
        Email.delete(emails)
        # A pair to review is a copy of two names
        Duplicate.delete(Duplicate.search(['OR',
                    ('party_a', 'in', party_ids),
                    ('party_b', 'in', party_ids),
                    ]))
        result = super().transition_erase()
        for Model in self.models_with_copies():
            Model.erase_party_copies(party_ids, texts)
        return result

    @classmethod
    def models_with_copies(cls):
        "Models of every module that keep a text copy of a contact"
        pool = Pool()
        return [Model for _, Model in pool.iterobject()
            if issubclass(Model, ModelSQL)
            and callable(getattr(Model, 'erase_party_copies', None))]

    def to_erase(self, party_id):
        pool = Pool()
        Party = pool.get('party.party')
        Consent = pool.get('mons.crm.consent')
        Recipient = pool.get('marketing.email.message.recipient')
        ImportLine = pool.get('mons.crm.import.line')
        WebUser = pool.get('web.user')
        addresses = list(getattr(self, '_erased_addresses', set()))
        now = dt.datetime.now()
        result = super().to_erase(party_id)
        result.append(
            (Party, [('id', '=', party_id)], False,
                ['first_name', 'last_name', 'civility', 'title',
                    'birth_date', 'crm_notes'],
                [None] * 6))
        # Consent records prove the processing was lawful: their date, list
        # and source stay, the personal proof goes, and the consent is
        # withdrawn with the person.
        result.append((Consent,
                ['OR', ('party', '=', party_id),
                    ('email', 'in', addresses)], False,
                ['email', 'proof', 'ip_address', 'state', 'withdrawn_at'],
                [MASK, None, None, 'withdrawn',
                    lambda column: Coalesce(column, now)]))
        # Deliveries keep their state for the counts, not the address
        result.append((Recipient,
                ['OR', ('party', '=', party_id),
                    ('address', 'in', addresses)], False,
                ['address', 'error'], [MASK, None]))
        # The person's citizen account on the portal closes with them
        result.append((WebUser, [('party', '=', party_id)], True,
                ['email', 'password_hash'], [None, None]))
        # Import rows that matched the person showed their values
        result.append((ImportLine, [('party', '=', party_id)], False,
                ['summary', 'messages'], [MASK, None]))
        return result
