# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""The data of the map viewer: its layers and styles, the features of a
view (bbox, zoom) and the search in the layers."""
import gzip

import shapely

from trytond.modules.mons_base.municipality import identity
from trytond.protocols.wrappers import Response

from . import ogc
from .exceptions import LayerOwnerError
from .feature import OVERVIEW_ZOOM, simplify
from .routes import _json_response, _layer, _visible, endpoint

# The viewer draws at most this many features of a layer per view; beyond
# it gets the points counted by cells (aggregate_features) or, for lines
# and surfaces, asks the user to zoom in
VIEW_LIMIT = 5000
# Side of an aggregation cell on the screen, in pixels
CELL_PIXELS = 64
# Lines and surfaces: every feature of the view is sent, simplified to
# about a screen pixel (bench/carto_shapes.py: 50,000 polygons), up to
# this many; beyond, the viewer asks to zoom in
SHAPE_LIMIT = 100000
# From this zoom (a pixel is about 0.4 m at Belgian latitudes) the stored
# geometry is sent as it is: no simplification, no rounding
FULL_ZOOM = 18
# Geometries of a few vertices gain nothing from simplification (a ring
# keeps four): only GeoJSON texts longer than this are parsed and simplified
SIMPLIFY_FROM = 200
# Answers above this size are compressed when the browser accepts gzip
# (the proxy may not compress, and in-process clients never do)
GZIP_FROM = 64 * 1024


@endpoint('/map/layers')
def map_layers(request, pool):
    Configuration = pool.get('carto.configuration')
    Section = pool.get('mons.section')
    config = Configuration(1)
    layers = []
    visible = _visible(pool)
    for layer in visible:
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
                'labels': layer.property_labels(),
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
            # Fonds offered by the switcher: a plain one always, the
            # basemap (OpenStreetMap) and the orthophoto when configured
            'basemaps': _basemaps(config),
            'address_layer': _address_layer(config, visible),
            'centre': _centre(config),
            'zoom': config.zoom or 12,
            'layers': layers,
            'sections': sections,
            })


def _centre(config):
    "The configured centre, else the municipality's (its sections')"
    if config.centre_latitude and config.centre_longitude:
        return [config.centre_latitude, config.centre_longitude]
    centre = identity()['centre']
    return list(centre) if centre else [50.5, 4.5]


@endpoint('/map/data/<collection>')
def map_data(request, pool, collection):
    ogc.check_parameters(request.args, {'bbox', 'zoom'})
    layer = _layer(pool, request, collection)
    bbox = ogc.parse_bbox(request.args.get('bbox'))
    zoom = ogc.parse_int(request.args.get('zoom'), 12, 0, 24,
        'msg_api_zoom_invalid', 'zoom')
    if layer.source == 'features' and layer.geometry_type == 'point':
        # One query counts and groups: the cells are the answer when the
        # view holds too many points
        cells = layer.aggregate_features(bbox, _cell(zoom))
        matched = sum(c[0] for c in cells)
        if matched > VIEW_LIMIT:
            return _aggregated(cells, matched)
    shapes = layer.geometry_type != 'point'
    matched, rows = layer.query_features(bbox=bbox,
        limit=SHAPE_LIMIT if shapes else VIEW_LIMIT,
        overview=shapes and zoom <= OVERVIEW_ZOOM)
    texts = [r[1] for r in rows]
    if texts and shapes and zoom < FULL_ZOOM:
        detailed = [i for i, t in enumerate(texts) if len(t) > SIMPLIFY_FROM]
        if detailed:
            simple = simplify([texts[i] for i in detailed], pixel(zoom))
            for i, text in zip(detailed, simple):
                texts[i] = text
    features = ['{"type":"Feature","id":%d,"geometry":%s,"properties":%s}'
        % (r[0], t, ogc._properties_text(r[2])) for r, t in zip(rows, texts)]
    body = ('{"type":"FeatureCollection","numberMatched":%d,'
        '"numberReturned":%d,"features":[%s]}' % (
            matched, len(rows), ','.join(features)))
    return _compressed(request, body)


def pixel(zoom):
    "Side of a screen pixel at this zoom level, in degrees"
    return 360 / (256 * 2 ** zoom)


def _compressed(request, body):
    "The GeoJSON answer, gzipped when large and the browser accepts it"
    data = body.encode('utf-8')
    headers = {'Access-Control-Allow-Origin': '*',
        'Vary': 'Accept-Encoding'}
    if len(data) >= GZIP_FROM and 'gzip' in request.accept_encodings:
        # level 1: a fifth of the size for a few milliseconds a megabyte
        data = gzip.compress(data, compresslevel=1)
        headers['Content-Encoding'] = 'gzip'
    return Response(data, content_type=ogc.GEOJSON, headers=headers)


def _basemaps(config):
    basemaps = [{'id': 'plain', 'name': "Fond uni", 'url': ''}]
    if config.basemap_url:
        basemaps.append({'id': 'osm', 'name': "Plan (OpenStreetMap)"
                if 'openstreetmap' in config.basemap_url else "Plan",
                'url': config.basemap_url,
                'attribution': config.basemap_attribution or '',
                'max_zoom': config.basemap_max_zoom or 19})
    if config.orthophoto_url:
        basemaps.append({'id': 'ortho', 'name': "Orthophoto",
                'url': config.orthophoto_url,
                'attribution': config.orthophoto_attribution or '',
                'max_zoom': 20})
    return basemaps


def _address_layer(config, visible):
    "The address layer's code when the caller may see it"
    if config.address_layer and config.address_layer.id in {
            l.id for l in visible}:
        return config.address_layer.code
    return None


def _cell(zoom):
    "Side in degrees of about CELL_PIXELS on the screen at this zoom"
    return pixel(zoom) * CELL_PIXELS


def _aggregated(cells, matched):
    features = []
    for index, (count, x, y, minx, miny, maxx, maxy) in enumerate(cells):
        features.append({
                'type': 'Feature', 'id': 'cell-%d' % index,
                'geometry': {'type': 'Point',
                    'coordinates': [round(x, 6), round(y, 6)]},
                'properties': {'count': count, 'bbox': [round(minx, 6),
                        round(miny, 6), round(maxx, 6), round(maxy, 6)]},
                })
    return _json_response({'type': 'FeatureCollection',
            'aggregated': True, 'numberMatched': matched,
            'numberReturned': len(features), 'features': features},
        content_type=ogc.GEOJSON)


@endpoint('/map/search')
def map_search(request, pool):
    ogc.check_parameters(request.args, {'q'})
    Feature = pool.get('carto.feature')
    Configuration = pool.get('carto.configuration')
    text = (request.args.get('q') or '').strip()
    results = []
    if len(text) >= 2:
        layers = _visible(pool)
        by_id = {l.id: l for l in layers}
        address = Configuration(1).address_layer
        if address and address.id in by_id:
            # Addresses first: every word typed, in any order
            words = [w for w in text.replace(',', ' ').split() if w]
            for feature in Feature.search([('layer', '=', address.id)]
                    + [('name', 'ilike', '%' + w + '%') for w in words],
                    limit=10, order=[('name', 'ASC')]):
                result = _search_result(by_id[address.id], feature.name,
                    shapely.from_geojson(feature.geometry))
                result['address'] = True
                results.append(result)
        feature_layers = [l.id for l in layers if l.source == 'features'
            and not (address and l.id == address.id)]
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

