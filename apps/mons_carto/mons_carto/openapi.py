# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Self-contained OpenAPI 3.0 description of the OGC API Features service.

Every $ref points inside the document: the service must be usable on
networks without internet access, so nothing refers to schemas.opengis.net.
"""
from trytond.modules.mons_base.municipality import identity

from . import geo, ogc


def _ref(kind, name):
    return {'$ref': '#/components/%s/%s' % (kind, name)}


def _content(schema, html=True, media=ogc.JSON):
    content = {media: {'schema': schema}}
    if html:
        content[ogc.HTML] = {'schema': {'type': 'string'}}
    return content


SCHEMAS = {
    'exception': {
        'type': 'object',
        'required': ['code'],
        'properties': {
            'code': {'type': 'string'},
            'description': {'type': 'string'},
            },
        },
    'link': {
        'type': 'object',
        'required': ['href', 'rel'],
        'properties': {
            'href': {'type': 'string'},
            'rel': {'type': 'string'},
            'type': {'type': 'string'},
            'hreflang': {'type': 'string'},
            'title': {'type': 'string'},
            'length': {'type': 'integer'},
            },
        },
    'landingPage': {
        'type': 'object',
        'required': ['links'],
        'properties': {
            'title': {'type': 'string'},
            'description': {'type': 'string'},
            'links': {'type': 'array', 'items': _ref('schemas', 'link')},
            },
        },
    'confClasses': {
        'type': 'object',
        'required': ['conformsTo'],
        'properties': {
            'conformsTo': {'type': 'array', 'items': {'type': 'string'}},
            },
        },
    'extent': {
        'type': 'object',
        'properties': {
            'spatial': {
                'type': 'object',
                'properties': {
                    'bbox': {'type': 'array', 'minItems': 1, 'items': {
                            'type': 'array', 'minItems': 4, 'maxItems': 6,
                            'items': {'type': 'number'}}},
                    'crs': {'type': 'string'},
                    },
                },
            'temporal': {
                'type': 'object',
                'properties': {
                    'interval': {'type': 'array', 'minItems': 1, 'items': {
                            'type': 'array', 'minItems': 2, 'maxItems': 2,
                            'items': {'type': 'string', 'nullable': True}}},
                    'trs': {'type': 'string'},
                    },
                },
            },
        },
    'collection': {
        'type': 'object',
        'required': ['id', 'links'],
        'properties': {
            'id': {'type': 'string'},
            'title': {'type': 'string'},
            'description': {'type': 'string'},
            'links': {'type': 'array', 'items': _ref('schemas', 'link')},
            'extent': _ref('schemas', 'extent'),
            'itemType': {'type': 'string', 'default': 'feature'},
            'crs': {'type': 'array', 'items': {'type': 'string'}},
            'storageCrs': {'type': 'string'},
            },
        },
    'collections': {
        'type': 'object',
        'required': ['links', 'collections'],
        'properties': {
            'links': {'type': 'array', 'items': _ref('schemas', 'link')},
            'collections': {'type': 'array',
                'items': _ref('schemas', 'collection')},
            'crs': {'type': 'array', 'items': {'type': 'string'}},
            },
        },
    'geometryGeoJSON': {
        'type': 'object',
        'nullable': True,
        'required': ['type'],
        'properties': {
            'type': {'type': 'string', 'enum': [
                    'Point', 'MultiPoint', 'LineString', 'MultiLineString',
                    'Polygon', 'MultiPolygon', 'GeometryCollection']},
            'coordinates': {'type': 'array', 'items': {}},
            'geometries': {'type': 'array', 'items': {'type': 'object'}},
            },
        },
    'featureGeoJSON': {
        'type': 'object',
        'required': ['type', 'geometry', 'properties'],
        'properties': {
            'type': {'type': 'string', 'enum': ['Feature']},
            'id': {'oneOf': [{'type': 'string'}, {'type': 'integer'}]},
            'geometry': _ref('schemas', 'geometryGeoJSON'),
            'properties': {'type': 'object', 'nullable': True},
            'links': {'type': 'array', 'items': _ref('schemas', 'link')},
            },
        },
    'featureCollectionGeoJSON': {
        'type': 'object',
        'required': ['type', 'features'],
        'properties': {
            'type': {'type': 'string', 'enum': ['FeatureCollection']},
            'features': {'type': 'array',
                'items': _ref('schemas', 'featureGeoJSON')},
            'links': {'type': 'array', 'items': _ref('schemas', 'link')},
            'timeStamp': {'type': 'string', 'format': 'date-time'},
            'numberMatched': {'type': 'integer', 'minimum': 0},
            'numberReturned': {'type': 'integer', 'minimum': 0},
            },
        },
    }

PARAMETERS = {
    'f': {'name': 'f', 'in': 'query', 'required': False,
        'description': 'Output format', 'style': 'form', 'explode': False,
        'schema': {'type': 'string', 'enum': ['json', 'html']}},
    'collectionId': {'name': 'collectionId', 'in': 'path', 'required': True,
        'description': 'Code of the layer', 'schema': {'type': 'string'}},
    'featureId': {'name': 'featureId', 'in': 'path', 'required': True,
        'description': 'Identifier of the feature',
        'schema': {'type': 'string'}},
    'limit': {'name': 'limit', 'in': 'query', 'required': False,
        'style': 'form', 'explode': False,
        'schema': {'type': 'integer', 'minimum': 1,
            'maximum': ogc.MAX_LIMIT, 'default': ogc.DEFAULT_LIMIT}},
    'offset': {'name': 'offset', 'in': 'query', 'required': False,
        'style': 'form', 'explode': False,
        'schema': {'type': 'integer', 'minimum': 0, 'default': 0}},
    'bbox': {'name': 'bbox', 'in': 'query', 'required': False,
        'style': 'form', 'explode': False,
        'schema': {'type': 'array', 'minItems': 4, 'maxItems': 6,
            'items': {'type': 'number'}}},
    'bbox-crs': {'name': 'bbox-crs', 'in': 'query', 'required': False,
        'style': 'form', 'explode': False,
        'schema': {'type': 'string', 'format': 'uri',
            'enum': geo.OUTPUT_CRS}},
    'crs': {'name': 'crs', 'in': 'query', 'required': False,
        'style': 'form', 'explode': False,
        'schema': {'type': 'string', 'format': 'uri',
            'enum': geo.OUTPUT_CRS}},
    'datetime': {'name': 'datetime', 'in': 'query', 'required': False,
        'style': 'form', 'explode': False, 'schema': {'type': 'string'}},
    'filter': {'name': 'filter', 'in': 'query', 'required': False,
        'description': 'CQL2 filter on the queryables (Part 3)',
        'style': 'form', 'explode': False, 'schema': {'type': 'string'}},
    'filter-lang': {'name': 'filter-lang', 'in': 'query', 'required': False,
        'style': 'form', 'explode': False,
        'schema': {'type': 'string', 'enum': ['cql2-text', 'cql2-json'],
            'default': 'cql2-text'}},
    'filter-crs': {'name': 'filter-crs', 'in': 'query', 'required': False,
        'style': 'form', 'explode': False,
        'schema': {'type': 'string', 'format': 'uri',
            'enum': geo.OUTPUT_CRS}},
    'sortby': {'name': 'sortby', 'in': 'query', 'required': False,
        'description': 'Comma-separated queryables, - before a name for '
        'descending order', 'style': 'form', 'explode': False,
        'schema': {'type': 'array', 'minItems': 1, 'items': {
                'type': 'string', 'pattern': r'[+|-]?[A-Za-z_].*'}}},
    'properties': {'name': 'properties', 'in': 'query', 'required': False,
        'description': 'Comma-separated properties to return',
        'style': 'form', 'explode': False,
        'schema': {'type': 'array', 'items': {'type': 'string'}}},
    }

RESPONSES = {
    'exception': {'description': 'Error',
        'content': {ogc.JSON: {'schema': _ref('schemas', 'exception')}}},
    }


def document(base, layers):
    "OpenAPI document of the service for the layers the caller may see"
    errors = {
        '400': _ref('responses', 'exception'),
        '404': _ref('responses', 'exception'),
        }
    params = [_ref('parameters', 'f')]
    item_params = [_ref('parameters', 'collectionId')] + params + [
        _ref('parameters', n) for n in
        ['limit', 'offset', 'bbox', 'bbox-crs', 'crs', 'datetime', 'filter',
            'filter-lang', 'filter-crs', 'sortby', 'properties']]
    paths = {
        '/': {'get': {
                'summary': 'Landing page', 'operationId': 'getLandingPage',
                'tags': ['Capabilities'], 'parameters': params,
                'responses': {'200': {'description': 'Landing page',
                        'content': _content(
                            _ref('schemas', 'landingPage'))}}}},
        '/conformance': {'get': {
                'summary': 'Conformance classes',
                'operationId': 'getConformanceDeclaration',
                'tags': ['Capabilities'], 'parameters': params,
                'responses': {'200': {'description': 'Conformance classes',
                        'content': _content(
                            _ref('schemas', 'confClasses'))}}}},
        '/api': {'get': {
                'summary': 'This document', 'operationId': 'getApi',
                'tags': ['Capabilities'], 'parameters': params,
                'responses': {'200': {'description': 'OpenAPI 3.0',
                        'content': {ogc.OPENAPI: {
                                'schema': {'type': 'object'}},
                            ogc.HTML: {'schema': {'type': 'string'}}}}}}},
        '/collections': {'get': {
                'summary': 'Collections', 'operationId': 'getCollections',
                'tags': ['Capabilities'], 'parameters': params,
                'responses': {'200': {'description': 'Collections',
                        'content': _content(
                            _ref('schemas', 'collections'))}}}},
        '/collections/{collectionId}': {'get': {
                'summary': 'Collection', 'operationId': 'describeCollection',
                'tags': ['Capabilities'],
                'parameters': [_ref('parameters', 'collectionId')] + params,
                'responses': {'200': {'description': 'Collection',
                        'content': _content(_ref('schemas', 'collection'))},
                    **errors}}},
        '/collections/{collectionId}/queryables': {'get': {
                'summary': 'Queryables of a collection (JSON Schema)',
                'operationId': 'getQueryables', 'tags': ['Capabilities'],
                'parameters': [_ref('parameters', 'collectionId')] + params,
                'responses': {'200': {'description': 'Queryables',
                        'content': _content({'type': 'object'},
                            media=ogc.SCHEMA_JSON)}, **errors}}},
        '/collections/{collectionId}/items': {'get': {
                'summary': 'Features of a collection',
                'operationId': 'getFeatures', 'tags': ['Data'],
                'parameters': item_params,
                'responses': {'200': {'description': 'Features',
                        'headers': {'Content-Crs': {
                                'schema': {'type': 'string'}}},
                        'content': _content(
                            _ref('schemas', 'featureCollectionGeoJSON'),
                            media=ogc.GEOJSON)}, **errors}}},
        '/collections/{collectionId}/items/{featureId}': {'get': {
                'summary': 'One feature', 'operationId': 'getFeature',
                'tags': ['Data'],
                'parameters': [_ref('parameters', 'collectionId'),
                    _ref('parameters', 'featureId'), *params,
                    _ref('parameters', 'crs'),
                    _ref('parameters', 'properties')],
                'responses': {'200': {'description': 'Feature',
                        'headers': {'Content-Crs': {
                                'schema': {'type': 'string'}}},
                        'content': _content(
                            _ref('schemas', 'featureGeoJSON'),
                            media=ogc.GEOJSON)}, **errors}}},
        }
    # One path per layer documents its own property filters
    for layer in layers:
        filters = [{'name': name, 'in': 'query', 'required': False,
                'style': 'form', 'explode': False,
                'description': 'Features whose property "%s" equals the '
                'value' % name, 'schema': {'type': 'string'}}
            for name in layer.queryables]
        paths['/collections/%s/items' % layer.code] = {'get': {
                'summary': layer.name,
                'description': layer.description or '',
                'operationId': 'getFeatures_%s' % layer.code.replace(
                    '-', '_'),
                'tags': ['Data'],
                'parameters': item_params[1:] + filters,
                'responses': {'200': {'description': 'Features',
                        'content': _content(
                            _ref('schemas', 'featureCollectionGeoJSON'),
                            media=ogc.GEOJSON)}, **errors}}}
    return {
        'openapi': '3.0.3',
        'info': {
            'title': identity()['authority'] + ' — OGC API Features',
            'description': 'Geographic layers: %s.'
            % identity()['organisations_text'],
            'version': '1.0.0',
            'license': {'name': 'CC-BY 4.0'},
            },
        'servers': [{'url': base}],
        'tags': [
            {'name': 'Capabilities'},
            {'name': 'Data'},
            ],
        'paths': paths,
        'components': {
            'schemas': SCHEMAS,
            'parameters': PARAMETERS,
            'responses': RESPONSES,
            },
        }
