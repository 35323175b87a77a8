"""A Table Schema guessed from a collected frame of strings.

A data steward's first spreadsheet comes without a schema: the fields are
guessed from the values so the run can check and type them, and the steward
corrects the guess in the desk. The guess follows how files are written in
Belgium: decimal comma with a dot between thousands (1.234,56), day-first
dates (03/12/2026), oui/non. A column is given a type only when every value
fits it, so the first run keeps every row the guess was made from.
"""
import datetime as dt
import re

# How many values of a column are looked at: enough to meet the odd one
SAMPLE = 10000

INTEGER = re.compile(r'[+-]?\d+')
NUMBER = re.compile(r'[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?')
# 1.234,56 / 1234,56 / 1.234.567
BELGIAN_NUMBER = re.compile(r'[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?')
TRUE = {'true', 'oui', 'vrai', 'yes', 'o', 'y'}
FALSE = {'false', 'non', 'faux', 'no', 'n'}

# (type, format, pattern); the format None is the Table Schema default
DATE_FORMS = [
    ('date', None, re.compile(r'\d{4}-\d{2}-\d{2}')),
    ('date', '%d/%m/%Y', re.compile(r'\d{1,2}/\d{1,2}/\d{4}')),
    ('date', '%d-%m-%Y', re.compile(r'\d{1,2}-\d{1,2}-\d{4}')),
    ('date', '%d.%m.%Y', re.compile(r'\d{1,2}\.\d{1,2}\.\d{4}')),
    ('datetime', None, re.compile(r'\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z?')),
    ('datetime', '%Y-%m-%d %H:%M:%S',
        re.compile(r'\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}')),
    ('datetime', '%Y-%m-%d %H:%M', re.compile(r'\d{4}-\d{2}-\d{2} \d{2}:\d{2}')),
    ('datetime', '%d/%m/%Y %H:%M:%S',
        re.compile(r'\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2}')),
    ('datetime', '%d/%m/%Y %H:%M',
        re.compile(r'\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}')),
    ('time', None, re.compile(r'\d{2}:\d{2}:\d{2}')),
    ('time', '%H:%M', re.compile(r'\d{1,2}:\d{2}')),
    ]
DEFAULT_FORMATS = {
    'date': '%Y-%m-%d',
    'datetime': '%Y-%m-%dT%H:%M:%S',
    'time': '%H:%M:%S',
    }


def _parses(values, type_, format_):
    format_ = format_ or DEFAULT_FORMATS[type_]
    for value in values:
        try:
            dt.datetime.strptime(value.rstrip('Z') if format_ ==
                DEFAULT_FORMATS['datetime'] else value, format_)
        except ValueError:
            return False
    return True


def infer_field(name, column):
    "The Table Schema field of a column of strings"
    values = []
    for value in column[:SAMPLE]:
        value = '' if value is None else str(value).strip()
        if value:
            values.append(value)
    field = {'name': str(name), 'type': 'string'}
    if not values:
        return field
    distinct = set(values)
    lowered = {v.lower() for v in distinct}
    if lowered <= TRUE | FALSE and lowered & TRUE and lowered & FALSE:
        field['type'] = 'boolean'
        field['trueValues'] = sorted(v for v in distinct
            if v.lower() in TRUE)
        field['falseValues'] = sorted(v for v in distinct
            if v.lower() in FALSE)
        return field
    if all(INTEGER.fullmatch(v) for v in distinct):
        # 0032 or 065 12 34 56 are codes and phone numbers, not quantities
        if any(len(v.lstrip('+-')) > 1 and v.lstrip('+-')[0] == '0'
                for v in distinct):
            return field
        field['type'] = 'integer'
        return field
    if all(NUMBER.fullmatch(v) for v in distinct):
        field['type'] = 'number'
        return field
    if (all(BELGIAN_NUMBER.fullmatch(v) for v in distinct)
            and any(',' in v or v.count('.') > 1 for v in distinct)):
        field['type'] = 'number'
        field['decimalChar'] = ','
        if any('.' in v for v in distinct):
            field['groupChar'] = '.'
        return field
    for type_, format_, pattern in DATE_FORMS:
        if (all(pattern.fullmatch(v) for v in distinct)
                and _parses(distinct, type_, format_)):
            field['type'] = type_
            if format_:
                field['format'] = format_
            return field
    return field


def infer_schema(df):
    "The Table Schema of a frame of strings, one field per column"
    return {'fields': [infer_field(name, list(df[name]))
            for name in df.columns]}
