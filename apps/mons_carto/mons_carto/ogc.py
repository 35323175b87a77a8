# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""OGC API Features (Part 1 Core, GeoJSON, HTML, OpenAPI 3.0; Part 2 CRS;
Part 3 queryables and CQL2 filters; sorting and property selection)
documents and parameters, built independently of the web layer so that they are easy to
test."""
import datetime as dt
import json
import re

import shapely

from trytond.i18n import gettext

from . import geo

CONFORMANCE = [
    'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
    'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
    'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
    'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
    'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
    'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
    'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/'
    'queryables-query-parameters',
    'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
    'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
    'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
    'http://www.opengis.net/spec/cql2/1.0/conf/cql2-json',
    'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
    'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
    'http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison',
    'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
    'http://www.opengis.net/spec/cql2/1.0/conf/'
    'basic-spatial-functions-plus',
    'http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions',
    'http://www.opengis.net/spec/ogcapi-features-6/1.0/conf/'
    'property-selection',
    'http://www.opengis.net/spec/ogcapi-features-8/1.0/conf/sorting',
    ]
JSON = 'application/json'
GEOJSON = 'application/geo+json'
HTML = 'text/html'
SCHEMA_JSON = 'application/schema+json'
QUERYABLES_REL = 'http://www.opengis.net/def/rel/ogc/1.0/queryables'
OPENAPI = 'application/vnd.oai.openapi+json;version=3.0'
MAX_LIMIT = 10000
# Past it, page with bbox or a filter: the database would scan the skipped
# rows
MAX_OFFSET = 1000000
DEFAULT_LIMIT = 10
ITEM_PARAMETERS = {'f', 'bbox', 'bbox-crs', 'crs', 'limit', 'offset',
    'datetime', 'filter', 'filter-lang', 'filter-crs', 'sortby',
    'properties'}
GREGORIAN = 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian'


class ApiError(Exception):
    "An error answered as a JSON body: 400 bad request, 404 not found"

    def __init__(self, status, code, description, field=None):
        super().__init__(description)
        self.status = status
        self.code = code
        self.description = description
        self.field = field

    def to_dict(self):
        "OGC's exception (code, description) and the suite's error keys"
        result = {'code': self.code, 'description': self.description,
            'status': self.status, 'message': self.description}
        if self.field:
            result['field'] = self.field
        return result


def bad_request(message_id, field=None, **params):
    return ApiError(400, 'InvalidParameterValue',
        gettext('mons_carto.%s' % message_id, **params), field=field)


def not_found(message_id, **params):
    return ApiError(404, 'NotFound',
        gettext('mons_carto.%s' % message_id, **params))


def link(href, rel, type_, title=None, **extra):
    result = {'href': href, 'rel': rel, 'type': type_}
    if title:
        result['title'] = title
    result.update(extra)
    return result


# --- parameters ------------------------------------------------------------

def check_parameters(args, allowed):
    for name in args.keys():
        if name not in allowed:
            raise bad_request('msg_api_unknown_parameter', field=name,
                parameter=name)


def parse_crs(value, default='CRS84', name='crs'):
    if value is None:
        return default
    code = geo.crs_code(value)
    if code is None or geo.crs_uri(code) not in geo.OUTPUT_CRS:
        raise bad_request('msg_api_crs_unsupported', field=name, crs=value)
    return code


def parse_bbox(value, bbox_crs='CRS84'):
    "Return the bbox in CRS84 (minx, miny, maxx, maxy) or None"
    if value is None:
        return None
    try:
        numbers = [float(v) for v in value.split(',')]
    except ValueError:
        raise bad_request('msg_api_bbox_invalid', field='bbox',
            bbox=value)
    if len(numbers) == 6:
        numbers = numbers[0:2] + numbers[3:5]
    if len(numbers) != 4 or not all(map(_finite, numbers)):
        raise bad_request('msg_api_bbox_invalid', field='bbox',
            bbox=value)
    if geo.is_lat_lon(bbox_crs):
        numbers = [numbers[1], numbers[0], numbers[3], numbers[2]]
    minx, miny, maxx, maxy = numbers
    if (bbox_crs in {'CRS84', 'EPSG:4326'} and not (
                -180 <= min(minx, maxx) and max(minx, maxx) <= 180
                and -90 <= min(miny, maxy) and max(miny, maxy) <= 90)):
        raise bad_request('msg_api_bbox_out_of_crs', field='bbox',
            bbox=value, crs=geo.crs_uri(bbox_crs),
            lambert=geo.crs_uri('EPSG:31370'))
    if minx > maxx or miny > maxy:
        raise bad_request('msg_api_bbox_invalid', field='bbox',
            bbox=value)
    if bbox_crs in {'CRS84', 'EPSG:4326'}:
        if not (-180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90):
            # Most often metres of a Belgian Lambert without bbox-crs
            raise bad_request('msg_api_bbox_out_of_crs', field='bbox',
                bbox=value, crs=geo.crs_uri(bbox_crs),
                lambert=geo.crs_uri('EPSG:31370'))
        return (minx, miny, maxx, maxy)
    return geo.transform_bbox(numbers, bbox_crs, 'CRS84')


def _finite(value):
    return value == value and value not in {float('inf'), float('-inf')}


def parse_int(value, default, minimum, maximum, message_id, name):
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < minimum or (
            maximum is not None and number > maximum):
        raise bad_request(message_id, field=name,
            **{name: value, 'maximum': maximum})
    return number


def _parse_instant(value, end=False):
    if value in {'', '..'}:
        return None
    try:
        if 'T' in value or 't' in value:
            text = value.upper().replace('Z', '+00:00')
            return dt.datetime.fromisoformat(text).date()
        return dt.date.fromisoformat(value)
    except ValueError:
        raise


def parse_datetime(value):
    "Return (start, end) dates or None; an instant gives start == end"
    if value is None:
        return None
    try:
        if '/' in value:
            start, end = value.split('/', 1)
            start, end = _parse_instant(start), _parse_instant(end, True)
            if start is None and end is None:
                raise ValueError
            if start and end and start > end:
                raise ValueError
            return (start, end)
        instant = _parse_instant(value)
        if instant is None:
            raise ValueError
        return (instant, instant)
    except ValueError:
        raise bad_request('msg_api_datetime_invalid', field='datetime',
            value=value)


def parse_names(value, names, field, extra=()):
    "A comma-separated list of property names, each one known"
    result = []
    for name in (value or '').split(','):
        name = name.strip()
        if not name:
            continue
        if name not in names and name not in extra:
            raise bad_request('msg_api_property_unknown', field=field,
                property=name, queryables=', '.join(sorted(names)) or '—')
        result.append(name)
    return result


def parse_sortby(value, names):
    "sortby=+name,-other: [(name, descending)]"
    if value is None:
        return None
    keys = []
    for item in value.split(','):
        item = item.strip()
        if not item:
            continue
        descending = item.startswith('-')
        name = item.lstrip('+-').strip()
        if ':' in name:
            # The older form name:A / name:D of some clients
            name, _, direction = name.partition(':')
            descending = direction.strip().upper().startswith('D')
        parse_names(name, names, 'sortby', extra=('id',))
        keys.append((name, descending))
    if not keys:
        raise bad_request('msg_api_sortby_empty', field='sortby')
    return keys


def item_arguments(args, layer):
    "Check and decode the query of /items"
    from . import cql
    queryables = set(layer.queryables)
    check_parameters(args, ITEM_PARAMETERS | queryables)
    bbox_crs = parse_crs(args.get('bbox-crs'), name='bbox-crs')
    crs = parse_crs(args.get('crs'))
    filters = {k: v for k, v in args.items() if k in queryables}
    where = None
    if args.get('filter') is not None:
        where = cql.parse(args.get('filter'), args.get('filter-lang'),
            parse_crs(args.get('filter-crs'), name='filter-crs'),
            queryables)
    elif args.get('filter-lang') is not None:
        cql.check_language(args.get('filter-lang'))
    properties = None
    if args.get('properties') is not None:
        properties = parse_names(args.get('properties'), queryables,
            'properties')
    return {
        'where': where,
        'sortby': parse_sortby(args.get('sortby'), queryables),
        'properties': properties,
        'bbox': parse_bbox(args.get('bbox'), bbox_crs),
        'bbox_crs': bbox_crs,
        'crs': crs,
        'limit': parse_int(args.get('limit'), DEFAULT_LIMIT, 1, MAX_LIMIT,
            'msg_api_limit_invalid', 'limit'),
        'offset': parse_int(args.get('offset'), 0, 0, MAX_OFFSET,
            'msg_api_offset_invalid', 'offset'),
        'datetime': parse_datetime(args.get('datetime')),
        'filters': filters,
        }


# --- feature encoding -----------------------------------------------------

def _properties_text(properties):
    if properties is None:
        return '{}'
    if isinstance(properties, str):
        return properties or '{}'
    return json.dumps(dict(properties), ensure_ascii=False, default=str)


def reproject_texts(texts, crs):
    "GeoJSON texts from CRS84 to the crs asked for (Part 2)"
    if crs == 'CRS84':
        return texts
    geometries = shapely.from_geojson(list(texts))
    geometries = geo.transform(geometries, 'CRS84', crs,
        swap=geo.is_lat_lon(crs))
    if crs in {'EPSG:31370', 'EPSG:3812'}:
        geometries = geo.round_coordinates(geometries, 3)
    return list(shapely.to_geojson(geometries))


def _selected(properties, names):
    if isinstance(properties, str):
        properties = json.loads(properties or '{}')
    properties = properties or {}
    return {n: properties[n] for n in names if n in properties}


def features_text(rows, crs='CRS84', properties=None):
    """Feature texts without decoding the stored GeoJSON again; properties
    keeps only the names given (property selection)"""
    texts = reproject_texts([r[1] for r in rows], crs) if rows else []
    return ['{"type":"Feature","id":%d,"geometry":%s,"properties":%s}' % (
            row[0], text, _properties_text(row[2] if properties is None
                else _selected(row[2], properties)))
        for row, text in zip(rows, texts)]


def collection_document(layer, base, extent=None, dates=None):
    url = '%s/collections/%s' % (base, layer.code)
    document = {
        'id': layer.code,
        'title': layer.name,
        'description': layer.description or '',
        'itemType': 'feature',
        'crs': geo.OUTPUT_CRS,
        'storageCrs': geo.CRS84,
        'links': [
            link(url + '?f=json', 'self', JSON, layer.name),
            link(url + '?f=html', 'alternate', HTML, layer.name),
            link(url + '/items?f=json', 'items', GEOJSON, layer.name),
            link(url + '/items?f=html', 'items', HTML, layer.name),
            link(url + '/queryables?f=json', QUERYABLES_REL, SCHEMA_JSON,
                'queryables'),
            link('%s/download/%s.geojson' % (base.rsplit('/ogc', 1)[0],
                    layer.code), 'enclosure', GEOJSON, 'GeoJSON'),
            link('%s/download/%s.csv' % (base.rsplit('/ogc', 1)[0],
                    layer.code), 'enclosure', 'text/csv', 'CSV'),
            ],
        }
    if extent:
        document['extent'] = {'spatial': {
                'bbox': [[round(v, 7) for v in extent]],
                'crs': geo.CRS84,
                }}
        if dates:
            document['extent']['temporal'] = {
                'interval': [[dates[0].isoformat() + 'T00:00:00Z',
                        dates[1].isoformat() + 'T23:59:59Z']],
                'trs': GREGORIAN,
                }
    return document


def page_links(request_url, args, offset, limit, returned, matched):
    "self, alternate, next and prev links of a page of items"
    def with_args(**changes):
        query = dict(args)
        query.update(changes)
        query = {k: v for k, v in query.items() if v is not None}
        from urllib.parse import urlencode
        return request_url + '?' + urlencode(query)
    links = [
        link(with_args(f='json'), 'self', GEOJSON, 'this page'),
        link(with_args(f='html'), 'alternate', HTML, 'this page as HTML'),
        ]
    if offset + returned < matched:
        links.append(link(with_args(f='json', offset=offset + limit,
                    limit=limit), 'next', GEOJSON, 'next page'))
    if offset > 0:
        links.append(link(with_args(f='json', offset=max(offset - limit, 0),
                    limit=limit), 'prev', GEOJSON, 'previous page'))
    return links


def timestamp():
    return dt.datetime.now(dt.timezone.utc).replace(
        microsecond=0).isoformat().replace('+00:00', 'Z')


ID_RE = re.compile(r'^\d{1,18}$')
