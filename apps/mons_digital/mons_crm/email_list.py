"Mailing lists: owning and sharing services, saved filter, export."
import datetime as dt

from sql import Null

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.mons_base.caller import acting_as
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, inactive_records

from . import saved_filter
from .exceptions import MailingError
from .party import LANGUAGES
from .personal import is_steward
from .sources import LEGAL_BASES

FILTER_FIELDS = {'filter_categories', 'filter_sections', 'filter_languages',
    'filter_relation_type', 'filter_relation_to', 'filter_domain'}


class EmailList(metaclass=PoolMeta):
    __name__ = 'marketing.email.list'

    service = fields.Many2One('mons.service', "Owning Service",
        ondelete='RESTRICT',
        help="The service that manages the list.")
    shared_services = fields.Many2Many(
        'marketing.email.list-mons.service', 'list_', 'service',
        "Shared with",
        help="Other services that may use and edit the list.")
    kind = fields.Selection([
            ('thematic', "Thematic"),
            ('event', "Event"),
            ], "Kind", required=True)
    description = fields.Text("Description")
    public = fields.Boolean("Public",
        help="Offered on the citizen portal, with a confirmation by email "
        "(double opt-in).")
    filter_categories = fields.Many2Many(
        'marketing.email.list-party.category', 'list_', 'category',
        "Categories")
    filter_sections = fields.Many2Many(
        'marketing.email.list-mons.section', 'list_', 'section',
        "Sections")
    filter_languages = fields.MultiSelection(LANGUAGES, "Languages")
    filter_relation_type = fields.Many2One('party.relation.type',
        "Relation Type", ondelete='SET NULL')
    filter_relation_to = fields.Many2One('party.party', "Related to",
        ondelete='SET NULL',
        states={'invisible': ~Eval('filter_relation_type')})
    filter_domain = fields.Text("Advanced Filter",
        help="Conditions on the contacts written as a JSON domain, e.g. "
        '[["language", "=", "nl"], ["addresses.city", "ilike", "jemappes"]]. '
        "Only the fields of contacts, their addresses, contact details, "
        "categories, relations, sections and services may be used.")
    filter_owner = fields.Many2One('res.user', "Filter Responsible",
        ondelete='RESTRICT',
        states={
            'required': (Bool(Eval('filter_categories'))
                | Bool(Eval('filter_sections'))
                | Bool(Eval('filter_languages'))
                | Bool(Eval('filter_relation_type'))
                | Bool(Eval('filter_domain'))),
            'readonly': True,
            },
        help="The user who last defined the saved filter: the filter finds "
        "the contacts this user may read, and no others.")

    filter_legal_basis = fields.Selection(LEGAL_BASES,
        "Legal Basis of the Filter", required=True,
        help="Why the contacts the saved filter finds may be written to: "
        "recorded with each subscription it makes. A filter cannot prove a "
        "consent.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'build_from_filters': {
                    'readonly': ~Eval('active', True),
                    'depends': ['active'],
                    },
                'export': {},
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        table = cls.__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.filter_legal_basis], ['public_task'],
                where=table.filter_legal_basis == Null))

    @classmethod
    def default_filter_legal_basis(cls):
        # The City writes to its contacts for its public tasks
        return 'public_task'

    @classmethod
    def default_kind(cls):
        return 'thematic'

    @classmethod
    def default_public(cls):
        return False

    @classmethod
    def default_service(cls):
        User = Pool().get('res.user')
        if Transaction().user:
            services = User.get_services_ids()
            if services:
                return services[0]

    @classmethod
    def default_filter_owner(cls):
        return Transaction().user or None

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        transaction = Transaction()
        user = transaction.user
        # A filter reads as the user who last defined it: whoever writes the
        # conditions becomes responsible for what they find
        if user and (mode == 'create' or FILTER_FIELDS & set(values)):
            values['filter_owner'] = user
        return values

    @classmethod
    def check_modification(cls, mode, lists, values=None, external=False):
        super().check_modification(
            mode, lists, values=values, external=external)
        if (external and mode == 'write' and 'filter_owner' in values
                and values['filter_owner'] != Transaction().user
                and not is_steward()):
            raise MailingError(gettext('mons_crm.msg_list_filter_owner'))

    @classmethod
    def validate_fields(cls, lists, field_names):
        super().validate_fields(lists, field_names)
        if field_names and 'filter_domain' not in field_names:
            return
        for list_ in lists:
            list_.advanced_filter()

    def advanced_filter(self):
        "The advanced filter as a domain, checked"
        try:
            return saved_filter.parse(self.filter_domain)
        except saved_filter.FilterRefused as refused:
            raise MailingError(gettext('mons_crm.msg_list_filter_field',
                    list=self.rec_name, path=refused.path)) from refused

    def has_filters(self):
        return bool(self.filter_categories or self.filter_sections
            or self.filter_languages or self.filter_relation_type
            or (self.filter_domain or '').strip())

    def get_filter_domain(self):
        "Domain on party.party of the saved filter"
        domain = [('active', '=', True)]
        if self.filter_categories:
            domain.append(('categories', 'child_of',
                    [c.id for c in self.filter_categories], 'parent'))
        if self.filter_sections:
            domain.append(('addresses.section', 'in',
                    [s.id for s in self.filter_sections]))
        if self.filter_languages:
            domain.append(('language', 'in', list(self.filter_languages)))
        if self.filter_relation_type:
            relation = [('relations.type', '=', self.filter_relation_type.id)]
            if self.filter_relation_to:
                relation.append(
                    ('relations.to', '=', self.filter_relation_to.id))
            domain.append(relation)
        if (self.filter_domain or '').strip():
            domain.append(self.advanced_filter())
        return domain

    @classmethod
    @ModelView.button
    def build_from_filters(cls, lists):
        "Subscribe the contacts with an email matching the saved filter"
        pool = Pool()
        Party = pool.get('party.party')
        Email = pool.get('marketing.email')
        for list_ in lists:
            if not list_.has_filters():
                raise MailingError(gettext(
                        'mons_crm.msg_list_no_filter', list=list_.rec_name))
            owner = list_.filter_owner
            if not owner or not owner.active:
                raise MailingError(gettext(
                        'mons_crm.msg_list_filter_no_owner',
                        list=list_.rec_name))
            if list_.filter_legal_basis == 'consent':
                raise MailingError(gettext(
                        'mons_crm.msg_list_filter_consent',
                        list=list_.rec_name))
            proof = list_.filter_proof()
            domain = list_.get_filter_domain()
            # The filter finds what its responsible user may read
            with acting_as(pool, owner.id):
                found = [(p.id, p.email) for p in Party.search(domain)]
            with inactive_records():
                existing = {e.email for e in Email.search([
                            ('list_', '=', list_.id)])}
            to_create = []
            for party_id, email in found:
                if not email or email.lower() in existing:
                    continue
                existing.add(email.lower())
                to_create.append({
                        'list_': list_.id,
                        'email': email,
                        'contact': party_id,
                        'source': 'filter',
                        'legal_basis': list_.filter_legal_basis,
                        'consent_proof': proof,
                        })
            Email.create(to_create)

    def filter_proof(self):
        "Who subscribed by which filter, when, on which basis: in French"
        pool = Pool()
        User = pool.get('res.user')
        Lang = pool.get('ir.lang')
        lang = Lang.get('fr')
        parts = []
        if self.filter_categories:
            parts.append(gettext('mons_crm.msg_filter_proof_categories',
                    names=', '.join(c.rec_name
                        for c in self.filter_categories)))
        if self.filter_sections:
            parts.append(gettext('mons_crm.msg_filter_proof_sections',
                    names=', '.join(s.rec_name
                        for s in self.filter_sections)))
        if self.filter_languages:
            parts.append(gettext('mons_crm.msg_filter_proof_languages',
                    names=', '.join(self.filter_languages)))
        if self.filter_relation_type:
            parts.append(gettext('mons_crm.msg_filter_proof_relation',
                    name=self.filter_relation_type.rec_name,
                    to=(self.filter_relation_to.rec_name
                        if self.filter_relation_to else '*')))
        if (self.filter_domain or '').strip():
            parts.append(gettext('mons_crm.msg_filter_proof_domain',
                    domain=self.filter_domain.strip()))
        user = User(Transaction().user) if Transaction().user else None
        now = dt.datetime.now()
        return gettext('mons_crm.msg_filter_proof',
            list=self.rec_name, filter='; '.join(parts),
            user=user.rec_name if user else '-',
            owner=self.filter_owner.rec_name,
            date=lang.strftime(now, '%d/%m/%Y %H:%M'),
            basis=dict(self.fields_get(['filter_legal_basis'])
                ['filter_legal_basis']['selection'])[
                self.filter_legal_basis])

    @classmethod
    @ModelView.button_action('mons_crm.wizard_list_export')
    def export(cls, lists):
        pass

    @classmethod
    def copy(cls, lists, default=None):
        default = default.copy() if default else {}
        default.setdefault('emails', None)
        return super().copy(lists, default=default)


class _ListFilter:
    "A filter of a list: changed by those who may change the list"
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('list_')


class EmailListService(_ListFilter, ModelSQL):
    __name__ = 'marketing.email.list-mons.service'
    list_ = fields.Many2One('marketing.email.list', "List", required=True,
        ondelete='CASCADE')
    service = fields.Many2One('mons.service', "Service", required=True,
        ondelete='CASCADE')


class EmailListCategory(_ListFilter, ModelSQL):
    __name__ = 'marketing.email.list-party.category'
    list_ = fields.Many2One('marketing.email.list', "List", required=True,
        ondelete='CASCADE')
    category = fields.Many2One('party.category', "Category", required=True,
        ondelete='CASCADE')


class EmailListSection(_ListFilter, ModelSQL):
    __name__ = 'marketing.email.list-mons.section'
    list_ = fields.Many2One('marketing.email.list', "List", required=True,
        ondelete='CASCADE')
    section = fields.Many2One('mons.section', "Section", required=True,
        ondelete='CASCADE')
