"""Streaming exports of a dataset's online version (Explore exports and
the distributions' download URLs): rows read in chunks in a transaction of
their own, written format by format."""
import csv
import io
import json
import tempfile

from trytond.transaction import Transaction

from .api import jsonable

CHUNK = 5000


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
