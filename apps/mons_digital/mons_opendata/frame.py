"""Checking (frictionless) and typing of a collected frame of strings.

Frictionless names what is wrong in English and in its own words; each error
is told again in the user's language from its type, naming the line, the
field and what was expected (an example written in the field's format)."""
import datetime as dt
import re

from trytond.i18n import gettext

# an example of each type, for the message of a value that is not one
SAMPLE_AT = dt.datetime(2026, 12, 31, 14, 30, 0)
DEFAULT_FORMATS = {
    'date': '%Y-%m-%d',
    'datetime': '%Y-%m-%dT%H:%M:%S',
    'time': '%H:%M:%S',
    }
CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"', re.S)
CONSTRAINT_MESSAGES = {
    'required': 'msg_check_required',
    'minimum': 'msg_check_minimum',
    'maximum': 'msg_check_maximum',
    'minLength': 'msg_check_min_length',
    'maxLength': 'msg_check_max_length',
    'enum': 'msg_check_enum',
    'pattern': 'msg_check_pattern',
    'unique': 'msg_check_unique',
    }
ERROR_MESSAGES = {
    'unique-error': 'msg_check_unique',
    'primary-key': 'msg_check_primary_key',
    'extra-cell': 'msg_check_extra_cell',
    'missing-cell': 'msg_check_missing_cell',
    'blank-row': 'msg_check_blank_row',
    'duplicate-label': 'msg_check_duplicate_label',
    'blank-label': 'msg_check_blank_label',
    }


def example(field):
    "A value of the field's type written as the field expects it"
    type_ = field.get('type', 'string')
    if type_ in DEFAULT_FORMATS:
        format_ = field.get('format')
        if not format_ or format_ in {'default', 'any'}:
            format_ = DEFAULT_FORMATS[type_]
        try:
            return SAMPLE_AT.strftime(format_)
        except ValueError:
            return format_
    if type_ == 'number':
        decimal = field.get('decimalChar', '.')
        group = field.get('groupChar', '')
        return '1%s234%s5' % (group, decimal)
    if type_ == 'boolean':
        return '%s / %s' % (
            (field.get('trueValues') or ['true'])[0],
            (field.get('falseValues') or ['false'])[0])
    return {'integer': '42', 'year': '2026', 'geopoint': '50.454,3.952',
        }.get(type_, '')


def type_name(type_):
    return gettext('mons_opendata.msg_type_%s' % type_) if type_ in {
        'integer', 'number', 'boolean', 'date', 'datetime', 'time', 'year',
        'geopoint'} else gettext('mons_opendata.msg_type_string')


def message(error, fields):
    "The error told in the user's language"
    rule = error.type
    line = getattr(error, 'row_number', None) or '-'
    name = getattr(error, 'field_name', None) or getattr(
        error, 'label', None) or '-'
    value = getattr(error, 'cell', None)
    value = '' if value is None else str(value)
    field = fields.get(name, {})
    values = {'line': line, 'field': name, 'value': value,
        'position': getattr(error, 'field_number', None) or '-',
        'rule': rule}
    msg = ERROR_MESSAGES.get(rule)
    if rule == 'type-error':
        msg = 'msg_check_type'
        values['expected'] = type_name(field.get('type'))
        values['example'] = example(field)
    elif rule == 'constraint-error':
        match = CONSTRAINT.search(getattr(error, 'note', '') or '')
        if match:
            msg = CONSTRAINT_MESSAGES.get(match.group(1))
            values['limit'] = match.group(2)
    elif rule == 'primary-key':
        values['fields'] = ', '.join(fields.get('$primaryKey', []))
    return gettext('mons_opendata.' + (msg or 'msg_check_other'), **values)


def validate_frame(df, schema):
    """Validate the frame of strings against the Table Schema.

    Return (errors, rejected row indexes); errors are dicts with line
    (header is line 1), field, rule and message."""
    from frictionless import Resource, Schema
    header = list(df.columns)
    typed = {f['name'] for f in schema['fields']
        if f.get('type', 'string') not in {'string', 'any'}}
    # spaces around a number or a date are how it was typed, not its value
    rows = [[v.strip() if name in typed and isinstance(v, str) else v
            for name, v in zip(header, row)] for row in df.values.tolist()]
    resource = Resource(data=[header] + rows,
        schema=Schema.from_descriptor(schema))
    report = resource.validate(limit_errors=10 ** 9)
    fields = {f['name']: f for f in schema['fields']}
    fields['$primaryKey'] = schema.get('primaryKey') or []
    if isinstance(fields['$primaryKey'], str):
        fields['$primaryKey'] = [fields['$primaryKey']]
    errors, rejected = [], set()
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, 'row_number', None)
            errors.append({
                    'line': row,
                    'field': getattr(error, 'field_name', None),
                    'rule': error.type,
                    'value': getattr(error, 'cell', None),
                    'message': message(error, fields),
                    })
            if row:
                rejected.add(row - 2)
    return errors, rejected


def _number(col, field):
    group = field.get('groupChar')
    if group:
        col = col.str.replace(group, '', regex=False)
    decimal = field.get('decimalChar', '.')
    if decimal != '.':
        col = col.str.replace(decimal, '.', regex=False)
    return col


def _moment(col, field, type_):
    "Dates, date-times and times in a format of their own, as ISO 8601"
    format_ = field.get('format')
    if not format_ or format_ in {'default', 'any'}:
        return col

    def iso(value):
        if value is None:
            return None
        try:
            at = dt.datetime.strptime(value, format_)
        except ValueError:
            return value
        if type_ == 'date':
            return at.date().isoformat()
        if type_ == 'time':
            return at.time().isoformat()
        return at.isoformat()
    return col.map(iso)


def type_frame(df, schema):
    "Turn the validated frame of strings into typed columns"
    import pandas as pd
    out = {}
    for field in schema['fields']:
        name, type_ = field['name'], field.get('type', 'string')
        col = df[name].astype(str).str.strip()
        col = col.where(col != '', None)
        if type_ == 'integer':
            out[name] = pd.to_numeric(col, errors='coerce').astype('Int64')
        elif type_ == 'number':
            out[name] = pd.to_numeric(_number(col, field), errors='coerce')
        elif type_ == 'boolean':
            true = set(field.get('trueValues', ['true', 'True', 'TRUE', '1']))
            out[name] = col.map(lambda v: None if v is None else v in true)
        elif type_ in DEFAULT_FORMATS:
            out[name] = _moment(col, field, type_)
        else:
            out[name] = col
    return pd.DataFrame(out)
