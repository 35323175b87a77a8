# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""OpenAPI 3.1 description of Tryton's REST API for the suite's models.

``GET /<database_name>/rest/openapi.json`` is public (no key needed): it
only describes the API; every call it describes needs the bearer key of a
validated ``res.user.application`` of application ``rest``, and access
rights still apply. ``Accept-Language: fr`` gives French descriptions.

Covered models: every model registered (defined or extended) by an
activated module named ``mons_*`` plus the models their relation fields
point to.
"""
import json
import logging
import re
import threading


from trytond.model import ModelStorage, ModelView
from trytond.pool import Pool
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.tools import resolve
from trytond.wsgi import app

__all__ = ['build_openapi', 'openapi_models']

logger = logging.getLogger(__name__)

OPENAPI_VERSION = '3.1.0'
_cache = {}
_cache_lock = threading.Lock()

# Methods every model exposes; they are the CRUD paths or desk internals
_STANDARD_RPC = {
    'read', 'search', 'search_count', 'search_read', 'create', 'write',
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


def _schema_name(model, suffix=''):
    return model + suffix


# ---------------------------------------------------------------- models

def _activated_modules(pool):
    Module = pool.get('ir.module')
    return sorted(m.name for m in Module.search(
            [('state', '=', 'activated')]))


def openapi_models(pool, modules):
    "Names of the models to describe, sorted"
    base = set()
    for module in modules:
        if not module.startswith('mons_'):
            continue
        for cls in Pool.classes['model'].get(module, {}):
            if isinstance(cls, str):
                # Tryton 8 registers 'file.Class' from tryton.cfg lazily
                cls = resolve(f'trytond.modules.{module}.{cls}')
            base.add(cls.__name__)
    names = set()
    for name in base:
        try:
            Model = pool.get(name)
        except KeyError:
            continue
        if not issubclass(Model, ModelStorage):
            continue
        names.add(name)
        for field in Model._fields.values():
            target = getattr(field, 'model_name', None)
            if target:
                names.add(target)
    result = []
    for name in names:
        try:
            Model = pool.get(name)
        except KeyError:
            continue
        if issubclass(Model, ModelStorage):
            result.append(name)
    return sorted(result)


# ---------------------------------------------------------------- schemas

def _tagged(class_name, properties, required, description):
    return {
        'type': 'object',
        'description': description,
        'properties': {
            '__class__': {'const': class_name},
            **properties,
            },
        'required': ['__class__', *required],
        }


COMMON_SCHEMAS = {
    'TrytonDate': _tagged('date', {
            'year': {'type': 'integer'},
            'month': {'type': 'integer', 'minimum': 1, 'maximum': 12},
            'day': {'type': 'integer', 'minimum': 1, 'maximum': 31},
            }, ['year', 'month', 'day'],
        "A date as Tryton's JSON encodes it. Input also accepts an ISO "
        "8601 string (YYYY-MM-DD)."),
    'TrytonDateTime': _tagged('datetime', {
            'year': {'type': 'integer'},
            'month': {'type': 'integer'},
            'day': {'type': 'integer'},
            'hour': {'type': 'integer'},
            'minute': {'type': 'integer'},
            'second': {'type': 'integer'},
            'microsecond': {'type': 'integer'},
            }, ['year', 'month', 'day'],
        "A UTC timestamp as Tryton's JSON encodes it. Input also accepts "
        "an ISO 8601 string."),
    'TrytonTime': _tagged('time', {
            'hour': {'type': 'integer'},
            'minute': {'type': 'integer'},
            'second': {'type': 'integer'},
            'microsecond': {'type': 'integer'},
            }, ['hour', 'minute'],
        "A time of day. Input also accepts an ISO 8601 string (HH:MM:SS)."),
    'TrytonTimeDelta': _tagged('timedelta', {
            'seconds': {'type': 'number'},
            }, ['seconds'], "A duration in seconds."),
    'TrytonDecimal': _tagged('Decimal', {
            'decimal': {'type': 'string', 'pattern': r'^-?\d+(\.\d+)?$'},
            }, ['decimal'],
        "An exact decimal number. Input also accepts a JSON number."),
    'TrytonBytes': _tagged('bytes', {
            'base64': {'type': 'string', 'contentEncoding': 'base64'},
            }, ['base64'], "Binary content encoded in base64."),
    'RecordRef': {
        'type': 'object',
        'description': "A related record; more keys when nested fields "
        "are asked with f=<field>.<subfield>.",
        'properties': {
            'id': {'type': 'integer'},
            '__name__': {'type': 'string'},
            },
        'additionalProperties': True,
        },
    'Error': {
        'type': 'object',
        'properties': {
            'status': {'type': 'integer'},
            'message': {'type': 'string'},
            'description': {'type': ['string', 'null']},
            },
        },
    'ActionArguments': {
        'type': 'object',
        'description': "Keyword arguments of the method.",
        'additionalProperties': True,
        },
    'X2ManyActions': {
        'type': 'array',
        'description': "Tryton actions on the related records, e.g. "
        "[[\"add\", [1, 2]]], [[\"create\", [{...}]]], "
        "[[\"write\", [3], {...}]], [[\"remove\", [4]]], "
        "[[\"delete\", [5]]].",
        'items': {
            'type': 'array',
            'prefixItems': [{'enum': [
                        'create', 'write', 'delete', 'add', 'remove',
                        'copy']}],
            'minItems': 2,
            },
        },
    }


def _ref(name):
    return {'$ref': f'#/components/schemas/{name}'}


def _nullable(schema, required):
    if required:
        return schema
    if 'anyOf' in schema:
        schema = dict(schema)
        schema['anyOf'] = schema['anyOf'] + [{'type': 'null'}]
        return schema
    if '$ref' in schema or 'const' in schema:
        return {'anyOf': [schema, {'type': 'null'}]}
    schema = dict(schema)
    type_ = schema.get('type')
    if isinstance(type_, str):
        schema['type'] = [type_, 'null']
    if 'enum' in schema and None not in schema['enum']:
        schema['enum'] = schema['enum'] + [None]
    return schema


def _selection_values(Model, definition):
    selection = definition.get('selection')
    if isinstance(selection, str):
        try:
            if definition.get('selection_change_with'):
                selection = getattr(Model(), selection)()
            else:
                selection = getattr(Model, selection)()
        except Exception:
            logger.debug("dynamic selection %s.%s", Model.__name__,
                definition['name'], exc_info=True)
            return None
    if not isinstance(selection, (list, tuple)):
        return None
    return selection


def _field_schema(Model, definition, write):
    "JSON schema of one field, for reading or for writing"
    type_ = definition['type']
    schema = {}
    if type_ in {'char', 'text', 'fulltext', 'html', 'color'}:
        schema = {'type': 'string'}
        if definition.get('size'):
            schema['maxLength'] = definition['size']
    elif type_ == 'boolean':
        schema = {'type': 'boolean'}
    elif type_ in {'integer', 'biginteger'}:
        schema = {'type': 'integer'}
    elif type_ == 'float':
        schema = {'type': 'number'}
    elif type_ == 'numeric':
        schema = (
            {'anyOf': [{'type': 'number'}, _ref('TrytonDecimal')]}
            if write else _ref('TrytonDecimal'))
    elif type_ == 'date':
        schema = (
            {'anyOf': [{'type': 'string', 'format': 'date'},
                    _ref('TrytonDate')]}
            if write else _ref('TrytonDate'))
    elif type_ in {'datetime', 'timestamp'}:
        schema = (
            {'anyOf': [{'type': 'string', 'format': 'date-time'},
                    _ref('TrytonDateTime')]}
            if write else _ref('TrytonDateTime'))
    elif type_ == 'time':
        schema = (
            {'anyOf': [{'type': 'string', 'format': 'time'},
                    _ref('TrytonTime')]}
            if write else _ref('TrytonTime'))
    elif type_ == 'timedelta':
        schema = _ref('TrytonTimeDelta')
    elif type_ == 'binary':
        schema = _ref('TrytonBytes')
    elif type_ in {'selection', 'multiselection'}:
        selection = _selection_values(Model, definition)
        item = {'type': 'string'}
        if selection is not None:
            keys = [k for k, _ in selection]
            item = {'enum': keys}
            labels = '; '.join(
                f'{k}: {v}' for k, v in selection if k not in {None, ''})
            if labels:
                item['description'] = labels
        schema = (
            {'type': 'array', 'items': item}
            if type_ == 'multiselection' else item)
    elif type_ in {'many2one', 'one2one'}:
        relation = definition.get('relation')
        schema = (
            {'type': 'integer', 'description': f"id of {relation}"}
            if write else {'anyOf': [
                    {'type': 'integer'}, _ref('RecordRef')],
                'description': f"id of {relation}"})
    elif type_ in {'one2many', 'many2many'}:
        relation = definition.get('relation')
        schema = (
            _ref('X2ManyActions') if write else {
                'type': 'array',
                'items': {'anyOf': [
                        {'type': 'integer'}, _ref('RecordRef')]},
                'description': f"ids of {relation}"})
    elif type_ == 'reference':
        schema = {
            'type': 'string',
            'description': "\"model,id\" of the referenced record",
            }
    elif type_ == 'dict':
        schema = {'type': 'object', 'additionalProperties': True}
    else:
        schema = {}
    if schema and type_ not in {'one2many', 'many2many', 'multiselection'}:
        required = bool(definition.get('required')) and write
        schema = _nullable(schema, required)
    description = definition.get('string') or ''
    if definition.get('help'):
        description = f"{description}: {definition['help']}"
    if schema.get('description'):
        description = f"{description} ({schema['description']})"
    schema['title'] = definition.get('string') or definition['name']
    if description:
        schema['description'] = description
    if definition.get('readonly') and not write:
        schema['readOnly'] = True
    return schema


def _model_schemas(Model):
    "(read schema, create schema, write schema) of a model"
    definitions = Model.fields_get()
    read_props = {
        'id': {'type': 'integer', 'readOnly': True},
        '__name__': {'const': Model.__name__, 'readOnly': True},
        }
    write_props = {}
    required = []
    for name, definition in sorted(definitions.items()):
        if name in {'id', '__name__'}:
            continue
        field = Model._fields[name]
        read_props[name] = _field_schema(Model, definition, write=False)
        writable = not (definition.get('readonly')
            or name in {'create_uid', 'create_date', 'write_uid',
                'write_date', 'rec_name'}
            or (hasattr(field, 'setter') and not getattr(
                    field, 'setter', None)))
        if writable:
            write_props[name] = _field_schema(Model, definition, write=True)
            if (definition.get('required')
                    and name not in Model._defaults):
                required.append(name)
    doc = (Model.__doc__ or Model.__name__).strip().splitlines()[0]
    read = {
        'type': 'object', 'title': Model.__name__, 'description': doc,
        'properties': read_props, 'required': ['id'],
        }
    create = {
        'type': 'object', 'title': f'{Model.__name__} (create)',
        'description': doc, 'properties': write_props,
        }
    if required:
        create['required'] = required
    update = {
        'type': 'object', 'title': f'{Model.__name__} (update)',
        'description': doc, 'properties': dict(write_props),
        }
    return read, create, update, definitions


# ---------------------------------------------------------------- paths

_ERRORS = {
    '400': {'description': "Invalid input or business rule refused "
        "(message in the body)",
        'content': {'application/json': {'schema': _ref('Error')}}},
    '401': {'description': "Missing or invalid API key"},
    '403': {'description': "Access denied"},
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
            'description': "Maximum number of records.",
            'schema': {'type': 'integer', 'minimum': 0,
                'maximum': 100000},
            },
        'Offset': {
            'name': 'p', 'in': 'query', 'required': False,
            'description': "Number of records to skip.",
            'schema': {'type': 'integer', 'minimum': 0,
                'maximum': 100000000},
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


def build_openapi(pool, modules=None, server_url=None):
    "Build the OpenAPI document; call inside a transaction"
    Report = pool.get('ir.action.report')
    if modules is None:
        modules = _activated_modules(pool)
    models = openapi_models(pool, modules)
    reports = {}
    for report in Report.search([('model', 'in', models)],
            order=[('report_name', 'ASC'), ('id', 'ASC')]):
        entries = reports.setdefault(report.model, [])
        if report.report_name not in {r for r, _ in entries}:
            entries.append((report.report_name, report.name))
    schemas = dict(COMMON_SCHEMAS)
    paths = {}
    tags = []
    for name in models:
        Model = pool.get(name)
        read, create, update, definitions = _model_schemas(Model)
        schemas[_schema_name(name)] = read
        schemas[_schema_name(name, '.create')] = create
        schemas[_schema_name(name, '.update')] = update
        paths.update(_model_paths(Model, definitions, reports.get(name, [])))
        doc = (Model.__doc__ or name).strip().splitlines()[0]
        tags.append({'name': name, 'description': doc})
    mons = ', '.join(m for m in modules if m.startswith('mons_'))
    return {
        'openapi': OPENAPI_VERSION,
        'info': {
            'title': "Mons Digital Suite REST API",
            'version': '8.0',
            'description': (
                "Tryton's REST API for the models of the modules "
                f"{mons} and the Tryton models they use. Every call needs "
                "`Authorization: bearer <key>` (a validated user "
                "application `rest`); the user's access rights apply. "
                "Dates, decimals and binaries use Tryton's JSON encoding "
                "(objects with a `__class__` key)."),
            },
        'servers': [{'url': server_url or '/'}],
        'tags': tags,
        'paths': paths,
        'components': {
            'schemas': schemas,
            'parameters': _common_parameters(),
            'securitySchemes': {
                'bearerAuth': {
                    'type': 'http', 'scheme': 'bearer',
                    'description': "Key of a validated res.user.application "
                    "for application 'rest' (`mons key <login>`).",
                    },
                },
            },
        'security': [{'bearerAuth': []}],
        }


def get_openapi(pool, server_url, language):
    "The document for the current transaction, cached per module set"
    modules = _activated_modules(pool)
    key = (pool.database_name, tuple(modules), server_url, language)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is None:
        cached = json.dumps(build_openapi(pool, modules, server_url))
        with _cache_lock:
            for old in [k for k in _cache if k[0] == pool.database_name
                    and k[1] != key[1]]:
                del _cache[old]
            _cache[key] = cached
    return cached


def _language(request):
    header = request.headers.get('Accept-Language', '')
    best = header.split(',')[0].split(';')[0].strip()
    return best.replace('-', '_') or 'en'


@app.route('/<database_name>/rest/openapi.json', methods={'GET'})
@with_pool
def openapi_json(request, pool):
    language = _language(request)

    @with_transaction(readonly=True, context={'language': language})
    def build(request, pool):
        server = f'{request.script_root}/{pool.database_name}/rest'
        return get_openapi(pool, server, language)
    response = Response(build(request, pool),
        content_type='application/json')
    response.headers['Cache-Control'] = 'public, max-age=300'
    response.headers['Content-Language'] = language.replace('_', '-')
    return response

