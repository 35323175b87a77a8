# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""JSON schemas of the OpenAPI description: Tryton's JSON types and
each model's fields, for reading and for writing."""
import logging

logger = logging.getLogger(__name__)


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
        'description': "Every error of the API: `status` (the HTTP code), "
        "`message` in French, `field` naming the field, parameter or "
        "header refused when there is one, and for a server fault "
        "(5xx) `request_id`, the reference of the logged fault.",
        'properties': {
            'status': {'type': 'integer'},
            'message': {'type': 'string'},
            'field': {'type': 'string'},
            'request_id': {'type': 'string'},
            'description': {'type': ['string', 'null']},
            },
        'required': ['status', 'message'],
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
    # An unknown field is refused (400), as is a computed one
    create = {
        'type': 'object', 'title': f'{Model.__name__} (create)',
        'description': doc, 'properties': write_props,
        'additionalProperties': False,
        }
    if required:
        create['required'] = required
    update = {
        'type': 'object', 'title': f'{Model.__name__} (update)',
        'description': doc, 'properties': dict(write_props),
        'additionalProperties': False,
        }
    return read, create, update, definitions
