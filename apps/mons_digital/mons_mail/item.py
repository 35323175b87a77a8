"Mail items: registration, routing, treatment and answers; services in copy."
import datetime as dt
import functools
import re
import unicodedata

from sql import Null
from sql.aggregate import Count
from sql.operators import Equal

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Exclude, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import (
    ClassificationError, DueDateError, MailAccessError, RegistrationError,
    TransitionError)
from .trusted import is_trusted, trusted

STATES = [
    ('draft', "Draft"),
    ('registered', "Registered"),
    ('assigned', "Assigned"),
    ('in_treatment', "In Treatment"),
    ('answered', "Answered"),
    ('closed', "Closed"),
    ]
NUMBER_RE = re.compile(r'^[a-z]{1,4}/\d{4}/\d{3,8}$')
OPEN_STATES = ['registered', 'assigned', 'in_treatment']
# Target state of every action, to check transitions before running them
ACTIONS = {
    'register': 'registered',
    'assign': 'assigned',
    'take': 'in_treatment',
    'transfer': 'assigned',
    'return_to_office': 'registered',
    'answer': 'answered',
    'close': 'closed',
    'reopen': 'in_treatment',
    }
# Set by the workflow and the server only: never given at creation nor
# written by a caller (ir.model.field.access refuses them to every group)
WORKFLOW_FIELDS = [
    'state', 'number', 'registration_date', 'registered_by',
    'reminder_date', 'reminder2_date', 'escalation_date', 'scan_text',
    'search_text', 'label_sheet', 'register_import']
# What the import of an old register gives at creation, under its trusted
# step (register_import.py): the old letter's number, state and date
IMPORTED_FIELDS = {
    'state', 'number', 'registration_date', 'registered_by',
    'register_import'}
SEARCH_TEXT_FIELDS = {
    'number', 'subject', 'keywords', 'external_reference', 'party',
    'scan_text', 'email_from'}


def _start_write_transaction(item):
    """On PostgreSQL the strict sequence locks its row (SELECT ... FOR
    UPDATE). On SQLite that lock is a no-op and Python's sqlite3 opens the
    write transaction only at the first INSERT/UPDATE: without a write first,
    two registrations would both read the same next number before either
    increments it. A write takes SQLite's database lock, so the sequence is
    then read after the other registrations have committed."""
    if backend.name == 'sqlite':
        table = item.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.state], [table.state], where=table.id == item.id))


def normalize(text):
    "Lower-case text without accents, for accent-insensitive search"
    text = unicodedata.normalize('NFKD', text or '')
    return ''.join(c for c in text if not unicodedata.combining(c)).lower()


def checked(action):
    """Refuse, with a message, an action not allowed in the item's state or
    on an item the user may not change (buttons run without access checks
    once the button groups are checked)"""
    def decorator(func):
        @functools.wraps(func)
        def wrapper(cls, items, *args, **kwargs):
            cls.check_transition(items, action)
            cls.check_write_rule(items)
            return func(cls, items, *args, **kwargs)
        return wrapper
    return decorator


def write_checked(func):
    "Apply the write rules before a button that changes or answers items"
    @functools.wraps(func)
    def wrapper(cls, items, *args, **kwargs):
        cls.check_write_rule(items)
        return func(cls, items, *args, **kwargs)
    return wrapper


class Item(Workflow, ModelSQL, ModelView):
    "Mail item (incoming or outgoing letter, email...)"
    __name__ = 'mail.item'
    _rec_name = 'number'

    _draft = Eval('state') == 'draft'
    _closed = Eval('state').in_(['answered', 'closed'])

    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT',
        states={'readonly': ~_draft})
    direction = fields.Selection([
            ('incoming', "Incoming"),
            ('outgoing', "Outgoing"),
            ], "Direction", required=True, states={'readonly': ~_draft})
    direction_string = direction.translated('direction')
    medium = fields.Selection([
            ('paper', "Paper (post)"),
            ('registered', "Registered post"),
            ('hand', "Hand delivery"),
            ('email', "Email"),
            ('web', "Online form"),
            ('fax', "Fax"),
            ], "Medium", required=True, states={'readonly': _closed})
    number = fields.Char("Number", readonly=True,
        help="Registration number, set by the Register button.")
    party = fields.Many2One('party.party', "Contact", ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends=['company'],
        states={
            'readonly': _closed,
            'required': ~_draft,
            },
        help="Sender of an incoming item, main recipient of an outgoing one.")
    email_from = fields.Char("Email Address", states={'readonly': _closed},
        help="Address the email was received from or is sent to.")
    subject = fields.Char("Subject", states={
            'readonly': _closed,
            'required': ~_draft,
            })
    body = fields.Text("Description", states={'readonly': _closed},
        help="Summary of the letter or text of the email.")
    letter_date = fields.Date("Letter Date", states={'readonly': _closed})
    reception_date = fields.Date("Reception Date",
        states={
            'readonly': _closed,
            'invisible': Eval('direction') != 'incoming',
            })
    sending_date = fields.Date("Sending Date",
        states={
            'readonly': _closed,
            'invisible': Eval('direction') != 'outgoing',
            })
    type = fields.Many2One('mail.type', "Mail Type", ondelete='RESTRICT',
        states={'readonly': _closed})
    classification = fields.Many2One('mail.classification',
        "Classification", ondelete='RESTRICT', states={'readonly': _closed})
    classification_code = fields.Function(fields.Char("Classification Code",
            help="Set the classification by its code in the plan."),
        'get_classification_code', setter='set_classification_code')
    keywords = fields.Char("Keywords", states={'readonly': _closed},
        help="Words separated by commas.")
    external_reference = fields.Char("External Reference",
        states={'readonly': _closed},
        help="Reference of the sender (their letter number, file...).")
    confidential = fields.Boolean("Confidential",
        help="Readable only by its services (in charge and in copy), the "
        "mail office and the general management, whatever its type. Set by "
        "the mail office, changed by the manager of the service in charge.")
    service = fields.Many2One('mons.service', "Service in Charge",
        ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': ~Eval('state').in_(['draft', 'registered'])})
    copy_services = fields.Many2Many('mail.item-mons.service', 'item',
        'service', "Services in Copy",
        domain=[('company', '=', Eval('company', -1))],
        help="Services informed of the item.")
    agent = fields.Many2One('company.employee', "Agent", ondelete='SET NULL',
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': _closed},
        help="Agent of the service treating the item.")
    due_date = fields.Date("Due Date",
        states={'readonly': _closed | _draft})
    due_date_reason = fields.Char("Due Date Change Reason",
        states={'readonly': _closed | _draft},
        help="Required when the due date is changed by hand.")
    late = fields.Function(fields.Boolean("Late"), 'get_late',
        searcher='search_late')
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    state_string = state.translated('state')
    registration_date = fields.DateTime("Registration Date", readonly=True)
    registered_by = fields.Many2One('res.user', "Registered by",
        readonly=True)
    transfer_to = fields.Many2One('mons.service', "Transfer to",
        domain=[
            ('company', '=', Eval('company', -1)),
            ('id', '!=', Eval('service', -1)),
            ],
        states={
            'invisible': ~Eval('state').in_(['assigned', 'in_treatment']),
            },
        help="Service to transfer the item to with the Transfer button.")
    transition_comment = fields.Text("Comment for the Next Action",
        states={'invisible': Eval('state') == 'draft'},
        help="Kept in the history with the next action.")
    history = fields.One2Many('mail.item.history', 'item', "History",
        readonly=True, order=[('date', 'DESC'), ('id', 'DESC')])
    links = fields.One2Many('mail.item.link', 'item', "Links To",
        help="Items this one answers, follows up or duplicates.")
    backlinks = fields.One2Many('mail.item.link', 'target', "Linked From",
        readonly=True,
        help="Items that answer, follow up or duplicate this one.")
    scan_text = fields.Text("Scan Text", readonly=True,
        help="Text extracted from the PDF attachments, used by the search.")
    search_text = fields.Text("Search Text", readonly=True)
    text = fields.Function(fields.Char("Text",
            help="Search in number, subject, keywords, contact, reference "
            "and text of the scans."),
        'get_text', searcher='search_text_words')
    reminder_date = fields.Date("Reminder Sent", readonly=True)
    attachment_count = fields.Function(fields.Integer("Attachments"),
        'get_attachment_count')

    del _draft, _closed

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Exclude(t, (t.company, Equal),
                    (t.number, Equal), where=t.number != Null),
                'mons_mail.msg_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.number, Index.Equality())),
                Index(t, (t.number, Index.Similarity())),
                Index(t, (t.search_text, Index.Similarity())),
                Index(t, (t.state, Index.Equality()),
                    (t.due_date, Index.Range())),
                Index(t, (t.service, Index.Equality()),
                    (t.state, Index.Equality())),
                Index(t, (t.agent, Index.Equality()),
                    (t.state, Index.Equality())),
                Index(t, (t.party, Index.Equality())),
                Index(t, (t.reception_date, Index.Range())),
                })
        # Newest first by id: the primary key lets a text search stop at the
        # first page of matches instead of sorting them all
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'registered'),
            ('registered', 'assigned'),
            ('assigned', 'in_treatment'),
            ('assigned', 'assigned'),
            ('in_treatment', 'assigned'),
            ('assigned', 'registered'),
            ('in_treatment', 'registered'),
            ('in_treatment', 'answered'),
            ('assigned', 'answered'),
            ('registered', 'closed'),
            ('assigned', 'closed'),
            ('in_treatment', 'closed'),
            ('answered', 'closed'),
            ('answered', 'in_treatment'),
            ('closed', 'in_treatment'),
            }
        cls._buttons.update({
                'register': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'assign': {
                    'invisible': Eval('state') != 'registered',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'take': {
                    'invisible': Eval('state') != 'assigned',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'transfer': {
                    'invisible': ~Eval('state').in_(
                        ['assigned', 'in_treatment']),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'return_to_office': {
                    'invisible': ~Eval('state').in_(
                        ['assigned', 'in_treatment']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'reply': {
                    'invisible': (
                        (Eval('direction') != 'incoming')
                        | ~Eval('state').in_(
                            ['assigned', 'in_treatment', 'answered'])),
                    'icon': 'tryton-email',
                    'depends': ['state', 'direction'],
                    },
                'answer': {
                    'invisible': ~Eval('state').in_(
                        ['assigned', 'in_treatment']),
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': ~Eval('state').in_(
                        ['registered', 'assigned', 'in_treatment',
                            'answered']),
                    'icon': 'tryton-close',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': ~Eval('state').in_(['answered', 'closed']),
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        pool = Pool()
        User = pool.get('res.user')
        company = Transaction().context.get('company')
        if company is None and Transaction().user:
            # REST calls carry no preferences: use the user's organisation
            user = User(Transaction().user)
            company = user.company.id if user.company else None
        return company

    @staticmethod
    def default_direction():
        return 'incoming'

    @staticmethod
    def default_medium():
        return 'paper'

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_confidential():
        return False

    @classmethod
    def default_reception_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        if self.number:
            return self.number
        return f'({self.id})' if self.id and self.id >= 0 else ''

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('number', *clause[1:]),
            ('subject', *clause[1:]),
            ]

    def get_classification_code(self, name):
        return self.classification.code if self.classification else None

    @classmethod
    def set_classification_code(cls, items, name, value):
        Classification = Pool().get('mail.classification')
        classification = None
        if value:
            classifications = Classification.search(
                [('code', '=', value.strip())], limit=1)
            if not classifications:
                raise ClassificationError(gettext(
                        'mons_mail.msg_unknown_classification', code=value))
            classification, = classifications
        cls.write(items, {
                'classification': classification.id if classification
                else None})

    @classmethod
    def get_late(cls, items, name):
        today = Pool().get('ir.date').today()
        return {i.id: bool(i.due_date and i.due_date < today
                and i.state in OPEN_STATES) for i in items}

    @classmethod
    def search_late(cls, name, clause):
        today = Pool().get('ir.date').today()
        _, operator, value = clause
        late = [('due_date', '<', today), ('state', 'in', OPEN_STATES)]
        if (operator == '=') == bool(value):
            return late
        return ['OR', ('due_date', '>=', today), ('due_date', '=', None),
            ('state', 'not in', OPEN_STATES)]

    def get_text(self, name):
        return None

    @classmethod
    def search_text_words(cls, name, clause):
        "Every word must appear in the indexed text (accents ignored)"
        _, operator, value = clause[:3]
        words = normalize(str(value or '')).replace('%', ' ').split()
        # The indexed text is already lower-case without accents: LIKE is
        # enough and lets PostgreSQL use the trigram index. A full
        # registration number uses the index of the number instead.
        domain = [
            ('number', '=', w.upper()) if NUMBER_RE.match(w)
            else ('search_text', 'like', f'%{w}%') for w in words]
        if operator.startswith('not') or operator.startswith('!'):
            return ['NOT', domain] if domain else [('id', '=', None)]
        return domain or [('id', '!=', None)]

    @classmethod
    def get_attachment_count(cls, items, name):
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        attachment = Attachment.__table__()
        cursor = Transaction().connection.cursor()
        result = {i.id: 0 for i in items}
        resources = [str(i) for i in items]
        cursor.execute(*attachment.select(
                attachment.resource, Count(attachment.id),
                where=attachment.resource.in_(resources),
                group_by=[attachment.resource]))
        for resource, count in cursor:
            result[int(resource.split(',')[1])] = count
        return result

    @fields.depends('type', 'reception_date', 'company', 'direction',
        'due_date', 'state')
    def on_change_type(self):
        if self.state in {'draft', 'registered'}:
            self.due_date = self.compute_due_date()

    def compute_due_date(self):
        pool = Pool()
        Holiday = pool.get('mons.holiday')
        Configuration = pool.get('mail.configuration')
        Date = pool.get('ir.date')
        if self.direction != 'incoming':
            return None
        if self.type:
            delay = self.type.delay
        else:
            delay = Configuration(1).default_delay
        if not delay:
            return None
        start = self.reception_date or Date.today()
        return Holiday.add_working_days(start, delay, company=self.company)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('late', False), 'danger',
                    If(Eval('confidential', False), 'warning', ''))),
            ]

    # Workflow -----------------------------------------------------------

    @classmethod
    def check_transition(cls, items, action):
        target = ACTIONS[action]
        action_name = gettext(f'mons_mail.msg_action_{action}')
        for item in items:
            if (item.state, target) not in cls._transitions:
                if action == 'register' and item.number:
                    raise RegistrationError(gettext(
                            'mons_mail.msg_already_registered',
                            item=item.rec_name, number=item.number))
                raise TransitionError(gettext(
                        'mons_mail.msg_transition_not_allowed',
                        action=action_name, item=item.rec_name,
                        state=item.state_string))

    @classmethod
    def readable(cls, ids):
        """Ids among ids the current user may read, by the record rules:
        for what a readable record shows of other items (links, letters)"""
        ids = list(ids)
        transaction = Transaction()
        if not transaction.user:
            return set(ids)
        with transaction.set_context(_check_access=True, active_test=False):
            return {i.id for i in cls.search([('id', 'in', ids)])}

    @classmethod
    def check_write_rule(cls, items):
        "Apply the write record rules of the current user"
        Rule = Pool().get('ir.rule')
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            Rule.check(cls.__name__, [i.id for i in items], mode='write')

    @classmethod
    def _comment(cls, item, comment):
        return comment or item.transition_comment or None

    @classmethod
    def add_history(cls, items, action, to_state=None, comment=None,
            to_service=None, from_service=None, old_value=None,
            new_value=None):
        History = Pool().get('mail.item.history')
        user = Transaction().user
        # The comment typed for the next action belongs to a button, not
        # to a change of a field recorded on the way
        workflow = action in ACTIONS or action == 'reply'
        # History is written by the server only: users may not create it
        with Transaction().set_context(_check_access=False):
            History.create([{
                        'item': i.id,
                        'action': action,
                        'user': user,
                        'from_state': i.state,
                        'to_state': to_state or i.state,
                        'from_service': (from_service or i.service or None)
                        and int(from_service or i.service),
                        'to_service': to_service and int(to_service) or (
                            int(i.service) if i.service else None),
                        'old_value': old_value,
                        'new_value': new_value,
                        'comment': (cls._comment(i, comment) if workflow
                            else comment),
                        } for i in items])
            clear = [i for i in items
                if workflow and i.transition_comment]
            if clear:
                cls.write(clear, {'transition_comment': None})

    @classmethod
    @checked('register')
    @ModelView.button
    @Workflow.transition('registered')
    def register(cls, items, comment=None):
        pool = Pool()
        YearSequence = pool.get('mail.sequence.year')
        Date = pool.get('ir.date')
        now = dt.datetime.now()
        for item in items:
            if not item.party:
                raise RegistrationError(gettext(
                        'mons_mail.msg_missing_party', item=item.rec_name))
            if not (item.subject or '').strip():
                raise RegistrationError(gettext(
                        'mons_mail.msg_missing_subject', item=item.rec_name))
        today = Date.today()
        for item in items:
            date = (item.reception_date if item.direction == 'incoming'
                else item.sending_date) or today
            values = {}
            if item.direction == 'incoming' and not item.reception_date:
                values['reception_date'] = date
            if item.direction == 'outgoing' and not item.sending_date:
                values['sending_date'] = date
            if values:
                cls.write([item], values)
            if item.direction == 'incoming' and not item.due_date:
                with trusted('due_date_computed'):
                    cls.write([item], {'due_date': item.compute_due_date()})
        # Trytond 8.0 serialises strict sequences by replaying the
        # transaction: the first lock() ends this attempt and the replay
        # takes the row lock as its first statement, then waits for the
        # other registrations (`[database] retry`). Asking for the lock here,
        # after the other work, staggers the parallel registrations: asking
        # first was measured faster but let some wait past the retries
        # (bench/RESULTS.md, Mail).
        for item in items:
            # The year is the one of the registration, as the mail office
            # stamps the letter then
            sequence = YearSequence.get_sequence(
                item.company, item.direction, today.year)
            _start_write_transaction(item)
            with Transaction().set_context(date=today):
                # The date of the context gives the year of the prefix;
                # a number reserved on a label sheet is the letter's
                number = item.number or sequence.get()
                cls.write([item], {
                        'number': number,
                        'registration_date': now,
                        'registered_by': Transaction().user,
                        })
            cls.add_history([item], 'register', 'registered', comment,
                new_value=number)
        cls._answer_linked(items)

    @classmethod
    def _answer_linked(cls, items):
        "Registering an answer marks the items it answers as answered"
        to_answer = []
        for item in items:
            if item.direction != 'outgoing':
                continue
            for link in item.links:
                if (link.kind == 'answer'
                        and link.target.state in {'assigned', 'in_treatment'}):
                    to_answer.append(link.target)
        if to_answer:
            to_answer = cls.browse(list(set(to_answer)))
            with Transaction().set_context(_check_access=False):
                cls.answer(to_answer, comment=', '.join(
                        i.number for i in items if i.number))

    @classmethod
    @checked('assign')
    @ModelView.button
    @Workflow.transition('assigned')
    def assign(cls, items, service=None, comment=None):
        if service is not None:
            cls.write(items, {'service': service})
            items = cls.browse(items)
        for item in items:
            if not item.service:
                raise TransitionError(gettext(
                        'mons_mail.msg_missing_service', item=item.rec_name,
                        action=gettext('mons_mail.msg_action_assign')))
        cls.add_history(items, 'assign', 'assigned', comment)
        with trusted('due_date_computed'):
            for item in items:
                if not item.due_date and item.direction == 'incoming':
                    cls.write([item], {'due_date': item.compute_due_date()})

    @classmethod
    @checked('take')
    @ModelView.button
    @Workflow.transition('in_treatment')
    def take(cls, items, comment=None):
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        cls.add_history(items, 'take', 'in_treatment', comment)
        if user.employee:
            without = [i for i in items if not i.agent
                and i.company == user.employee.company]
            if without:
                cls.write(without, {'agent': user.employee.id})

    @classmethod
    @checked('transfer')
    @ModelView.button
    @Workflow.transition('assigned')
    def transfer(cls, items, service=None, comment=None):
        for item in items:
            target = service if service is not None else item.transfer_to
            target = int(target) if target else None
            if not target or target == (item.service and item.service.id):
                raise TransitionError(gettext(
                        'mons_mail.msg_transfer_same_service',
                        item=item.rec_name))
            cls.add_history([item], 'transfer', 'assigned', comment,
                to_service=target)
            # The write rule may hide the item from the sender once it is
            # in another service: the transfer itself is checked above
            with Transaction().set_context(_check_access=False), \
                    trusted('agent_cleared', 'service_moved'):
                cls.write([item], {
                        'service': target,
                        'transfer_to': None,
                        'agent': None,
                        })

    @classmethod
    @checked('return_to_office')
    @ModelView.button
    @Workflow.transition('registered')
    def return_to_office(cls, items, comment=None):
        cls.add_history(items, 'return_to_office', 'registered', comment)
        with Transaction().set_context(_check_access=False), \
                trusted('agent_cleared'):
            cls.write(items, {'agent': None, 'transfer_to': None})

    @classmethod
    @checked('answer')
    @ModelView.button
    @Workflow.transition('answered')
    def answer(cls, items, comment=None):
        cls.add_history(items, 'answer', 'answered', comment)

    @classmethod
    @checked('close')
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, items, comment=None):
        cls.add_history(items, 'close', 'closed', comment)

    @classmethod
    @checked('reopen')
    @ModelView.button
    @Workflow.transition('in_treatment')
    def reopen(cls, items, comment=None):
        cls.add_history(items, 'reopen', 'in_treatment', comment)

    @classmethod
    @write_checked
    @ModelView.button
    def reply(cls, items):
        "Create the outgoing answers, prefilled and linked"
        pool = Pool()
        Link = pool.get('mail.item.link')
        replies = []
        for item in items:
            if (item.direction != 'incoming'
                    or item.state not in {
                        'assigned', 'in_treatment', 'answered'}):
                raise TransitionError(gettext(
                        'mons_mail.msg_reply_incoming_only',
                        item=item.rec_name))
        # A second click opens the draft the first one left instead of
        # leaving another one
        drafts = Link.search([
                ('target', 'in', [i.id for i in items]),
                ('kind', '=', 'answer'),
                ('item.direction', '=', 'outgoing'),
                ('item.state', '=', 'draft'),
                ], order=[('id', 'ASC')])
        existing = {}
        for link in drafts:
            existing.setdefault(link.target.id, link.item)
        new = []
        for item in items:
            if item.id in existing:
                continue
            new.append((item, cls(
                        company=item.company,
                        direction='outgoing',
                        medium='email' if item.medium == 'email' else 'paper',
                        party=item.party,
                        email_from=item.email_from,
                        subject=item.subject,
                        classification=item.classification,
                        keywords=item.keywords,
                        confidential=item.confidential,
                        service=item.service,
                        agent=item.agent,
                        )))
        if new:
            cls.save([r for _, r in new])
            Link.create([{
                        'item': r.id, 'target': i.id, 'kind': 'answer',
                        } for i, r in new])
            for item, reply in new:
                cls.add_history([item], 'reply', comment=gettext(
                        'mons_mail.msg_history_reply',
                        number=reply.rec_name))
                existing[item.id] = reply
        replies = [existing[i.id] for i in items]
        return cls._open_action(replies)

    @classmethod
    def _open_action(cls, items):
        "The action that opens the items in a form, for a button's answer"
        pool = Pool()
        Action = pool.get('ir.action')
        ModelData = pool.get('ir.model.data')
        action, = Action.get_action_values('ir.action.act_window',
            [ModelData.get_id('mons_mail', 'act_item_reply')])
        action['res_id'] = [i.id for i in items]
        return action

    # Storage -------------------------------------------------------------

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        imported = is_trusted('register_import')
        for values in vlist:
            # A letter is born a draft: its number, state and dates come
            # from the buttons. Callers are refused these fields by the
            # field access; server code gets the same answer here. The
            # default state 'draft' a client may send back is no change.
            for name in WORKFLOW_FIELDS:
                if imported and name in IMPORTED_FIELDS:
                    continue
                value = values.pop(name, None)
                if name == 'state' and value in {None, 'draft'}:
                    continue
                if value not in {None, ''} and name != 'search_text':
                    raise RegistrationError(gettext(
                            'mons_mail.msg_workflow_field_create',
                            field=cls.fields_get([name])[name]['string']))
        with trusted('copies'):
            items = super().create(vlist)
        # The search index is the server's (no caller may give it)
        cls._update_search_text(items)
        return items

    @staticmethod
    def _search_text(values, party_name):
        return normalize(' '.join(filter(None, [
                        values.get('number'), values.get('subject'),
                        values.get('keywords'),
                        values.get('external_reference'),
                        values.get('email_from'), party_name,
                        (values.get('scan_text') or '')[:20000],
                        ])))

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Employee = pool.get('company.employee')
        Service = pool.get('mons.service')
        actions = iter(args)
        to_history = []
        copies_before = {}
        fields_changed = set()
        for items, values in zip(actions, actions):
            fields_changed.update(values)
            if 'number' in values:
                for item in items:
                    # Whatever the context or the caller: a registered
                    # number is never rewritten (it would leave a gap)
                    if item.number and item.number != values['number']:
                        raise RegistrationError(gettext(
                                'mons_mail.msg_number_readonly',
                                item=item.rec_name))
            if ('due_date' in values
                    and not is_trusted('due_date_computed')):
                for item in items:
                    if item.due_date == values['due_date']:
                        continue
                    if item.state == 'draft':
                        continue
                    reason = values.get('due_date_reason')
                    if not (reason or '').strip():
                        raise DueDateError(gettext(
                                'mons_mail.msg_due_date_reason',
                                item=item.rec_name))
                    to_history.append((item, 'due_date', {
                                'comment': gettext(
                                    'mons_mail.msg_history_due_date',
                                    old=item.due_date or '-',
                                    new=values['due_date'] or '-',
                                    reason=reason),
                                'old_value': str(item.due_date or '-'),
                                'new_value': str(values['due_date'] or '-'),
                                }))
            if 'agent' in values and not is_trusted('agent_cleared'):
                agent = Employee(values['agent']) if values['agent'] else None
                for item in items:
                    if item.agent != agent and item.state != 'draft':
                        to_history.append((item, 'agent', {
                                    'comment': gettext(
                                        'mons_mail.msg_history_agent',
                                        agent=agent.rec_name if agent
                                        else '-'),
                                    'old_value': (item.agent.rec_name
                                        if item.agent else '-'),
                                    'new_value': (agent.rec_name if agent
                                        else '-'),
                                    }))
            # Who widened or narrowed who may read a registered letter is
            # kept, as iA.Docs keeps it
            if 'confidential' in values:
                for item in items:
                    if (item.state != 'draft'
                            and bool(item.confidential)
                            != bool(values['confidential'])):
                        to_history.append((item, 'confidential', {
                                    'old_value': cls._yes_no(
                                        item.confidential),
                                    'new_value': cls._yes_no(
                                        values['confidential']),
                                    }))
            if 'service' in values and not is_trusted('service_moved'):
                service = (Service(values['service']) if values['service']
                    else None)
                for item in items:
                    if item.service != service and item.state != 'draft':
                        to_history.append((item, 'service', {
                                    'from_service': item.service,
                                    'to_service': service,
                                    'old_value': (item.service.rec_name
                                        if item.service else '-'),
                                    'new_value': (service.rec_name
                                        if service else '-'),
                                    }))
            if 'copy_services' in values:
                for item in items:
                    if item.state != 'draft':
                        copies_before[item.id] = sorted(
                            s.rec_name for s in item.copy_services)
        with trusted('copies'):
            super().write(*args)
        for item, action, change in to_history:
            cls.add_history([item], action, **change)
        if copies_before:
            with Transaction().set_context(_check_access=False):
                for item in cls.browse(list(copies_before)):
                    after = sorted(s.rec_name for s in item.copy_services)
                    before = copies_before[item.id]
                    if after != before:
                        cls.add_history([item], 'copies',
                            old_value=', '.join(before) or '-',
                            new_value=', '.join(after) or '-')
        if fields_changed & SEARCH_TEXT_FIELDS:
            actions = iter(args)
            cls._update_search_text(cls.browse(
                    sum((list(r) for r, _ in zip(actions, actions)), [])))

    @staticmethod
    def _yes_no(value):
        return gettext('mons_mail.msg_yes' if value else 'mons_mail.msg_no')

    @classmethod
    def _update_search_text(cls, items):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        with Transaction().set_context(_check_access=False):
            # All read before any is written: forgetting a cached record
            # empties the cache of the others, which would then be read
            # again one by one (an import of thousands of letters)
            texts = [(item.id, cls._search_text({
                            n: getattr(item, n) for n in [
                                'number', 'subject', 'keywords',
                                'external_reference', 'email_from',
                                'scan_text']},
                        item.party.rec_name if item.party else None))
                for item in cls.browse(items)]
            for id_, text in texts:
                cursor.execute(*table.update(
                        [table.search_text], [text],
                        where=table.id == id_))
            for id_, _ in texts:
                cls._forget_cached(id_)

    @classmethod
    def update_scan_text(cls, items):
        "Index the text of the PDF attachments for the search"
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        from .ir import file_kind, pdf_text
        with Transaction().set_context(_check_access=False):
            for item in items:
                attachments = Attachment.search([
                        ('resource', '=', str(item)),
                        ('type', '=', 'data'),
                        ], order=[('id', 'ASC')])
                texts, to_read = [], []
                for attachment in attachments:
                    data = attachment.data or b''
                    kind = file_kind(data)
                    text = pdf_text(data) if kind == 'pdf' else ''
                    if kind and not text.strip():
                        # An image-only scan: its text comes from the OCR
                        if attachment.ocr_state == 'done':
                            text = attachment.ocr_text or ''
                        else:
                            to_read.append(attachment)
                    texts.append(text)
                if to_read:
                    Attachment.queue_ocr(to_read)
                text = '\n'.join(t for t in texts if t.strip()) or None
                if text != item.scan_text:
                    cls._store_scan_text(item, text)

    @classmethod
    def _store_scan_text(cls, item, text):
        """The text of the scans is an index of the attachments, not an
        edit of the letter: written in SQL so the letter's write date (the
        timestamp the desk's open form holds) does not change and the
        next button on that form does not fail as a concurrent edit."""
        table = cls.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        cursor.execute(*table.update(
                [table.scan_text], [text], where=table.id == item.id))
        cls._forget_cached(item.id)
        cls._update_search_text([item.id])

    @classmethod
    def _forget_cached(cls, id_):
        "Drop the values read before an SQL update, as write() does"
        transaction = Transaction()
        transaction.counter += 1
        for cache in transaction.cache.values():
            if cls.__name__ in cache:
                cache[cls.__name__].pop(id_, None)

    @classmethod
    def copy(cls, items, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'registration_date', 'registered_by',
                'history', 'backlinks', 'scan_text', 'search_text',
                'reminder_date', 'due_date', 'due_date_reason']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(items, default=default)

    @classmethod
    def check_modification(cls, mode, items, values=None, external=False):
        super().check_modification(
            mode, items, values=values, external=external)
        if mode == 'delete':
            for item in items:
                if item.number:
                    raise RegistrationError(gettext(
                            'mons_mail.msg_delete_registered',
                            item=item.rec_name, number=item.number))


class ItemService(ModelSQL):
    "Mail item in copy of a service"
    __name__ = 'mail.item-mons.service'

    item = fields.Many2One('mail.item', "Mail Item", required=True,
        ondelete='CASCADE')
    service = fields.Many2One('mons.service', "Service", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('item')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.service, Index.Equality())))

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        # Copies change through the letter, which records them in its
        # history
        if external and not is_trusted('copies'):
            raise MailAccessError(gettext('mons_mail.msg_copies_through_item'))
