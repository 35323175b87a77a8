# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
import datetime as dt
import json
import re

import shapely
from sql.aggregate import Count, Max, Min
from sql import Cast
from sql.operators import Equal

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Exclude, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.rpc import RPC
from trytond.model.fields import SQL_OPERATORS
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from . import geo
from .exceptions import ImportError_, LayerValidationError

GEOMETRY_TYPES = [
    ('point', "Point"),
    ('line', "Line"),
    ('polygon', "Polygon"),
    ('mixed', "Mixed"),
    ]
_CODE = re.compile(r'^[a-z0-9][a-z0-9_-]*$')
_COLOUR = re.compile(r'^#[0-9a-fA-F]{6}$')
# At most this many errors are listed in an import report
_MAX_ERRORS = 30


def _split(value):
    return [v.strip() for v in (value or '').split(',') if v.strip()]


class Layer(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
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
    model = fields.Many2One('ir.model', "Model", ondelete='RESTRICT',
        states={
            'invisible': Eval('source') != 'model',
            'required': Eval('source') == 'model',
            })
    model_domain = fields.Char("Model Domain",
        states={'invisible': Eval('source') != 'model'},
        help="Tryton domain in JSON, e.g. [[\"state\", \"=\", \"done\"]].")
    model_fields = fields.Char("Model Fields",
        states={'invisible': Eval('source') != 'model'},
        help="Comma-separated fields published as properties.")
    longitude_field = fields.Char("Longitude Field",
        states={'invisible': Eval('source') != 'model'})
    latitude_field = fields.Char("Latitude Field",
        states={'invisible': Eval('source') != 'model'})
    geometry_field = fields.Char("Geometry Field",
        states={'invisible': Eval('source') != 'model'},
        help="Field holding GeoJSON geometries (instead of coordinates).")
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
                    'depends': ['source'],
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

    def check_model_source(self):
        pool = Pool()
        try:
            Model = pool.get(self.model.name)
        except KeyError:
            Model = None
        if Model is None or not issubclass(Model, ModelSQL):
            raise LayerValidationError(gettext(
                    'mons_carto.msg_layer_model_not_sql',
                    layer=self.rec_name))
        names = [self.longitude_field, self.latitude_field,
            self.geometry_field, self.date_field, self.label_field,
            self.classify_field] + _split(self.model_fields)
        for name in filter(None, names):
            if name not in Model._fields:
                raise LayerValidationError(gettext(
                        'mons_carto.msg_layer_model_field_unknown',
                        field=name, model=self.model.name,
                        layer=self.rec_name))
        if not self.geometry_field and not (
                self.longitude_field and self.latitude_field):
            raise LayerValidationError(gettext(
                    'mons_carto.msg_layer_model_no_geometry',
                    layer=self.rec_name))
        try:
            self.get_model_domain()
        except ValueError:
            raise LayerValidationError(gettext(
                    'mons_carto.msg_layer_model_domain_invalid',
                    layer=self.rec_name))

    def get_model_domain(self):
        domain = json.loads(self.model_domain or '[]')
        if not isinstance(domain, list):
            raise ValueError
        return domain

    # --- rights ---------------------------------------------------------

    @classmethod
    def is_manager(cls, groups):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        managers = {
            ModelData.get_id('mons_base', 'group_gis_editor'),
            ModelData.get_id('res', 'group_admin'),
            }
        return bool(managers & set(groups))

    @classmethod
    def visible_domain(cls, user_id):
        """Domain of the layers the user may see: public ones, internal
        ones of the user's groups, all for GIS editors. user_id None means
        an anonymous visitor."""
        pool = Pool()
        User = pool.get('res.user')
        if user_id is None:
            return [('public', '=', True)]
        with Transaction().set_user(user_id):
            groups = list(User.get_groups())
        if user_id == 0 or cls.is_manager(groups):
            return []
        return ['OR',
            ('public', '=', True),
            ('groups', 'in', groups or [-1]),
            ]

    @classmethod
    def visible(cls, user_id, code=None):
        domain = [cls.visible_domain(user_id)]
        if code is not None:
            domain.append(('code', '=', code))
        return cls.search(domain)

    # --- properties -----------------------------------------------------

    @property
    def queryables(self):
        "Property names a client may filter on"
        if self.source == 'model':
            names = _split(self.model_fields)
        else:
            names = _split(self.property_names)
        return [n for n in names if n not in {'bbox', 'crs', 'limit'}]

    @property
    def popup_names(self):
        return _split(self.popup_fields) or self.queryables

    # --- reading features ------------------------------------------------

    def query_features(self, bbox=None, interval=None, filters=None,
            offset=0, limit=10, ids=None):
        """Return (number matched, [(id, geometry GeoJSON text, properties
        dict or JSON text)]) in CRS84; bbox is in CRS84"""
        if self.source == 'model':
            return self._query_model(bbox, interval, filters, offset, limit,
                ids)
        return self._query_features(bbox, interval, filters, offset, limit,
            ids)

    def _feature_domain(self, bbox, interval, filters, ids):
        domain = [('layer', '=', self.id)]
        if ids is not None:
            domain.append(('id', 'in', ids))
        if bbox:
            minx, miny, maxx, maxy = bbox
            domain += [
                ('minx', '<=', maxx),
                ('maxx', '>=', minx),
                ('miny', '<=', maxy),
                ('maxy', '>=', miny),
                # Redundant bounds so that the (layer, minx, miny) index
                # is scanned over a closed range
                ('minx', '>=', minx - (self.max_width or 0)),
                ('miny', '>=', miny - (self.max_height or 0)),
                ]
        if interval:
            start, end = interval
            domain.append(('date', '!=', None))
            if start:
                domain.append(('date', '>=', start))
            if end:
                domain.append(('date', '<=', end))
        for name, value in (filters or {}).items():
            domain.append(_value_clause('properties.%s' % name, value))
        return domain

    def _query_features(self, bbox, interval, filters, offset, limit, ids):
        pool = Pool()
        Feature = pool.get('carto.feature')
        table = Feature.__table__()
        domain = self._feature_domain(bbox, interval, filters, ids)
        with Transaction().set_context(active_test=False):
            matched = Feature.search(domain, count=True)
            # A query, not records: browsing 1,000 instances costs more
            # than the whole SQL
            query = Feature.search(domain, offset=offset, limit=limit,
                order=[('id', 'ASC')], query=True)
        cursor = Transaction().connection.cursor()
        # The stored texts are sent as they are, without decoding and
        # encoding them again
        cursor.execute(*table.select(
                table.id, table.geometry,
                # as text: PostgreSQL would decode the JSON otherwise
                Cast(table.properties, 'TEXT'),
                where=table.id.in_(query),
                order_by=[table.id.asc]))
        return matched, list(cursor)

    def _model_query_domain(self, bbox, interval, filters, ids):
        domain = [self.get_model_domain()]
        if ids is not None:
            domain.append(('id', 'in', ids))
        if self.geometry_field:
            domain.append((self.geometry_field, '!=', None))
        else:
            domain += [
                (self.longitude_field, '!=', None),
                (self.latitude_field, '!=', None),
                ]
            if bbox:
                minx, miny, maxx, maxy = bbox
                domain += [
                    (self.longitude_field, '>=', minx),
                    (self.longitude_field, '<=', maxx),
                    (self.latitude_field, '>=', miny),
                    (self.latitude_field, '<=', maxy),
                    ]
        if interval and self.date_field:
            start, end = interval
            domain.append((self.date_field, '!=', None))
            if start:
                domain.append((self.date_field, '>=', start))
            if end:
                domain.append((self.date_field, '<=', end))
        Model = Pool().get(self.model.name)
        for name, value in (filters or {}).items():
            domain.append(_typed_clause(Model._fields[name], name, value))
        return domain

    def _query_model(self, bbox, interval, filters, offset, limit, ids):
        pool = Pool()
        Model = pool.get(self.model.name)
        domain = self._model_query_domain(bbox, interval, filters, ids)
        names = _split(self.model_fields)
        read_names = set(names)
        for name in [self.longitude_field, self.latitude_field,
                self.geometry_field, self.label_field, self.classify_field,
                self.date_field]:
            if name:
                read_names.add(name)
        with Transaction().set_context(active_test=True):
            if self.geometry_field and bbox:
                # GeoJSON in a text field cannot be filtered in SQL
                records = Model.search(domain, order=[('id', 'ASC')])
                rows = self._model_rows(Model, records, read_names, names)
                box = shapely.box(*bbox)
                rows = [r for r in rows
                    if shapely.intersects(shapely.from_geojson(r[1]), box)]
                return len(rows), rows[offset:offset + limit
                    if limit is not None else None]
            matched = Model.search(domain, count=True)
            records = Model.search(domain, offset=offset, limit=limit,
                order=[('id', 'ASC')])
        return matched, self._model_rows(Model, records, read_names, names)

    def _model_rows(self, Model, records, read_names, names):
        rows = []
        values = Model.read([r.id for r in records], list(read_names))
        for value in values:
            if self.geometry_field:
                geometry = value[self.geometry_field]
            else:
                geometry = json.dumps({'type': 'Point', 'coordinates': [
                            round(float(value[self.longitude_field]), 7),
                            round(float(value[self.latitude_field]), 7)]})
            properties = {}
            for name in names + [self.label_field, self.classify_field,
                    self.date_field]:
                if name and name in value:
                    properties[name] = _plain(value[name])
            rows.append((value['id'], geometry, properties))
        return rows

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

    def load_file(self, data, filename, format=None, crs=None,
            x_column=None, y_column=None, replace=False):
        """Read, check and store a file; raise ImportError_ listing every
        bad line or feature and write nothing when one is wrong"""
        pool = Pool()
        Feature = pool.get('carto.feature')
        ModelAccess = pool.get('ir.model.access')
        # The rows are inserted in bulk, past the ORM's own check
        ModelAccess.check('carto.feature', 'create')
        format = format or geo.detect_format(filename)
        if self.source != 'features':
            raise ImportError_(gettext(
                    'mons_carto.msg_import_model_layer', layer=self.rec_name))
        try:
            if format == 'geojson':
                parsed = geo.read_geojson(data)
            elif format == 'csv':
                parsed = geo.read_csv(data, x_column, y_column)
            elif format in {'gpkg', 'shapefile'}:
                parsed = geo.read_ogr(data, filename)
            else:
                raise geo.GeoError('msg_import_format_unknown',
                    filename=filename)
            source = parsed.crs or crs or self.source_crs
            geo.check_validity(parsed)
            dates = self._check_rows(parsed)
            if parsed.errors:
                self._raise_errors(parsed)
            if not len(parsed.geometries):
                raise geo.GeoError('msg_import_empty', filename=filename)
            texts, bounds, _ = geo.prepare(parsed, source)
        except geo.GeoError as error:
            raise ImportError_(gettext(
                    'mons_carto.%s' % error.message_id, **error.params))

        if replace:
            Feature.delete(Feature.search([('layer', '=', self.id)]))
        names = [n for n in [self.label_field, 'name', 'nom', 'title',
                'titre', 'label'] if n]
        to_create = []
        for index, properties in enumerate(parsed.properties):
            name = None
            for key in names:
                if properties.get(key) not in {None, ''}:
                    name = str(properties[key])[:250]
                    break
            minx, miny, maxx, maxy = bounds[index]
            to_create.append({
                    'layer': self.id,
                    'name': name,
                    'geometry': texts[index],
                    'properties': properties,
                    'date': dates[index],
                    'minx': float(minx), 'miny': float(miny),
                    'maxx': float(maxx), 'maxy': float(maxy),
                    })
        Feature.bulk_insert(to_create)
        self.update_statistics(parsed.properties)
        return len(to_create)

    def _check_rows(self, parsed):
        dates = [None] * len(parsed.properties)
        if self.geometry_type != 'mixed' and len(parsed.geometries):
            labels = dict(self.fields_get(['geometry_type'])[
                    'geometry_type']['selection'])
            types = [geo.geometry_type(g) for g in parsed.geometries]
            for number, kind in zip(parsed.numbers, types):
                if kind != self.geometry_type:
                    parsed.errors.append((number,
                            'msg_import_geometry_type', {
                                'found': labels.get(kind, kind).lower(),
                                'expected': labels[
                                    self.geometry_type].lower()}))
        if self.date_field:
            for index, properties in enumerate(parsed.properties):
                value = properties.get(self.date_field)
                if value in {None, ''}:
                    continue
                try:
                    dates[index] = dt.date.fromisoformat(str(value)[:10])
                except ValueError:
                    parsed.errors.append((parsed.numbers[index],
                            'msg_import_date_invalid', {
                                'field': self.date_field, 'value': value}))
        return dates

    def _raise_errors(self, parsed):
        where = ('mons_carto.msg_import_at_line' if parsed.kind == 'line'
            else 'mons_carto.msg_import_at_feature')
        lines = []
        for number, message_id, params in sorted(
                parsed.errors, key=lambda e: e[0])[:_MAX_ERRORS]:
            lines.append(gettext(where, number=number,
                    error=gettext('mons_carto.%s' % message_id, **params)))
        if len(parsed.errors) > _MAX_ERRORS:
            lines.append(gettext('mons_carto.msg_import_more_errors',
                    count=len(parsed.errors) - _MAX_ERRORS))
        error = ImportError_(gettext('mons_carto.msg_import_failed',
                layer=self.rec_name, count=len(parsed.errors)),
            '\n'.join(lines))
        # Lines or features in error, whatever their number of errors
        error.rejected = len({number for number, _, _ in parsed.errors})
        raise error

    def update_statistics(self, new_properties=()):
        pool = Pool()
        Feature = pool.get('carto.feature')
        table = Feature.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                Max(table.maxx - table.minx), Max(table.maxy - table.miny),
                where=table.layer == self.id))
        width, height = cursor.fetchone()
        names = _split(self.property_names)
        for properties in new_properties:
            for key in properties:
                if key not in names:
                    names.append(key)
        self.__class__.write([self], {
                'max_width': width or 0,
                'max_height': height or 0,
                'property_names': ', '.join(names)[:1000] or None,
                })


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, 'rec_name'):
        return value.rec_name
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def _value_clause(name, value):
    "Match a URL string against text or numeric stored values"
    clauses = [(name, '=', value)]
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        if number.is_integer():
            clauses.append((name, '=', int(number)))
        clauses.append((name, '=', number))
    if len(clauses) == 1:
        return clauses[0]
    return ['OR'] + clauses


def _typed_clause(field, name, value):
    "Convert the URL string to the type of a model field"
    try:
        if field._type in {'integer', 'many2one'}:
            value = int(value)
        elif field._type in {'float', 'numeric'}:
            value = float(value)
        elif field._type == 'boolean':
            value = value.lower() in {'1', 'true', 'yes', 'oui'}
        elif field._type == 'date':
            value = dt.date.fromisoformat(value)
    except ValueError:
        # Nothing can match a value of the wrong type
        return ('id', '=', -1)
    return (name, '=', value)


class LayerGroup(ModelSQL):
    __name__ = 'carto.layer-res.group'

    layer = fields.Many2One('carto.layer', "Layer", required=True,
        ondelete='CASCADE')
    group = fields.Many2One('res.group', "Group", required=True,
        ondelete='CASCADE')


class LayerClass(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'carto.layer.class'

    layer = fields.Many2One('carto.layer', "Layer", required=True,
        ondelete='CASCADE')
    value = fields.Char("Value", required=True,
        help="Value of the classification field.")
    label = fields.Char("Label", translate=True)
    colour = fields.Char("Colour", required=True)

    @classmethod
    def validate_fields(cls, classes, field_names):
        super().validate_fields(classes, field_names)
        for class_ in classes:
            if not _COLOUR.match(class_.colour or ''):
                raise LayerValidationError(gettext(
                        'mons_carto.msg_layer_colour_invalid',
                        colour=class_.colour, layer=class_.layer.rec_name))
