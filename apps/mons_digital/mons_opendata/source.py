"""Sources of a dataset: the readers of files, web resources, SQL
databases and suite records; each returns a frame of strings."""
import csv
import datetime as dt
import io
import json

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered
from trytond.modules.mons_base import upload
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import model_reader
from .exceptions import SourceError

# what a model source reads: a change of any of them makes the user who
# changes it its responsible user
MODEL_DEFINITION = {'kind', 'model', 'model_domain', 'model_fields'}
# new data of the same columns (a new file, how it is encoded), not a
# change of what the source reads: no new DPO review for them
DATA_ONLY = {'file', 'file_name', 'encoding', 'delimiter', 'timeout',
    'sequence'}

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
    model = fields.Many2One('ir.model', "Model", ondelete='RESTRICT',
        domain=model_reader.MODEL_DOMAIN, states={
            'invisible': Eval('kind') != 'model',
            'required': Eval('kind') == 'model',
            })
    owner = fields.Many2One('res.user', "Responsible User",
        ondelete='RESTRICT', readonly=True, states={
            'invisible': Eval('kind') != 'model',
            'required': Eval('kind') == 'model',
            },
        help="The records are read with this user's rights: the user who "
        "last defined the source.")
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

    @staticmethod
    def default_owner():
        return Transaction().user or None

    @property
    def model_field_list(self):
        return [f.strip() for f in (self.model_fields or '').split(',')
            if f.strip()]

    @classmethod
    def validate_fields(cls, sources, field_names):
        super().validate_fields(sources, field_names)
        if field_names and not field_names & (MODEL_DEFINITION | {'owner'}):
            return
        for source in sources:
            if source.kind != 'model' or not source.model:
                continue
            if not source.owner or not source.owner.active:
                raise SourceError(gettext(
                        'mons_opendata.msg_source_no_owner',
                        source=source.name))
            try:
                model_reader.check_source(source.model.name,
                    source.model_field_list, source.model_domain)
            except model_reader.PathError as e:
                raise SourceError(gettext(
                        'mons_opendata.msg_source_model_forbidden',
                        source=source.name, path=e.path))

    @classmethod
    def _from_client(cls):
        transaction = Transaction()
        return bool(transaction.user and transaction.check_access)

    @classmethod
    def create(cls, vlist):
        if cls._from_client():
            # whoever defines a source answers for what it reads
            user = Transaction().user
            vlist = [{**v, 'owner': user} for v in vlist]
        sources = super().create(vlist)
        cls._changed_datasets(sources)
        return sources

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        args = []
        changed = []
        for sources, values in zip(actions, actions):
            if cls._from_client():
                if 'owner' in values:
                    raise SourceError(gettext(
                            'mons_opendata.msg_source_owner_readonly'))
                if set(values) & MODEL_DEFINITION:
                    values = {**values, 'owner': Transaction().user}
            if set(values) - DATA_ONLY:
                changed.extend(sources)
            args.extend([sources, values])
        super().write(*args)
        if changed:
            cls._changed_datasets(changed)

    @classmethod
    def delete(cls, sources):
        datasets = [s.dataset for s in sources]
        super().delete(sources)
        cls._changed_datasets(datasets, datasets=True)

    @classmethod
    def _changed_datasets(cls, records, datasets=False):
        Dataset = Pool().get('opendata.dataset')
        if not datasets:
            records = [r.dataset for r in records]
        Dataset.sub_records_changed(records, 'sources')

    # -- readers: each returns a DataFrame of strings
    def fetch_frame(self):
        return getattr(self, 'read_' + self.kind)()

    def _error(self, msg, **kw):
        return SourceError(gettext('mons_opendata.' + msg,
                source=self.name, **kw))

    def read_file(self):
        if not self.file:
            raise self._error('msg_source_no_file')
        try:
            # Bounded before pandas inflates an Excel file
            upload.check(self.file, self.file_name or self.name,
                kinds={'zip'})
        except upload.UnreadableUpload:
            pass  # the reader tells what is wrong with the file
        except upload.UploadError as error:
            raise SourceError(error.message) from error
        name = (self.file_name or '').lower()
        if name.endswith(('.xlsx', '.xlsm', '.xls')):
            return self.parse_excel(bytes(self.file))
        return self.parse_csv(bytes(self.file))

    def parse_excel(self, data):
        """The sheet's cells as the strings a CSV would hold: date cells as
        ISO dates, date-time cells as ISO date-times, numbers as typed"""
        import pandas as pd
        if (self.file_name or '').lower().endswith('.xls'):
            # the old binary format, which openpyxl does not read
            try:
                df = pd.read_excel(io.BytesIO(data),
                    sheet_name=self.sheet or 0, dtype=str,
                    keep_default_na=False)
            except Exception as e:
                raise self._error('msg_source_excel', error=str(e))
            return df.astype(str).replace({'nan': '', 'None': ''})
        from openpyxl import load_workbook
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True,
                data_only=True)
            try:
                sheet = (workbook[self.sheet] if self.sheet
                    else workbook.worksheets[0])
                rows = [[excel_text(c) for c in row]
                    for row in sheet.iter_rows()]
            finally:
                workbook.close()
        except Exception as e:
            raise self._error('msg_source_excel', error=str(e))
        while rows and not any(rows[-1]):
            rows.pop()
        if not rows:
            return pd.DataFrame()
        width = max(len(r) for r in rows)
        rows = [r + [''] * (width - len(r)) for r in rows]
        # columns without a header nor a value are the sheet's margin
        while width and not rows[0][width - 1] and not any(
                r[width - 1] for r in rows):
            width -= 1
        header = [h or 'Unnamed: %d' % i
            for i, h in enumerate(rows[0][:width])]
        return pd.DataFrame([r[:width] for r in rows[1:]], columns=header,
            dtype=str)

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
        owner = self.owner
        if not owner or not owner.active:
            raise self._error('msg_source_no_owner')
        names = self.model_field_list
        try:
            rows = model_reader.read_rows(owner.id, self.model.name, names,
                self.model_domain)
        except model_reader.PathError as e:
            raise self._error('msg_source_model_forbidden', path=e.path)
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


def excel_text(cell):
    "A cell of a workbook as text, typed values written as ISO 8601"
    value = cell.value
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, dt.datetime):
        format_ = (getattr(cell, 'number_format', '') or '').lower()
        # a date cell comes as a date-time at midnight: its format says
        # whether the hour is part of it
        if value.time() == dt.time() and 'h' not in format_:
            return value.date().isoformat()
        return value.isoformat(timespec='seconds')
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return '%.15g' % value
    return str(value)
