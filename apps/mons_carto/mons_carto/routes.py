# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Web routes: OGC API Features, downloads and the data of the viewer.

    /<db>/carto/ogc/...                      OGC API Features
    /<db>/carto/download/<code>.geojson|csv  whole layer
    /<db>/carto/map/layers                   layers and styles of the viewer
    /<db>/carto/map/data/<code>              features of a view (bbox, zoom)
    /<db>/carto/map/search?q=                search in the layers

Who is asking is known through mons_base's caller (a REST bearer key, a
desk session, or else the anonymous visitor) and every handler runs as
that user under Tryton's checks: the record rules of carto.layer and
carto.feature decide which layers exist for them (an internal layer is
answered as unknown), never a second copy of the rule here. A layer read
from a model reads it as its responsible user (carto.layer.as_owner).
A key or session that is given but not valid is a 401, never downgraded to
an anonymous visit.
"""
import csv
import functools
import io
import json
import logging

import shapely
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.modules.mons_base.caller import (
    InvalidCredentials, acting_as, identify, session_user)
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app

from . import geo, ogc, openapi
from .exceptions import LayerOwnerError
from .feature import simplify

logger = logging.getLogger(__name__)

PREFIX = '/<database_name>/carto'
# The viewer draws at most this many features of a layer per view; beyond
# it asks the user to zoom in
VIEW_LIMIT = 5000


def _json_response(data, status=200, content_type=ogc.JSON, headers=None):
    if not isinstance(data, str):
        data = json.dumps(data, ensure_ascii=False, default=str)
    response = Response(data, status=status,
        content_type=content_type + '; charset=utf-8'
        if 'charset' not in content_type else content_type)
    # Public geographic data: any web site may read it from a browser
    # (mons_base.errors answers the preflight)
    response.headers['Access-Control-Allow-Origin'] = '*'
    if headers:
        response.headers.update(headers)
    return response


def _error_response(error):
    return _json_response(error.to_dict(), status=error.status)


def _language(request):
    for language in request.accept_languages.values():
        if language.lower().startswith('en'):
            return 'en'
        if language.lower().startswith('fr'):
            return 'fr'
    return 'fr'


def _unauthorized():
    return ogc.ApiError(401, 'Unauthorized',
        gettext('mons_carto.msg_api_unauthorized'))


def endpoint(path, methods=('GET',)):
    "Register a carto route: run as its caller, errors answered as JSON"
    def decorator(func):
        @functools.wraps(func)
        def inner(request, pool, **kwargs):
            try:
                with Transaction().set_context(
                        language=_language(request)):
                    if request.carto_session is InvalidCredentials:
                        raise _unauthorized()
                    try:
                        caller = identify(
                            request, pool, request.carto_session)
                    except InvalidCredentials:
                        raise _unauthorized()
                    request.carto_caller = caller
                    with acting_as(pool, caller.user_id):
                        return func(request, pool, **kwargs)
            except ogc.ApiError as error:
                return _error_response(error)
            except AccessError as error:
                return _error_response(ogc.ApiError(403, 'Forbidden',
                        error.message))
            except UserError as error:
                return _error_response(ogc.ApiError(400,
                        'InvalidParameterValue', error.message))

        transactional = with_transaction(readonly=True)(inner)

        @functools.wraps(func)
        def outer(request, pool, **kwargs):
            # trytond checks a session in a transaction of its own, so
            # before ours
            try:
                request.carto_session = session_user(request)
            except InvalidCredentials:
                request.carto_session = InvalidCredentials
            return transactional(request, pool, **kwargs)

        app.route(PREFIX + path, methods=list(methods))(with_pool(outer))
        return func
    return decorator


def _base(request):
    database = request.view_args['database_name']
    return '%s%s/carto/ogc' % (request.host_url.rstrip('/') + (
            request.script_root or ''), '/' + database)


def _format(request, allowed=('json', 'html')):
    value = request.args.get('f')
    if value is not None:
        if value not in allowed and not (
                value == 'geojson' and 'json' in allowed):
            raise ogc.bad_request('msg_api_format_unknown', field='f',
                format=value)
        return 'html' if value == 'html' else 'json'
    best = request.accept_mimetypes.best_match(
        [ogc.JSON, ogc.GEOJSON, ogc.HTML], default=ogc.JSON)
    return 'html' if best == ogc.HTML else 'json'


def _html(request, title, template='mons_carto/ogc.html', **context):
    from trytond.modules.mons_base.portal import render
    return render(request, template, title=title, **context)


def _visible(pool, code=None):
    "The layers the caller may see (the record rules decide)"
    Layer = pool.get('carto.layer')
    domain = [] if code is None else [('code', '=', code)]
    return Layer.search(domain)


def _layer(pool, request, code):
    layers = _visible(pool, code)
    if not layers:
        # Internal layers are answered as unknown ones: their existence
        # is not disclosed either
        raise ogc.not_found('msg_api_collection_unknown', collection=code)
    return layers[0]


# --- OGC API Features -------------------------------------------------------

@endpoint('/ogc/')
@endpoint('/ogc')
def landing(request, pool):
    ogc.check_parameters(request.args, {'f'})
    base = _base(request)
    document = {
        'title': 'Ville de Mons — données géographiques',
        'description': "Couches géographiques de la Ville de Mons "
        "(OGC API Features).",
        'links': [
            ogc.link(base + '/?f=json', 'self', ogc.JSON, 'this document'),
            ogc.link(base + '/?f=html', 'alternate', ogc.HTML,
                'this document as HTML'),
            ogc.link(base + '/api?f=json', 'service-desc', ogc.OPENAPI,
                'API definition'),
            ogc.link(base + '/api?f=html', 'service-doc', ogc.HTML,
                'API documentation'),
            ogc.link(base + '/conformance?f=json', 'conformance', ogc.JSON,
                'conformance classes'),
            ogc.link(base + '/collections?f=json', 'data', ogc.JSON,
                'collections'),
            ],
        }
    if _format(request) == 'html':
        return _html(request, document['title'], document=document,
            kind='landing')
    return _json_response(document)


@endpoint('/ogc/conformance')
def conformance(request, pool):
    ogc.check_parameters(request.args, {'f'})
    document = {'conformsTo': ogc.CONFORMANCE}
    if _format(request) == 'html':
        return _html(request, "Classes de conformité", document=document,
            kind='conformance')
    return _json_response(document)


@endpoint('/ogc/api')
def api(request, pool):
    ogc.check_parameters(request.args, {'f'})
    layers = _visible(pool)
    document = openapi.document(_base(request), layers)
    if _format(request) == 'html':
        return _html(request, "Description de l'API", document=document,
            kind='api')
    return _json_response(document, content_type=ogc.OPENAPI)


@endpoint('/ogc/collections')
def collections(request, pool):
    ogc.check_parameters(request.args, {'f'})
    base = _base(request)
    items = []
    for layer in _visible(pool):
        try:
            extent, dates = layer.extent()
        except LayerOwnerError:
            # One layer without an active owner does not hide the others
            extent, dates = None, None
        items.append(ogc.collection_document(layer, base, extent, dates))
    document = {
        'links': [
            ogc.link(base + '/collections?f=json', 'self', ogc.JSON,
                'this document'),
            ogc.link(base + '/collections?f=html', 'alternate', ogc.HTML,
                'this document as HTML'),
            ],
        'collections': items,
        'crs': geo.OUTPUT_CRS,
        }
    if _format(request) == 'html':
        return _html(request, "Couches", document=document,
            kind='collections')
    return _json_response(document)


@endpoint('/ogc/collections/<collection>')
def collection(request, pool, collection):
    ogc.check_parameters(request.args, {'f'})
    layer = _layer(pool, request, collection)
    extent, dates = layer.extent()
    document = ogc.collection_document(layer, _base(request), extent, dates)
    if _format(request) == 'html':
        return _html(request, layer.name, document=document,
            kind='collection', layer=layer)
    return _json_response(document)


@endpoint('/ogc/collections/<collection>/items')
def items(request, pool, collection):
    layer = _layer(pool, request, collection)
    args = ogc.item_arguments(request.args, layer)
    html = _format(request) == 'html'
    matched, rows = layer.query_features(
        bbox=args['bbox'], interval=args['datetime'],
        filters=args['filters'], offset=args['offset'],
        limit=args['limit'])
    base = _base(request)
    url = '%s/collections/%s/items' % (base, layer.code)
    query = {k: v for k, v in request.args.items() if k != 'f'}
    links = ogc.page_links(url, query, args['offset'], args['limit'],
        len(rows), matched)
    links.append(ogc.link('%s/collections/%s?f=json' % (base, layer.code),
            'collection', ogc.JSON, layer.name))
    crs_header = {'Content-Crs': '<%s>' % geo.crs_uri(args['crs'])}
    features = ogc.features_text(rows, args['crs'])
    if html:
        return _html(request, layer.name, kind='items', layer=layer,
            features=[json.loads(f) for f in features], links=links,
            matched=matched, returned=len(rows), offset=args['offset'],
            limit=args['limit'], headers=crs_header)
    head = json.dumps({
            'type': 'FeatureCollection',
            'numberMatched': matched,
            'numberReturned': len(rows),
            'timeStamp': ogc.timestamp(),
            'links': links,
            }, ensure_ascii=False)
    body = head[:-1] + ',"features":[' + ','.join(features) + ']}'
    return _json_response(body, content_type=ogc.GEOJSON,
        headers=crs_header)


@endpoint('/ogc/collections/<collection>/items/<feature>')
def item(request, pool, collection, feature):
    layer = _layer(pool, request, collection)
    ogc.check_parameters(request.args, {'f', 'crs'})
    crs = ogc.parse_crs(request.args.get('crs'))
    html = _format(request) == 'html'
    rows = []
    if ogc.ID_RE.match(feature):
        _, rows = layer.query_features(ids=[int(feature)], limit=1)
    if not rows:
        raise ogc.not_found('msg_api_feature_unknown', feature=feature,
            collection=collection)
    base = _base(request)
    url = '%s/collections/%s/items/%s' % (base, layer.code, feature)
    document = json.loads(ogc.features_text(rows, crs)[0])
    document['links'] = [
        ogc.link(url + '?f=json', 'self', ogc.GEOJSON, 'this feature'),
        ogc.link(url + '?f=html', 'alternate', ogc.HTML,
            'this feature as HTML'),
        ogc.link('%s/collections/%s?f=json' % (base, layer.code),
            'collection', ogc.JSON, layer.name),
        ]
    headers = {'Content-Crs': '<%s>' % geo.crs_uri(crs)}
    if html:
        return _html(request, layer.name, kind='item', layer=layer,
            feature=document, headers=headers)
    return _json_response(document, content_type=ogc.GEOJSON,
        headers=headers)


# --- downloads ----------------------------------------------------------

@endpoint('/download/<collection>.geojson')
def download_geojson(request, pool, collection):
    ogc.check_parameters(request.args, set())
    layer = _layer(pool, request, collection)
    _, rows = layer.query_features(limit=None)
    body = ('{"type":"FeatureCollection","name":%s,"features":[%s]}' % (
            json.dumps(layer.code), ','.join(ogc.features_text(rows))))
    return _json_response(body, content_type=ogc.GEOJSON, headers={
            'Content-Disposition':
            'attachment; filename="%s.geojson"' % layer.code})


@endpoint('/download/<collection>.csv')
def download_csv(request, pool, collection):
    ogc.check_parameters(request.args, set())
    layer = _layer(pool, request, collection)
    _, rows = layer.query_features(limit=None)
    properties = [json.loads(r[2]) if isinstance(r[2], str) else dict(
            r[2] or {}) for r in rows]
    names = []
    for values in properties:
        for key in values:
            if key not in names:
                names.append(key)
    geometries = shapely.from_geojson([r[1] for r in rows]) if rows else []
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(['id'] + names + ['longitude', 'latitude', 'wkt'])
    if rows:
        points = shapely.point_on_surface(geometries)
        xs, ys = shapely.get_x(points), shapely.get_y(points)
        wkts = shapely.to_wkt(geometries, rounding_precision=7)
        for row, values, x, y, wkt in zip(rows, properties, xs, ys, wkts):
            writer.writerow([row[0]]
                + [_csv_value(values.get(n)) for n in names]
                + [round(float(x), 7), round(float(y), 7), wkt])
    return Response(output.getvalue(), content_type='text/csv; charset=utf-8',
        headers={'Content-Disposition':
            'attachment; filename="%s.csv"' % layer.code})


def _csv_value(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return '' if value is None else value


# --- viewer data --------------------------------------------------------

@endpoint('/map/layers')
def map_layers(request, pool):
    Configuration = pool.get('carto.configuration')
    Section = pool.get('mons.section')
    config = Configuration(1)
    layers = []
    for layer in _visible(pool):
        layers.append({
                'code': layer.code,
                'name': layer.name,
                'description': layer.description or '',
                'public': bool(layer.public),
                'geometry_type': layer.geometry_type,
                'colour': layer.colour,
                'symbol': layer.symbol or 'circle',
                'line_style': layer.line_style or 'solid',
                'line_width': layer.line_width or 2,
                'fill_opacity': (layer.fill_opacity
                    if layer.fill_opacity is not None else 0.3),
                'label_field': layer.label_field,
                'classify_field': layer.classify_field,
                'classes': [{'value': c.value, 'label': c.label or c.value,
                            'colour': c.colour} for c in layer.classes],
                'popup_fields': layer.popup_names,
                'cluster': bool(layer.cluster),
                'attribution': layer.attribution or '',
                'downloads': {
                    'geojson': '../carto/download/%s.geojson' % layer.code,
                    'csv': '../carto/download/%s.csv' % layer.code,
                    },
                })
    sections = [{'name': s.name, 'postal_code': s.postal_code,
            'latitude': s.latitude, 'longitude': s.longitude}
        for s in Section.search([], order=[('name', 'ASC')])]
    return _json_response({
            'staff': not request.carto_caller.anonymous,
            'basemap': {
                'url': config.basemap_url or '',
                'attribution': config.basemap_attribution or '',
                'max_zoom': config.basemap_max_zoom or 19,
                },
            'centre': [config.centre_latitude or 50.4542,
                config.centre_longitude or 3.9523],
            'zoom': config.zoom or 12,
            'layers': layers,
            'sections': sections,
            })


@endpoint('/map/data/<collection>')
def map_data(request, pool, collection):
    ogc.check_parameters(request.args, {'bbox', 'zoom'})
    layer = _layer(pool, request, collection)
    bbox = ogc.parse_bbox(request.args.get('bbox'))
    zoom = ogc.parse_int(request.args.get('zoom'), 12, 0, 24,
        'msg_api_zoom_invalid', 'zoom')
    matched, rows = layer.query_features(bbox=bbox, limit=VIEW_LIMIT)
    texts = [r[1] for r in rows]
    if texts and layer.geometry_type != 'point':
        # About one screen pixel at this zoom level, in degrees
        texts = simplify(texts, 360 / (256 * 2 ** zoom))
    features = ['{"type":"Feature","id":%d,"geometry":%s,"properties":%s}'
        % (r[0], t, ogc._properties_text(r[2])) for r, t in zip(rows, texts)]
    body = ('{"type":"FeatureCollection","numberMatched":%d,'
        '"numberReturned":%d,"features":[%s]}' % (
            matched, len(rows), ','.join(features)))
    return _json_response(body, content_type=ogc.GEOJSON)


@endpoint('/map/search')
def map_search(request, pool):
    ogc.check_parameters(request.args, {'q'})
    Feature = pool.get('carto.feature')
    text = (request.args.get('q') or '').strip()
    results = []
    if len(text) >= 2:
        layers = _visible(pool)
        by_id = {l.id: l for l in layers}
        feature_layers = [l.id for l in layers if l.source == 'features']
        features = Feature.search([
                ('layer', 'in', feature_layers),
                ('name', 'ilike', '%' + text + '%'),
                ], limit=20, order=[('name', 'ASC')])
        for feature in features:
            geometry = shapely.from_geojson(feature.geometry)
            results.append(_search_result(by_id[feature.layer.id],
                    feature.name, geometry))
        for layer in layers:
            if layer.source != 'model' or not layer.label_field:
                continue
            try:
                _, rows = layer.query_features(limit=10, filters=None,
                    ids=layer.model_search_ids(text))
            except LayerOwnerError:
                continue
            for row in rows:
                results.append(_search_result(layer,
                        row[2].get(layer.label_field),
                        shapely.from_geojson(row[1])))
    return _json_response({'results': results[:30]})


def _search_result(layer, name, geometry):
    minx, miny, maxx, maxy = geometry.bounds
    point = geometry.point_on_surface()
    return {
        'layer': layer.code,
        'layer_name': layer.name,
        'name': name,
        'bbox': [minx, miny, maxx, maxy],
        'point': [point.y, point.x],
        }

