"Shared helpers of the open-data web APIs: what the caller sees, exports."
import csv
import datetime as dt
import decimal
import io
import json
import tempfile

from sql import Literal, Select
from sql.aggregate import Count
from sql.operators import In

from trytond.transaction import Transaction

from . import storage
from .query import QueryError, RecordQuery

CHUNK = 5000


def base_url(request):
    return request.host_url.rstrip('/') + '/' + request.view_args[
        'database_name']


def visible_datasets(pool, domain=None):
    """The published datasets the caller may read (the route acts as the
    caller: record rules decide)"""
    Dataset = pool.get('opendata.dataset')
    return Dataset.search([
            ('state', '=', 'published'),
            ('current_version', '!=', None),
            domain or [],
            ], order=[('code', 'ASC')])


def find_dataset(pool, ref):
    "The published dataset by code or uuid, when the caller may read it"
    datasets = visible_datasets(pool, ['OR',
            ('code', '=', ref), ('uuid', '=', ref)])
    return datasets[0] if datasets else None


def jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


class Records:
    "Queries on the online version of a dataset"

    def __init__(self, dataset):
        self.dataset = dataset
        self.version = dataset.current_version
        self.columns = self.version.stored_columns
        self.table = storage.table(self.version.id)
        self.query = RecordQuery(self.table, self.columns,
            version_id=self.version.id,
            search_index=storage.has_search_index(self.version.id))

    def typed(self, name, value):
        c = self.query.by_name.get(name)
        if value is None or c is None:
            return jsonable(value)
        if c['type'] == 'boolean':
            return bool(value)
        if c['type'] == 'integer':
            return int(value)
        return jsonable(value)

    def _search_only(self, where):
        "Whether where is the free-text condition alone (query.py)"
        if not (isinstance(where, In) and isinstance(where.right, Select)):
            return False
        tables = list(where.right.from_)
        return (len(tables) == 1 and getattr(tables[0], '_name', None)
            == storage.search_table_name(self.version.id)
            and str(where.left) == str(self.table.id))

    def count(self, where=None):
        cursor = Transaction().connection.cursor()
        if self._search_only(where):
            # free text alone: the search table has one row per row of the
            # (never updated) version table, so the join is not needed;
            # on PostgreSQL 190 ms -> 45 ms for 52,000 rows of 1,000,000
            cursor.execute(*where.right.select(Count(Literal(1))))
        else:
            cursor.execute(*self.table.select(Count(Literal(1)),
                    where=where))
        return cursor.fetchone()[0]

    def fetch(self, select=None, where=None, order_by=None, group_by=None,
            limit=10, offset=0):
        """Return (names, rows as dicts, total count)"""
        items = self.query.select(select)
        group = []
        if group_by:
            group = [self.query.item(g) for g in self.query.split(group_by)]
            if not select:
                items = group + [('count', Count(Literal(1)), True)]
            grouped = {str(g[1]) for g in group}
            for name, expr, agg in items:
                if not agg and str(expr) not in grouped:
                    raise QueryError(
                        "Le champ %s doit figurer dans group_by ou être agrégé"
                        % name)
        aggregate = any(a for _, _, a in items)
        aliases = {n: e for n, e, _ in items}
        order = self.query.order(order_by, aliases) if order_by else (
            [] if group or aggregate else [self.table.id.asc])
        columns = [e.as_(n) for n, e, _ in items]
        cursor = Transaction().connection.cursor()
        query = self.table.select(*columns, where=where,
            group_by=[g[1] for g in group] or None, order_by=order or None,
            limit=limit, offset=offset or None)
        cursor.execute(*query)
        names = [n for n, _, _ in items]
        rows = [dict(zip(names, (self.typed(n, v) for n, v in zip(
                            names, r)))) for r in cursor]
        if group:
            sub = self.table.select(*[g[1] for g in group], where=where,
                group_by=[g[1] for g in group])
            cursor.execute(*sub.select(Count(Literal(1))))
            total = cursor.fetchone()[0]
        elif aggregate:
            total = 1
        else:
            total = self.count(where)
        return names, rows, total

    def export_plan(self, select=None, where=None, order_by=None):
        "Return what the streaming export needs, built inside the request"
        items = self.query.select(select)
        if any(a for _, _, a in items):
            raise QueryError(
                "Les agrégats ne sont pas permis dans les exports")
        order = self.query.order(order_by, {n: e for n, e, _ in items}) \
            if order_by else None
        return {
            'database': Transaction().database.name,
            'version': self.version.id,
            'names': [n for n, _, _ in items],
            'exprs': [e for _, e, _ in items],
            'types': [self.query.by_name.get(n, {}).get('type')
                for n, _, _ in items],
            'where': where,
            'order': order,
            'dataset': self.dataset.id,
            'table': self.table,
            }


def stream_rows(plan):
    """Yield the rows of an export in chunks, in its own transaction.

    Keyset paging on the row id keeps memory flat on both backends; an
    explicit order falls back to offset paging."""
    table = plan['table']
    with Transaction().start(plan['database'], 0, readonly=True):
        cursor = Transaction().connection.cursor()
        limit = plan.get('limit')
        if plan['order']:
            offset = 0
            while True:
                size = CHUNK if limit is None else min(CHUNK, limit - offset)
                if size <= 0:
                    break
                cursor.execute(*table.select(*plan['exprs'],
                        where=plan['where'], order_by=plan['order'],
                        limit=size, offset=offset))
                rows = cursor.fetchall()
                if not rows:
                    break
                yield rows
                offset += len(rows)
            return
        last = 0
        while True:
            where = table.id > last
            if plan['where'] is not None:
                where &= plan['where']
            cursor.execute(*table.select(table.id, *plan['exprs'],
                    where=where, order_by=table.id.asc, limit=CHUNK))
            rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            yield [r[1:] for r in rows]


def _fix(types, row):
    if 'boolean' not in types:
        return row
    return [bool(v) if t == 'boolean' and v is not None else v
        for t, v in zip(types, row)]


def export_csv(plan, delimiter=','):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator='\n')
    writer.writerow(plan['names'])
    yield buffer.getvalue().encode('utf-8')
    for rows in stream_rows(plan):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(rows)
        yield buffer.getvalue().encode('utf-8')


def _dumps_chunk(items):
    "One encoder call per chunk: the per-call overhead dominates per row"
    return json.dumps(items, default=jsonable, ensure_ascii=False)[1:-1]


def export_json(plan):
    names, types = plan['names'], plan['types']
    yield b'['
    first = True
    for rows in stream_rows(plan):
        chunk = _dumps_chunk([dict(zip(names, _fix(types, row)))
                for row in rows])
        yield (('' if first else ',') + chunk).encode('utf-8')
        first = False
    yield b']\n'


def export_geojson(plan, lat, lon):
    names, types = plan['names'], plan['types']
    try:
        ilat, ilon = names.index(lat), names.index(lon)
    except ValueError:
        ilat = ilon = None
    yield b'{"type": "FeatureCollection", "features": ['
    first = True
    for rows in stream_rows(plan):
        features = []
        for row in rows:
            row = _fix(types, row)
            geometry = None
            if ilat is not None and row[ilat] is not None \
                    and row[ilon] is not None:
                geometry = {'type': 'Point', 'coordinates': [
                        float(row[ilon]), float(row[ilat])]}
            features.append({'type': 'Feature', 'geometry': geometry,
                    'properties': dict(zip(names, row))})
        yield (('' if first else ',') + _dumps_chunk(features)).encode(
            'utf-8')
        first = False
    yield b']}\n'


def export_xlsx(plan):
    "openpyxl's write-only mode spools the sheet to disk, not memory"
    from openpyxl import Workbook
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet('data')
    sheet.append(plan['names'])
    for rows in stream_rows(plan):
        for row in rows:
            sheet.append(_fix(plan['types'], row))
    with tempfile.TemporaryFile() as fp:
        workbook.save(fp)
        fp.seek(0)
        while True:
            data = fp.read(1 << 16)
            if not data:
                break
            yield data
