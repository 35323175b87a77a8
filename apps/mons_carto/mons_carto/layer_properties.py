# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""The properties a layer publishes: their names, the labels people read
(popups, lists, HTML pages) and their types, given to re-users as the
queryables of OGC API Features Part 3 (a JSON Schema)."""
import datetime as dt
import json
import re

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import LayerValidationError
from .names import split_names as _split

# Names that are parameters of /items, never properties to filter on
RESERVED = {'bbox', 'crs', 'limit', 'offset', 'f', 'datetime', 'filter',
    'sortby', 'properties'}
# Features read to guess the type of each imported property
TYPE_SAMPLE = 2000
_LABEL_LINE = re.compile(r'^\s*([^=:]+?)\s*[=:]\s*(.+?)\s*$')
_DATE = re.compile(r'^\d{4}-\d{2}-\d{2}$')
_MODEL_TYPES = {
    'integer': {'type': 'integer'},
    'many2one': {'type': 'string'},
    'float': {'type': 'number'},
    'numeric': {'type': 'number'},
    'boolean': {'type': 'boolean'},
    'date': {'type': 'string', 'format': 'date'},
    'datetime': {'type': 'string', 'format': 'date-time'},
    'timestamp': {'type': 'string', 'format': 'date-time'},
    }
GEOMETRY_FORMATS = {
    'point': 'geometry-point',
    'line': 'geometry-linestring',
    'polygon': 'geometry-polygon',
    'mixed': 'geometry-any',
    }


class PropertiesMixin:
    "Names, labels and types of the properties of a layer"
    __slots__ = ()

    field_labels = fields.Text("Property Labels",
        help="One line per property: name = label, e.g. "
        "\"nom_rue = Nom de la rue\". The label is shown in popups, lists "
        "and pages; the name stays the one of the API.")

    @classmethod
    def validate_fields(cls, layers, field_names):
        super().validate_fields(layers, field_names)
        if field_names and 'field_labels' not in field_names:
            return
        for layer in layers:
            for number, line in enumerate(
                    (layer.field_labels or '').splitlines(), 1):
                if line.strip() and not _LABEL_LINE.match(line):
                    raise LayerValidationError(gettext(
                            'mons_carto.msg_layer_label_line_invalid',
                            number=number, line=line.strip(),
                            layer=layer.rec_name))

    @property
    def queryables(self):
        "Property names a client may filter, sort and select on"
        if self.source == 'model':
            names = _split(self.model_fields)
        else:
            names = _split(self.property_names)
        return [n for n in names if n not in RESERVED]

    @property
    def popup_names(self):
        return _split(self.popup_fields) or self.queryables

    def property_labels(self):
        "Label of each published property (its own name when none given)"
        labels = {}
        if self.source == 'model' and self.model:
            Model = Pool().get(self.model.name)
            for name in self.published_names():
                field = Model._fields.get(name)
                if field is not None:
                    # The model's own field string, in the reader's
                    # language
                    labels[name] = Model.__names__(name)['field']
        for line in (self.field_labels or '').splitlines():
            match = _LABEL_LINE.match(line)
            if match:
                labels[match.group(1)] = match.group(2)
        return labels

    def property_types(self):
        "JSON Schema of each queryable property"
        names = self.queryables
        if self.source == 'model' and self.model:
            Model = Pool().get(self.model.name)
            return {n: dict(_MODEL_TYPES.get(
                        getattr(Model._fields.get(n), '_type', None),
                        {'type': 'string'})) for n in names}
        return self._sampled_types(names)

    def _sampled_types(self, names):
        pool = Pool()
        Feature = pool.get('carto.feature')
        table = Feature.__table__()
        cursor = Transaction().connection.cursor()
        from sql import Cast
        cursor.execute(*table.select(Cast(table.properties, 'TEXT'),
                where=table.layer == self.id, limit=TYPE_SAMPLE,
                order_by=[table.id.asc]))
        seen = {n: set() for n in names}
        for text, in cursor:
            properties = json.loads(text) if isinstance(text, str) else (
                text or {})
            for name in names:
                value = properties.get(name)
                if value not in (None, ''):
                    seen[name].add(_kind(value))
        types = {}
        for name in names:
            kinds = seen[name]
            if kinds == {'integer'}:
                types[name] = {'type': 'integer'}
            elif kinds and kinds <= {'integer', 'number'}:
                types[name] = {'type': 'number'}
            elif kinds == {'boolean'}:
                types[name] = {'type': 'boolean'}
            elif kinds == {'date'}:
                types[name] = {'type': 'string', 'format': 'date'}
            else:
                types[name] = {'type': 'string'}
        return types

    def queryables_document(self, url):
        "Part 3 queryables: a JSON Schema of the properties"
        labels = self.property_labels()
        properties = {
            'geometry': {
                'title': gettext('mons_carto.msg_queryable_geometry'),
                'format': GEOMETRY_FORMATS.get(self.geometry_type,
                    'geometry-any'),
                'x-ogc-role': 'primary-geometry',
                },
            }
        for name, schema in self.property_types().items():
            schema['title'] = labels.get(name, name)
            properties[name] = schema
        return {
            '$schema': 'https://json-schema.org/draft/2020-12/schema',
            '$id': url,
            'type': 'object',
            'title': self.name,
            'description': self.description or '',
            'properties': properties,
            'additionalProperties': False,
            }


def _kind(value):
    if isinstance(value, bool):
        return 'boolean'
    if isinstance(value, int):
        return 'integer'
    if isinstance(value, float):
        return 'number'
    if isinstance(value, str):
        text = value.strip()
        if _DATE.match(text):
            try:
                dt.date.fromisoformat(text)
                return 'date'
            except ValueError:
                return 'string'
        try:
            number = float(text.replace(',', '.'))
        except ValueError:
            return 'string'
        if text.lstrip('-').isdigit() and number == int(number):
            return 'integer'
        return 'number'
    return 'string'
