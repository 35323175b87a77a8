"""Collect (sources), transform (cleaning steps) and check (frictionless).

Reading and checking happen in memory before anything is written, so a bad
source never leaves half a version behind: the run records what went wrong
and the online version stays as it was.
"""
import csv
import datetime as dt
import hashlib
import io
import json
import time

from trytond.i18n import gettext
from trytond.model import (
    ModelSQL, ModelStorage, ModelView, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval, PYSONDecoder
from trytond.transaction import Transaction

from . import storage
from .exceptions import SourceError

DELIMITERS = ',;\t|'


class Source(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'opendata.source'
    dataset = fields.Many2One('opendata.dataset', "Dataset", required=True,
        ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    kind = fields.Selection([
            ('file', "Uploaded File"),
            ('url', "Web Resource"),
            ('sql', "SQL Query"),
            ('model', "Suite Records"),
            ], "Kind", required=True)
    active = fields.Boolean("Active")
    file = fields.Binary("File", filename='file_name',
        states={'invisible': Eval('kind') != 'file'})
    file_name = fields.Char("File Name",
        states={'invisible': Eval('kind') != 'file'})
    encoding = fields.Char("Encoding",
        states={'invisible': ~Eval('kind').in_(['file', 'url'])},
        help="Character encoding of CSV files, e.g. utf-8 or cp1252.")
    delimiter = fields.Char("Delimiter", size=1,
        states={'invisible': ~Eval('kind').in_(['file', 'url'])},
        help="Leave empty to detect it.")
    sheet = fields.Char("Sheet",
        states={'invisible': Eval('kind') != 'file'},
        help="Excel sheet name; the first one when empty.")
    url = fields.Char("URL", states={
            'invisible': Eval('kind') != 'url',
            'required': Eval('kind') == 'url',
            })
    url_format = fields.Selection([
            (None, ""),
            ('csv', "CSV"),
            ('json', "JSON"),
            ('geojson', "GeoJSON"),
            ], "Format", states={
            'invisible': Eval('kind') != 'url',
            'required': Eval('kind') == 'url',
            })
    json_path = fields.Char("JSON Records Key",
        states={'invisible': Eval('url_format') != 'json'},
        help="Key of the list of records in the JSON document, "
        "e.g. results.")
    timeout = fields.Integer("Timeout (s)",
        states={'invisible': ~Eval('kind').in_(['url', 'sql'])})
    sql_engine = fields.Selection([
            (None, ""),
            ('postgresql', "PostgreSQL"),
            ('mysql', "MySQL / MariaDB"),
            ], "Database", states={
            'invisible': Eval('kind') != 'sql',
            'required': Eval('kind') == 'sql',
            })
    sql_host = fields.Char("Host", states={'invisible': Eval('kind') != 'sql'})
    sql_port = fields.Integer("Port",
        states={'invisible': Eval('kind') != 'sql'})
    sql_database = fields.Char("Database Name",
        states={'invisible': Eval('kind') != 'sql'})
    sql_user = fields.Char("User", states={'invisible': Eval('kind') != 'sql'})
    sql_password = fields.Char("Password",
        states={'invisible': Eval('kind') != 'sql'})
    sql_query = fields.Text("Query", states={
            'invisible': Eval('kind') != 'sql',
            'required': Eval('kind') == 'sql',
            })
    model = fields.Many2One('ir.model', "Model", ondelete='RESTRICT', states={
            'invisible': Eval('kind') != 'model',
            'required': Eval('kind') == 'model',
            })
    model_domain = fields.Char("Domain",
        states={'invisible': Eval('kind') != 'model'},
        help="PYSON domain, e.g. [[\"state\", \"=\", \"granted\"]].")
    model_fields = fields.Char("Fields", states={
            'invisible': Eval('kind') != 'model',
            'required': Eval('kind') == 'model',
            },
        help="Comma separated field names, dotted paths allowed "
        "(party.name).")

    @staticmethod
    def default_active():
        return True

    @staticmethod
    def default_kind():
        return 'file'

    @staticmethod
    def default_encoding():
        return 'utf-8'

    @staticmethod
    def default_timeout():
        return 30

    # -- readers: each returns a DataFrame of strings
    def fetch_frame(self):
        return getattr(self, 'read_' + self.kind)()

    def _error(self, msg, **kw):
        return SourceError(gettext('mons_opendata.' + msg,
                source=self.name, **kw))

    def read_file(self):
        if not self.file:
            raise self._error('msg_source_no_file')
        name = (self.file_name or '').lower()
        if name.endswith(('.xlsx', '.xlsm', '.xls')):
            return self.parse_excel(bytes(self.file))
        return self.parse_csv(bytes(self.file))

    def parse_excel(self, data):
        import pandas as pd
        try:
            df = pd.read_excel(io.BytesIO(data), sheet_name=self.sheet or 0,
                dtype=str, keep_default_na=False)
        except Exception as e:
            raise self._error('msg_source_excel', error=str(e))
        return df.astype(str).replace({'nan': '', 'None': ''})

    def parse_csv(self, data):
        import pandas as pd
        encoding = self.encoding or 'utf-8'
        if data.startswith(b'\xef\xbb\xbf'):
            data, encoding = data[3:], 'utf-8'
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as e:
            line = data[:e.start].count(b'\n') + 1
            raise self._error('msg_source_encoding', encoding=encoding,
                line=line, byte='0x%02x' % data[e.start])
        except LookupError:
            raise self._error('msg_source_encoding_unknown',
                encoding=encoding)
        delimiter = self.delimiter
        if not delimiter:
            try:
                delimiter = csv.Sniffer().sniff(
                    text[:65536], delimiters=DELIMITERS).delimiter
            except csv.Error:
                delimiter = ','
        try:
            df = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str,
                keep_default_na=False, skipinitialspace=False)
        except Exception as e:
            raise self._error('msg_source_csv', error=str(e))
        return df

    def read_url(self):
        import requests
        try:
            response = requests.get(self.url, timeout=self.timeout or 30,
                headers={'User-Agent': 'mons-opendata/8.0'})
            response.raise_for_status()
        except requests.Timeout:
            raise self._error('msg_source_timeout', url=self.url,
                timeout=self.timeout or 30)
        except requests.RequestException as e:
            raise self._error('msg_source_unreachable', url=self.url,
                error=str(e))
        if self.url_format == 'csv':
            return self.parse_csv(response.content)
        try:
            document = json.loads(response.content.decode(
                    self.encoding or 'utf-8'))
        except (ValueError, UnicodeDecodeError) as e:
            raise self._error('msg_source_json', error=str(e))
        if self.url_format == 'geojson':
            return self.parse_geojson(document)
        return self.parse_json(document)

    def parse_json(self, document):
        import pandas as pd
        records = document
        if isinstance(document, dict):
            key = self.json_path
            if not key:
                key = next((k for k in ['results', 'records', 'data', 'result']
                        if isinstance(document.get(k), list)), None)
            records = document.get(key) if key else None
        if not isinstance(records, list):
            raise self._error('msg_source_json_records')
        records = [r.get('fields', r) if isinstance(r, dict) and isinstance(
                r.get('fields'), dict) else r for r in records]
        df = pd.json_normalize(records) if records else pd.DataFrame()
        return self.stringify(df)

    def parse_geojson(self, document):
        import pandas as pd
        features = document.get('features') if isinstance(
            document, dict) else None
        if not isinstance(features, list):
            raise self._error('msg_source_json_records')
        rows = []
        for feature in features:
            row = dict(feature.get('properties') or {})
            geometry = feature.get('geometry') or {}
            if geometry.get('type') == 'Point':
                row['longitude'], row['latitude'] = geometry[
                    'coordinates'][:2]
            rows.append(row)
        return self.stringify(pd.DataFrame(rows))

    @staticmethod
    def stringify(df):
        return df.astype(object).where(df.notna(), '').astype(str)

    def read_sql(self):
        import pandas as pd
        timeout = self.timeout or 30
        bits = set()
        try:
            if self.sql_engine == 'postgresql':
                import psycopg
                conn = psycopg.connect(host=self.sql_host,
                    port=self.sql_port or 5432, dbname=self.sql_database,
                    user=self.sql_user, password=self.sql_password,
                    connect_timeout=timeout,
                    options='-c statement_timeout=%d' % (timeout * 1000))
                conn.read_only = True
            else:
                import pymysql
                # Read only like PostgreSQL: a query never changes the
                # source.  The server stops a long query (max_statement_time
                # on MariaDB, max_execution_time on MySQL) before the socket
                # times out, so the report says why.
                conn = pymysql.connect(host=self.sql_host,
                    port=self.sql_port or 3306, database=self.sql_database,
                    user=self.sql_user, password=self.sql_password or '',
                    charset='utf8mb4', connect_timeout=timeout,
                    read_timeout=timeout + 5,
                    init_command='SET SESSION TRANSACTION READ ONLY')
                with conn.cursor() as cursor:
                    for setting in [
                            'max_statement_time = %d' % timeout,
                            'max_execution_time = %d' % (timeout * 1000)]:
                        try:
                            cursor.execute('SET SESSION ' + setting)
                            break
                        except pymysql.MySQLError:
                            pass
        except Exception as e:
            raise self._error('msg_source_sql_connect', error=str(e))
        try:
            cursor = conn.cursor()
            cursor.execute(self.sql_query)
            if cursor.description is None:
                raise self._error('msg_source_sql_no_columns')
            columns = [d[0] for d in cursor.description]
            if self.sql_engine != 'postgresql':
                from pymysql.constants import FIELD_TYPE
                bits = {i for i, d in enumerate(cursor.description)
                    if d[1] == FIELD_TYPE.BIT}
            rows = [[sql_value(v, i in bits) for i, v in enumerate(row)]
                for row in cursor.fetchall()]
        except SourceError:
            raise
        except Exception as e:
            raise self._error('msg_source_sql_query', error=str(e))
        finally:
            conn.close()
        df = pd.DataFrame(rows, columns=columns, dtype=object)
        return self.stringify(df)

    def read_model(self):
        import pandas as pd
        Model = Pool().get(self.model.name)
        domain = PYSONDecoder({}).decode(self.model_domain) \
            if self.model_domain else []
        names = [f.strip() for f in (self.model_fields or '').split(',')
            if f.strip()]
        def value(record, path):
            for name in path.split('.'):
                if record is None:
                    return None
                record = getattr(record, name)
            if isinstance(record, ModelStorage):
                return record.rec_name
            if isinstance(record, (list, tuple)):
                return ', '.join(getattr(r, 'rec_name', str(r))
                    for r in record)
            return record
        transaction = Transaction()
        # Read as the data steward with access rights and record rules, so
        # a dataset never exposes records its steward may not see.
        user = self.dataset.steward.id if self.dataset.steward else 0
        try:
            with transaction.set_user(user), \
                    transaction.set_context(_check_access=bool(user)):
                records = Model.search(domain, order=[('id', 'ASC')])
                rows = [[value(r, n) for n in names] for r in records]
        except Exception as e:
            raise self._error('msg_source_model', error=str(e))
        columns = [n[:-len('.rec_name')] if n.endswith('.rec_name')
            else n.replace('.', '_') for n in names]
        df = pd.DataFrame(rows, columns=columns, dtype=object)
        return self.stringify(df)


def sql_value(value, bit=False):
    "Turn a value of a database driver into what the schema reads"
    if isinstance(value, dt.timedelta):
        # MySQL TIME comes as a duration: 9:05:00 must read 09:05:00
        sign = '-' if value < dt.timedelta(0) else ''
        seconds = abs(value)
        hours, rest = divmod(seconds.days * 86400 + seconds.seconds, 3600)
        text = '%s%02d:%02d:%02d' % (sign, hours, rest // 60, rest % 60)
        if seconds.microseconds:
            text += '.%06d' % seconds.microseconds
        return text
    if isinstance(value, (bytes, bytearray, memoryview)):
        value = bytes(value)
        if bit:
            # MySQL BIT(n) comes as bytes: b'\x01' is 1
            return int.from_bytes(value, 'big')
        return value.decode('utf-8', 'replace')
    return value


class Step(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'opendata.step'
    dataset = fields.Many2One('opendata.dataset', "Dataset", required=True,
        ondelete='CASCADE')
    kind = fields.Selection([
            ('rename', "Rename"),
            ('trim', "Trim Spaces"),
            ('cast', "Normalise Type"),
            ('map', "Map Values"),
            ('drop', "Drop Columns"),
            ('pseudonymise', "Pseudonymise"),
            ('aggregate', "Aggregate (Count)"),
            ('lambert', "Lambert to WGS84"),
            ], "Kind", required=True)
    fields_ = fields.Char("Fields", required=True,
        help="Comma separated field names; for Lambert: x,y.")
    new_name = fields.Char("Output",
        states={'invisible': ~Eval('kind').in_(
                ['rename', 'aggregate', 'lambert'])},
        help="Rename: new name. Aggregate: name of the count column. "
        "Lambert: longitude,latitude.")
    cast_type = fields.Selection([
            (None, ""),
            ('integer', "Integer"),
            ('number', "Number"),
            ('date', "Date"),
            ('boolean', "Boolean"),
            ], "Type", states={'invisible': Eval('kind') != 'cast'})
    mapping = fields.Text("Mapping",
        states={'invisible': Eval('kind') != 'map'},
        help="JSON object: {\"old value\": \"new value\"}.")
    crs = fields.Selection([
            (None, ""),
            ('31370', "Belgian Lambert 72 (EPSG:31370)"),
            ('3812', "Belgian Lambert 2008 (EPSG:3812)"),
            ], "Coordinate System",
        states={'invisible': Eval('kind') != 'lambert'})

    @property
    def field_list(self):
        return [f.strip() for f in (self.fields_ or '').split(',')
            if f.strip()]

    @property
    def group_list(self):
        return self.field_list if self.kind == 'aggregate' else []

    @staticmethod
    def default_crs():
        return '31370'

    def get_rec_name(self, name):
        return '%s: %s' % (self.kind, self.fields_)

    @classmethod
    def validate_fields(cls, steps, field_names):
        super().validate_fields(steps, field_names)
        for step in steps:
            if step.kind == 'map':
                try:
                    assert isinstance(json.loads(step.mapping or ''), dict)
                except (ValueError, AssertionError):
                    raise SourceError(gettext(
                            'mons_opendata.msg_step_mapping',
                            step=step.rec_name))
            if step.kind == 'lambert' and len(step.field_list) != 2:
                raise SourceError(gettext(
                        'mons_opendata.msg_step_lambert',
                        step=step.rec_name))

    def _check_columns(self, df, names):
        missing = [n for n in names if n not in df.columns]
        if missing:
            raise SourceError(gettext('mons_opendata.msg_step_missing',
                    step=self.rec_name, fields=', '.join(missing)))

    def apply(self, df):
        names = self.field_list
        if self.kind == 'trim' and names == ['*']:
            names = list(df.columns)
        self._check_columns(df, names)
        return getattr(self, 'apply_' + self.kind)(df, names)

    def apply_rename(self, df, names):
        new = [n.strip() for n in (self.new_name or '').split(',')]
        return df.rename(columns=dict(zip(names, new)))

    def apply_trim(self, df, names):
        if self.field_list == ['*']:
            df = df.rename(columns=lambda c: str(c).strip())
            names = list(df.columns)
        for name in names:
            df[name] = df[name].astype(str).str.strip()
        return df

    def apply_map(self, df, names):
        mapping = json.loads(self.mapping)
        for name in names:
            df[name] = df[name].map(lambda v: mapping.get(v, v))
        return df

    def apply_drop(self, df, names):
        return df.drop(columns=names)

    def apply_pseudonymise(self, df, names):
        salt = (self.dataset.pseudonym_salt or '').encode()

        def hash_(value):
            if value in ('', None):
                return ''
            return hashlib.sha256(salt + str(value).encode()).hexdigest()[:16]
        for name in names:
            df[name] = df[name].map(hash_)
        return df

    def apply_aggregate(self, df, names):
        target = self.new_name or 'count'
        result = df.groupby(names, dropna=False).size().reset_index(
            name=target)
        result[target] = result[target].astype(str)
        return result

    def apply_cast(self, df, names):
        import pandas as pd
        for name in names:
            col = df[name].astype(str).str.strip()
            if self.cast_type in ('integer', 'number'):
                col = (col.str.replace('\u202f', '', regex=False)
                    .str.replace('\xa0', '', regex=False)
                    .str.replace(' ', '', regex=False)
                    .str.replace(',', '.', regex=False))
                if self.cast_type == 'integer':
                    col = col.str.replace(r'\.0+$', '', regex=True)
            elif self.cast_type == 'date':
                # ISO first, then Belgian day-first forms (01/03/2020)
                parsed = pd.to_datetime(col, errors='coerce',
                    format='%Y-%m-%d')
                for form in ['%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y', '%d/%m/%y']:
                    parsed = parsed.fillna(pd.to_datetime(col,
                            errors='coerce', format=form))
                col = parsed.dt.strftime('%Y-%m-%d').where(
                    parsed.notna(), col)
            elif self.cast_type == 'boolean':
                truth = {'oui': 'true', 'yes': 'true', '1': 'true',
                    'vrai': 'true', 'true': 'true', 'non': 'false',
                    'no': 'false', '0': 'false', 'faux': 'false',
                    'false': 'false'}
                col = col.map(lambda v: truth.get(v.lower(), v))
            df[name] = col
        return df

    def apply_lambert(self, df, names):
        import pandas as pd
        from pyproj import Transformer
        x_name, y_name = names
        lon, lat = ([n.strip() for n in (self.new_name or '').split(',')]
            + ['longitude', 'latitude'])[:2] if self.new_name else (
            'longitude', 'latitude')
        # always_xy: easting/northing in, longitude/latitude out
        transformer = Transformer.from_crs(
            'EPSG:%s' % (self.crs or '31370'), 'EPSG:4326', always_xy=True)
        x = pd.to_numeric(df[x_name].astype(str).str.replace(',', '.'),
            errors='coerce')
        y = pd.to_numeric(df[y_name].astype(str).str.replace(',', '.'),
            errors='coerce')
        lons, lats = transformer.transform(x.to_numpy(), y.to_numpy())
        df[lon] = [('%.6f' % v) if v == v and abs(v) != float('inf')
            else '' for v in lons]
        df[lat] = [('%.6f' % v) if v == v and abs(v) != float('inf')
            else '' for v in lats]
        return df


def validate_frame(df, schema):
    """Validate the frame of strings against the Table Schema.

    Return (errors, rejected row indexes); errors are dicts with line
    (header is line 1), field, rule and message."""
    from frictionless import Resource, Schema
    header = list(df.columns)
    resource = Resource(data=[header] + df.values.tolist(),
        schema=Schema.from_descriptor(schema))
    report = resource.validate(limit_errors=10 ** 9)
    errors, rejected = [], set()
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, 'row_number', None)
            errors.append({
                    'line': row,
                    'field': getattr(error, 'field_name', None),
                    'rule': error.type,
                    'value': getattr(error, 'cell', None),
                    'message': error.message,
                    })
            if row:
                rejected.add(row - 2)
    return errors, rejected


def type_frame(df, schema):
    "Turn the validated frame of strings into typed columns"
    import pandas as pd
    out = {}
    for field in schema['fields']:
        name, type_ = field['name'], field.get('type', 'string')
        col = df[name].astype(str).str.strip()
        col = col.where(col != '', None)
        if type_ == 'integer':
            out[name] = pd.to_numeric(col, errors='coerce').astype('Int64')
        elif type_ == 'number':
            out[name] = pd.to_numeric(col, errors='coerce')
        elif type_ == 'boolean':
            true = set(field.get('trueValues', ['true', 'True', 'TRUE', '1']))
            out[name] = col.map(lambda v: None if v is None else v in true)
        else:
            out[name] = col
    return pd.DataFrame(out)


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
        lines = []
        for error in self.report_list:
            lines.append(gettext('mons_opendata.msg_report_line',
                    line=error.get('line') or '-',
                    field=error.get('field') or '-',
                    rule=error.get('rule'),
                    message=error.get('message')))
        return '\n'.join(lines)

    def execute(self):
        "Collect, transform, check and load; never raises for bad input"
        import pandas as pd
        dataset = self.dataset
        started = time.monotonic()
        errors, report = [], []
        frame, rejected = None, set()
        self.rows_read = self.rows_rejected = self.rows_loaded = 0
        try:
            schema = dataset.table_schema
            if not schema:
                raise SourceError(gettext('mons_opendata.msg_run_no_schema',
                        dataset=dataset.rec_name))
            sources = [s for s in dataset.sources if s.active]
            if not sources:
                raise SourceError(gettext('mons_opendata.msg_run_no_source',
                        dataset=dataset.rec_name))
            frames = []
            for source in sources:
                frames.append(source.fetch_frame())
            frame = pd.concat(frames, ignore_index=True) if len(
                frames) > 1 else frames[0]
            self.rows_read = len(frame)
            for step in dataset.steps:
                frame = step.apply(frame)
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


class Version(ModelSQL, ModelView):
    __name__ = 'opendata.version'
    dataset = fields.Many2One('opendata.dataset', "Dataset", required=True,
        ondelete='CASCADE', readonly=True)
    number = fields.Integer("Number", readonly=True, required=True)
    run = fields.Many2One('opendata.run', "Run", readonly=True,
        ondelete='SET NULL')
    columns = fields.Text("Columns", readonly=True)
    row_count = fields.Integer("Records", readonly=True)
    state = fields.Selection([
            ('loaded', "Loaded"),
            ('published', "Online"),
            ('superseded', "Superseded"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('number', 'DESC'), ('id', 'DESC')]

    @classmethod
    def __register__(cls, module_name):
        super().__register__(module_name)
        # versions loaded before the free-text index existed get it here
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.select(table.id, table.columns))
        storage.ensure_search_indexes([(id_, json.loads(columns))
                for id_, columns in cursor.fetchall() if columns])

    def get_rec_name(self, name):
        return '%s v%s' % (self.dataset.rec_name, self.number)

    @property
    def stored_columns(self):
        return json.loads(self.columns) if self.columns else []

    @classmethod
    def delete(cls, versions):
        Dataset = Pool().get('opendata.dataset')
        if Dataset.search([('current_version', 'in',
                        [v.id for v in versions])]):
            raise SourceError(gettext('mons_opendata.msg_version_online'))
        ids = [v.id for v in versions]
        super().delete(versions)
        for id_ in ids:
            storage.drop_table(id_)
