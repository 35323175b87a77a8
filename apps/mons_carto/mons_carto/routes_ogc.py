# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""OGC API Features routes: landing page, conformance, API, collections
and their items (see routes.py for who is asking and how errors answer)."""
import json

from trytond.modules.mons_base.municipality import identity
# N_: the page title is shown in the visitor's language (ogc.html)
from trytond.modules.mons_base.portal_i18n import N_

from . import geo, ogc, openapi
from .exceptions import LayerOwnerError
from .routes import (
    _base, _format, _html, _json_response, _layer, _visible, endpoint)


@endpoint('/ogc/')
@endpoint('/ogc')
def landing(request, pool):
    ogc.check_parameters(request.args, {'f'})
    base = _base(request)
    document = {
        'title': identity()['authority'] + ' — données géographiques',
        'description': "Couches géographiques : %s (OGC API Features)."
        % identity()['organisations_text'],
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
        return _html(request, N_("Classes de conformité"), document=document,
            kind='conformance')
    return _json_response(document)


@endpoint('/ogc/api')
def api(request, pool):
    ogc.check_parameters(request.args, {'f'})
    layers = _visible(pool)
    document = openapi.document(_base(request), layers)
    if _format(request) == 'html':
        return _html(request, N_("Description de l'API"), document=document,
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
        return _html(request, N_("Couches"), document=document,
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
            kind='collection', layer=layer, labels=layer.property_labels())
    return _json_response(document)


@endpoint('/ogc/collections/<collection>/queryables')
def queryables(request, pool, collection):
    layer = _layer(pool, request, collection)
    ogc.check_parameters(request.args, {'f'})
    url = '%s/collections/%s/queryables' % (_base(request), layer.code)
    document = layer.queryables_document(url)
    if _format(request) == 'html':
        return _html(request, layer.name, kind='queryables', layer=layer,
            document=document)
    return _json_response(document, content_type=ogc.SCHEMA_JSON)


@endpoint('/ogc/collections/<collection>/items')
def items(request, pool, collection):
    layer = _layer(pool, request, collection)
    args = ogc.item_arguments(request.args, layer)
    html = _format(request) == 'html'
    matched, rows = layer.query_features(
        bbox=args['bbox'], interval=args['datetime'],
        filters=args['filters'], offset=args['offset'],
        limit=args['limit'], where=args['where'], sortby=args['sortby'])
    base = _base(request)
    url = '%s/collections/%s/items' % (base, layer.code)
    query = {k: v for k, v in request.args.items() if k != 'f'}
    links = ogc.page_links(url, query, args['offset'], args['limit'],
        len(rows), matched)
    links.append(ogc.link('%s/collections/%s?f=json' % (base, layer.code),
            'collection', ogc.JSON, layer.name))
    crs_header = {'Content-Crs': '<%s>' % geo.crs_uri(args['crs'])}
    features = ogc.features_text(rows, args['crs'], args['properties'])
    if html:
        return _html(request, layer.name, kind='items', layer=layer,
            labels=layer.property_labels(),
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
    ogc.check_parameters(request.args, {'f', 'crs', 'properties'})
    crs = ogc.parse_crs(request.args.get('crs'))
    properties = None
    if request.args.get('properties') is not None:
        properties = ogc.parse_names(request.args.get('properties'),
            set(layer.queryables), 'properties')
    html = _format(request) == 'html'
    rows = []
    if ogc.ID_RE.match(feature):
        _, rows = layer.query_features(ids=[int(feature)], limit=1)
    if not rows:
        raise ogc.not_found('msg_api_feature_unknown', feature=feature,
            collection=collection)
    base = _base(request)
    url = '%s/collections/%s/items/%s' % (base, layer.code, feature)
    document = json.loads(ogc.features_text(rows, crs, properties)[0])
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
            labels=layer.property_labels(), feature=document,
            headers=headers)
    return _json_response(document, content_type=ogc.GEOJSON,
        headers=headers)


