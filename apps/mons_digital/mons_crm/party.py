"Directory of contacts: extension of Tryton's party."
import datetime as dt

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .personal import PERSONAL_FIELDS, check_owner, may_change

LANGUAGES = [
    ('fr', "French"),
    ('nl', "Dutch"),
    ('de', "German"),
    ('en', "English"),
    ]


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
    title = fields.Selection([
            (None, ""),
            ('dr', "Doctor"),
            ('me', "Maître"),
            ('prof', "Professor"),
            ], "Title",
        states={'invisible': Eval('crm_kind') != 'person'})
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
        services = set(User.get_services_ids())
        companies = set(User.get_companies())
        return {p.id: may_change(p, services, companies) for p in parties}

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
        if external and (mode == 'delete' or (
                    mode == 'write' and PERSONAL_FIELDS & set(values))):
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

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('party')
    party = fields.Many2One('party.party', "Contact", required=True,
        ondelete='CASCADE')
    service = fields.Many2One('mons.service', "Service", required=True,
        ondelete='CASCADE')
