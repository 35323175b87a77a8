# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""A map layer: its definition, style, rights, and where its features
come from (imported features or a live model, see layer_features.py,
layer_source.py and layer_file.py)."""
import datetime as dt
import json
import re
import unicodedata

import shapely
from sql.aggregate import Count, Max, Min
from sql.operators import Equal

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Exclude, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.model.fields import SQL_OPERATORS
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.rpc import RPC
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from . import geo
from .exceptions import LayerValidationError
from .layer_features import ImportedFeaturesMixin
from .layer_file import FileLoadMixin
from .layer_properties import PropertiesMixin
from .layer_source import ModelSourceMixin
from .names import COLOUR_RE as _COLOUR

GEOMETRY_TYPES = [
    ('point', "Point"),
    ('line', "Line"),
    ('polygon', "Polygon"),
    ('mixed', "Mixed"),
    ]
_CODE = re.compile(r'^[a-z0-9][a-z0-9_-]*$')


class Layer(PropertiesMixin, ModelSourceMixin, ImportedFeaturesMixin,
        FileLoadMixin, DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'carto.layer'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True, strip=True,
        help="Unique identifier, used as the collection id of the OGC API "
        "Features service (lowercase letters, digits, - and _).")
    description = fields.Text("Description", translate=True)
    service = fields.Many2One('mons.service', "Owning Service",
        ondelete='RESTRICT')
    geometry_type = fields.Selection(GEOMETRY_TYPES, "Geometry Type",
        required=True)
    source_crs = fields.Selection(geo.SOURCE_CRS, "Source CRS", required=True,
        help="Coordinate reference system of the source data; files which "
        "declare their own CRS override it.")
    attribution = fields.Char("Attribution",
        help="Producer of the data (city service or outside body).")

    # Style
    colour = fields.Char("Colour", required=True,
        help="Hexadecimal colour such as #1f78b4.")
    symbol = fields.Selection([
            ('circle', "Circle"),
            ('square', "Square"),
            ('triangle', "Triangle"),
            ], "Symbol",
        states={'invisible': Eval('geometry_type') == 'line'})
    line_style = fields.Selection([
            ('solid', "Solid"),
            ('dashed', "Dashed"),
            ('dotted', "Dotted"),
            ], "Line Style")
    line_width = fields.Integer("Line Width")
    fill_opacity = fields.Float("Fill Opacity", digits=(1, 2),
        domain=[('fill_opacity', '>=', 0), ('fill_opacity', '<=', 1)])
    label_field = fields.Char("Label Field",
        help="Property used as the name of the features.")
    classify_field = fields.Char("Classification Field",
        help="Property whose value chooses the colour of a feature.")
    classes = fields.One2Many('carto.layer.class', 'layer', "Classes")
    popup_fields = fields.Char("Popup Fields",
        help="Comma-separated properties shown in popups (all when empty).")
    cluster = fields.Boolean("Cluster Points",
        help="Group dense points into clusters in the viewer.")

    # Rights
    public = fields.Boolean("Public",
        help="Public layers are open to everyone; internal ones only to "
        "the staff of the groups below.")
    groups = fields.Many2Many('carto.layer-res.group', 'layer', 'group',
        "Groups", states={'invisible': Eval('public', False)},
        help="Groups whose users may see this internal layer.")

    # Source
    source = fields.Selection([
            ('features', "Imported Features"),
            ('model', "Tryton Model"),
            ], "Source", required=True)
    date_field = fields.Char("Date Field",
        help="Property or field giving the date of a feature "
        "(used by the datetime filter).")

    features = fields.One2Many('carto.feature', 'layer', "Features",
        readonly=True, states={'invisible': Eval('source') != 'features'})
    imports = fields.One2Many('carto.layer.import', 'layer', "Imports",
        readonly=True, states={'invisible': Eval('source') != 'features'})
    feature_count = fields.Function(
        fields.Integer("Features"), 'get_feature_count')
    property_names = fields.Char("Properties", readonly=True,
        help="Properties found in the imported features.")
    # Largest feature extent: bounds the bbox index scan on both sides
    max_width = fields.Float("Maximum Width", readonly=True)
    max_height = fields.Float("Maximum Height", readonly=True)
    _computed_fields = {'property_names', 'max_width', 'max_height'}

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Exclude(t, (t.code, Equal)),
                'mons_carto.msg_layer_code_unique'),
            ]
        cls._order.insert(1, ('name', 'ASC'))
        cls._buttons.update({
                'import_file': {
                    'invisible': Eval('source') != 'features',
                    # Saved first: the import belongs to a stored layer
                    'readonly': Eval('id', -1) < 0,
                    'depends': ['source', 'id'],
                    },
                })
        cls.__rpc__.update({
                'import_features': RPC(readonly=False, instantiate=0),
                })

    @classmethod
    def default_geometry_type(cls):
        return 'point'

    @classmethod
    def default_source_crs(cls):
        return 'EPSG:4326'

    @classmethod
    def default_colour(cls):
        return '#1f78b4'

    @classmethod
    def default_symbol(cls):
        return 'circle'

    @classmethod
    def default_line_style(cls):
        return 'solid'

    @classmethod
    def default_line_width(cls):
        return 3

    @classmethod
    def default_fill_opacity(cls):
        return 0.3

    @classmethod
    def default_cluster(cls):
        return True

    @classmethod
    def default_public(cls):
        return False

    @classmethod
    def default_source(cls):
        return 'features'

    @classmethod
    def default_max_width(cls):
        return 0

    @classmethod
    def default_max_height(cls):
        return 0

    @classmethod
    def get_feature_count(cls, layers, name):
        pool = Pool()
        Feature = pool.get('carto.feature')
        feature = Feature.__table__()
        cursor = Transaction().connection.cursor()
        counts = {l.id: 0 for l in layers}
        for sub_ids in grouped_slice([l.id for l in layers],
                backend.MAX_QUERY_PARAMS):
            cursor.execute(*feature.select(feature.layer, Count(feature.id),
                    where=SQL_OPERATORS['in'](feature.layer, sub_ids),
                    group_by=[feature.layer]))
            counts.update(cursor)
        for layer in layers:
            if layer.source == 'model':
                counts[layer.id] = None
        return counts

    @classmethod
    def validate_fields(cls, layers, field_names):
        super().validate_fields(layers, field_names)
        public_group = Pool().get('ir.model.data').get_id(
            'mons_base', 'group_public')
        for layer in layers:
            if not _CODE.match(layer.code or ''):
                raise LayerValidationError(gettext(
                        'mons_carto.msg_layer_code_invalid',
                        code=layer.code))
            if not _COLOUR.match(layer.colour or ''):
                raise LayerValidationError(gettext(
                        'mons_carto.msg_layer_colour_invalid',
                        colour=layer.colour, layer=layer.rec_name))
            if layer.source == 'model':
                layer.check_model_source()
            if public_group in {g.id for g in layer.groups}:
                # "Public" is one tick, not a group: the anonymous
                # visitor's group would publish the layer unnoticed
                raise LayerValidationError(gettext(
                        'mons_carto.msg_layer_group_public',
                        layer=layer.rec_name))

    @classmethod
    def create(cls, vlist):
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            # Computed from the features, never given by a user
            vlist = [{k: v for k, v in values.items()
                    if k not in cls._computed_fields}
                for values in vlist]
        return super().create(vlist)

    @classmethod
    def check_modification(cls, mode, layers, values=None, external=False):
        super().check_modification(
            mode, layers, values=values, external=external)
        if mode == 'write' and external:
            for name in cls._computed_fields & set(values or {}):
                raise AccessError(gettext(
                        'mons_carto.msg_field_computed',
                        field=cls.__names__(name)['field'],
                        model=cls.__names__()['model']))

    @classmethod
    def copy(cls, layers, default=None):
        default = default.copy() if default else {}
        # A copy belongs to whoever makes it, as a new layer does
        default.setdefault('owner', cls.default_owner())
        default.setdefault('code', lambda data: '%s-copie' % data['code'])
        return super().copy(layers, default=default)


    # --- reading features ------------------------------------------------

    def query_features(self, bbox=None, interval=None, filters=None,
            offset=0, limit=10, ids=None, where=None, sortby=None,
            overview=False):
        """Return (number matched, [(id, geometry GeoJSON text, properties
        dict or JSON text)]) in CRS84; bbox is in CRS84.
        where is a cql.Filter and sortby a list of (name, descending):
        the candidates the database gives are then tested and sorted
        here, and the page is cut from them. overview: lines and surfaces
        of imported features as simplified for the views of a district or
        a city (feature.OVERVIEW_ZOOM)."""
        if where is not None or sortby:
            return self._query_refined(bbox, interval, filters, offset,
                limit, ids, where, sortby)
        if self.source == 'model':
            return self._query_model(bbox, interval, filters, offset, limit,
                ids)
        return self._query_features(bbox, interval, filters, offset, limit,
            ids, overview=overview)


    def _query_refined(self, bbox, interval, filters, offset, limit, ids,
            where, sortby):
        from .cql import Row
        filters = dict(filters or {})
        if where is not None:
            filters.update({k: v for k, v in where.equals.items()
                    if k not in filters})
            if where.envelope is not None:
                bbox = _intersection(bbox, where.envelope)
                if bbox is None:
                    return 0, []
        _, rows = self.query_features(bbox=bbox, interval=interval,
            filters=filters, offset=0, limit=None, ids=ids)
        rows = [(r[0], r[1], _decoded(r[2])) for r in rows]
        if where is not None:
            rows = [r for r in rows if where(Row(r[2], r[1]))]
        if sortby:
            types = self.property_types()
            # Stable sorts, last key first
            for name, descending in reversed(sortby):
                numeric = types.get(name, {}).get('type') in {
                    'integer', 'number'}
                rows.sort(key=lambda r: _sort_key(
                        r[0] if name == 'id' else r[2].get(name),
                        numeric, descending), reverse=descending)
        end = offset + limit if limit is not None else None
        return len(rows), rows[offset:end]

    def extent(self):
        "Bounding box (CRS84) and date interval of the layer"
        pool = Pool()
        Feature = pool.get('carto.feature')
        if self.source == 'model':
            _, rows = self.query_features(limit=None)
            if not rows:
                return None, None
            geometries = shapely.from_geojson([r[1] for r in rows])
            return tuple(shapely.total_bounds(geometries)), None
        table = Feature.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                Min(table.minx), Min(table.miny),
                Max(table.maxx), Max(table.maxy),
                Min(table.date), Max(table.date),
                where=table.layer == self.id))
        minx, miny, maxx, maxy, start, end = cursor.fetchone()
        if minx is None:
            return None, None
        dates = None
        if start:
            # SQLite gives the text of the aggregated dates
            dates = tuple(dt.date.fromisoformat(d) if isinstance(d, str)
                else d for d in (start, end))
        return (minx, miny, maxx, maxy), dates

    # --- import ---------------------------------------------------------

    @classmethod
    @ModelView.button_action('mons_carto.wizard_layer_import')
    def import_file(cls, layers):
        pass

    @classmethod
    def import_features(cls, layers, file, filename, format=None, crs=None,
            x_column=None, y_column=None, replace=False):
        """Check a file and queue its import into the layer; for the REST
        API: POST rest/model/carto.layer/<id>/import_features with the file
        in base64. Returns the import record to follow."""
        pool = Pool()
        Import = pool.get('carto.layer.import')
        from .import_ import decode_file
        layer, = layers
        import_ = Import.start(layer, decode_file(file), filename,
            format=format, crs=crs, x_column=x_column, y_column=y_column,
            replace=replace)
        return {
            'id': import_.id,
            'state': import_.state,
            'layer': layer.id,
            'filename': import_.filename,
            'format': import_.format,
            }


def _decoded(properties):
    if isinstance(properties, str):
        return json.loads(properties or '{}')
    return dict(properties or {})


def _intersection(first, second):
    if first is None:
        return tuple(second)
    box = (max(first[0], second[0]), max(first[1], second[1]),
        min(first[2], second[2]), min(first[3], second[3]))
    if box[0] > box[2] or box[1] > box[3]:
        return None
    return box


def _sort_key(value, numeric, descending):
    "Missing values last whatever the direction; numbers as numbers"
    missing = value is None or value == ''
    if numeric and not missing and not isinstance(value, (int, float)):
        try:
            value = float(str(value).replace(',', '.'))
        except ValueError:
            missing = True
    if missing:
        return (not descending, 0, '')
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (descending, 0, value)
    return (descending, 1, _collation(str(value)))


def _collation(text):
    "French order: école before musée (accents and case aside first)"
    folded = unicodedata.normalize('NFKD', text.casefold())
    return (''.join(c for c in folded if not unicodedata.combining(c)),
        text)
