"Duplicate contacts: detection, review and merge."
from collections import defaultdict

from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import (
    Exclude, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, check_access

from .exceptions import DuplicateError
from .normalize import find_duplicates
from .wizard_session import wizard_session

REASONS = [
    ('name', "Same name"),
    ('similar_name', "Similar name"),
    ('email', "Same email"),
    ('phone', "Same phone"),
    ('address', "Same address"),
    ]


def load_directory(party_ids=None):
    """Contacts of the directory as plain dicts, read with three queries
    since the ORM would take minutes on 100,000 contacts."""
    pool = Pool()
    Party = pool.get('party.party')
    Mechanism = pool.get('party.contact_mechanism')
    Address = pool.get('party.address')
    party = Party.__table__()
    mechanism = Mechanism.__table__()
    address = Address.__table__()
    cursor = Transaction().connection.cursor()

    where = party.active & (party.replaced_by == None)  # noqa: E711
    if party_ids is not None:
        where &= party.id.in_(list(party_ids) or [-1])
    contacts = {}
    cursor.execute(*party.select(party.id, party.name, where=where))
    for id_, name in cursor:
        contacts[id_] = {'id': id_, 'name': name, 'emails': [],
            'phones': [], 'street': [], 'postal_code': None}
    cursor.execute(*mechanism.select(
            mechanism.party, mechanism.type, mechanism.value,
            where=mechanism.active
            & mechanism.type.in_(['email', 'phone', 'mobile'])))
    for party_id, type_, value in cursor:
        contact = contacts.get(party_id)
        if contact is None:
            continue
        contact['emails' if type_ == 'email' else 'phones'].append(value)
    cursor.execute(*address.select(
            address.party, address.street_unstructured,
            address.street_name, address.building_number,
            address.postal_code,
            where=address.active, order_by=[address.sequence, address.id]))
    for party_id, unstructured, name, number, postal_code in cursor:
        contact = contacts.get(party_id)
        if contact is None:
            continue
        street = unstructured or ' '.join(filter(None, [name, number]))
        if street:
            contact['street'].append(street)
        if not contact['postal_code']:
            contact['postal_code'] = postal_code
    return list(contacts.values())


class Duplicate(Workflow, ModelSQL, ModelView):
    __name__ = 'party.duplicate'

    party_a = fields.Many2One('party.party', "Contact A", required=True,
        ondelete='CASCADE', readonly=True)
    party_b = fields.Many2One('party.party', "Contact B", required=True,
        ondelete='CASCADE', readonly=True)
    score = fields.Float("Score", digits=(3, 1), readonly=True)
    reasons = fields.MultiSelection(REASONS, "Reasons", readonly=True)
    keep = fields.Selection([
            ('a', "Contact A"),
            ('b', "Contact B"),
            ], "Keep", required=True,
        states={'readonly': Eval('state') != 'open'},
        help="The contact that stays; the other is replaced by it.")
    state = fields.Selection([
            ('open', "To Review"),
            ('merged', "Merged"),
            ('ignored', "Not a Duplicate"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('pair_unique', Exclude(t, (t.party_a, Equal),
                    (t.party_b, Equal)),
                'mons_crm.msg_duplicate_pair_unique'),
            ]
        cls._sql_indexes.add(Index(t,
                (t.state, Index.Equality(cardinality='low')),
                where=t.state == 'open'))
        cls._order = [('score', 'DESC'), ('id', 'ASC')]
        cls._transitions |= {
            ('open', 'merged'),
            ('open', 'ignored'),
            ('ignored', 'open'),
            }
        cls._buttons.update({
                'merge': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'ignore': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'ignored',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_keep(cls):
        return 'a'

    def get_rec_name(self, name):
        return f'{self.party_a.rec_name} / {self.party_b.rec_name}'

    @classmethod
    def check_decide(cls, duplicates):
        """The buttons run without access checks: the write rules on pairs
        (data steward and DPO of the organisation, service managers for the
        contacts of their services) decide who merges or dismisses them"""
        with check_access():
            cls.write(list(duplicates), {})

    @classmethod
    @ModelView.button
    @Workflow.transition('ignored')
    def ignore(cls, duplicates):
        cls.check_decide(duplicates)

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, duplicates):
        cls.check_decide(duplicates)

    @classmethod
    @ModelView.button
    @Workflow.transition('merged')
    def merge(cls, duplicates):
        cls.check_decide(duplicates)
        for duplicate in duplicates:
            if duplicate.keep == 'a':
                destination, source = duplicate.party_a, duplicate.party_b
            else:
                destination, source = duplicate.party_b, duplicate.party_a
            if not source.active or source.replaced_by:
                raise DuplicateError(gettext(
                        'mons_crm.msg_duplicate_already_merged',
                        party=source.rec_name))
            cls.replace(source, destination)
        # Pairs left open with the replaced contact are now pointless
        sources = [d.party_b if d.keep == 'a' else d.party_a
            for d in duplicates]
        others = cls.search([
                ('state', '=', 'open'),
                ('id', 'not in', [d.id for d in duplicates]),
                ['OR',
                    ('party_a', 'in', [p.id for p in sources]),
                    ('party_b', 'in', [p.id for p in sources]),
                    ],
                ])
        if others:
            cls.write(others, {'state': 'ignored'})

    @classmethod
    def replace(cls, source, destination):
        "Merge through Tryton's party replace wizard"
        pool = Pool()
        Replace = pool.get('party.replace', type='wizard')
        with wizard_session(Replace) as replace:
            replace.ask.source = source
            replace.ask.destination = destination
            # The review of the pair is the confirmation the warning asks
            with Transaction().set_context(_skip_warnings=True):
                replace.transition_replace()
        # The wizard updates the references in SQL: records read before in
        # this transaction are stale
        Transaction().cache.clear()

    @classmethod
    def detect(cls, party_ids=None):
        """List the duplicate pairs of the directory (cron); with party_ids,
        only pairs involving those contacts."""
        pool = Pool()
        Configuration = pool.get('mons.crm.configuration')
        threshold = Configuration(1).duplicate_threshold or 75
        contacts = load_directory()
        pairs = find_duplicates(contacts, threshold=threshold)
        if party_ids is not None:
            party_ids = set(party_ids)
            pairs = [p for p in pairs
                if p[0] in party_ids or p[1] in party_ids]
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.party_a, table.party_b))
        known = set(cursor)
        to_create = []
        by_pair = defaultdict(int)
        for a, b, value, reasons in pairs:
            if (a, b) in known or by_pair[(a, b)]:
                continue
            by_pair[(a, b)] += 1
            to_create.append({
                    'party_a': a,
                    'party_b': b,
                    'score': value,
                    'reasons': reasons,
                    })
        return cls.create(to_create) if to_create else []
