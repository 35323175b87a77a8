"""ODSQL functions as ODWB documents them, built from portable SQL.

Dates are stored as ISO text (storage.py), so year/month/day and
date_format read fixed positions of that text on SQLite and PostgreSQL
alike. Points are the dataset's latitude/longitude columns: distances use
the equirectangular approximation (exact to a few metres at a city's
scale), polygons are tested with shapely on the rows of their bounding box.
"""
import datetime as dt
import json
import math
import re

from sql import Cast, Literal, Null
from sql.conditionals import Case
from sql.functions import Floor, Lower, Substring, Upper
from sql.operators import And, Concat, In, Like

# Java-like patterns ODS accepts -> (ISO text position, length)
DATE_PARTS = {'yyyy': (1, 4), 'MM': (6, 2), 'dd': (9, 2), 'HH': (12, 2),
    'mm': (15, 2), 'ss': (18, 2)}
DATE_PATTERN = re.compile(r'yyyy|MM|dd|HH|mm|ss')
UNITS = {'mm': 0.001, 'cm': 0.01, 'm': 1, 'km': 1000, 'mi': 1609.344,
    'yd': 0.9144, 'ft': 0.3048}
MAX_POLYGON_ROWS = 200000


class FunctionError(ValueError):
    pass


def date_part(col, part):
    start, length = DATE_PARTS[part]
    return Cast(Substring(col, start, length), 'INTEGER')


def date_format(col, pattern):
    "Concatenated parts of the ISO text for yyyy, MM, dd, HH, mm, ss"
    pieces, pos = [], 0
    for m in DATE_PATTERN.finditer(pattern):
        if m.start() > pos:
            pieces.append(Literal(pattern[pos:m.start()]))
        start, length = DATE_PARTS[m.group()]
        pieces.append(Substring(col, start, length))
        pos = m.end()
    if pos < len(pattern):
        pieces.append(Literal(pattern[pos:]))
    if not pieces:
        raise FunctionError("Format de date vide (exemple : 'yyyy-MM').")
    expr = pieces[0]
    for piece in pieces[1:]:
        expr = Concat(expr, piece)
    return expr


def now(**shift):
    "now() and now(days=-7, months=-1, years=1, hours=…): ISO text"
    today = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None,
        microsecond=0)
    years = int(shift.pop('years', shift.pop('year', 0)))
    months = int(shift.pop('months', shift.pop('month', 0)))
    if years or months:
        total = today.year * 12 + today.month - 1 + years * 12 + months
        year, month = divmod(total, 12)
        day = min(today.day, [31, 29 if year % 4 == 0 and (
                        year % 100 or year % 400 == 0) else 28, 31, 30, 31,
                30, 31, 31, 30, 31, 30, 31][month])
        today = today.replace(year=year, month=month + 1, day=day)
    try:
        delta = dt.timedelta(**{k if k.endswith('s') else k + 's': float(v)
                for k, v in shift.items()})
    except TypeError as e:
        raise FunctionError("Paramètre de now() inconnu : %s." % e)
    return (today + delta).isoformat()


def date_literal(text):
    "date'2020', date'2020-03', date'2020-03-01' as ISO text"
    text = text.strip()
    if re.fullmatch(r'\d{4}', text):
        return text + '-01-01'
    if re.fullmatch(r'\d{4}-\d{2}', text):
        return text + '-01'
    if re.fullmatch(r'\d{4}-\d{2}-\d{2}([T ][\d:.]+)?Z?', text):
        return text.rstrip('Z').replace(' ', 'T')
    raise FunctionError("Date non valable : %r (AAAA, AAAA-MM ou "
        "AAAA-MM-JJ)." % text)


def parse_geometry(text):
    "A geom'…' literal: WKT or GeoJSON, as a shapely geometry"
    from shapely import wkt
    from shapely.errors import ShapelyError
    from shapely.geometry import shape
    text = text.strip()
    try:
        if text.startswith('{'):
            data = json.loads(text)
            if data.get('type') == 'Feature':
                data = data['geometry']
            return shape(data)
        return wkt.loads(text)
    except (ValueError, KeyError, TypeError, AttributeError, ShapelyError):
        raise FunctionError("Géométrie illisible : %r (WKT ou GeoJSON, en "
            "longitude latitude WGS 84)." % text[:60])


def distance(text):
    m = re.fullmatch(r'\s*(\d+(?:\.\d+)?)\s*(mm|cm|m|km|mi|yd|ft)?\s*', text)
    if not m:
        raise FunctionError("Distance non valable : %r (exemple : 500m, "
            "2km)." % text)
    return float(m.group(1)) * UNITS[m.group(2) or 'm']


def within_distance(lat, lon, point, meters):
    "Rows whose point is within meters of point (a shapely Point)"
    lat0, lon0 = point.y, point.x
    ky = 110540.0
    kx = 111320.0 * math.cos(math.radians(lat0))
    # the bounding box first: an index may serve it
    dlat, dlon = meters / ky, meters / max(kx, 1e-9)
    box = And([lat >= lat0 - dlat, lat <= lat0 + dlat,
            lon >= lon0 - dlon, lon <= lon0 + dlon])
    dx = (lon - lon0) * kx
    dy = (lat - lat0) * ky
    return box & ((dx * dx + dy * dy) <= meters * meters)


def in_bbox(lat, lon, lat1, lon1, lat2, lon2):
    return And([lat >= min(lat1, lat2), lat <= max(lat1, lat2),
            lon >= min(lon1, lon2), lon <= max(lon1, lon2)])


def in_polygon(table, lat, lon, geometry):
    """Rows whose point lies in geometry: the bounding box in SQL, the exact
    test with shapely on those rows"""
    from trytond.transaction import Transaction
    from shapely import points
    from shapely.prepared import prep
    if geometry.geom_type == 'Point':
        return And([lat == geometry.y, lon == geometry.x])
    minx, miny, maxx, maxy = geometry.bounds
    box = in_bbox(lat, lon, miny, minx, maxy, maxx)
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(table.id, lat, lon, where=box,
            limit=MAX_POLYGON_ROWS + 1))
    rows = cursor.fetchall()
    if len(rows) > MAX_POLYGON_ROWS:
        raise FunctionError("Polygone trop grand : plus de %d points dans "
            "son emprise." % MAX_POLYGON_ROWS)
    prepared = prep(geometry)
    ids = [i for (i, y, x), p in zip(rows, points(
                [(r[2], r[1]) for r in rows])) if prepared.intersects(p)] \
        if rows else []
    if not ids:
        return Literal(False)
    return In(table.id, ids)


def bucket(col, step):
    "range(field, step): the lower bound of the field's interval"
    if step <= 0:
        raise FunctionError("Le pas de range() doit être positif.")
    return Floor(col / step) * step


def starts_with(col, prefix):
    pattern = prefix.replace('\\', '\\\\').replace('%', '\\%').replace(
        '_', '\\_') + '%'
    return Like(col, pattern, escape='\\')


def point_text(lat, lon):
    "lat,lon as one text the reader turns into geo_point_2d/geo_shape"
    return Case((lat == Null, Null), (lon == Null, Null),
        else_=Concat(Concat(Cast(lat, 'VARCHAR'), ','),
            Cast(lon, 'VARCHAR')))


def geo_point(text):
    if text is None:
        return None
    lat, lon = (float(v) for v in str(text).split(','))
    return {'lon': lon, 'lat': lat}


def geo_shape(text):
    point = geo_point(text)
    if point is None:
        return None
    return {'type': 'Feature', 'geometry': {'type': 'Point',
            'coordinates': [point['lon'], point['lat']]}, 'properties': {}}


STRING_FUNCTIONS = {'upper': Upper, 'lower': Lower}
