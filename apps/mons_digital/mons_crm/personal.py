"""Personal data of contacts: only the owning service (or the data
steward, the DPO, the functional admin) changes it."""
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .exceptions import PersonalDataError

# Fields holding personal data: only the owning service may change them.
# The kind is one of them: a rule that depended on it could be opened by
# changing it first.
PERSONAL_FIELDS = {
    'name', 'first_name', 'last_name', 'civility', 'title', 'birth_date',
    'crm_kind', 'language', 'lang', 'code', 'owner_service', 'active',
    'replaced_by',
    }
# Groups whose members may change any contact of their organisation
# (functional admin, data steward)
STEWARD_GROUPS = ['group_admin', 'group_data_steward']


def in_groups(names):
    "Current user is in one of the mons_base groups names"
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    if not Transaction().user:
        return True
    groups = set(User.get_groups())
    return any(ModelData.get_id('mons_base', g) in groups for g in names)


def is_steward():
    "Current user may change every contact of their organisations"
    return in_groups(STEWARD_GROUPS)


def may_change(party, services=None, companies=None):
    """The current user may change the personal data of party: the owning
    service, or a steward of the organisation of the owning service (City
    and CPAS apart)"""
    pool = Pool()
    User = pool.get('res.user')
    if not Transaction().user:
        return True
    owner = party.owner_service
    if not owner:
        return True
    if services is None:
        services = set(User.get_services_ids())
    if owner.id in services:
        return True
    if is_steward():
        if companies is None:
            companies = set(User.get_companies())
        return not owner.company or owner.company.id in companies
    return False


def check_owner(parties):
    "Raise when the current user may not change one of the parties"
    pool = Pool()
    User = pool.get('res.user')
    services = set(User.get_services_ids())
    companies = set(User.get_companies())
    for party in parties:
        if not may_change(party, services, companies):
            raise PersonalDataError(gettext(
                    'mons_crm.msg_personal_owner',
                    party=party.rec_name,
                    service=party.owner_service.rec_name))


class _PersonalChildMixin:
    """Addresses, contact mechanisms, identifiers, languages and relations
    are personal data of the contact, whatever its kind"""
    __slots__ = ()
    # The field that leads to the contact, and on from its target
    _personal_field = 'party'
    _personal_path = ()

    @classmethod
    def _personal_party(cls, target):
        for name in cls._personal_path:
            target = getattr(target, name, None) if target else None
        return target

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if external:
            field = cls._personal_field
            targets = [getattr(r, field) for r in records]
            if values and values.get(field):
                Target = getattr(cls, field).get_target()
                targets.append(Target(values[field]))
            parties = [p for p in map(cls._personal_party, targets) if p]
            if parties:
                check_owner(parties)


class ContactMechanism(_PersonalChildMixin, metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'


class Identifier(_PersonalChildMixin, metaclass=PoolMeta):
    __name__ = 'party.identifier'


class PartyLang(_PersonalChildMixin, metaclass=PoolMeta):
    __name__ = 'party.party.lang'


class ContactMechanismLanguage(_PersonalChildMixin, metaclass=PoolMeta):
    "The language of an e-mail or phone is the contact's personal data"
    __name__ = 'party.contact_mechanism.language'
    _personal_field = 'contact_mechanism'
    _personal_path = ('party',)


class Relation(_PersonalChildMixin, metaclass=PoolMeta):
    "Who a contact is related to is the contact's personal data"
    __name__ = 'party.relation'
    _personal_field = 'from_'
