"""A run collects the sources, applies the steps and checks the Table Schema.

Reading and checking happen in memory before anything is written, so a bad
source never leaves half a version behind: the run records what went wrong
and the online version stays as it was.
"""
import datetime as dt
import json
import time

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool

from . import storage
from .exceptions import SourceError
from .frame import type_frame, validate_frame
from .source import DELIMITERS


class Run(ModelSQL, ModelView):
    __name__ = 'opendata.run'
    dataset = fields.Many2One('opendata.dataset', "Dataset", required=True,
        ondelete='CASCADE', readonly=True)
    trigger = fields.Selection([
            ('manual', "Manual"),
            ('cron', "Scheduled"),
            ], "Trigger", readonly=True)
    state = fields.Selection([
            ('running', "Running"),
            ('ok', "OK"),
            ('partial', "Partial"),
            ('failed', "Failed"),
            ], "State", readonly=True, required=True)
    start = fields.DateTime("Start", readonly=True)
    end = fields.DateTime("End", readonly=True)
    duration = fields.Float("Duration (s)", digits=(16, 2), readonly=True)
    rows_read = fields.Integer("Rows Read", readonly=True)
    rows_rejected = fields.Integer("Rows Rejected", readonly=True)
    rows_loaded = fields.Integer("Rows Loaded", readonly=True)
    errors = fields.Text("Errors", readonly=True)
    report = fields.Text("Validation Report", readonly=True,
        help="Every failing row and rule (JSON).")
    version = fields.Many2One('opendata.version', "Version", readonly=True,
        ondelete='SET NULL')
    report_text = fields.Function(fields.Text("Report"), 'get_report_text')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]

    @staticmethod
    def default_state():
        return 'running'

    @property
    def report_list(self):
        return json.loads(self.report) if self.report else []

    def get_report_text(self, name):
        # each message names its line and field (frame.message)
        return '\n'.join(error.get('message') or ''
            for error in self.report_list)

    def execute(self):
        "Collect, transform, check and load; never raises for bad input"
        dataset = self.dataset
        started = time.monotonic()
        errors, report = [], []
        frame, rejected = None, set()
        self.rows_read = self.rows_rejected = self.rows_loaded = 0
        try:
            frame, self.rows_read = dataset.frame_after_steps()
            schema = dataset.table_schema
            if not schema:
                # a first file: the schema is guessed from it, and the
                # steward corrects the guess in the desk
                Dataset = dataset.__class__
                Dataset.write([dataset], {
                        'schema': dataset.guessed_schema(frame)})
                dataset = Dataset(dataset.id)
                schema = dataset.table_schema
            declared = [f['name'] for f in schema['fields']]
            missing = [n for n in declared if n not in frame.columns]
            unexpected = [n for n in frame.columns if n not in declared]
            if missing or unexpected:
                hint = ''
                if len(frame.columns) == 1 and any(
                        d in str(frame.columns[0]) for d in DELIMITERS):
                    hint = gettext('mons_opendata.msg_run_delimiter_hint')
                raise SourceError(gettext('mons_opendata.msg_run_columns',
                        dataset=dataset.rec_name,
                        missing=', '.join(missing) or '-',
                        unexpected=', '.join(map(str, unexpected)) or '-')
                    + hint)
            frame = frame[declared]
            report, rejected = validate_frame(frame, schema)
            self.rows_rejected = len(rejected)
            if len(rejected) >= len(frame) and len(frame):
                raise SourceError(gettext('mons_opendata.msg_run_all_rejected',
                        dataset=dataset.rec_name))
            if not len(frame):
                raise SourceError(gettext('mons_opendata.msg_run_empty',
                        dataset=dataset.rec_name))
            good = frame.drop(index=frame.index[sorted(rejected)]) \
                if rejected else frame
            typed = type_frame(good, schema)
        except SourceError as e:
            errors.append(e.message)
            typed = None
        except Exception as e:
            # Unexpected failures of a library on bad data are reported too
            errors.append('%s: %s' % (e.__class__.__name__, e))
            typed = None
        if typed is not None:
            version = self.store(typed, schema)
            self.version = version
            self.rows_loaded = version.row_count
            self.state = 'partial' if rejected else 'ok'
            if rejected:
                errors.append(gettext('mons_opendata.msg_run_rejected',
                        count=len(rejected)))
        else:
            self.state = 'failed'
        self.report = json.dumps(report, default=str) if report else None
        self.errors = '\n'.join(errors) or None
        self.end = dt.datetime.now()
        self.duration = round(time.monotonic() - started, 2)
        self.save()
        if (self.state == 'ok' and dataset.state == 'published'):
            dataset.put_online(self.version)
        dataset.__class__.update_quality([dataset])

    def store(self, typed, schema):
        pool = Pool()
        Version = pool.get('opendata.version')
        columns = storage.column_defs(schema['fields'])
        versions = Version.search([('dataset', '=', self.dataset.id)],
            order=[('number', 'DESC')], limit=1)
        number = versions[0].number + 1 if versions else 1
        version, = Version.create([{
                    'dataset': self.dataset.id,
                    'number': number,
                    'run': self.id,
                    'columns': json.dumps(columns),
                    'row_count': 0,
                    'state': 'loaded',
                    }])
        storage.create_table(version.id, columns)
        count = storage.insert_rows(version.id, columns,
            typed.itertuples(index=False, name=None))
        storage.create_indexes(version.id, columns)
        version.row_count = count
        version.save()
        return version
