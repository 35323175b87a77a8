"""Import of an existing mail register (CSV or Excel) with its numbers.

A municipality that starts with the suite brings its old register: each
row becomes a letter keeping the number printed on it. The analysis lists
what each line will create and every error (line, column, French message);
the import writes everything or nothing, and only what is not already in
the register: importing the same file again creates nothing twice.

The numbers cannot collide with the suite's own: an imported number the
yearly sequence could give one day (same prefix and suffix, digits in
between) moves that sequence past it, so the next letter registered gets
the number after the largest imported one."""
import datetime as dt
import re
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.mons_base.enterprise import (
    TYPES as ENTERPRISE_TYPES, identifier_type)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from . import register_import_file
from .exceptions import RegisterImportError
from .item import normalize
from .register_import_row import check_row, map_headers
from .trusted import trusted

# Errors repeated in the refusal of an import (all are in the analysis)
REFUSAL_ERRORS = 10
# Items read at once to find numbers already in the register
CHUNK = 500


def _noon(date):
    """Registration time of an old letter: the register gives its day
    only; noon keeps that day whatever the time zone it is shown in"""
    return dt.datetime.combine(date, dt.time(12))


class RegisterImport(Workflow, ModelSQL, ModelView):
    "Import of an existing mail register"
    __name__ = 'mail.register.import'

    _draft = {'readonly': Eval('state') != 'draft'}
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT', states=_draft,
        help="The organisation whose register the file is.")
    file = fields.Binary("File", filename='filename', states=_draft,
        help="CSV or Excel (.xlsx) file of the old register, one letter "
        "per row (columns: see the mail module's documentation).")
    filename = fields.Char("File Name", states=_draft)
    lines = fields.One2Many('mail.register.import.line', 'import_',
        "Analysis", readonly=True)
    rows = fields.Integer("Rows", readonly=True)
    to_create = fields.Integer("Letters to Create", readonly=True)
    already = fields.Integer("Already in the Register", readonly=True,
        help="Rows whose number was imported before: nothing to do.")
    errors = fields.Integer("Errors", readonly=True)
    items = fields.One2Many('mail.item', 'register_import',
        "Letters Imported", readonly=True)
    imported_by = fields.Many2One('res.user', "Imported by", readonly=True)
    imported_at = fields.DateTime("Imported at", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('analysed', "Analysed"),
            ('done', "Imported"),
            ], "State", readonly=True, required=True, sort=False)
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'analysed'),
            ('analysed', 'analysed'),
            ('analysed', 'draft'),
            ('analysed', 'done'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'analysed',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'analyse': {
                    'invisible': ~Eval('state').in_(['draft', 'analysed']),
                    'icon': 'tryton-search',
                    'depends': ['state'],
                    },
                'import_': {
                    # Pressed with errors left, it answers them
                    'invisible': Eval('state') != 'analysed',
                    'icon': 'tryton-import',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Pool().get('mail.item').default_company()

    @staticmethod
    def default_state():
        return 'draft'

    def get_rec_name(self, name):
        return self.filename or str(self.id)

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            # What the file gave is the buttons' to say
            for name in ['state', 'lines', 'rows', 'to_create', 'already',
                    'errors', 'items', 'imported_by', 'imported_at']:
                values.pop(name, None)
        return super().create(vlist)

    @classmethod
    def copy(cls, imports, default=None):
        default = default.copy() if default is not None else {}
        for name in ['lines', 'items', 'rows', 'to_create', 'already',
                'errors', 'imported_by', 'imported_at']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(imports, default=default)

    @classmethod
    def validate(cls, imports):
        super().validate(imports)
        for import_ in imports:
            # Refused when stored, before any reader opens it
            if import_.state == 'draft' and import_.file:
                try:
                    register_import_file.check_upload(
                        bytes(import_.file), import_.filename)
                except register_import_file.upload.UnreadableUpload:
                    # The analysis says why the file does not open
                    pass

    @classmethod
    def check_modification(cls, mode, imports, values=None, external=False):
        super().check_modification(
            mode, imports, values=values, external=external)
        if mode == 'delete':
            for import_ in imports:
                if import_.state == 'done':
                    raise RegisterImportError(gettext(
                            'mons_mail.msg_register_import_delete_done',
                            file=import_.rec_name))

    # Buttons -------------------------------------------------------------

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, imports):
        Line = Pool().get('mail.register.import.line')
        Line.delete([line for i in imports for line in i.lines])
        cls.write(imports, {'rows': None, 'to_create': None,
                'already': None, 'errors': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('analysed')
    def analyse(cls, imports):
        "Read the file and say what each line will do, or why it cannot"
        Line = Pool().get('mail.register.import.line')
        for import_ in imports:
            plan, report = import_.plan()
            Line.delete(list(import_.lines))
            Line.create([dict(r, import_=import_.id) for r in report])
            cls.write([import_], {
                    'rows': len(plan['rows']),
                    'to_create': len(plan['create']),
                    'already': sum(1 for r in report
                        if r['status'] == 'existing'),
                    'errors': plan['error_count'],
                    })

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def import_(cls, imports):
        """Create the letters of the file, all or none: the file is
        analysed again in this transaction, so what is written is what the
        register holds now"""
        for import_ in imports:
            plan, report = import_.plan()
            errors = [r['message'] for r in report if r['status'] == 'error']
            if errors:
                raise RegisterImportError(gettext(
                        'mons_mail.msg_register_import_refused',
                        count=len(errors),
                        errors='\n'.join(errors[:REFUSAL_ERRORS])))
            import_.create_items(plan)

    # Analysis ------------------------------------------------------------

    def plan(self):
        """(plan, report): plan holds the rows and the values of the
        letters to create; report one line per error, per letter to create
        and per letter already in the register"""
        pool = Pool()
        Service = pool.get('mons.service')
        Classification = pool.get('mail.classification')
        Date = pool.get('ir.date')
        filename = self.filename or ''
        plan = {'rows': [], 'create': [], 'error_count': 0}
        report = []

        def add_error(line, number, column, message):
            plan['error_count'] += 1
            report.append({'line': line, 'number': number or None,
                    'column': column or None, 'status': 'error',
                    'message': message})

        if not self.file:
            add_error(None, None, None, gettext(
                    'mons_mail.msg_register_import_file_missing'))
            return plan, report
        try:
            (header_line, headers), rows = register_import_file.read(
                self.file, filename)
        except (register_import_file.upload.UploadError,
                RegisterImportError) as error:
            add_error(None, None, None, error.message)
            return plan, report
        plan['rows'] = rows
        mapping, header_errors = map_headers(header_line, headers)
        for number, column, message in header_errors:
            add_error(header_line, number, column, message)
        if header_errors:
            return plan, report
        names = {key: headers[index] for index, key in mapping.items()}
        with without_check_access():
            facts = {
                'services': {s.code.upper(): s for s in Service.search([
                            ('company', '=', self.company.id),
                            ])},
                'classifications': {c.code: c for c in Classification.search(
                        [])},
                'company': self.company.rec_name,
                'today': Date.today(),
                }
        checked = []
        first_line = {}
        for line, cells in rows:
            extra = [v for i, v in enumerate(cells)
                if v and i not in mapping]
            if extra:
                # A value beyond the named columns would be lost
                add_error(line, None, None, gettext(
                        'mons_mail.msg_register_import_value_unnamed',
                        line=line, value=extra[0]))
            values, errors = check_row(line,
                {key: cells[index] for index, key in mapping.items()},
                names, facts)
            number = values.get('number')
            if number:
                if number in first_line:
                    errors.append((number, names['number'], gettext(
                                'mons_mail.msg_register_import_number_twice',
                                line=line, column=names['number'],
                                value=number, other=first_line[number])))
                else:
                    first_line[number] = line
            for number_, column, message in errors:
                add_error(line, number_, column, message)
            checked.append((line, values, bool(errors or extra)))
        existing = self._existing(
            [v['number'] for _, v, _ in checked if v.get('number')])
        parties = PartyFinder()
        for line, values, wrong in checked:
            number = values.get('number')
            if number in existing:
                item = existing[number]
                if item.register_import:
                    report.append({'line': line, 'number': number,
                            'column': None, 'status': 'existing',
                            'message': gettext(
                                'mons_mail.msg_register_import_line_existing',
                                line=line, number=number,
                                file=item.register_import.rec_name)})
                else:
                    add_error(line, number, names['number'], gettext(
                            'mons_mail.msg_register_import_number_taken',
                            line=line, column=names['number'], value=number,
                            subject=item.subject or '-'))
                continue
            if wrong:
                continue
            party, known = parties.find(
                values['party'], values.get('enterprise'))
            plan['create'].append((line, values))
            report.append({'line': line, 'number': number, 'column': None,
                    'status': 'create',
                    'message': gettext(
                        'mons_mail.msg_register_import_line_create',
                        line=line, number=number,
                        direction=gettext('mons_mail.msg_register_import_'
                            + values['direction']),
                        date=values['date'].strftime('%d/%m/%Y'),
                        state=gettext('mons_mail.msg_register_import_state_'
                            + values['state']),
                        party=values['party'],
                        contact=gettext(
                            'mons_mail.msg_register_import_party_known'
                            if known else
                            'mons_mail.msg_register_import_party_new'))})
        report.sort(key=lambda r: (r['line'] or 0,
                r['status'] != 'error'))
        return plan, report

    def _existing(self, numbers):
        "{number: item} of the numbers already in the organisation's register"
        Item = Pool().get('mail.item')
        existing = {}
        with without_check_access():
            for i in range(0, len(numbers), CHUNK):
                for item in Item.search([
                            ('company', '=', self.company.id),
                            ('number', 'in', numbers[i:i + CHUNK]),
                            ]):
                    existing[item.number] = item
        return existing

    # Import --------------------------------------------------------------

    def create_items(self, plan):
        pool = Pool()
        Item = pool.get('mail.item')
        Party = pool.get('party.party')
        transaction = Transaction()
        user = transaction.user
        now = dt.datetime.now()
        parties = PartyFinder()
        to_create = []
        for line, values in plan['create']:
            party, _ = parties.find(values['party'], values.get('enterprise'))
            to_create.append((values, party))
        with without_check_access():
            new = [p for _, p in to_create if p.id is None or p.id < 0]
            if new:
                # One contact per name (or enterprise number) of the file
                Party.save(list({id(p): p for p in new}.values()))
            vlist = []
            for values, party in to_create:
                date = values['date']
                incoming = values['direction'] == 'incoming'
                vlist.append({
                        'company': self.company.id,
                        'direction': values['direction'],
                        'medium': 'paper',
                        'number': values['number'],
                        'state': values['state'],
                        'registration_date': _noon(date),
                        'party': party.id,
                        'subject': values['subject'],
                        'external_reference': values.get(
                            'external_reference'),
                        'reception_date': date if incoming else None,
                        'sending_date': None if incoming else date,
                        'service': (values['service'].id
                            if values.get('service') else None),
                        'classification': (values['classification'].id
                            if values.get('classification') else None),
                        'confidential': values.get('confidential', False),
                        'register_import': self.id,
                        })
            # The numbers, states and registration dates of the old
            # register: given at creation under the import's trusted step,
            # which no caller can set (see trusted.py)
            with trusted('register_import'):
                items = Item.create(vlist)
            Item.add_history(items, 'import', comment=gettext(
                    'mons_mail.msg_history_imported',
                    file=self.rec_name, user=transaction.user and
                    pool.get('res.user')(user).rec_name or '-'))
            self.move_sequences(items)
            self.__class__.write([self], {
                    'imported_by': user, 'imported_at': now})

    def move_sequences(self, items):
        """Move each yearly sequence past the imported numbers it could
        give one day: the next number registered is after the largest
        imported one, never one of them"""
        pool = Pool()
        YearSequence = pool.get('mail.sequence.year')
        Configuration = pool.get('mail.configuration')
        Sequence = pool.get('ir.sequence.strict')
        Date = pool.get('ir.date')
        config = Configuration(1)
        today = Date.today()
        largest = defaultdict(int)
        for item in items:
            years = {int(y) for y in re.findall(r'(?<!\d)\d{4}(?!\d)',
                    item.number)}
            years |= {today.year, item.registration_date.year}
            for direction in ['incoming', 'outgoing']:
                template = getattr(config, f'{direction}_sequence')
                for year in years:
                    value = sequence_value(Sequence, template, year,
                        item.number)
                    if value is not None:
                        key = (direction, year)
                        largest[key] = max(largest[key], value)
        for (direction, year), value in sorted(largest.items()):
            sequence = YearSequence.get_sequence(
                self.company, direction, year)
            with without_check_access():
                # The registrations' lock: one waits for the other
                Sequence.lock([sequence])
                sequence = Sequence(sequence.id)
                if (sequence.number_next_internal or 0) <= value:
                    Sequence.write([sequence], {
                            'number_next': value + (
                                sequence.number_increment or 1)})


def sequence_value(Sequence, template, year, number):
    """The counter at which the template's sequence of that year gives
    number, or None when it never gives it"""
    date = dt.date(year, 1, 1)
    prefix = Sequence._process(template.prefix or '', date=date)
    suffix = Sequence._process(template.suffix or '', date=date)
    if not (number.startswith(prefix) and number.endswith(suffix)):
        return None
    digits = number[len(prefix):len(number) - len(suffix)]
    if not digits.isdigit():
        return None
    return int(digits)


class PartyFinder:
    """The contact of a row: the one with its enterprise number, else the
    oldest of the name, else a new one (one per name in the file)"""

    def __init__(self):
        self.cache = {}
        self.enterprises = None

    def by_enterprise(self, digits):
        "The oldest contact with that enterprise number"
        Identifier = Pool().get('party.identifier')
        if self.enterprises is None:
            self.enterprises = {}
            with without_check_access():
                for identifier in Identifier.search([
                            ('type', 'in', list(ENTERPRISE_TYPES)),
                            ], order=[('id', 'DESC')]):
                    code = re.sub(r'\D', '', identifier.code or '')
                    if len(code) >= 9:
                        self.enterprises[code[-9:]] = identifier.party
        return self.enterprises.get(digits[-9:])

    def find(self, name, enterprise=None):
        "(party, known): a new party is unsaved"
        pool = Pool()
        Party = pool.get('party.party')
        Identifier = pool.get('party.identifier')
        key = enterprise or normalize(' '.join(name.split()))
        if key in self.cache:
            return self.cache[key]
        party = None
        with without_check_access():
            if enterprise:
                party = self.by_enterprise(enterprise)
            if party is None:
                # Spaces as wildcards (a % or _ in the name too) widen
                # the search only: the names are then compared
                wanted = normalize(' '.join(name.split()))
                party = next((p for p in Party.search([
                                ('name', 'ilike', '%'.join(name.split())),
                                ], order=[('id', 'ASC')])
                        if normalize(' '.join((p.name or '').split()))
                        == wanted), None)
        known = party is not None
        if party is None:
            party = Party(name=' '.join(name.split()))
            if enterprise:
                party.identifiers = [Identifier(
                        type=identifier_type(enterprise), code=enterprise)]
        self.cache[key] = (party, known)
        return party, known


class RegisterImportLine(ModelSQL, ModelView):
    "Line of the analysis of an imported register"
    __name__ = 'mail.register.import.line'

    import_ = fields.Many2One('mail.register.import', "Import",
        required=True, ondelete='CASCADE', readonly=True)
    line = fields.Integer("Line", readonly=True)
    number = fields.Char("Number", readonly=True)
    column = fields.Char("Column", readonly=True)
    status = fields.Selection([
            ('create', "To create"),
            ('existing', "Already in the register"),
            ('error', "Error"),
            ], "Status", readonly=True)
    message = fields.Text("Message", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('import_')
        cls._order = [('line', 'ASC NULLS FIRST'), ('id', 'ASC')]

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        # The analysis is the server's: what a file gives is not typed in
        if external:
            raise RegisterImportError(gettext(
                    'mons_mail.msg_register_import_line_server_only'))

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('status') == 'error', 'danger', '')),
            ]


class Item(metaclass=PoolMeta):
    __name__ = 'mail.item'

    register_import = fields.Many2One('mail.register.import',
        "Imported from", readonly=True, ondelete='RESTRICT',
        states={'invisible': ~Eval('register_import')},
        help="The import of the old register this letter and its number "
        "come from.")

    @classmethod
    def copy(cls, items, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('register_import', None)
        return super().copy(items, default=default)
