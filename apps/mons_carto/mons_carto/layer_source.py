# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""A layer read live from a Tryton model: which model, which fields give
the geometry and the properties, and the reading itself."""
import datetime as dt
import json

import shapely

from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import LayerValidationError
from .names import split_names as _split


class ModelSourceMixin:
    "Fields and reading of the layers whose source is a model"
    __slots__ = ()

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
