# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Paths of the OpenAPI description: the REST operations of each model,
their parameters and their answers."""
import re

from trytond.model import ModelView

from .openapi_schemas import _ref
from .rest_guard import MAX_LIMIT, MAX_OFFSET

# Methods every model exposes; they are the CRUD paths or desk internals
_STANDARD_RPC = {
    'fields_view_get', 'read', 'search', 'search_count', 'search_read',
    'create', 'write',
    'delete', 'copy', 'fields_get', 'view_get', 'view_toolbar_get',
    'default_get', 'import_data', 'export_data', 'export_data_domain',
    'model_access_get', 'history_revisions', 'pre_validate', 'resources',
    'on_scan_code', 'get_preferences', 'set_preferences',
    'get_preferences_fields_view', 'get_rec_name', 'search_rec_name',
    'autocomplete', 'view_attributes'}
_STANDARD_PREFIXES = ('on_change', 'autocomplete_')

_NAME_RE = re.compile(r'[^A-Za-z0-9_]')


def _op_id(*parts):
    return '__'.join(_NAME_RE.sub('_', p) for p in parts)


# ---------------------------------------------------------------- paths

def _error(description):
    return {'description': description,
        'content': {'application/json': {'schema': _ref('Error')}}}


_ERRORS = {
    '400': _error("Invalid input or business rule refused (`message` in "
        "French, `field` naming the field, parameter or header)"),
    '401': _error("Missing or invalid API key"),
    '403': _error("Access denied"),
    '404': _error("No such model, path or record"),
    '405': _error("Method not allowed on this resource"),
    '415': _error("The body is not JSON"),
    '500': _error("Server fault, logged: `request_id` is its reference"),
    '503': _error("Server busy (a lock held by another request): retry "
        "after `Retry-After` seconds"),
    }


def _json_response(description, schema):
    return {'description': description,
        'content': {'application/json': {'schema': schema}}}


def _common_parameters():
    return {
        'Domain': {
            'name': 'd', 'in': 'query', 'required': False,
            'description': "Search domain in Tryton syntax, JSON encoded "
            "then URL-safe base64, e.g. [[\"name\", \"ilike\", \"%mons%\"]].",
            'schema': {'type': 'string',
                'contentEncoding': 'base64url',
                'contentMediaType': 'application/json'},
            },
        'Order': {
            'name': 'o', 'in': 'query', 'required': False,
            'description': "Order, JSON encoded then URL-safe base64, "
            "e.g. [[\"name\", \"ASC\"]].",
            'schema': {'type': 'string',
                'contentEncoding': 'base64url',
                'contentMediaType': 'application/json'},
            },
        'Limit': {
            'name': 's', 'in': 'query', 'required': False,
            'description': f"Maximum number of records (default and "
            f"maximum {MAX_LIMIT}; the header `Range: records=<start>-<end>` "
            f"pages too, within the same bounds).",
            'schema': {'type': 'integer', 'minimum': 0,
                'maximum': MAX_LIMIT},
            },
        'Offset': {
            'name': 'p', 'in': 'query', 'required': False,
            'description': f"Number of records to skip (at most "
            f"{MAX_OFFSET}: page further with a domain on the id).",
            'schema': {'type': 'integer', 'minimum': 0,
                'maximum': MAX_OFFSET},
            },
        'Id': {
            'name': 'id', 'in': 'path', 'required': True,
            'schema': {'type': 'integer', 'minimum': 1},
            },
        'Context': {
            'name': 'X-Tryton-Context', 'in': 'header', 'required': False,
            'description': "Tryton context, JSON encoded then URL-safe "
            "base64, e.g. `{'language': 'fr'}`. Accepted keys are "
            "the public ones a desk client may send (`language`, `company`, "
            "`employee`, `date` and the other keys of the models' "
            "context), and `_datetime` to read history; every other key "
            "starting with `_` is dropped. The user's own rights apply "
            "whatever the context says.",
            'schema': {'type': 'string'},
            },
        }


def _fields_parameter(definitions):
    names = sorted(set(definitions) | {'id', 'rec_name'})
    return {
        'name': 'f', 'in': 'query', 'required': False,
        'description': "Fields to return (repeat the parameter); "
        "'<relation>.<field>' reads related records. Default: id, "
        "rec_name.",
        'style': 'form', 'explode': True,
        'schema': {'type': 'array', 'items': {'enum': names}},
        }


def _model_paths(Model, definitions, reports):
    name = Model.__name__
    ref = _ref(name)
    fields_param = _fields_parameter(definitions)
    tag = name
    params = '#/components/parameters/'
    collection = {
        'get': {
            'tags': [tag], 'operationId': _op_id(name, 'search'),
            'summary': f"Search {name}",
            'parameters': [
                {'$ref': params + 'Domain'}, fields_param,
                {'$ref': params + 'Limit'}, {'$ref': params + 'Offset'},
                {'$ref': params + 'Order'}, {'$ref': params + 'Context'}],
            'responses': {
                '200': _json_response(
                    "Records found", {'type': 'array', 'items': ref}),
                **_ERRORS},
            },
        'post': {
            'tags': [tag], 'operationId': _op_id(name, 'create'),
            'summary': f"Create a {name}",
            'requestBody': {'required': True, 'content': {
                    'application/json': {
                        'schema': _ref(name + '.create')}}},
            'responses': {
                '200': _json_response("Created record", ref),
                '204': {'description': "Created but not readable"},
                **_ERRORS},
            },
        }
    item = {
        'parameters': [{'$ref': params + 'Id'}],
        'get': {
            'tags': [tag], 'operationId': _op_id(name, 'read'),
            'summary': f"Read a {name}",
            'parameters': [fields_param, {'$ref': params + 'Context'}],
            'responses': {
                '200': _json_response("The record", ref),
                '404': {'description': "No such record"},
                **_ERRORS},
            },
        'put': {
            'tags': [tag], 'operationId': _op_id(name, 'update'),
            'summary': f"Update a {name}",
            'requestBody': {'required': True, 'content': {
                    'application/json': {
                        'schema': _ref(name + '.update')}}},
            'responses': {
                '200': _json_response("Updated record", ref),
                '204': {'description': "Updated but not readable"},
                '404': {'description': "No such record"},
                **_ERRORS},
            },
        'delete': {
            'tags': [tag], 'operationId': _op_id(name, 'delete'),
            'summary': f"Delete a {name}",
            'responses': {
                '204': {'description': "Deleted"},
                '404': {'description': "No such record"},
                **_ERRORS},
            },
        }
    paths = {
        f'/model/{name}': collection,
        f'/model/{name}/{{id}}': item,
        }
    buttons = getattr(Model, '_buttons', {}) if issubclass(
        Model, ModelView) else {}
    for method, rpc in sorted(Model.__rpc__.items()):
        if (method in _STANDARD_RPC
                or method.startswith(_STANDARD_PREFIXES)):
            continue
        on_records = rpc.instantiate is not None
        kind = "Button" if method in buttons else "Method"
        body = {'required': False, 'content': {
                'application/json': {'schema': _ref('ActionArguments')}}}
        operation = {
            'tags': [tag],
            'operationId': _op_id(name, method),
            'summary': f"{kind} {method} of {name}",
            'requestBody': body,
            'responses': {
                '200': _json_response(
                    "Result of the method (the record for a button "
                    "returning nothing)", {}),
                '204': {'description': "Done, no result"},
                **_ERRORS},
            }
        if on_records:
            operation['parameters'] = [{'$ref': params + 'Id'}]
            paths[f'/model/{name}/{{id}}/{method}'] = {'post': operation}
        else:
            paths[f'/model/{name}/{method}'] = {'post': operation}
    for report_name, report_string in reports:
        paths[f'/report/{report_name}/{{id}}'] = {'get': {
                'tags': [tag],
                'operationId': _op_id(report_name, 'report'),
                'summary': f"Report {report_string} of a {name}",
                'parameters': [{'$ref': params + 'Id'}],
                'responses': {
                    '200': {'description': "The document",
                        'content': {'application/octet-stream': {
                                'schema': {'type': 'string',
                                    'contentMediaType':
                                    'application/octet-stream'}}}},
                    **_ERRORS},
                }}
    return paths
