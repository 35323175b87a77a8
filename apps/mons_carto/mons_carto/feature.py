# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
import json
import math

import numpy as np
import shapely

from sql import Null
from sql.functions import CurrentTimestamp
from sql.operators import Like

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import FeatureValidationError

# Views of a whole district or city (this zoom and below) read the
# features' overview geometry: simplified once at import to a pixel of
# this zoom (about 6 m), not parsed and simplified whole at each request
OVERVIEW_ZOOM = 14
OVERVIEW_TOLERANCE = 360 / (256 * 2 ** OVERVIEW_ZOOM)
# GeoJSON type ids of shapely that an overview leaves as they are
_POINT_TYPES = [0, 4]


class Feature(ModelSQL, ModelView):
    __name__ = 'carto.feature'

    layer = fields.Many2One('carto.layer', "Layer", required=True,
        ondelete='CASCADE',
        domain=[('source', '=', 'features')])
    name = fields.Char("Name")
    geometry = fields.Text("Geometry", required=True,
        help="GeoJSON geometry in WGS84 (longitude, latitude).")
    geometry_overview = fields.Text("Overview Geometry", readonly=True,
        help="The line or surface simplified for the map views of a whole "
        "district or city; none for points.")
    properties = fields.Dict(None, "Properties")
    # The properties are free (no schema model: each layer's import decides
    # them); the desk has no widget for a Dict without schema, so the form
    # shows them as indented JSON, read-only. REST and imports keep using
    # ``properties``.
    properties_text = fields.Function(
        fields.Text("Properties", readonly=True), 'get_properties_text')
    date = fields.Date("Date")
    # Bounding box in WGS84: plain indexed columns give fast bbox queries
    # on SQLite and PostgreSQL alike
    minx = fields.Float("Minimum Longitude", readonly=True)
    miny = fields.Float("Minimum Latitude", readonly=True)
    maxx = fields.Float("Maximum Longitude", readonly=True)
    maxy = fields.Float("Maximum Latitude", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t,
                    (t.layer, Index.Equality()),
                    (t.minx, Index.Range()),
                    (t.miny, Index.Range())),
                Index(t,
                    (t.layer, Index.Equality()),
                    (t.name, Index.Similarity())),
                Index(t,
                    (t.layer, Index.Equality()),
                    (t.date, Index.Range())),
                })

    def get_rec_name(self, name):
        return self.name or str(self.id)

    def get_properties_text(self, name):
        if not self.properties:
            return None
        return json.dumps(self.properties, indent=2, ensure_ascii=False,
            sort_keys=True, default=str)

    @classmethod
    def _bounds_values(cls, geometry):
        "Parse, check and return the bbox of a GeoJSON geometry text"
        try:
            shape = shapely.from_geojson(geometry)
        except Exception as exception:
            raise FeatureValidationError(gettext(
                    'mons_carto.msg_feature_geometry_unreadable',
                    error=str(exception)))
        if shape is None or shape.is_empty:
            raise FeatureValidationError(gettext(
                    'mons_carto.msg_import_no_geometry'))
        if not shape.is_valid:
            raise FeatureValidationError(gettext(
                    'mons_carto.msg_feature_geometry_invalid',
                    reason=shapely.is_valid_reason(shape)))
        minx, miny, maxx, maxy = shape.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise FeatureValidationError(gettext(
                    'mons_carto.msg_feature_not_wgs84'))
        return {'minx': minx, 'miny': miny, 'maxx': maxx, 'maxy': maxy}

    @classmethod
    def _normalise(cls, values):
        # The bounds are computed from the geometry, never given
        values = {k: v for k, v in values.items()
            if k not in {'minx', 'miny', 'maxx', 'maxy',
                'geometry_overview'}}
        geometry = values.get('geometry')
        if isinstance(geometry, dict):
            values['geometry'] = geometry = json.dumps(geometry)
        if geometry:
            values.update(cls._bounds_values(geometry))
            values['geometry_overview'], = overviews([geometry])
        return values

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        # Features stored before the overview column: every one but
        # points (which have none) gets it once
        point = ['%"type": "Point"%', '%"type":"Point"%']
        cursor.execute(*table.select(table.id, table.geometry,
                where=(table.geometry_overview == Null)
                & ~Like(table.geometry, point[0])
                & ~Like(table.geometry, point[1])))
        rows = cursor.fetchall()
        for sub in grouped_slice(rows, 1000):
            sub = list(sub)
            for (id_, _), text in zip(sub, overviews([r[1] for r in sub])):
                if text is not None:
                    cursor.execute(*table.update([table.geometry_overview],
                            [text], where=table.id == id_))

    @classmethod
    def create(cls, vlist):
        checked = Transaction().context.get('_carto_checked')
        if not checked:
            # Features created one by one (desk, REST API): the import has
            # checked its own already, in one vectorised pass
            vlist = [cls._normalise(v) for v in vlist]
        features = super().create(vlist)
        if not checked:
            for layer in {f.layer for f in features}:
                layer.update_statistics([f.properties or {}
                        for f in features if f.layer == layer])
        return features

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        args = []
        for records, values in zip(actions, actions):
            args.extend((records, cls._normalise(values)))
        super().write(*args)
        layers = {r.layer for r in sum(args[::2], [])}
        for layer in layers:
            layer.update_statistics()

    @classmethod
    def bulk_insert(cls, rows):
        """Insert checked rows (see carto.layer.load_file) with
        multi-row INSERTs: the ORM create costs ~1 ms per feature, too slow
        for files of 10^5-10^6 features"""
        table = cls.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        names = ['layer', 'name', 'geometry', 'geometry_overview',
            'properties', 'date', 'minx', 'miny', 'maxx', 'maxy']
        columns = [getattr(table, n) for n in names] + [
            table.create_uid, table.create_date]
        properties = cls.properties.sql_format
        now = CurrentTimestamp()
        for sub in grouped_slice(rows, 500):
            sub = list(sub)
            cursor.execute(*table.insert(columns, [
                        [r['layer'], r['name'], r['geometry'], overview,
                            properties(r['properties']), r['date'],
                            r['minx'], r['miny'], r['maxx'], r['maxy'],
                            transaction.user, now]
                        for r, overview in zip(sub, overviews(
                                [r['geometry'] for r in sub]))]))

    def to_geojson(self):
        return {
            'type': 'Feature',
            'id': self.id,
            'geometry': json.loads(self.geometry),
            'properties': dict(self.properties or {}),
            }


def simplify(texts, tolerance):
    """Simplify GeoJSON texts for display at a zoom level (viewer only):
    vertices closer than tolerance (degrees, about a screen pixel) to the
    simplified shape are dropped, topology preserved (a ring keeps at
    least its triangle, nothing crosses itself), and coordinates are
    rounded to a tenth of the tolerance, which no screen shows."""
    geometries = shapely.from_geojson(np.asarray(texts, dtype=object))
    return shapely.to_geojson(_simplified(geometries, tolerance))


def _simplified(geometries, tolerance):
    simple = shapely.simplify(geometries, tolerance, preserve_topology=True)
    # Keep the original when simplification empties a small polygon
    keep = shapely.is_empty(simple)
    simple[keep] = geometries[keep]
    decimals = max(0, math.ceil(-math.log10(tolerance / 10)))
    return shapely.transform(simple, lambda c: np.round(c, decimals))


def overviews(texts):
    "The overview GeoJSON texts of geometries (None for points)"
    geometries = shapely.from_geojson(np.asarray(texts, dtype=object))
    result = np.full(len(texts), None, dtype=object)
    shapes = ~np.isin(shapely.get_type_id(geometries), _POINT_TYPES)
    if shapes.any():
        result[shapes] = shapely.to_geojson(_simplified(geometries[shapes],
                OVERVIEW_TOLERANCE))
    return list(result)
