"Import of the services' contact lists (Excel, CSV)."
import datetime as dt
import json

from sql.operators import Equal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    Exclude, ModelSQL, ModelView, Workflow, fields, sequence_ordered)
from trytond.modules.mons_base import upload
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import reader
from .duplicate import load_directory
from .exceptions import ImportError_
from .normalize import (
    POSTAL_CODE, Index, norm_phone, norm_postal_code, norm_text,
    prepare, valid_email, valid_phone)

TARGETS = [
    (None, ""),
    ('name', "Full Name"),
    ('first_name', "First Name"),
    ('last_name', "Last Name"),
    ('civility', "Civility"),
    ('organisation', "Organisation (works for)"),
    ('email', "Email"),
    ('phone', "Phone"),
    ('mobile', "Mobile"),
    ('street', "Street"),
    ('postal_code', "Postal Code"),
    ('city', "City"),
    ('country', "Country"),
    ('language', "Language"),
    ('category', "Categories"),
    ('birth_date', "Birth Date"),
    ('notes', "Notes"),
    ]
# Headers met in the services' files, normalised
SYNONYMS = {
    'name': ['nom complet', 'name', 'full name', 'raison sociale',
        'denomination', 'contact', 'naam'],
    'first_name': ['prenom', 'first name', 'firstname', 'voornaam',
        'vorname'],
    'last_name': ['nom', 'last name', 'lastname', 'nom de famille',
        'achternaam', 'familienname', 'surname'],
    'civility': ['civilite', 'titre', 'title', 'aanspreking', 'anrede'],
    'organisation': ['societe', 'entreprise', 'organisation', 'organization',
        'employeur', 'association', 'institution', 'company'],
    'email': ['email', 'e mail', 'mail', 'courriel', 'adresse email',
        'adresse e mail', 'adresse mail', 'e mailadres'],
    'phone': ['telephone', 'tel', 'phone', 'telefoon', 'telefon',
        'tel fixe'],
    'mobile': ['gsm', 'mobile', 'portable', 'tel mobile', 'handy'],
    'street': ['rue', 'adresse', 'address', 'street', 'straat',
        'rue et numero', 'adresse postale'],
    'postal_code': ['cp', 'code postal', 'postal code', 'zip', 'postcode',
        'code'],
    'city': ['localite', 'ville', 'commune', 'city', 'gemeente', 'ort',
        'section'],
    'country': ['pays', 'country', 'land'],
    'language': ['langue', 'language', 'taal', 'sprache', 'lang'],
    'category': ['categorie', 'categories', 'category', 'type', 'groupe'],
    'birth_date': ['date de naissance', 'naissance', 'birth date',
        'birthdate'],
    'notes': ['remarque', 'remarques', 'notes', 'note', 'commentaire',
        'commentaires', 'comment'],
    }
LANGUAGE_VALUES = {
    'fr': 'fr', 'francais': 'fr', 'french': 'fr', 'f': 'fr',
    'nl': 'nl', 'neerlandais': 'nl', 'nederlands': 'nl', 'dutch': 'nl',
    'n': 'nl', 'flamand': 'nl',
    'de': 'de', 'allemand': 'de', 'deutsch': 'de', 'german': 'de', 'd': 'de',
    'en': 'en', 'anglais': 'en', 'english': 'en', 'e': 'en',
    }
CIVILITY_VALUES = {
    'm': 'mr', 'mr': 'mr', 'monsieur': 'mr', 'dhr': 'mr', 'heer': 'mr',
    'herr': 'mr',
    'mme': 'mrs', 'madame': 'mrs', 'mrs': 'mrs', 'ms': 'mrs', 'mlle': 'mrs',
    'mevrouw': 'mrs', 'mevr': 'mrs', 'frau': 'mrs',
    }
COUNTRY_VALUES = {
    'be': 'BE', 'belgique': 'BE', 'belgie': 'BE', 'belgium': 'BE',
    'fr': 'FR', 'france': 'FR', 'nl': 'NL', 'pays bas': 'NL',
    'de': 'DE', 'allemagne': 'DE', 'lu': 'LU', 'luxembourg': 'LU',
    }
PREVIEW_ROWS = 20
CREATE_SIZE = 200


def guess_field(header):
    key = norm_text(header)
    for field, names in SYNONYMS.items():
        if key in names:
            return field
    return None


def parse_date(value):
    value = value.strip()
    for fmt in ('%Y-%m-%d', '%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y'):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def check_row(line, values):
    "(clean values, list of French messages) of one mapped row"
    errors = []
    clean = {k: v.strip() for k, v in values.items() if v and v.strip()}
    if not (clean.get('name') or clean.get('last_name')
            or clean.get('first_name') or clean.get('organisation')):
        errors.append(gettext('mons_crm.msg_import_row_no_name', line=line))
    if clean.get('email'):
        email = valid_email(clean['email'])
        if email:
            clean['email'] = email
        else:
            errors.append(gettext('mons_crm.msg_import_row_bad_email',
                    line=line, email=clean['email']))
    country = clean.get('country')
    if country:
        code = COUNTRY_VALUES.get(norm_text(country),
            country.upper() if len(country) == 2 else None)
        if not code:
            errors.append(gettext('mons_crm.msg_import_row_bad_country',
                    line=line, country=country))
        clean['country'] = code
    if clean.get('postal_code'):
        clean['postal_code'] = norm_postal_code(clean['postal_code'])
        if (clean.get('country') or 'BE') == 'BE' and not POSTAL_CODE.match(
                clean['postal_code']):
            errors.append(gettext('mons_crm.msg_import_row_bad_postal_code',
                    line=line, postal_code=values.get('postal_code')))
    for name in ['phone', 'mobile']:
        if clean.get(name):
            if not valid_phone(clean[name]):
                errors.append(gettext('mons_crm.msg_import_row_bad_phone',
                        line=line, phone=clean[name]))
            else:
                clean[name] = norm_phone(clean[name])
    if clean.get('language'):
        language = LANGUAGE_VALUES.get(norm_text(clean['language']))
        if not language:
            errors.append(gettext('mons_crm.msg_import_row_bad_language',
                    line=line, language=clean['language']))
        clean['language'] = language
    if clean.get('civility'):
        clean['civility'] = CIVILITY_VALUES.get(norm_text(clean['civility']))
    if clean.get('birth_date'):
        date = parse_date(clean['birth_date'])
        if not date:
            errors.append(gettext('mons_crm.msg_import_row_bad_date',
                    line=line, date=clean['birth_date']))
        else:
            clean['birth_date'] = date.isoformat()
    return clean, errors


def full_name(clean):
    name = clean.get('name') or ' '.join(filter(None, [
                clean.get('first_name'), clean.get('last_name')]))
    return name or clean.get('organisation') or ''


def as_contact(line, clean):
    return {
        'id': -line,
        'name': full_name(clean),
        'emails': [clean.get('email')],
        'phones': [clean.get('phone'), clean.get('mobile')],
        'street': [clean.get('street')],
        'postal_code': clean.get('postal_code'),
        }


class ImportMapping(ModelSQL):
    "Column mapping remembered per service"
    __name__ = 'mons.crm.import.mapping'

    service = fields.Many2One('mons.service', "Service", required=True,
        ondelete='CASCADE')
    header = fields.Char("Header", required=True)
    field = fields.Selection(TARGETS, "Field")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('service_header_unique', Exclude(t, (t.service, Equal),
                    (t.header, Equal)),
                'mons_crm.msg_import_mapping_unique'),
            ]

    @classmethod
    def remembered(cls, service):
        return {m.header: m.field for m in cls.search([
                    ('service', '=', service.id)])}

    @classmethod
    def remember(cls, service, columns):
        existing = {m.header: m for m in cls.search([
                    ('service', '=', service.id)])}
        to_create, to_write = [], []
        for column in columns:
            key = norm_text(column.header)
            if key in existing:
                if existing[key].field != column.field:
                    to_write.extend([[existing[key]],
                            {'field': column.field}])
            else:
                to_create.append({'service': service.id, 'header': key,
                        'field': column.field})
        if to_create:
            cls.create(to_create)
        if to_write:
            cls.write(*to_write)


class Import(Workflow, ModelSQL, ModelView):
    "Import of a contact list"
    __name__ = 'mons.crm.import'

    _draft = {'readonly': Eval('state') != 'draft'}
    name = fields.Char("Name", required=True, states=_draft)
    service = fields.Many2One('mons.service', "Service", required=True,
        ondelete='RESTRICT', states=_draft)
    list_ = fields.Many2One('marketing.email.list', "List", required=True,
        ondelete='RESTRICT',
        states={'readonly': ~Eval('state').in_(['draft', 'mapped'])},
        help="The list the contacts are subscribed to.")
    file = fields.Binary("File", filename='filename', states=_draft)
    filename = fields.Char("File Name", states=_draft)
    file_info = fields.Char("File Format", readonly=True)
    problem = fields.Text("Problem", readonly=True,
        states={'invisible': ~Eval('problem')},
        help="Why the file could not be analysed by the queue.")
    consent_proof = fields.Text("Consent Proof",
        states={'readonly': ~Eval('state').in_(['draft', 'mapped'])},
        help="How the people of the file agreed to receive the emails.")
    mode = fields.Selection([
            ('all', "All rows (refused if one is invalid)"),
            ('valid', "Only the valid rows"),
            ], "Rows to Import", required=True,
        states={'readonly': Eval('state').in_(['importing', 'done'])})
    duplicate_action = fields.Selection([
            ('link', "Use the existing contact"),
            ('create', "Create a new contact"),
            ], "Contacts Already in the Directory", required=True,
        states={'readonly': Eval('state').in_(['importing', 'done'])})
    columns = fields.One2Many('mons.crm.import.column', 'import_',
        "Columns",
        states={'readonly': Eval('state') != 'mapped'})
    lines = fields.One2Many('mons.crm.import.line', 'import_', "Report",
        readonly=True)
    preview = fields.Text("Preview", readonly=True)
    total_rows = fields.Integer("Rows", readonly=True)
    valid_rows = fields.Integer("Valid Rows", readonly=True)
    invalid_rows = fields.Integer("Invalid Rows", readonly=True)
    duplicate_rows = fields.Integer("Duplicates", readonly=True)
    imported_rows = fields.Integer("Imported Rows", readonly=True)
    created_parties = fields.Integer("Contacts Created", readonly=True)
    progress = fields.Float("Progress", digits=(1, 2), readonly=True)
    plan = fields.Text("Plan", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('analysing', "Analysing"),
            ('mapped', "Columns to Map"),
            ('checking', "Checking"),
            ('checked', "Checked"),
            ('importing', "Importing"),
            ('done', "Done"),
            ], "State", readonly=True, required=True, sort=False)
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'mapped'),
            ('draft', 'analysing'),
            ('analysing', 'mapped'),
            ('analysing', 'draft'),
            ('mapped', 'checked'),
            ('mapped', 'checking'),
            ('checked', 'checking'),
            ('checking', 'checked'),
            ('checked', 'checked'),
            ('checked', 'mapped'),
            ('mapped', 'draft'),
            ('checked', 'draft'),
            ('checked', 'importing'),
            ('importing', 'done'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': ~Eval('state').in_(
                        ['analysing', 'mapped', 'checked']),
                    'depends': ['state'],
                    },
                'analyse': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'check': {
                    'invisible': ~Eval('state').in_(['mapped', 'checked']),
                    'depends': ['state'],
                    },
                'import_': {
                    'invisible': Eval('state') != 'checked',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_mode(cls):
        return 'all'

    @classmethod
    def default_duplicate_action(cls):
        return 'link'

    @classmethod
    def default_service(cls):
        User = Pool().get('res.user')
        if Transaction().user:
            services = User.get_services_ids()
            if services:
                return services[0]

    @fields.depends('filename', 'name')
    def on_change_filename(self):
        if self.filename and not self.name:
            self.name = self.filename

    @classmethod
    def copy(cls, imports, default=None):
        default = default.copy() if default else {}
        for name in ['columns', 'lines', 'plan', 'preview']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(imports, default=default)

    @classmethod
    def validate(cls, imports):
        super().validate(imports)
        for import_ in imports:
            # The file changes only in draft
            if import_.state == 'draft' and import_.file:
                # Refused when stored, before any reader opens it; a file
                # that does not even open is told by the analysis
                try:
                    import_.check_upload(bytes(import_.file))
                except upload.UnreadableUpload:
                    pass

    def check_upload(self, data):
        """The limits of uploads; a CSV, read whole, is held to the limit
        of an inflated workbook"""
        upload.check(data, self.filename or self.name, kinds={'zip'},
            max_size=upload.limits().max_unpacked_document)

    def read_file(self):
        return reader.read_table(bytes(self.file or b''), self.filename)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, imports):
        Column = Pool().get('mons.crm.import.column')
        Line = Pool().get('mons.crm.import.line')
        Column.delete([c for i in imports for c in i.columns])
        Line.delete([line for i in imports for line in i.lines])
        cls.write(imports, {'plan': None, 'preview': None,
                'progress': 0, 'total_rows': None, 'valid_rows': None,
                'invalid_rows': None, 'duplicate_rows': None})

    @classmethod
    @ModelView.button
    def analyse(cls, imports):
        """Read the file and propose a mapping of its columns: at once for
        a small file, by the queue past the threshold so that a large one
        never holds a server thread (the import shows 'Analysing')."""
        threshold = upload.queue_threshold()
        now, later = [], []
        for import_ in imports:
            if import_.state != 'draft':
                continue
            data = bytes(import_.file or b'')
            # Limits checked in the request: a refused file is never queued
            try:
                import_.check_upload(data)
            except upload.UnreadableUpload:
                # The reader says why, in the request if small enough
                pass
            (later if len(data) > threshold else now).append(import_)
        if now:
            cls.do_analyse(now)
        if later:
            cls.analysing(later)
            cls.write(later, {'problem': None})
            with Transaction().set_context(queue_name='mons_crm_import'):
                cls.__queue__.analyse_queued(later)

    @classmethod
    @Workflow.transition('analysing')
    def analysing(cls, imports):
        pass

    @classmethod
    def analyse_queued(cls, imports):
        """The queue's analysis: a file that cannot be read sends its
        import back to draft with the reason, instead of failing the task"""
        for import_ in imports:
            import_ = cls(import_.id)
            if import_.state != 'analysing':
                continue
            # Read before anything is written: a refusal leaves nothing
            # to undo
            try:
                content = import_.read_file()
            except UserError as error:
                cls.back_to_draft([import_])
                cls.write([import_], {'problem': '\n'.join(filter(None,
                                [error.message, error.description]))})
                continue
            cls.do_analyse([import_], {import_.id: content})

    @classmethod
    @Workflow.transition('draft')
    def back_to_draft(cls, imports):
        pass

    @classmethod
    @Workflow.transition('mapped')
    def do_analyse(cls, imports, contents=None):
        "Propose the mapping from the file, or from its content already read"
        pool = Pool()
        Column = pool.get('mons.crm.import.column')
        Mapping = pool.get('mons.crm.import.mapping')
        contents = contents or {}
        for import_ in imports:
            headers, rows, info = (contents.get(import_.id)
                or import_.read_file())
            remembered = Mapping.remembered(import_.service)
            vlist = []
            for index, header in enumerate(headers):
                key = norm_text(header)
                field = remembered.get(key, guess_field(header))
                samples = [r[index] for _, r in rows[:5] if r[index]]
                vlist.append({
                        'import_': import_.id,
                        'sequence': index,
                        'index': index,
                        'header': header,
                        'field': field,
                        'sample': ' | '.join(samples)[:200],
                        })
            Column.delete(list(import_.columns))
            Column.create(vlist)
            import_.file_info = ', '.join(
                f'{k}: {v}' for k, v in info.items())
            import_.total_rows = len(rows)
            import_.problem = None
            import_.save()

    @classmethod
    @ModelView.button
    def check(cls, imports):
        """Check now the small files; the large ones in the background so
        that the desk is not blocked."""
        pool = Pool()
        Configuration = pool.get('mons.crm.configuration')
        limit = Configuration(1).background_rows or 0
        now = [i for i in imports if (i.total_rows or 0) <= limit]
        later = [i for i in imports if i not in now]
        if now:
            cls.do_check(now)
        if later:
            cls.checking(later)
            with Transaction().set_context(queue_name='mons_crm_import'):
                cls.__queue__.do_check(later)

    @classmethod
    @Workflow.transition('checking')
    def checking(cls, imports):
        pass

    @classmethod
    @Workflow.transition('checked')
    def do_check(cls, imports):
        """Validate every row, look for duplicates inside the file and
        against the directory and remember the mapping for the service."""
        pool = Pool()
        Line = pool.get('mons.crm.import.line')
        Mapping = pool.get('mons.crm.import.mapping')
        for import_ in imports:
            mapping = {c.index: c.field for c in import_.columns if c.field}
            fields_ = list(mapping.values())
            for field in set(fields_):
                if fields_.count(field) > 1:
                    raise ImportError_(gettext(
                            'mons_crm.msg_import_field_twice',
                            field=dict(TARGETS)[field]))
            if not ({'name', 'last_name', 'first_name', 'organisation'}
                    & set(fields_)):
                raise ImportError_(gettext('mons_crm.msg_import_no_name'))
            Mapping.remember(import_.service, import_.columns)
            headers, rows, _ = import_.read_file()
            plan, report = cls.plan_rows(rows, mapping,
                import_.list_.id if import_.list_ else None)
            Line.delete(list(import_.lines))
            Line.create([dict(r, import_=import_.id) for r in report])
            import_.plan = json.dumps(plan, separators=(',', ':'))
            import_.total_rows = len(rows)
            import_.invalid_rows = sum(1 for p in plan if p['errors'])
            import_.duplicate_rows = sum(1 for p in plan
                if not p['errors'] and (p['match'] or p['same_as']))
            import_.valid_rows = import_.total_rows - import_.invalid_rows
            import_.preview = cls.format_preview(plan[:PREVIEW_ROWS])
            import_.progress = 0
            import_.imported_rows = 0
            import_.created_parties = 0
            import_.save()

    @classmethod
    def plan_rows(cls, rows, mapping, list_id=None, directory=None):
        """What to do with each row and the report lines: errors, duplicates
        inside the file and against the directory."""
        if directory is None:
            directory = Index(load_directory())
        in_file = Index()
        plan, report = [], []
        for line, values in rows:
            mapped = {f: values[i] for i, f in mapping.items()
                if i < len(values)}
            clean, errors = check_row(line, mapped)
            entry = {'line': line, 'values': clean, 'errors': errors,
                'match': None, 'score': None, 'same_as': None}
            messages = list(errors)
            status = 'invalid' if errors else 'valid'
            if not errors:
                contact = prepare(as_contact(line, clean))
                match = in_file.match(contact, threshold=85)
                if match:
                    entry['same_as'] = -match[0]
                    status = 'duplicate_file'
                    messages.append(gettext(
                            'mons_crm.msg_import_row_duplicate_file',
                            line=line, other=-match[0]))
                else:
                    in_file.add(contact)
                    match = directory.match(contact)
                    if match:
                        entry['match'], entry['score'] = match[0], match[1]
                        status = 'duplicate_directory'
                        messages.append(gettext(
                                'mons_crm.msg_import_row_duplicate_directory',
                                line=line, score=match[1]))
            plan.append(entry)
            if status != 'valid':
                report.append({
                        'line': line,
                        'status': status,
                        'messages': '\n'.join(messages),
                        'party': entry['match'],
                        'score': entry['score'],
                        'summary': ' | '.join(
                            v for v in mapped.values() if v)[:200],
                        })
        return plan, report

    @classmethod
    def format_preview(cls, plan):
        lines = []
        for entry in plan:
            values = entry['values']
            state = '✗' if entry['errors'] else (
                '≈' if entry['match'] or entry['same_as'] else '✓')
            lines.append(f"{entry['line']:>5} {state} " + ' | '.join(
                    f'{k}={v}' for k, v in values.items()))
        return '\n'.join(lines)

    @classmethod
    @ModelView.button
    @Workflow.transition('importing')
    def import_(cls, imports):
        for import_ in imports:
            if import_.invalid_rows and import_.mode == 'all':
                plan = json.loads(import_.plan)
                errors = [e for p in plan for e in p['errors']]
                raise ImportError_(gettext(
                        'mons_crm.msg_import_refused',
                        count=import_.invalid_rows,
                        errors='\n'.join(errors[:10])))
        with Transaction().set_context(queue_name='mons_crm_import'):
            cls.__queue__.process(imports)

    @classmethod
    def process(cls, imports):
        """Import one batch of rows and queue the next one: the desk is not
        blocked and the progress shows between batches."""
        pool = Pool()
        Configuration = pool.get('mons.crm.configuration')
        batch = Configuration(1).import_batch_size or 2000
        todo = []
        for import_ in imports:
            if import_.state != 'importing':
                continue
            if import_.process_batch(batch):
                todo.append(import_)
            else:
                cls.done([import_])
        if todo:
            with Transaction().set_context(queue_name='mons_crm_import'):
                cls.__queue__.process(todo)

    @classmethod
    @Workflow.transition('done')
    def done(cls, imports):
        for import_ in imports:
            import_.progress = 1
            import_.save()

    def process_batch(self, size):
        "Import the next size rows; True while rows remain"
        pool = Pool()
        Party = pool.get('party.party')
        Email = pool.get('marketing.email')
        Country = pool.get('country.country')
        Category = pool.get('party.category')
        RelationType = pool.get('party.relation.type')
        ModelData = pool.get('ir.model.data')

        plan = json.loads(self.plan)
        start = self.imported_rows or 0
        chunk = plan[start:start + size]
        if not chunk:
            return False
        countries = {c.code: c.id for c in Country.search([])}
        categories = {norm_text(c.name): c for c in Category.search([])}
        works_for = RelationType(ModelData.get_id('mons_crm',
                'relation_type_works_for'))
        organisations = {}
        list_id = self.list_.id
        service_id = self.service.id

        def category_ids(value):
            ids = []
            for name in filter(None, (v.strip() for v in
                        value.replace(';', ',').split(','))):
                category = categories.get(norm_text(name))
                if category is None:
                    category, = Category.create([{'name': name}])
                    categories[norm_text(name)] = category
                ids.append(category.id)
            return ids

        def organisation_id(name):
            key = norm_text(name)
            if key not in organisations:
                found = Party.search([
                        ('name', 'ilike', name),
                        ('crm_kind', '=', 'organisation'),
                        ], limit=1)
                if not found:
                    found = Party.create([{
                                'name': name, 'crm_kind': 'organisation',
                                'owner_service': service_id,
                                'crm_services': [('add', [service_id])],
                                }])
                organisations[key] = found[0].id
            return organisations[key]

        to_create, rows_created = [], []
        to_link = []
        subscriptions = []
        for entry in chunk:
            if entry['errors'] or entry['same_as']:
                continue
            values = entry['values']
            if entry['match'] and self.duplicate_action == 'link':
                to_link.append((entry['match'], values))
                continue
            party = {
                'name': full_name(values),
                'crm_kind': ('organisation' if not (values.get('name')
                        or values.get('last_name') or values.get(
                            'first_name')) else 'person'),
                'first_name': values.get('first_name'),
                'last_name': values.get('last_name'),
                'civility': values.get('civility'),
                'language': values.get('language') or 'fr',
                'birth_date': (dt.date.fromisoformat(values['birth_date'])
                    if values.get('birth_date') else None),
                'crm_notes': values.get('notes'),
                'owner_service': service_id,
                'crm_services': [('add', [service_id])],
                'addresses': [],
                'contact_mechanisms': [],
                }
            if values.get('category'):
                party['categories'] = [
                    ('add', category_ids(values['category']))]
            if any(values.get(k) for k in ['street', 'postal_code', 'city']):
                party['addresses'] = [('create', [{
                                'street_unstructured': values.get('street'),
                                'postal_code': values.get('postal_code'),
                                'city': values.get('city'),
                                'country': countries.get(
                                    values.get('country') or 'BE'),
                                }])]
            else:
                party['addresses'] = []
            mechanisms = [{'type': t, 'value': values[t]}
                for t in ['email', 'phone', 'mobile'] if values.get(t)]
            if mechanisms:
                party['contact_mechanisms'] = [('create', mechanisms)]
            if values.get('organisation') and party['crm_kind'] == 'person':
                party['relations'] = [('create', [{
                                'to': organisation_id(values['organisation']),
                                'type': works_for.id,
                                }])]
            to_create.append(party)
            rows_created.append(values)
        # Codes drawn in one go and small creates: Tryton checks every id
        # of a batch for each record it browses (quadratic in the batch)
        if to_create and (sequence := Party._code_sequence()):
            for values, code in zip(to_create,
                    sequence.get_many(len(to_create))):
                values['code'] = code
        parties = []
        for start_ in range(0, len(to_create), CREATE_SIZE):
            parties.extend(Party.create(
                    to_create[start_:start_ + CREATE_SIZE]))
        for party, values in zip(parties, rows_created):
            if values.get('email'):
                subscriptions.append((party.id, values['email']))
        if to_link:
            linked = Party.browse([p for p, _ in to_link])
            Party.write(linked, {
                    'crm_services': [('add', [service_id])],
                    'last_used': dt.date.today(),
                    'retention_due': False,
                    })
            for party, (_, values) in zip(linked, to_link):
                email = values.get('email') or party.email
                if email:
                    subscriptions.append((party.id, email))
        if subscriptions:
            existing = {e.email for e in Email.search([
                        ('list_', '=', list_id),
                        ('email', 'in', [e.lower() for _, e in subscriptions]),
                        ('active', 'in', [True, False]),
                        ])}
            vlist = []
            for party_id, email in subscriptions:
                if email.lower() in existing:
                    continue
                existing.add(email.lower())
                vlist.append({
                        'list_': list_id,
                        'email': email,
                        'contact': party_id,
                        'source': 'import',
                        'consent_proof': self.consent_proof,
                        })
            for start_ in range(0, len(vlist), CREATE_SIZE):
                Email.create(vlist[start_:start_ + CREATE_SIZE])
        self.imported_rows = start + len(chunk)
        self.created_parties = (self.created_parties or 0) + len(parties)
        self.progress = self.imported_rows / len(plan)
        self.save()
        return self.imported_rows < len(plan)


class ImportColumn(sequence_ordered(), ModelSQL, ModelView):
    "Column of an imported file"
    __name__ = 'mons.crm.import.column'

    import_ = fields.Many2One('mons.crm.import', "Import", required=True,
        ondelete='CASCADE', readonly=True)
    index = fields.Integer("Index", readonly=True)
    header = fields.Char("Header", readonly=True)
    sample = fields.Char("Sample", readonly=True)
    field = fields.Selection(TARGETS, "Field")


class ImportLine(ModelSQL, ModelView):
    "Row of an imported file with a problem"
    __name__ = 'mons.crm.import.line'

    import_ = fields.Many2One('mons.crm.import', "Import", required=True,
        ondelete='CASCADE', readonly=True)
    line = fields.Integer("Line", readonly=True)
    status = fields.Selection([
            ('invalid', "Invalid"),
            ('duplicate_file', "Duplicate in the File"),
            ('duplicate_directory', "Already in the Directory"),
            ], "Status", readonly=True)
    messages = fields.Text("Messages", readonly=True)
    party = fields.Many2One('party.party', "Existing Contact",
        ondelete='SET NULL', readonly=True)
    score = fields.Float("Score", digits=(3, 1), readonly=True)
    summary = fields.Char("Values", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('line', 'ASC'), ('id', 'ASC')]
