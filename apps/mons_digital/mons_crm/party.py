"Directory of contacts: extension of Tryton's party."
import datetime as dt

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import PersonalDataError
from .normalize import norm_text

LANGUAGES = [
    ('fr', "French"),
    ('nl', "Dutch"),
    ('de', "German"),
    ('en', "English"),
    ]
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


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    crm_kind = fields.Selection([
            ('person', "Person"),
            ('organisation', "Organisation"),
            ], "Kind", required=True)
    civility = fields.Selection([
            (None, ""),
            ('mr', "Mr"),
            ('mrs', "Mrs"),
            ('mx', "Mx"),
            ], "Civility",
        states={'invisible': Eval('crm_kind') != 'person'},
        help="Used in the greeting of emails.")
    first_name = fields.Char("First Name",
        states={'invisible': Eval('crm_kind') != 'person'})
    last_name = fields.Char("Last Name",
        states={'invisible': Eval('crm_kind') != 'person'})
    birth_date = fields.Date("Birth Date",
        states={'invisible': Eval('crm_kind') != 'person'})
    language = fields.Selection(LANGUAGES, "Language", required=True,
        help="Language used to write to the contact.")
    owner_service = fields.Many2One('mons.service', "Owning Service",
        ondelete='RESTRICT',
        help="The service responsible for the contact's personal data.")
    crm_services = fields.Many2Many('party.party-mons.service', 'party',
        'service', "Services Using",
        help="The services that use the contact.")
    crm_notes = fields.Text("Notes")
    consents = fields.One2Many('mons.crm.consent', 'party', "Consents")
    subscriptions = fields.One2Many('marketing.email', 'contact',
        "Subscriptions", readonly=True)
    last_used = fields.Date("Last Used", readonly=True,
        help="Last time the contact was created, changed, imported or "
        "written to.")
    retention_due = fields.Boolean("Retention Due", readonly=True,
        help="Unused for longer than the retention period: review it, "
        "then erase it or mark it as used.")
    personal_editable = fields.Function(
        fields.Boolean("Personal Data Editable"), 'get_personal_editable')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for name in PERSONAL_FIELDS:
            field = getattr(cls, name)
            states = dict(field.states or {})
            readonly = ~Eval('personal_editable', True)
            if states.get('readonly'):
                readonly |= states['readonly']
            states['readonly'] = readonly
            field.states = states
            field.depends = set(field.depends) | {'personal_editable'}
        cls._buttons.update({
                'mark_used': {
                    'invisible': ~Eval('retention_due'),
                    'depends': ['retention_due'],
                    },
                })

    @classmethod
    def default_crm_kind(cls):
        return 'person'

    @classmethod
    def default_language(cls):
        return 'fr'

    @classmethod
    def default_owner_service(cls):
        pool = Pool()
        User = pool.get('res.user')
        if Transaction().user:
            services = User.get_services_ids()
            if len(services) == 1:
                return services[0]

    @classmethod
    def default_personal_editable(cls):
        return True

    @classmethod
    def get_personal_editable(cls, parties, name):
        pool = Pool()
        User = pool.get('res.user')
        if is_steward():
            return {p.id: True for p in parties}
        services = set(User.get_services_ids())
        return {p.id: (not p.owner_service or p.owner_service.id in services)
            for p in parties}

    @fields.depends('first_name', 'last_name', 'crm_kind', 'name')
    def on_change_with_name(self):
        if self.crm_kind == 'person' and (self.first_name or self.last_name):
            return ' '.join(filter(None, [
                        (self.first_name or '').strip(),
                        (self.last_name or '').strip()]))
        return self.name

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if (mode == 'create' and not values.get('name')
                and (values.get('first_name') or values.get('last_name'))):
            values['name'] = ' '.join(filter(None, [
                        values.get('first_name'), values.get('last_name')]))
        if mode == 'create' or set(values) - {
                'last_used', 'retention_due', 'replaced_by', 'active'}:
            values.setdefault('last_used', dt.date.today())
            values.setdefault('retention_due', False)
        return values

    @classmethod
    def check_modification(cls, mode, parties, values=None, external=False):
        super().check_modification(
            mode, parties, values=values, external=external)
        if external and mode == 'write' and (
                PERSONAL_FIELDS | {'owner_service'}) & set(values):
            check_owner(parties)

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default else {}
        default.setdefault('consents', None)
        default.setdefault('subscriptions', None)
        return super().copy(parties, default=default)

    @classmethod
    @ModelView.button
    def mark_used(cls, parties):
        cls.write(parties, {
                'last_used': dt.date.today(),
                'retention_due': False,
                })

    @classmethod
    def flag_retention(cls, years=None):
        "Flag the contacts unused for the retention period (cron)"
        pool = Pool()
        Configuration = pool.get('mons.crm.configuration')
        if years is None:
            years = Configuration(1).retention_years or 5
        today = dt.date.today()
        try:
            limit = today.replace(year=today.year - years)
        except ValueError:  # 29 February
            limit = today.replace(year=today.year - years, day=28)
        parties = cls.search([
                ('retention_due', '=', False),
                ('last_used', '<', limit),
                ])
        # Through SQL-free write but without touching last_used
        if parties:
            cls.write(parties, {'retention_due': True})
        return parties

    def get_greeting(self, language=None):
        "Greeting line in the language of the contact"
        language = language or self.language or 'fr'
        greetings = GREETINGS.get(language, GREETINGS['fr'])
        key = self.civility if self.crm_kind == 'person' else None
        template = greetings.get(key) or greetings[None]
        return template.format(
            name=(self.last_name or self.name or '').strip()).strip()


GREETINGS = {
    'fr': {'mr': "Monsieur {name},", 'mrs': "Madame {name},",
        'mx': "Bonjour {name},", None: "Madame, Monsieur,"},
    'nl': {'mr': "Geachte heer {name},", 'mrs': "Geachte mevrouw {name},",
        'mx': "Beste {name},", None: "Geachte mevrouw, heer,"},
    'de': {'mr': "Sehr geehrter Herr {name},",
        'mrs': "Sehr geehrte Frau {name},",
        'mx': "Guten Tag {name},", None: "Sehr geehrte Damen und Herren,"},
    'en': {'mr': "Dear Mr {name},", 'mrs': "Dear Ms {name},",
        'mx': "Dear {name},", None: "Dear Sir or Madam,"},
    }


class PartyService(ModelSQL):
    __name__ = 'party.party-mons.service'
    party = fields.Many2One('party.party', "Contact", required=True,
        ondelete='CASCADE')
    service = fields.Many2One('mons.service', "Service", required=True,
        ondelete='CASCADE')


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


class Address(_PersonalChildMixin, metaclass=PoolMeta):
    __name__ = 'party.address'

    section = fields.Many2One('mons.section', "Section of Mons",
        readonly=True, ondelete='SET NULL',
        help="Filled from the postal code and the city.")
    _sections_cache = Cache('party.address.sections', context=False)

    @classmethod
    def _sections(cls):
        result = cls._sections_cache.get(None)
        if result is None:
            Section = Pool().get('mons.section')
            by_city, by_code = {}, {}
            for section in Section.search([]):
                by_city[(section.postal_code, norm_text(section.name))] = (
                    section.id)
                by_code.setdefault(section.postal_code, []).append(section.id)
            result = (by_city, by_code)
            cls._sections_cache.set(None, result)
        return result

    @classmethod
    def find_section(cls, postal_code, city):
        if not postal_code:
            return None
        by_city, by_code = cls._sections()
        postal_code = postal_code.strip()
        section = by_city.get((postal_code, norm_text(city)))
        if section is None and len(by_code.get(postal_code, [])) == 1:
            section, = by_code[postal_code]
        return section

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or {'postal_code', 'city'} & field_names:
            section = self.find_section(self.postal_code, self.city)
            if section != (self.section.id if self.section else None):
                values['section'] = section
        return values


class ContactMechanism(_PersonalChildMixin, metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'


class Replace(metaclass=PoolMeta):
    __name__ = 'party.replace'

    @classmethod
    def fields_to_replace(cls):
        """Every stored link to a party, so that a merge loses no reference
        of any module (mail items, lists, permits...)."""
        pool = Pool()
        result = super().fields_to_replace()
        known = set(result)
        skip_models = {'party.party.lang', 'party.duplicate'}
        for model_name, Model in pool.iterobject():
            if (not issubclass(Model, ModelSQL)
                    or model_name in skip_models
                    or Model._is_table_query()):
                continue
            for field_name, field in Model._fields.items():
                if (field._type == 'many2one'
                        and getattr(field, 'model_name', None)
                        == 'party.party'
                        and not isinstance(field, fields.Function)
                        and (model_name, field_name) not in known
                        and (model_name, field_name)
                        != ('party.party', 'replaced_by')):
                    result.append((model_name, field_name))
                    known.add((model_name, field_name))
        return result

    def transition_replace(self):
        pool = Pool()
        Party = pool.get('party.party')
        source, destination = self.ask.source, self.ask.destination
        # Keep what the source knew and the destination does not
        values = {}
        services = {s.id for s in source.crm_services} - {
            s.id for s in destination.crm_services}
        if services:
            values['crm_services'] = [('add', list(services))]
        categories = {c.id for c in source.categories} - {
            c.id for c in destination.categories}
        if categories:
            values['categories'] = [('add', list(categories))]
        if source.crm_notes and source.crm_notes != destination.crm_notes:
            values['crm_notes'] = '\n'.join(filter(None, [
                        destination.crm_notes, source.crm_notes]))
        for name in ['first_name', 'last_name', 'civility', 'birth_date',
                'owner_service']:
            if not getattr(destination, name) and getattr(source, name):
                value = getattr(source, name)
                values[name] = getattr(value, 'id', value)
        if values:
            Party.write([destination], values)
        result = super().transition_replace()
        # The links of the source moved to the destination may now be there
        # twice (same service or category)
        for model_name, field in [('party.party-mons.service', 'service'),
                ('party.party-party.category', 'category')]:
            Model = pool.get(model_name)
            seen, twice = set(), []
            for record in Model.search([('party', '=', destination.id)],
                    order=[('id', 'ASC')]):
                key = getattr(record, field).id
                if key in seen:
                    twice.append(record)
                seen.add(key)
            if twice:
                Model.delete(twice)
        return result


class Erase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def transition_erase(self):
        pool = Pool()
        Email = pool.get('marketing.email')
        Party = pool.get('party.party')
        # Subscriptions only hold the address: they go with the person
        parties = Party.search([
                ('replaced_by', 'in', [self.ask.party.id]),
                ('active', '=', False)]) + [self.ask.party]
        for party in parties:
            self.check_erase(party)
        emails = Email.search([
                ('contact', 'in', [p.id for p in parties]),
                ('active', 'in', [True, False]),
                ])
        Email.delete(emails)
        return super().transition_erase()

    def to_erase(self, party_id):
        pool = Pool()
        Party = pool.get('party.party')
        Consent = pool.get('mons.crm.consent')
        result = super().to_erase(party_id)
        result.append(
            (Party, [('id', '=', party_id)], False,
                ['first_name', 'last_name', 'civility', 'birth_date',
                    'crm_notes'],
                [None] * 5))
        # Consent records prove the processing was lawful: their date, list
        # and source stay, the personal proof goes.
        result.append((Consent, [('party', '=', party_id)], False,
                ['email', 'proof', 'ip_address'], ['****', None, None]))
        return result
