"Import of the services' contact lists (Excel, CSV)."
import json

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.mons_base import upload
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import reader
from .crm_import_apply import ImportApply
from .crm_import_row import TARGETS, as_contact, check_row, guess_field
from .duplicate import load_directory
from .exceptions import ImportError_
from .normalize import Index, norm_text, prepare

PREVIEW_ROWS = 20


class Import(ImportApply, Workflow, ModelSQL, ModelView):
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
    # The batch cursor: rows processed whatever became of them
    imported_rows = fields.Integer("Rows Processed", readonly=True)
    created_parties = fields.Integer("Contacts Created", readonly=True)
    linked_parties = fields.Integer("Existing Contacts Linked",
        readonly=True,
        help="Rows matched to a contact of the directory, which was used.")
    skipped_rows = fields.Integer("Rows Skipped", readonly=True,
        help="Rows repeating an earlier row of the file.")
    refused_rows = fields.Integer("Rows Refused", readonly=True,
        help="Invalid rows, left out when only the valid rows are "
        "imported.")
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
                import_.list_.id if import_.list_ else None,
                headers={c.field: c.header for c in import_.columns
                    if c.field})
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
            import_.linked_parties = 0
            import_.skipped_rows = 0
            import_.refused_rows = 0
            import_.save()

    @classmethod
    def plan_rows(cls, rows, mapping, list_id=None, directory=None,
            headers=None):
        """What to do with each row and the report lines: errors, duplicates
        inside the file and against the directory."""
        if directory is None:
            directory = Index(load_directory())
        in_file = Index()
        plan, report = [], []
        for line, values in rows:
            mapped = {f: values[i] for i, f in mapping.items()
                if i < len(values)}
            clean, errors, remarks = check_row(line, mapped, headers)
            entry = {'line': line, 'values': clean, 'errors': errors,
                'match': None, 'score': None, 'same_as': None}
            messages = errors + remarks
            status = 'invalid' if errors else (
                'remark' if remarks else 'valid')
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
