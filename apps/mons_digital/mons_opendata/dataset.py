"Inventory of the datasets (DCAT-AP 3 metadata) and their distributions."
import datetime as dt
import json
import re
import secrets
import uuid

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access

from . import vocabulary as voc
from .exceptions import PublicationError, SchemaError, SourceError
from .guard import ButtonFieldsMixin

STATES = [
    ('draft', "Draft"),
    ('validated', "Validated"),
    ('approved', "Approved"),
    ('published', "Published"),
    ]
ACCESS_LEVELS = [
    ('internal', "Internal"),
    ('public', "Public"),
    ('restricted', "Restricted"),
    ]
TABLE_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'datetime',
    'time', 'year', 'geopoint', 'any']


# What the DPO approves: a change to any of them sends an approved or
# published dataset back to the DPO's review
REVIEWED_FIELDS = {'access_level', 'personal_data', 'personal_fields',
    'schema', 'steps', 'sources'}


class Dataset(ButtonFieldsMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'opendata.dataset'
    _rec_name = 'title'
    # changed by buttons and methods only; a client may not set them
    _button_fields = {'state', 'dpo_approved_by', 'dpo_approved_at',
        'review_reason', 'current_version', 'issued', 'quality',
        'quality_details', 'runs', 'versions', 'publications'}
    # generated on create; a client's value is ignored
    _generated_fields = {'uuid', 'pseudonym_salt'}

    _states = {'readonly': Eval('state') != 'draft'}

    code = fields.Char("Identifier", required=True, strip=True,
        help="Short name used in the URLs of the APIs, e.g. toilettes-publiques.")
    uuid = fields.Char("UUID", readonly=True, required=True)
    title = fields.Char("Title", required=True, translate=True)
    description = fields.Text("Description", translate=True)
    company = fields.Many2One('company.company', "Publisher", required=True,
        ondelete='RESTRICT')
    service = fields.Many2One('mons.service', "Owning Service",
        required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    steward = fields.Many2One('res.user', "Data Steward", ondelete='SET NULL')
    contact_name = fields.Char("Contact Point")
    contact_email = fields.Char("Contact Email")
    keywords = fields.Char("Keywords",
        help="Comma separated keywords.")
    themes = fields.MultiSelection(voc.THEMES, "Themes",
        help="Data themes of the EU vocabulary.")
    sections = fields.Many2Many('opendata.dataset-mons.section', 'dataset',
        'section', "Spatial Coverage",
        help="Sections covered; empty means the whole municipality.")
    temporal_start = fields.Date("Temporal Coverage Start")
    temporal_end = fields.Date("Temporal Coverage End",
        domain=[If(Bool(Eval('temporal_start')) & Bool(Eval('temporal_end')),
                ('temporal_end', '>=', Eval('temporal_start')), ())])
    frequency = fields.Selection([(c, l) for c, l, _ in voc.FREQUENCIES],
        "Update Frequency", required=True)
    licence = fields.Selection([(c, l) for c, l, _, _ in voc.LICENCES],
        "Licence", required=True)
    access_level = fields.Selection(ACCESS_LEVELS, "Access Level",
        required=True,
        help="Internal: staff only. Public: anyone. "
        "Restricted: the owning service, data stewards and the DPO.")
    personal_data = fields.Boolean("Personal Data",
        help="The source contains personal data.")
    personal_fields = fields.Char("Personal Fields",
        states={'invisible': ~Eval('personal_data')},
        help="Comma separated fields holding personal data; they must be "
        "dropped or aggregated before a public publication.")
    pseudonym_salt = fields.Char("Pseudonym Salt", readonly=True)
    schema = fields.Text("Table Schema",
        help="Frictionless Table Schema (JSON): fields, types, constraints, "
        "primaryKey. Kept in step with the fields below.")
    schema_fields = fields.One2Many('opendata.schema.field', 'dataset',
        "Fields",
        help="The columns of the dataset: name, title, type, format. "
        "Guessed from the file when none are given.")
    latitude_field = fields.Char("Latitude Field")
    longitude_field = fields.Char("Longitude Field")
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    sources = fields.One2Many('opendata.source', 'dataset', "Sources")
    steps = fields.One2Many('opendata.step', 'dataset', "Cleaning Steps")
    runs = fields.One2Many('opendata.run', 'dataset', "Runs", readonly=True)
    versions = fields.One2Many('opendata.version', 'dataset', "Versions",
        readonly=True)
    publications = fields.One2Many('opendata.publication', 'dataset',
        "Publications", readonly=True)
    distributions = fields.One2Many('opendata.distribution', 'dataset',
        "Distributions")
    current_version = fields.Many2One('opendata.version', "Online Version",
        readonly=True, ondelete='SET NULL',
        help="The version served by the APIs and the portal.")
    auto_refresh = fields.Boolean("Scheduled Refresh",
        help="Collect the sources again at the update frequency.")
    next_refresh = fields.DateTime("Next Refresh",
        states={'invisible': ~Eval('auto_refresh')})
    issued = fields.DateTime("First Published", readonly=True)
    dpo_approved_by = fields.Many2One('res.user', "Approved by the DPO",
        readonly=True, ondelete='RESTRICT')
    dpo_approved_at = fields.DateTime("Approved by the DPO on",
        readonly=True)
    review_reason = fields.Char("Back to DPO Review", readonly=True,
        help="Why an approved dataset went back to the DPO's review.")
    last_run = fields.Function(fields.Many2One('opendata.run', "Last Run"),
        'get_last_run')
    record_count = fields.Function(fields.Integer("Records"),
        'get_record_count')
    quality = fields.Integer("Quality Score", readonly=True,
        help="Score out of 100 in the spirit of data.gouv.fr, computed "
        "after each run, publication and change.")
    quality_details = fields.Text("Quality Details", readonly=True)
    downloads = fields.Function(fields.Integer("Downloads"), 'get_usage')
    api_calls = fields.Function(fields.Integer("API Calls"), 'get_usage')
    usage = fields.One2Many('opendata.usage', 'dataset', "Usage per Month",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'mons_opendata.msg_dataset_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality())),
                Index(t, (t.access_level, Index.Equality())),
                })
        cls._order = [('title', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('draft', 'validated'),
            ('validated', 'approved'),
            ('validated', 'published'),
            ('approved', 'published'),
            ('validated', 'draft'),
            ('approved', 'draft'),
            ('published', 'draft'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') == 'draft',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'validate_dataset': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'validated',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'publish': {
                    'invisible': ~Eval('state').in_(['validated', 'approved']),
                    'icon': 'tryton-launch',
                    'depends': ['state'],
                    },
                'refresh': {
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                'guess_schema': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-import',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        # datasets created in one batch before each record drew its own
        # identifier shared one: all but the first get a new one, so CKAN
        # and DCAT clients see distinct datasets
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, table.uuid,
                order_by=[table.id.asc]))
        seen = set()
        for id_, value in cursor.fetchall():
            if value in seen or not value:
                cursor.execute(*table.update([table.uuid],
                        [str(uuid.uuid4())], where=table.id == id_))
            else:
                seen.add(value)

    @staticmethod
    def default_uuid():
        return str(uuid.uuid4())

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_frequency():
        return 'IRREG'

    @staticmethod
    def default_licence():
        return 'CC_BY_4_0'

    @staticmethod
    def default_access_level():
        return 'internal'

    @staticmethod
    def default_personal_data():
        return False

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_steward():
        return Transaction().user or None

    @staticmethod
    def default_latitude_field():
        return 'latitude'

    @staticmethod
    def default_longitude_field():
        return 'longitude'

    @staticmethod
    def default_pseudonym_salt():
        return secrets.token_hex(16)

    @staticmethod
    def default_auto_refresh():
        return False

    @classmethod
    def copy(cls, datasets, default=None):
        default = default.copy() if default else {}
        default.setdefault('code', lambda d: d['code'] + '-copie')
        default.setdefault('uuid', lambda d: str(uuid.uuid4()))
        for name in ['runs', 'versions', 'publications', 'current_version',
                'usage',
                'issued', 'next_refresh', 'dpo_approved_by',
                'dpo_approved_at', 'review_reason', 'quality',
                'quality_details']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        default.setdefault('pseudonym_salt', lambda d: secrets.token_hex(16))
        return super().copy(datasets, default=default)

    # -- helpers
    @property
    def keyword_list(self):
        return [k.strip() for k in (self.keywords or '').split(',')
            if k.strip()]

    @property
    def personal_field_list(self):
        return [k.strip() for k in (self.personal_fields or '').split(',')
            if k.strip()]

    @property
    def table_schema(self):
        "The Table Schema as a dict (empty dict when none)"
        if not self.schema:
            return {}
        return json.loads(self.schema)

    @property
    def online_columns(self):
        return self.current_version.stored_columns if self.current_version else []

    @property
    def has_coordinates(self):
        names = {c['name'] for c in self.online_columns}
        return bool(self.latitude_field in names
            and self.longitude_field in names)

    @property
    def modified(self):
        dates = [d for d in [self.write_date, self.create_date,
                self.current_version.create_date
                if self.current_version else None] if d]
        return max(dates)

    @classmethod
    def validate_fields(cls, datasets, field_names):
        super().validate_fields(datasets, field_names)
        if not field_names or field_names & {'schema'}:
            for dataset in datasets:
                dataset.check_schema()
        if not field_names or field_names & {'code'}:
            for dataset in datasets:
                if not re.fullmatch(r'[a-z0-9][a-z0-9_-]*', dataset.code):
                    raise SchemaError(gettext(
                            'mons_opendata.msg_dataset_code_invalid',
                            code=dataset.code))

    def check_schema(self):
        if not self.schema:
            return
        try:
            schema = json.loads(self.schema)
        except ValueError as e:
            raise SchemaError(gettext('mons_opendata.msg_schema_json',
                    dataset=self.rec_name, error=str(e)))
        from frictionless import Schema
        try:
            if not isinstance(schema, dict) or not schema.get('fields'):
                raise ValueError("no fields")
            for field in schema['fields']:
                if field.get('type', 'string') not in TABLE_TYPES:
                    raise ValueError("type %r of field %r" % (
                            field.get('type'), field.get('name')))
            Schema.from_descriptor(schema)
        except Exception as e:
            raise SchemaError(gettext('mons_opendata.msg_schema_invalid',
                    dataset=self.rec_name, error=str(e)))

    @classmethod
    def get_last_run(cls, datasets, name):
        Run = Pool().get('opendata.run')
        result = {d.id: None for d in datasets}
        for run in Run.search([('dataset', 'in', [d.id for d in datasets])],
                order=[('id', 'ASC')]):
            result[run.dataset.id] = run.id
        return result

    def get_record_count(self, name):
        return self.current_version.row_count if self.current_version else 0

    @classmethod
    def get_usage(cls, datasets, names):
        "Totals of every month, of the datasets the caller read"
        Usage = Pool().get('opendata.usage')
        totals = Usage.totals([d.id for d in datasets])
        kinds = {'downloads': 'download', 'api_calls': 'api'}
        return {n: {d.id: totals.get((d.id, kinds[n]), 0) for d in datasets}
            for n in names}

    # -- schema
    def frame_after_steps(self):
        "The active sources read and the steps applied: a frame of strings"
        import pandas as pd
        sources = [s for s in self.sources if s.active]
        if not sources:
            raise SourceError(gettext('mons_opendata.msg_run_no_source',
                    dataset=self.rec_name))
        frames = [source.fetch_frame() for source in sources]
        frame = pd.concat(frames, ignore_index=True) if len(
            frames) > 1 else frames[0]
        read = len(frame)
        for step in self.steps:
            frame = step.apply(frame)
        return frame, read

    def guessed_schema(self, frame):
        "The Table Schema guessed from the frame, as JSON"
        from .schema_infer import infer_schema
        return json.dumps(infer_schema(frame), ensure_ascii=False, indent=1)

    @classmethod
    @ModelView.button
    def guess_schema(cls, datasets):
        "Replace the fields by those guessed from the sources"
        to_write = []
        for dataset in datasets:
            frame, _ = dataset.frame_after_steps()
            to_write.extend([[dataset], {
                        'schema': dataset.guessed_schema(frame)}])
        if to_write:
            cls.write(*to_write)

    def quality_criteria(self):
        "Return the list of (message id, passed) of the quality score"
        pool = Pool()
        Run = pool.get('opendata.run')
        runs = Run.search([
                ('dataset', '=', self.id),
                ('state', 'in', ['ok', 'partial', 'failed']),
                ], order=[('id', 'DESC')], limit=1)
        last = runs[0] if runs else None
        days = voc.FREQUENCY_DAYS.get(self.frequency)
        if not self.current_version:
            fresh = False
        elif days is None:
            fresh = True
        else:
            fresh = (dt.datetime.now() - self.current_version.create_date
                <= dt.timedelta(days=days * 1.5))
        formats = {d.format for d in self.distributions}
        if self.current_version:
            formats |= {'csv', 'json'}
        return [
            ('msg_quality_description',
                len(self.description or '') >= 100),
            ('msg_quality_licence', voc.LICENCE_OPEN.get(self.licence)),
            ('msg_quality_frequency', self.frequency not in (
                    'UNKNOWN', None)),
            ('msg_quality_fresh', fresh),
            ('msg_quality_open_format', bool(formats & {
                        f for f, v in voc.FORMATS.items() if v[2]})),
            ('msg_quality_schema', bool(self.schema)),
            ('msg_quality_valid', bool(last and last.state == 'ok')),
            ('msg_quality_reachable', bool(self.current_version)
                and all(d.url or d.format in voc.FORMATS
                    for d in self.distributions)),
            ('msg_quality_temporal', bool(self.temporal_start)),
            ('msg_quality_themes', bool(self.themes and self.keywords)),
            ('msg_quality_contact', bool(self.contact_email)),
            ]

    @classmethod
    def update_quality(cls, datasets):
        """Compute and store the quality score (after a run, a publication,
        a change, and hourly for freshness)"""
        with without_check_access():
            datasets = cls.browse(datasets)
            to_write = []
            for dataset in datasets:
                criteria = dataset.quality_criteria()
                passed = sum(1 for _, ok in criteria if ok)
                values = {
                    'quality': round(100 * passed / len(criteria)),
                    'quality_details': '\n'.join(
                        '%s %s' % ('✔' if ok else '✘',
                            gettext('mons_opendata.' + msg))
                        for msg, ok in criteria),
                    }
                if (dataset.quality, dataset.quality_details) != (
                        values['quality'], values['quality_details']):
                    to_write.extend([[dataset], values])
            if to_write:
                super().write(*to_write)

    # -- publication rules
    def check_personal_data(self):
        "A public dataset with personal data needs them dropped or aggregated"
        if self.access_level != 'public' or not self.personal_data:
            return
        fields_ = self.personal_field_list
        if not fields_:
            raise PublicationError(gettext(
                    'mons_opendata.msg_personal_fields_missing',
                    dataset=self.rec_name))
        removed = set()
        for step in self.steps:
            names = step.field_list
            if step.kind == 'drop':
                removed |= set(names)
            elif step.kind == 'aggregate':
                kept = set(step.group_list)
                removed |= {f for f in fields_ if f not in kept}
        remaining = [f for f in fields_ if f not in removed]
        version = self.latest_version()
        if version:
            columns = {c['name'] for c in version.stored_columns}
            remaining += [f for f in fields_
                if f in columns and f not in remaining]
        if remaining:
            raise PublicationError(gettext(
                    'mons_opendata.msg_personal_fields_remaining',
                    dataset=self.rec_name, fields=', '.join(remaining)))

    def latest_version(self):
        Version = Pool().get('opendata.version')
        versions = Version.search([
                ('dataset', '=', self.id),
                ('run.state', 'in', ['ok', 'partial']),
                ], order=[('number', 'DESC')], limit=1)
        return versions[0] if versions else None

    # -- workflow
    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, datasets):
        cls.write(datasets, {
                'dpo_approved_by': None,
                'dpo_approved_at': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('validated')
    def validate_dataset(cls, datasets):
        for dataset in datasets:
            if not dataset.description:
                raise PublicationError(gettext(
                        'mons_opendata.msg_validate_description',
                        dataset=dataset.rec_name))
            dataset.check_personal_data()

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, datasets):
        for dataset in datasets:
            dataset.check_personal_data()
        cls.write(datasets, {
                'dpo_approved_by': Transaction().user or None,
                'dpo_approved_at': dt.datetime.now(),
                'review_reason': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, datasets):
        for dataset in datasets:
            if dataset.access_level == 'public':
                if (dataset.state != 'approved'
                        or not dataset.dpo_approved_at):
                    raise PublicationError(gettext(
                            'mons_opendata.msg_publish_needs_dpo',
                            dataset=dataset.rec_name))
                if not voc.LICENCE_OPEN.get(dataset.licence):
                    raise PublicationError(gettext(
                            'mons_opendata.msg_publish_licence',
                            dataset=dataset.rec_name))
            dataset.check_personal_data()
            version = dataset.latest_version()
            if not version:
                raise PublicationError(gettext(
                        'mons_opendata.msg_publish_no_version',
                        dataset=dataset.rec_name))
            dataset.put_online(version)
            dataset.ensure_distributions()
        cls.update_quality(datasets)

    @classmethod
    def create(cls, vlist):
        datasets = super().create(vlist)
        cls._sync_schema_lines([d for d, v in zip(datasets, vlist)
                if 'schema' in v and 'schema_fields' not in v])
        cls.update_quality(datasets)
        return datasets

    @classmethod
    def _sync_schema_lines(cls, datasets):
        "The lines of the JSON schema written (REST, a guess, a copy)"
        from .schema_field import SYNC, sync_lines
        if datasets and not Transaction().context.get(SYNC):
            # the lines show the schema the caller was allowed to write
            with without_check_access():
                sync_lines(cls.browse(datasets))

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        changes = {}
        for datasets, values in zip(actions, actions):
            for dataset in datasets:
                changed = dataset.reviewed_changes(values)
                if changed:
                    changes.setdefault(dataset, set()).update(changed)
        super().write(*args)
        if changes:
            cls.back_to_review(changes)
        actions = iter(args)
        cls._sync_schema_lines([d for datasets, values
                in zip(actions, actions)
                if 'schema' in values and 'schema_fields' not in values
                for d in datasets])
        actions = iter(args)
        touched = []
        for datasets, values in zip(actions, actions):
            if set(values) - cls._button_fields:
                touched.extend(datasets)
        if touched:
            cls.update_quality(touched)

    def reviewed_changes(self, values):
        "Names of the DPO-reviewed fields that values change"
        if self.state not in {'approved', 'published'}:
            return set()
        changed = set()
        for name in REVIEWED_FIELDS & set(values):
            value = values[name]
            if name in {'steps', 'sources'}:
                if value:
                    changed.add(name)
            elif (value or None) != (getattr(self, name) or None):
                changed.add(name)
        return changed

    @classmethod
    def back_to_review(cls, changes):
        """Send approved or published datasets back to the DPO's review:
        the approval is cleared and the reason kept"""
        pool = Pool()
        User = pool.get('res.user')
        transaction = Transaction()
        user = User(transaction.user).rec_name if transaction.user else ''
        to_write = []
        names = cls.fields_get(list(REVIEWED_FIELDS))
        for dataset, fields_ in changes.items():
            if dataset.state not in {'approved', 'published'}:
                continue
            to_write.extend([[dataset], {
                        'state': 'validated',
                        'dpo_approved_by': None,
                        'dpo_approved_at': None,
                        'review_reason': gettext(
                            'mons_opendata.msg_back_to_review',
                            fields=', '.join(sorted(
                                    names[f]['string'] for f in fields_)),
                            user=user),
                        }])
        if not to_write:
            return
        with without_check_access():
            super().write(*to_write)
        cls.log([d for records in to_write[::2] for d in records],
            'transition', 'state:validated')

    @classmethod
    def sub_records_changed(cls, datasets, field_name):
        "A step or source of the datasets was created, changed or deleted"
        datasets = cls.browse({d.id for d in datasets})
        changes = {d: {field_name} for d in datasets
            if d.state in {'approved', 'published'}}
        if changes:
            cls.back_to_review(changes)

    def put_online(self, version):
        "Serve the version and record the publication"
        pool = Pool()
        Publication = pool.get('opendata.publication')
        Version = pool.get('opendata.version')
        previous = self.current_version
        if previous and previous != version:
            Version.write([previous], {'state': 'superseded'})
        Version.write([version], {'state': 'published'})
        now = dt.datetime.now()
        Publication.create([{
                    'dataset': self.id,
                    'version': version.id,
                    'date': now,
                    'user': Transaction().user,
                    'access_level': self.access_level,
                    'row_count': version.row_count,
                    }])
        values = {'current_version': version.id}
        if not self.issued:
            values['issued'] = now
        self.__class__.write([self], values)

    def ensure_distributions(self):
        Distribution = Pool().get('opendata.distribution')
        if any(not d.url for d in self.distributions):
            return
        formats = ['csv', 'json', 'xlsx']
        if self.has_coordinates:
            formats.insert(2, 'geojson')
        Distribution.create([{
                    'dataset': self.id,
                    'format': f,
                    'title': '%s (%s)' % (self.title, f.upper()),
                    } for f in formats])

    # -- collect
    @classmethod
    @ModelView.button
    def refresh(cls, datasets):
        with Transaction().set_context(queue_name='opendata'):
            cls.__queue__.collect(datasets, 'manual')

    @classmethod
    def collect(cls, datasets, trigger='manual'):
        "Run the sources of the datasets (in the worker)"
        Run = Pool().get('opendata.run')
        runs = []
        for dataset in datasets:
            run, = Run.create([{
                        'dataset': dataset.id,
                        'trigger': trigger,
                        'state': 'running',
                        'start': dt.datetime.now(),
                        }])
            run.execute()
            runs.append(run)
        return runs

    @classmethod
    def refresh_due(cls):
        "Queue the scheduled refreshes that are due (cron)"
        now = dt.datetime.now()
        datasets = cls.search([
                ('auto_refresh', '=', True),
                ['OR',
                    ('next_refresh', '=', None),
                    ('next_refresh', '<=', now),
                    ],
                ])
        for dataset in datasets:
            days = voc.FREQUENCY_DAYS.get(dataset.frequency) or 1
            dataset.next_refresh = now + dt.timedelta(days=days)
        cls.save(datasets)
        if datasets:
            with Transaction().set_context(queue_name='opendata'):
                cls.__queue__.collect(datasets, 'cron')
        # freshness changes with time
        cls.update_quality(cls.search([]))
        return datasets

    @classmethod
    def delete(cls, datasets):
        for dataset in datasets:
            if dataset.state == 'published':
                raise PublicationError(gettext(
                        'mons_opendata.msg_delete_published',
                        dataset=dataset.rec_name))
        super().delete(datasets)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('title', *clause[1:]),
            ('code', *clause[1:]),
            ('keywords', *clause[1:]),
            ]


class DatasetSection(ModelSQL):
    __name__ = 'opendata.dataset-mons.section'
    dataset = fields.Many2One('opendata.dataset', "Dataset", required=True,
        ondelete='CASCADE')
    section = fields.Many2One('mons.section', "Section", required=True,
        ondelete='CASCADE')
