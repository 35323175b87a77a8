"Mailing lists: owning and sharing services, saved filter, export."
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, inactive_records

from .exceptions import MailingError
from .party import LANGUAGES


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
        "Sections of Mons")
    filter_languages = fields.MultiSelection(LANGUAGES, "Languages")
    filter_relation_type = fields.Many2One('party.relation.type',
        "Relation Type", ondelete='SET NULL')
    filter_relation_to = fields.Many2One('party.party', "Related to",
        ondelete='SET NULL',
        states={'invisible': ~Eval('filter_relation_type')})

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

    def has_filters(self):
        return bool(self.filter_categories or self.filter_sections
            or self.filter_languages or self.filter_relation_type)

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
            parties = Party.search(list_.get_filter_domain())
            with inactive_records():
                existing = {e.email for e in Email.search([
                            ('list_', '=', list_.id)])}
            to_create = []
            for party in parties:
                email = party.email
                if not email or email.lower() in existing:
                    continue
                existing.add(email.lower())
                to_create.append({
                        'list_': list_.id,
                        'email': email,
                        'contact': party.id,
                        'source': 'filter',
                        })
            Email.create(to_create)

    @classmethod
    @ModelView.button_action('mons_crm.wizard_list_export')
    def export(cls, lists):
        pass

    @classmethod
    def copy(cls, lists, default=None):
        default = default.copy() if default else {}
        default.setdefault('emails', None)
        return super().copy(lists, default=default)


class EmailListService(ModelSQL):
    __name__ = 'marketing.email.list-mons.service'
    list_ = fields.Many2One('marketing.email.list', "List", required=True,
        ondelete='CASCADE')
    service = fields.Many2One('mons.service', "Service", required=True,
        ondelete='CASCADE')


class EmailListCategory(ModelSQL):
    __name__ = 'marketing.email.list-party.category'
    list_ = fields.Many2One('marketing.email.list', "List", required=True,
        ondelete='CASCADE')
    category = fields.Many2One('party.category', "Category", required=True,
        ondelete='CASCADE')


class EmailListSection(ModelSQL):
    __name__ = 'marketing.email.list-mons.section'
    list_ = fields.Many2One('marketing.email.list', "List", required=True,
        ondelete='CASCADE')
    section = fields.Many2One('mons.section', "Section", required=True,
        ondelete='CASCADE')
