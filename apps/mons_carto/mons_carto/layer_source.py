# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""A layer read live from a Tryton model: which model, which fields give
the geometry and the properties, and the reading itself.

Such a layer is a reader configured by a user, so it reads as its
responsible user (owner), with that user's model access, field access and
record rules, never as root: a public layer on letters shows the public
only what its owner may read of them, and only the fields chosen. Models
that hold secrets or the framework's internals are never read at all."""
import contextlib
import datetime as dt
import json
import re

import shapely

from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.pool import Pool
from trytond.pyson import Eval, PYSONDecoder, PYSONEncoder
from trytond.transaction import Transaction, without_check_access

from .exceptions import LayerOwnerError, LayerValidationError
from .names import split_names as _split

# Users, keys, sessions, groups and the framework's own models (ir.*):
# never offered as a source, whatever the owner's rights
FORBIDDEN_MODEL = re.compile(
    r'^(ir\.|res\.user|res\.group|web\.user|res\.notification)')
# A model with a field of such a name holds a secret (a password, a key,
# a token): it is never read by a layer
SECRET_FIELD = re.compile(
    r'(^|_)(password|passwd|secret|token|key|hash|salt|otp)(_|$)')


def forbidden_model(Model):
    "Whether layers may never read Model"
    return bool(FORBIDDEN_MODEL.match(Model.__name__)
        or any(SECRET_FIELD.search(n) for n in Model._fields))


class ModelSourceMixin:
    "Fields and reading of the layers whose source is a model"
    __slots__ = ()

    model = fields.Many2One('ir.model', "Model", ondelete='RESTRICT',
        states={
            'invisible': Eval('source') != 'model',
            'required': Eval('source') == 'model',
            },
        help="Models holding secrets or the framework's internals "
        "(users, keys, sessions, ir.*) are not offered.")
    owner = fields.Many2One('res.user', "Responsible User",
        ondelete='RESTRICT',
        domain=[('id', '!=', 0)],
        states={
            'invisible': Eval('source') != 'model',
            'required': Eval('source') == 'model',
            },
        help="The model is read with this user's rights: the layer shows "
        "only what this user may read. Only GIS administrators may change "
        "it.")
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

    @classmethod
    def fields_get(cls, fields_names=None, level=0):
        result = super().fields_get(fields_names, level=level)
        if 'model' in result:
            # Never offered; saving refuses them with its own message
            # (check_model_source), so the field itself has no domain
            pool = Pool()
            forbidden = sorted(name for name, Model in pool.iterobject()
                if hasattr(Model, '_fields') and forbidden_model(Model))
            domain = PYSONDecoder().decode(result['model']['domain'])
            domain.append(('name', 'not in', forbidden))
            result['model']['domain'] = PYSONEncoder().encode(domain)
        return result

    @classmethod
    def default_owner(cls):
        return Transaction().user or None

    def published_names(self):
        "Fields of the model the layer reads and publishes"
        names = [self.longitude_field, self.latitude_field,
            self.geometry_field, self.date_field, self.label_field,
            self.classify_field] + _split(self.model_fields)
        return list(dict.fromkeys(filter(None, names)))

    def check_model_source(self):
        pool = Pool()
        try:
            Model = pool.get(self.model.name)
        except KeyError:
            Model = None
        if Model is not None and forbidden_model(Model):
            raise LayerValidationError(gettext(
                    'mons_carto.msg_layer_model_forbidden',
                    model=self.model.name, layer=self.rec_name))
        if Model is None or not issubclass(Model, ModelSQL):
            raise LayerValidationError(gettext(
                    'mons_carto.msg_layer_model_not_sql',
                    layer=self.rec_name))
        for name in self.published_names():
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
        if not self.owner or not self.owner.id or not self.owner.active:
            raise LayerValidationError(gettext(
                    'mons_carto.msg_layer_owner_invalid',
                    layer=self.rec_name))
        # Refused now rather than at the first visitor: the owner must
        # be allowed to read the model and every published field
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        FieldAccess = pool.get('ir.model.field.access')
        with self.as_owner():
            if not ModelAccess.check(Model.__name__, 'read',
                    raise_exception=False):
                raise LayerValidationError(gettext(
                        'mons_carto.msg_layer_owner_no_access',
                        owner=self.owner.rec_name, model=self.model.name,
                        layer=self.rec_name))
            for name in self.published_names():
                if not FieldAccess.check(Model.__name__, [name], 'read',
                        raise_exception=False):
                    raise LayerValidationError(gettext(
                            'mons_carto.msg_layer_owner_no_field_access',
                            owner=self.owner.rec_name, field=name,
                            model=self.model.name, layer=self.rec_name))

    def get_model_domain(self):
        domain = json.loads(self.model_domain or '[]')
        if not isinstance(domain, list):
            raise ValueError
        return domain

    @contextlib.contextmanager
    def as_owner(self):
        """Run the block as the layer's owner, with the owner's rights;
        the layer itself is read by whoever asks"""
        from trytond.modules.mons_base.caller import acting_as
        pool = Pool()
        User = pool.get('res.user')
        with without_check_access():
            owner = User(self.owner.id) if self.owner else None
            active = bool(owner and owner.id and owner.active)
        if not active:
            raise LayerOwnerError(gettext(
                    'mons_carto.msg_layer_owner_inactive',
                    layer=self.rec_name))
        with acting_as(pool, owner.id):
            yield

    def model_search_ids(self, text, limit=10):
        "Records whose label contains text, as the owner sees them"
        Model = Pool().get(self.model.name)
        with self.as_owner(), Transaction().set_context(active_test=True):
            records = Model.search([
                    self.get_model_domain(),
                    (self.label_field, 'ilike', '%' + text + '%'),
                    ], limit=limit, order=[('id', 'ASC')])
        return [r.id for r in records]

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
        # Everything the layer says is read before acting as the owner,
        # who may not see the layer itself
        domain = self._model_query_domain(bbox, interval, filters, ids)
        names = _split(self.model_fields)
        read_names = self.published_names()
        with self.as_owner(), Transaction().set_context(active_test=True):
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
            return matched, self._model_rows(
                Model, records, read_names, names)

    def _model_rows(self, Model, records, read_names, names):
        rows = []
        values = Model.read([r.id for r in records], list(read_names))
        for value in values:
            # The geometry is a user's text or numbers: what is not one is
            # left out, never written as it is into the answer
            if self.geometry_field:
                try:
                    shape = shapely.from_geojson(value[self.geometry_field])
                except Exception:
                    continue
                if shape is None or shape.is_empty:
                    continue
                geometry = shapely.to_geojson(shape)
            else:
                try:
                    x = round(float(value[self.longitude_field]), 7)
                    y = round(float(value[self.latitude_field]), 7)
                except (TypeError, ValueError):
                    continue
                geometry = json.dumps(
                    {'type': 'Point', 'coordinates': [x, y]})
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
