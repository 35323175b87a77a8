"""The public map layers of mons_carto in the Explore v2.1 catalogue, as
datasets with `features: ["geo"]`, so that ODWB-style clients see map data.

The layers are those the DCAT catalogue lists (dcat_layers.public_layers:
public ones, read as the caller, the record rules of carto.layer deciding);
their dataset id is DCAT's identifier, `layer-<code>`. A LayerDataset gives
a layer the attributes of a dataset that explore.py and explore_catalog.py
read, and LayerRecords gives the ODSQL engine (query.RecordQuery) a table:
a sub-select of the layer's features with one typed column per property,
the bbox centre as geo_point_2d and the stored GeoJSON as geo_shape. The
feature ids come from carto.feature's search as the caller, so its record
rules are in the SQL the exports replay later.

Layers read from a Tryton model have no feature table: their features (read
by the layer as its owner) are laid out as a VALUES table, within
MAX_PARAMETERS."""
import datetime as dt
import json
import re
import uuid

import shapely
from sql import Cast, Literal, Null, Values
from sql.conditionals import Case
from sql.functions import Function
from sql.operators import BinaryOperator

from trytond import backend
from trytond.transaction import Transaction

from . import dcat_layers
from .api import Records
from .query import GEO_FIELDS, QueryError, RecordQuery

PREFIX = 'layer-'
# A statement's parameters stay under SQLite's and PostgreSQL's limits
MAX_PARAMETERS = 30000
NUMBER = r'^\s*-?[0-9]+([.,][0-9]+)?([eE][-+]?[0-9]+)?\s*$'
DATE = r'^[0-9]{4}-[0-9]{2}-[0-9]{2}$'


class _JSONExtract(Function):
    __slots__ = ()
    _function = 'JSON_EXTRACT'


class _JSONBText(Function):
    __slots__ = ()
    _function = 'JSONB_EXTRACT_PATH_TEXT'


class _Replace(Function):
    __slots__ = ()
    _function = 'REPLACE'


class _Matches(BinaryOperator):
    "PostgreSQL's regular expression match"
    __slots__ = ()
    _operator = '~'


def column_type(schema):
    "The storage type (storage.py's names) of a property's JSON Schema"
    if schema.get('format') == 'date':
        return 'date'
    if schema.get('format') == 'date-time':
        return 'datetime'
    return {'integer': 'integer', 'number': 'number',
        'boolean': 'boolean'}.get(schema.get('type'), 'string')


def property_expression(properties, name, kind):
    """The typed value of a property of the JSON column; a value that does
    not read as the column's type is NULL, never an SQL error"""
    if backend.name == 'postgresql':
        text = _JSONBText(Cast(properties, 'jsonb'), name)
        if kind in {'integer', 'number'}:
            return Case((_Matches(text, NUMBER), Cast(
                        _Replace(text, ',', '.'), 'NUMERIC')), else_=Null)
        if kind == 'boolean':
            return Case((text == 'true', Literal(True)),
                (text == 'false', Literal(False)), else_=Null)
        if kind == 'date':
            return Case((_Matches(text, DATE), Cast(text, 'DATE')),
                else_=Null)
        return text
    value = _JSONExtract(properties, '$."%s"' % name.replace('"', '\\"'))
    if kind in {'integer', 'number'}:
        # numbers written as text with a decimal comma (Belgian files)
        return Case((value == Null, Null), else_=Cast(_Replace(
                    Cast(value, 'TEXT'), ',', '.'), 'REAL'))
    if kind in {'boolean'}:
        return value
    return Cast(value, 'TEXT')


def _typed(kind, value):
    "A property value of a model layer as its column's type, or None"
    if value in (None, ''):
        return None
    try:
        if kind in {'integer', 'number'}:
            if isinstance(value, bool):
                return None
            return float(str(value).replace(',', '.'))
        if kind == 'boolean':
            return bool(value)
        if kind == 'date':
            return value if isinstance(value, dt.date) \
                else dt.date.fromisoformat(str(value))
    except ValueError:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


class LayerDataset:
    "A public map layer seen as a dataset of the Explore catalogue"

    # not an opendata.dataset: no usage counted, no version
    id = None
    current_version = None
    latitude_field = longitude_field = None
    has_coordinates = True
    access_level = 'public'
    # updated by imports, at no set interval
    frequency = 'IRREG'
    temporal_start = temporal_end = None
    quality = None
    is_layer = True

    def __init__(self, pool, layer, company, licence):
        self.pool = pool
        self.layer = layer
        self.code = PREFIX + layer.code
        self.uuid = str(uuid.uuid5(uuid.NAMESPACE_URL,
                'mons-carto-layer:' + layer.code))
        self.title = layer.name
        self.description = layer.description or (
            "Couche cartographique « %s »." % layer.name)
        self.keywords = ', '.join(self.keyword_list)
        self.themes = [dcat_layers.LAYER_THEME]
        self.company = company
        self.service = layer.service or _Named(company.rec_name
            if company else '')
        self.licence = licence
        self.sections = []
        self.modified = max(d for d in [layer.write_date,
                layer.create_date] if d)
        self.contact_name = self.service.name
        self.contact_email = getattr(layer.service, 'email', None)
        self.created = layer.create_date
        self._columns = None
        self._count = None

    @property
    def keyword_list(self):
        return ["carte", "données géographiques", self.layer.name]

    @property
    def online_columns(self):
        if self._columns is None:
            self._columns = [{'name': n, 'type': column_type(s),
                    'col': 'column%d' % i} for i, (n, s) in enumerate(
                    self.layer.property_types().items(), 1)]
        return self._columns

    @property
    def record_count(self):
        if self._count is None:
            if self.layer.source == 'features':
                Feature = self.pool.get('carto.feature')
                with Transaction().set_context(active_test=False):
                    self._count = Feature.search(
                        [('layer', '=', self.layer.id)], count=True)
            else:
                self._count = self.layer.query_features(limit=None)[0]
        return self._count

    def records(self):
        return LayerRecords(self)

    def references(self, base):
        return '%s/portal/carte#couches=%s' % (base, self.layer.code)


class _Named:
    "A service name when the layer has no owning service"

    def __init__(self, name):
        self.name = self.rec_name = name


def catalog_layers(pool):
    "The public layers the caller may read, as Explore datasets"
    layers = dcat_layers.public_layers(pool)
    if not layers:
        return []
    Company = pool.get('company.company')
    companies = Company.search([], order=[('id', 'ASC')], limit=1)
    licence = pool.get('opendata.dataset').default_licence()
    result = []
    for layer in layers:
        service = layer.service
        company = getattr(service, 'company', None) if service else None
        result.append(LayerDataset(pool, layer,
                company or (companies[0] if companies else None), licence))
    return result


def find_layer(pool, dataset_id):
    "The public layer of an Explore dataset id, when the caller may read it"
    if not dataset_id.startswith(PREFIX):
        return None
    for item in catalog_layers(pool):
        if item.code == dataset_id:
            return item
    return None


class LayerQuery(RecordQuery):
    "ODSQL on a layer: geo_point_2d is the bbox centre, geo_shape the shape"

    def geo_columns(self, name):
        if name not in GEO_FIELDS:
            return super().geo_columns(name)
        return self.table.latitude, self.table.longitude

    def item(self, text):
        shape = re.fullmatch(r'`?geo_shape`?(?:\s+as\s+`?([\w ]+?)`?)?',
            text.strip(), re.I)
        if shape:
            alias = shape.group(1) or 'geo_shape'
            self.post[alias] = geo_shape
            return alias, self.table.geometry, False
        return super().item(text)


def geo_shape(text):
    if text is None:
        return None
    return {'type': 'Feature', 'geometry': json.loads(text),
        'properties': {}}


class LayerRecords(Records):
    "Queries on the features of a public layer, as on a dataset's rows"

    def __init__(self, layer_dataset):
        self.dataset = layer_dataset
        self.version = None
        self.columns = layer_dataset.online_columns
        layer = layer_dataset.layer
        if layer.source == 'features':
            self.table = self._feature_table(layer)
        else:
            self.table = self._model_table(layer)
        self.query = LayerQuery(self.table, self.columns, geo=('geo',
                'geo'))
        self.query.star_geo = True

    def _feature_table(self, layer):
        Feature = self.dataset.pool.get('carto.feature')
        table = Feature.__table__()
        with Transaction().set_context(active_test=False):
            # under the caller's record rules, kept in the SQL
            ids = Feature.search([('layer', '=', layer.id)], query=True)
        columns = [
            table.id.as_('id'),
            table.geometry.as_('geometry'),
            ((table.miny + table.maxy) / 2).as_('latitude'),
            ((table.minx + table.maxx) / 2).as_('longitude'),
            ]
        for c in self.columns:
            columns.append(property_expression(table.properties,
                    c['name'], c['type']).as_(c['col']))
        return table.select(*columns, where=table.id.in_(ids))

    def _model_table(self, layer):
        _, rows = layer.query_features(limit=None)
        width = 4 + len(self.columns)
        if len(rows) * width > MAX_PARAMETERS:
            raise QueryError("La couche « %s » est trop volumineuse pour "
                "l'API Explore (%d objets) : utilisez son API OGC Features."
                % (layer.name, len(rows)))
        values = []
        for id_, geometry, properties in rows:
            if isinstance(properties, str):
                properties = json.loads(properties or '{}')
            minx, miny, maxx, maxy = shapely.from_geojson(geometry).bounds
            values.append([id_, geometry, (miny + maxy) / 2,
                    (minx + maxx) / 2] + [_typed(c['type'],
                        (properties or {}).get(c['name']))
                    for c in self.columns])
        if not values:
            values = [[0, None, None, None] + [None] * len(self.columns)]
            where = Literal(False)
        else:
            where = None
        table = Values(values)
        names = ['id', 'geometry', 'latitude', 'longitude'] + [
            c['col'] for c in self.columns]
        return table.select(*[getattr(table, 'column%d' % i).as_(n)
                for i, n in enumerate(names, 1)], where=where)

    def _search_only(self, where):
        return False

    def typed(self, name, value):
        c = self.query.by_name.get(name)
        if c is not None and c['type'] == 'integer' and value is not None:
            return int(value)
        if c is not None and c['type'] == 'number' and value is not None:
            return float(value)
        return super().typed(name, value)


def export_geojson(plan):
    """The features with their own geometry (lines and polygons as they
    are stored), properties the selected fields"""
    from .explore_export import _dumps_chunk, _fix, stream_rows
    names, types = plan['names'], plan['types']
    posts = plan.get('post') or [None] * len(names)
    shape = names.index('geo_shape') if 'geo_shape' in names else None
    yield b'{"type": "FeatureCollection", "features": ['
    first = True
    for rows in stream_rows(plan):
        features = []
        for row in rows:
            row = _fix(types, row, posts)
            geometry = row[shape]['geometry'] if shape is not None \
                and row[shape] else None
            features.append({'type': 'Feature', 'geometry': geometry,
                    'properties': {n: v for i, (n, v) in enumerate(
                            zip(names, row)) if i != shape}})
        yield (('' if first else ',') + _dumps_chunk(features)).encode(
            'utf-8')
        first = False
    yield b']}\n'

