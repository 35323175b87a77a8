# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Geometry helpers: CRS handling, reading files, validity, bounds.

Everything here works on shapely geometry arrays so that big files are
converted with one vectorised call to pyproj instead of a Python loop.
"""
import csv
import io
import json
import os
import re
import tempfile
import zipfile
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer

CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'
EPSG_URI = 'http://www.opengis.net/def/crs/EPSG/0/%s'

# The CRSs the suite accepts in and out: WGS84 and the two Belgian Lambert
SOURCE_CRS = [
    ('EPSG:4326', "WGS84 (EPSG:4326)"),
    ('EPSG:31370', "Belgian Lambert 72 (EPSG:31370)"),
    ('EPSG:3812', "Belgian Lambert 2008 (EPSG:3812)"),
    ]
# OGC URIs offered by the API (Part 2), CRS84 first as the default
OUTPUT_CRS = [CRS84, EPSG_URI % 4326, EPSG_URI % 31370, EPSG_URI % 3812]

# Margin (degrees) around a CRS area of use before coordinates are deemed
# not to belong to it
_AREA_MARGIN = 0.5


class GeoError(Exception):
    "An error in input data, with a message id and its parameters"

    def __init__(self, message_id, **params):
        super().__init__(message_id, params)
        self.message_id = message_id
        self.params = params


def crs_code(value):
    """Return 'EPSG:n' or 'CRS84' for a CRS given as code, URN or URI,
    None when unknown."""
    if value is None:
        return None
    value = str(value).strip()
    if value.upper().endswith('CRS84'):
        return 'CRS84'
    match = re.search(r'EPSG(?::|/0/|::|/)(\d+)$', value, re.IGNORECASE)
    if match:
        code = 'EPSG:%s' % match.group(1)
        if code in {c for c, _ in SOURCE_CRS}:
            return code
    return None


def crs_uri(code):
    if code in {'CRS84', None}:
        return CRS84
    return EPSG_URI % code.split(':')[1]


def is_lat_lon(code):
    "EPSG:4326 has latitude first in the OGC axis order"
    return code == 'EPSG:4326'


@lru_cache(maxsize=32)
def transformer(source, target):
    source = 'OGC:CRS84' if source == 'CRS84' else source
    target = 'OGC:CRS84' if target == 'CRS84' else target
    return Transformer.from_crs(source, target, always_xy=True)


def transform(geometries, source, target, swap=False, decimals=None):
    """Transform an array of shapely geometries from source to target
    with one vectorised call; swap writes y, x for lat/lon axis order,
    decimals rounds in the same pass"""
    geometries = np.asarray(geometries, dtype=object)
    same = (source == target
        or {source, target} <= {'CRS84', 'EPSG:4326'})
    if same and not swap and decimals is None:
        return geometries
    trans = None if same else transformer(source, target)

    def _transform(coords):
        if trans is not None:
            x, y = trans.transform(coords[:, 0], coords[:, 1])
            coords = np.column_stack([x, y])
        if swap:
            coords = coords[:, ::-1]
        if decimals is not None:
            coords = np.round(coords, decimals)
        return coords
    return shapely.transform(geometries, _transform)


def transform_points(x, y, source, target='CRS84'):
    "Transform coordinate arrays (used by the bench and the CSV import)"
    return transformer(source, target).transform(
        np.asarray(x, dtype=float), np.asarray(y, dtype=float))


def transform_bbox(bbox, source, target='CRS84'):
    "Transform a bbox, densifying the edges so that curved ones fit"
    if source == target or {source, target} <= {'CRS84', 'EPSG:4326'}:
        return tuple(bbox)
    return transformer(source, target).transform_bounds(*bbox, densify_pts=21)


@lru_cache(maxsize=8)
def area_of_use(code):
    if code == 'CRS84':
        return (-180, -90, 180, 90)
    area = CRS(code).area_of_use
    return (area.west - _AREA_MARGIN, area.south - _AREA_MARGIN,
        area.east + _AREA_MARGIN, area.north + _AREA_MARGIN)


def check_area(geometries, numbers, source):
    """Raise when WGS84 geometries fall outside the source CRS area of use:
    the usual sign of a file declared in the wrong CRS"""
    if not len(geometries):
        return
    west, south, east, north = area_of_use(source)
    bounds = shapely.bounds(geometries)
    bad = ~(np.isfinite(bounds).all(axis=1)
        & (bounds[:, 0] >= west) & (bounds[:, 2] <= east)
        & (bounds[:, 1] >= south) & (bounds[:, 3] <= north))
    if bad.any():
        index = int(np.argmax(bad))
        raise GeoError('msg_import_crs_mismatch',
            number=numbers[index], crs=source, count=int(bad.sum()))


@lru_cache(maxsize=8)
def source_area(code):
    """Area of use of a CRS in its own coordinates (metres of a Lambert),
    with its name: (name, (minx, miny, maxx, maxy))"""
    if code in {'CRS84', 'EPSG:4326'}:
        return 'WGS84', (-180, -90, 180, 90)
    area = CRS(code).area_of_use
    minx, miny, maxx, maxy = transformer('CRS84', code).transform_bounds(
        area.west, area.south, area.east, area.north, densify_pts=21)
    # 5 km of margin: a file of the city's edge stays inside
    margin = 5000
    return area.name, (minx - margin, miny - margin, maxx + margin,
        maxy + margin)


def check_source_area(parsed, source):
    """Add an error for each row whose coordinates, as read in the file,
    fall outside the area of use of the CRS they are declared in: WGS84
    degrees in a layer declared in Lambert 72 are a few metres from the
    Lambert origin, in France, and are refused here with their line"""
    if not len(parsed.geometries):
        return
    name, (west, south, east, north) = source_area(source)
    bounds = shapely.bounds(np.asarray(parsed.geometries, dtype=object))
    finite = np.isfinite(bounds).all(axis=1)
    bad = ~(finite & (bounds[:, 0] >= west) & (bounds[:, 2] <= east)
        & (bounds[:, 1] >= south) & (bounds[:, 3] <= north))
    def limit(value):
        return (int(round(value)) if source not in {'CRS84', 'EPSG:4326'}
            else value)
    for index in np.flatnonzero(bad & finite):
        x, y = bounds[index][0], bounds[index][1]
        parsed.errors.append((parsed.numbers[index], 'msg_import_outside_crs',
                {'x': _number_text(x), 'y': _number_text(y), 'crs': source,
                    'area': name.rstrip('.'),
                    'minx': limit(west), 'maxx': limit(east),
                    'miny': limit(south), 'maxy': limit(north)}))


def _number_text(value):
    return ('%.6f' % value).rstrip('0').rstrip('.')


def round_coordinates(geometries, decimals=7):
    "7 decimals of a degree is about 1 cm: enough and much smaller"
    return shapely.transform(
        np.asarray(geometries, dtype=object),
        lambda c: np.round(c, decimals))


class Parsed:
    "Result of reading a file: geometries, properties, numbers, errors"

    def __init__(self):
        self.geometries = []
        self.properties = []
        self.numbers = []  # line (CSV) or feature number of each row
        self.errors = []  # (number, message_id, params)
        self.crs = None
        self.kind = 'feature'  # or 'line'


def _json_value(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        value = float(value)
        return None if np.isnan(value) else value
    if isinstance(value, (bytes, bytearray)):
        return value.decode('utf-8', 'replace')
    if hasattr(value, 'isoformat'):
        return value.isoformat()
    return value


def read_geojson(data):
    parsed = Parsed()
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exception:
        raise GeoError('msg_import_geojson_invalid', error=str(exception))
    if not isinstance(doc, dict):
        raise GeoError('msg_import_geojson_invalid', error='not an object')
    crs = doc.get('crs')
    if isinstance(crs, dict):
        name = (crs.get('properties') or {}).get('name')
        parsed.crs = crs_code(name)
        if parsed.crs is None:
            raise GeoError('msg_import_crs_unknown', crs=name)
    if doc.get('type') == 'FeatureCollection':
        features = doc.get('features')
        if not isinstance(features, list):
            raise GeoError('msg_import_geojson_invalid',
                error='"features" is not a list')
    elif doc.get('type') == 'Feature':
        features = [doc]
    elif 'coordinates' in doc or doc.get('type') == 'GeometryCollection':
        features = [{'type': 'Feature', 'geometry': doc, 'properties': {}}]
    else:
        raise GeoError('msg_import_geojson_invalid',
            error='type %r' % doc.get('type'))
    for number, feature in enumerate(features, 1):
        if not isinstance(feature, dict) or feature.get('type') != 'Feature':
            parsed.errors.append(
                (number, 'msg_import_not_feature', {}))
            continue
        geometry = feature.get('geometry')
        if not geometry:
            parsed.errors.append((number, 'msg_import_no_geometry', {}))
            continue
        try:
            geometry = shapely.from_geojson(json.dumps(geometry))
        except Exception as exception:
            parsed.errors.append((number, 'msg_import_bad_geometry',
                    {'error': str(exception)}))
            continue
        properties = feature.get('properties') or {}
        if not isinstance(properties, dict):
            properties = {}
        if 'id' in feature and 'id' not in properties:
            properties['id'] = feature['id']
        parsed.geometries.append(geometry)
        parsed.properties.append(properties)
        parsed.numbers.append(number)
    return parsed


_X_NAMES = ['x', 'lon', 'lng', 'long', 'longitude', 'easting', 'est']
_Y_NAMES = ['y', 'lat', 'latitude', 'northing', 'nord']


def _guess_column(fieldnames, candidates):
    lower = {f.strip().lower(): f for f in fieldnames if f}
    for candidate in candidates:
        if candidate in lower:
            return lower[candidate]


def guess_x_column(fieldnames):
    return _guess_column(fieldnames, _X_NAMES)


def guess_y_column(fieldnames):
    return _guess_column(fieldnames, _Y_NAMES)


def _number(text):
    text = (text or '').strip().replace('\u00a0', '').replace(' ', '')
    if ',' in text and '.' not in text:
        # Belgian spreadsheets write decimal commas
        text = text.replace(',', '.')
    return float(text)


def read_csv(data, x_column=None, y_column=None):
    parsed = Parsed()
    parsed.kind = 'line'
    if isinstance(data, bytes):
        try:
            text = data.decode('utf-8-sig')
        except UnicodeDecodeError:
            text = data.decode('cp1252')
    else:
        text = data
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=',;\t|')
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect=dialect)
    fieldnames = [f.strip() for f in next(reader, [])]
    x_column = x_column or _guess_column(fieldnames, _X_NAMES)
    y_column = y_column or _guess_column(fieldnames, _Y_NAMES)
    for name, column in [('x', x_column), ('y', y_column)]:
        if not column or column not in fieldnames:
            raise GeoError('msg_import_csv_column_missing',
                column=column or name, columns=', '.join(fieldnames))
    ix, iy = fieldnames.index(x_column), fieldnames.index(y_column)
    others = [(i, f) for i, f in enumerate(fieldnames) if i not in {ix, iy}]
    xs, ys = [], []
    for row in reader:
        if not row:
            continue
        number = reader.line_num
        values = []
        for index, column in ((ix, x_column), (iy, y_column)):
            text = row[index] if index < len(row) else ''
            try:
                value = float(text)
            except ValueError:
                try:
                    value = _number(text)
                except ValueError:
                    value = None
            if value is None or not np.isfinite(value):
                parsed.errors.append((number, 'msg_import_csv_not_number', {
                            'column': column, 'value': text}))
                break
            values.append(value)
        else:
            xs.append(values[0])
            ys.append(values[1])
            parsed.properties.append({f: row[i] for i, f in others
                    if i < len(row)})
            parsed.numbers.append(number)
    parsed.geometries = shapely.points(
        np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
        ) if xs else []
    return parsed


def read_ogr(data, filename):
    "GeoPackage or zipped Shapefile through pyogrio (GDAL)"
    import pyogrio.raw
    suffix = os.path.splitext(filename or '')[1].lower() or '.gpkg'
    if suffix == '.zip':
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = [n for n in archive.namelist()
                    if n.lower().endswith('.shp')]
        except zipfile.BadZipFile as exception:
            raise GeoError('msg_import_file_unreadable', error=str(exception))
        if not names:
            raise GeoError('msg_import_zip_no_shapefile')
    parsed = Parsed()
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, 'source' + suffix)
        with open(path, 'wb') as file:
            file.write(data)
        try:
            meta, _, wkb, field_data = pyogrio.raw.read(path)[:4]
        except Exception as exception:
            raise GeoError('msg_import_file_unreadable', error=str(exception))
    if meta.get('crs'):
        try:
            epsg = CRS(meta['crs']).to_epsg(min_confidence=70)
        except Exception:
            epsg = None
        parsed.crs = crs_code('EPSG:%s' % epsg) if epsg else None
        if parsed.crs is None:
            raise GeoError('msg_import_crs_unknown', crs=meta['crs'])
    names = list(meta.get('fields', []))
    for index, geometry in enumerate(wkb):
        number = index + 1
        if geometry is None:
            parsed.errors.append((number, 'msg_import_no_geometry', {}))
            continue
        try:
            parsed.geometries.append(shapely.from_wkb(geometry))
        except Exception as exception:
            parsed.errors.append((number, 'msg_import_bad_geometry',
                    {'error': str(exception)}))
            continue
        parsed.properties.append({name: _json_value(column[index])
                for name, column in zip(names, field_data)})
        parsed.numbers.append(number)
    return parsed


def detect_format(filename):
    suffix = os.path.splitext(filename or '')[1].lower()
    return {
        '.geojson': 'geojson', '.json': 'geojson',
        '.csv': 'csv', '.txt': 'csv',
        '.gpkg': 'gpkg', '.zip': 'shapefile',
        }.get(suffix)


def check_validity(parsed):
    "Add an error for each invalid or empty geometry; never fix them"
    if not len(parsed.geometries):
        return
    geometries = np.asarray(parsed.geometries, dtype=object)
    valid = shapely.is_valid(geometries)
    empty = shapely.is_empty(geometries)
    for index in np.flatnonzero(~valid | empty):
        if empty[index]:
            parsed.errors.append(
                (parsed.numbers[index], 'msg_import_no_geometry', {}))
        else:
            parsed.errors.append((parsed.numbers[index],
                    'msg_import_invalid_geometry', {
                        'reason': shapely.is_valid_reason(
                            geometries[index])}))


def prepare(parsed, source):
    """Transform to CRS84 and return (geojson texts, bounds array, geometries)
    once the data is known to be valid"""
    # 7 decimals of a degree is about 1 cm: enough and much smaller
    geometries = transform(parsed.geometries, source, 'CRS84', decimals=7)
    check_area(geometries, parsed.numbers, source)
    texts = shapely.to_geojson(geometries)
    bounds = shapely.bounds(geometries)
    return texts, bounds, geometries


def geometry_type(geometry):
    kind = shapely.get_type_id(geometry)
    if kind in {0, 4}:
        return 'point'
    if kind in {1, 2, 5}:
        return 'line'
    if kind in {3, 6}:
        return 'polygon'
    return 'mixed'
