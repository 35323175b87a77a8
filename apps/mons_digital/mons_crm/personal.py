"""Personal data of contacts: only the owning service (or the data
steward, the DPO, the functional admin) changes it."""
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .exceptions import PersonalDataError

# Fields holding personal data: only the owning service may change them
PERSONAL_FIELDS = {
    'name', 'first_name', 'last_name', 'civility', 'birth_date',
    }
# Groups whose members may edit any contact (functional admin, data
# steward, data protection officer)
STEWARD_GROUPS = ['group_admin', 'group_data_steward', 'group_dpo']


def is_steward():
    "Current user may edit every contact"
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    user = Transaction().user
    if not user:
        return True
    groups = set(User.get_groups())
    return any(ModelData.get_id('mons_base', g) in groups
        for g in STEWARD_GROUPS)


def check_owner(parties):
    "Raise when the current user's services do not own one of the parties"
    pool = Pool()
    User = pool.get('res.user')
    if is_steward():
        return
    services = set(User.get_services_ids())
    for party in parties:
        if party.owner_service and party.owner_service.id not in services:
            raise PersonalDataError(gettext(
                    'mons_crm.msg_personal_owner',
                    party=party.rec_name,
                    service=party.owner_service.rec_name))


class _PersonalChildMixin:
    "Addresses and contact mechanisms of a person are personal data"
    __slots__ = ()

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if external:
            parties = [r.party for r in records
                if r.party and r.party.crm_kind == 'person']
            if values and 'party' in values and values['party']:
                parties.append(Pool().get('party.party')(values['party']))
            if parties:
                check_owner(parties)


class ContactMechanism(_PersonalChildMixin, metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'
