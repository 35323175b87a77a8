"""Streaming exports of a dataset's online version (Explore exports and
the distributions' download URLs): rows read in chunks in a transaction of
their own, written format by format."""
import csv
import datetime as dt
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


def _fix(types, row, post=None):
    if post and any(post):
        row = [p(v) if p else v for p, v in zip(post, row)]
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
        chunk = _dumps_chunk([dict(zip(names, _fix(types, row,
                            plan.get('post')))) for row in rows])
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
            row = _fix(types, row, plan.get('post'))
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
            # typed cells: dates as dates, geo points as text
            sheet.append([v if not isinstance(v, (dict, list)) else
                    json.dumps(v) for v in _dates(plan['types'],
                        _fix(plan['types'], row))])
    with tempfile.TemporaryFile() as fp:
        workbook.save(fp)
        fp.seek(0)
        while True:
            data = fp.read(1 << 16)
            if not data:
                break
            yield data


def _dates(types, row):
    "ISO text of date and datetime columns as Python values"
    result = []
    for t, v in zip(types, row):
        if v is not None and t in {'date', 'datetime'} and isinstance(v, str):
            try:
                v = (dt.date.fromisoformat(v) if t == 'date'
                    else dt.datetime.fromisoformat(v.rstrip('Z')))
            except ValueError:
                pass
        result.append(v)
    return result


def _plain(plan):
    "Indexes of the stored columns (not the computed geo_point_2d/shape)"
    post = plan.get('post') or [None] * len(plan['names'])
    return [i for i, p in enumerate(post) if p is None]


def export_jsonl(plan):
    "One JSON object a line (JSON Lines)"
    names, types = plan['names'], plan['types']
    for rows in stream_rows(plan):
        yield ''.join(json.dumps(dict(zip(names, _fix(types, row,
                            plan.get('post')))), default=jsonable,
                    ensure_ascii=False) + '\n' for row in rows).encode('utf-8')


ARROW_TYPES = {'integer': 'int64', 'number': 'float64', 'boolean': 'bool_',
    'date': 'date32', 'datetime': 'timestamp'}


def export_parquet(plan):
    "Typed Parquet columns (dates as dates), written chunk by chunk"
    import pyarrow as pa
    import pyarrow.parquet as pq
    keep = _plain(plan)
    names = [plan['names'][i] for i in keep]
    types = [plan['types'][i] for i in keep]
    fields = []
    for name, t in zip(names, types):
        kind = ARROW_TYPES.get(t)
        if kind == 'timestamp':
            arrow = pa.timestamp('s')
        elif kind:
            arrow = getattr(pa, kind)()
        else:
            arrow = pa.string()
        fields.append(pa.field(name, arrow))
    schema = pa.schema(fields)
    with tempfile.TemporaryFile() as fp:
        with pq.ParquetWriter(fp, schema) as writer:
            for rows in stream_rows(plan):
                rows = [_dates(types, _fix(types, [row[i] for i in keep]))
                    for row in rows]
                columns = list(zip(*rows)) if rows else [[] for _ in names]
                columns = [[None if v is None else (
                                str(v) if f.type == pa.string() else v)
                            for v in col] for col, f in zip(columns, fields)]
                writer.write_table(pa.table(columns, schema=schema))
        yield from _read_back(fp)


def _read_back(fp):
    fp.seek(0)
    while True:
        data = fp.read(1 << 16)
        if not data:
            break
        yield data


WGS84_PRJ = ('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID['
    '"WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]]')


def export_shapefile(plan, lat, lon, name):
    """A zipped ESRI shapefile of points (WGS 84): .shp, .shx, .dbf, .prj
    and .cpg (UTF-8); field names cut to the format's 10 characters"""
    import zipfile

    import shapefile
    keep = _plain(plan)
    names = [plan['names'][i] for i in keep]
    types = [plan['types'][i] for i in keep]
    ilat, ilon = names.index(lat), names.index(lon)
    shp, shx, dbf = (tempfile.TemporaryFile() for _ in range(3))
    try:
        writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf,
            shapeType=shapefile.POINT, encoding='utf-8')
        short = []
        for field, t in zip(names, types):
            base = field[:10]
            n = 1
            while base in short:
                base = field[:8] + '%02d' % n
                n += 1
            short.append(base)
            if t == 'integer':
                writer.field(base, 'N', 18, 0)
            elif t == 'number':
                writer.field(base, 'F', 19, 8)
            elif t == 'boolean':
                writer.field(base, 'L', 1)
            elif t == 'date':
                writer.field(base, 'D')
            else:
                writer.field(base, 'C', 254)
        for rows in stream_rows(plan):
            for row in rows:
                row = _dates(types, _fix(types, [row[i] for i in keep]))
                if row[ilat] is None or row[ilon] is None:
                    writer.null()
                else:
                    writer.point(float(row[ilon]), float(row[ilat]))
                writer.record(*[v.isoformat() if isinstance(v, dt.datetime)
                        else v for v in row])
        writer.close()
        with tempfile.TemporaryFile() as fp:
            with zipfile.ZipFile(fp, 'w', zipfile.ZIP_DEFLATED) as archive:
                for ext, part in [('shp', shp), ('shx', shx), ('dbf', dbf)]:
                    part.seek(0)
                    archive.writestr('%s.%s' % (name, ext), part.read())
                archive.writestr(name + '.prj', WGS84_PRJ)
                archive.writestr(name + '.cpg', 'UTF-8')
            yield from _read_back(fp)
    finally:
        for part in (shp, shx, dbf):
            part.close()


def export_kml(plan, lat, lon, title):
    "KML 2.2 placemarks with every field as ExtendedData"
    from xml.sax.saxutils import escape, quoteattr
    keep = _plain(plan)
    names = [plan['names'][i] for i in keep]
    types = [plan['types'][i] for i in keep]
    ilat, ilon = names.index(lat), names.index(lon)
    yield ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>%s'
        '</name>\n' % escape(title)).encode('utf-8')
    for rows in stream_rows(plan):
        out = []
        for row in rows:
            row = _fix(types, [row[i] for i in keep])
            data = ''.join('<Data name=%s><value>%s</value></Data>' % (
                    quoteattr(n), escape('' if v is None else str(v)))
                for n, v in zip(names, row))
            point = ''
            if row[ilat] is not None and row[ilon] is not None:
                point = '<Point><coordinates>%s,%s</coordinates></Point>' % (
                    float(row[ilon]), float(row[ilat]))
            out.append('<Placemark><name>%s</name><ExtendedData>%s'
                '</ExtendedData>%s</Placemark>\n' % (
                    escape(str(row[0] if row else '')), data, point))
        yield ''.join(out).encode('utf-8')
    yield b'</Document></kml>\n'
