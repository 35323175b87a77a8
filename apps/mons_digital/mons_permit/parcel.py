# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Cadastral parcels: identified by their capakey, with their owners and
their outline in Belgian Lambert 72 (EPSG:31370, metres), so that the
parcels within the inquiry radius of a file are found by distance."""
import json

import shapely
from shapely.geometry import mapping, shape

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta

from . import capakey as _capakey
from .exceptions import CapakeyError, PermitValidationError

# The outline is stored in Lambert 72: distances are metres
STORED_CRS = 'EPSG:31370'


def to_wgs84(geometry):
    "A Lambert 72 shapely geometry as GeoJSON (lon, lat) for the maps"
    from pyproj import Transformer
    transformer = Transformer.from_crs(STORED_CRS, 'EPSG:4326',
        always_xy=True)
    return shapely.transform(geometry,
        lambda x, y: transformer.transform(x, y), interleaved=False)


class Parcel(ModelSQL, ModelView):
    __name__ = 'permit.parcel'
    __string__ = "Cadastral Parcel"
    _rec_name = 'capakey'

    capakey = fields.Char("Capakey", required=True, strip=True, size=17,
        help="17 characters: division (5 digits), section (letter), radical "
        "(4 digits), '/', bis (2 digits), exponent (letter or _), power "
        "(3 digits), e.g. 53053A0123/02B045.")
    division = fields.Function(fields.Char("Division"), 'get_parts')
    cadastral_section = fields.Function(fields.Char("Cadastral Section"),
        'get_parts')
    radical = fields.Function(fields.Char("Radical"), 'get_parts')
    bis = fields.Function(fields.Char("Bis"), 'get_parts')
    exponent = fields.Function(fields.Char("Exponent"), 'get_parts')
    power = fields.Function(fields.Char("Power"), 'get_parts')
    section = fields.Many2One('mons.section', "Section",
        ondelete='RESTRICT', help="The former municipality (section) of the territory.")
    address = fields.Char("Address")
    owners = fields.Many2Many('permit.parcel-party.party', 'parcel',
        'party', "Owners")
    geometry = fields.Text("Outline",
        help="GeoJSON geometry in Belgian Lambert 72 (EPSG:31370, metres).")
    area = fields.Function(fields.Float("Area (m²)", digits=(16, 0)),
        'get_area')
    x_min = fields.Float("West", readonly=True)
    x_max = fields.Float("East", readonly=True)
    y_min = fields.Float("South", readonly=True)
    y_max = fields.Float("North", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('capakey_unique', Unique(t, t.capakey),
                'mons_permit.msg_parcel_capakey_unique'),
            ]
        cls._order.insert(0, ('capakey', 'ASC'))

    @classmethod
    def get_parts(cls, parcels, names):
        result = {n: {} for n in names}
        for parcel in parcels:
            parts = _capakey.split(parcel.capakey)
            for name in names:
                attr = 'section' if name == 'cadastral_section' else name
                result[name][parcel.id] = (
                    getattr(parts, attr) if parts else None)
        return result

    def shape(self):
        return shape(json.loads(self.geometry)) if self.geometry else None

    def get_area(self, name):
        geometry = self.shape()
        return round(geometry.area) if geometry is not None else None

    @fields.depends('capakey')
    def on_change_capakey(self):
        if self.capakey and _capakey.is_valid(self.capakey):
            self.capakey = _capakey.normalize(self.capakey)

    @classmethod
    def _normalize(cls, values):
        values = values.copy()
        if values.get('capakey'):
            values['capakey'] = _capakey.normalize(values['capakey'])
        if 'geometry' in values:
            geometry = cls.parse_geometry(values['geometry'])
            if geometry is None:
                values.update(x_min=None, x_max=None, y_min=None,
                    y_max=None)
            else:
                minx, miny, maxx, maxy = geometry.bounds
                values.update(x_min=minx, x_max=maxx, y_min=miny,
                    y_max=maxy)
        return values

    @classmethod
    def parse_geometry(cls, text):
        "The shapely geometry of a GeoJSON text, or a French error"
        if not text:
            return None
        field = cls.fields_get(['geometry'])['geometry']['string']
        try:
            data = json.loads(text)
            if data.get('type') == 'Feature':
                data = data['geometry']
            geometry = shape(data)
        except Exception:
            raise PermitValidationError(gettext(
                    'mons_permit.msg_parcel_geometry_invalid', field=field))
        if geometry.is_empty or not geometry.is_valid:
            raise PermitValidationError(gettext(
                    'mons_permit.msg_parcel_geometry_invalid', field=field))
        minx, miny, maxx, maxy = geometry.bounds
        # Lambert 72 covers Belgium with positive metres; degrees are a
        # mistake of the projection
        if not (0 <= minx and maxx <= 300000 and 0 <= miny
                and maxy <= 300000) or maxx - minx < 0.01:
            raise PermitValidationError(gettext(
                    'mons_permit.msg_parcel_geometry_crs', field=field))
        return geometry

    @classmethod
    def create(cls, vlist):
        return super().create([cls._normalize(v) for v in vlist])

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        args = []
        for parcels, values in zip(actions, actions):
            args.extend((parcels, cls._normalize(values)))
        super().write(*args)

    @classmethod
    def validate_fields(cls, parcels, field_names):
        super().validate_fields(parcels, field_names)
        if field_names is None or 'capakey' in field_names:
            string = cls.fields_get(['capakey'])['capakey']['string']
            for parcel in parcels:
                if not _capakey.is_valid(parcel.capakey):
                    raise CapakeyError(gettext(
                            'mons_permit.msg_capakey_invalid',
                            field=string, value=parcel.capakey,
                            example=_capakey.EXAMPLE))

    @classmethod
    def near(cls, parcels, radius):
        """The other parcels within radius metres of the outlines of
        parcels, with their distance in metres, nearest first"""
        shapes = [p.shape() for p in parcels]
        shapes = [s for s in shapes if s is not None]
        if not shapes:
            return []
        union = shapely.union_all(shapes)
        minx, miny, maxx, maxy = union.bounds
        # The bounding boxes first (indexed columns), the exact distance
        # on the few candidates
        candidates = cls.search([
                ('id', 'not in', [p.id for p in parcels]),
                ('x_max', '>=', minx - radius),
                ('x_min', '<=', maxx + radius),
                ('y_max', '>=', miny - radius),
                ('y_min', '<=', maxy + radius),
                ])
        result = []
        for candidate in candidates:
            geometry = candidate.shape()
            distance = union.distance(geometry)
            if distance <= radius:
                result.append((candidate, distance))
        result.sort(key=lambda r: (r[1], r[0].capakey))
        return result


class ParcelOwner(ModelSQL):
    __name__ = 'permit.parcel-party.party'
    __string__ = "Parcel - Owner"

    parcel = fields.Many2One('permit.parcel', "Parcel", required=True,
        ondelete='CASCADE')
    party = fields.Many2One('party.party', "Owner", required=True,
        ondelete='RESTRICT')


class FileParcel(ModelSQL):
    __name__ = 'permit.file-permit.parcel'
    __string__ = "Permit File - Parcel"

    file = fields.Many2One('permit.file', "File", required=True,
        ondelete='CASCADE')
    parcel = fields.Many2One('permit.parcel', "Parcel", required=True,
        ondelete='RESTRICT')


class File(metaclass=PoolMeta):
    __name__ = 'permit.file'

    parcels = fields.Many2Many('permit.file-permit.parcel', 'file', 'parcel',
        "Parcels")
    location = fields.Function(fields.Text("Location",
            help="GeoJSON (longitude, latitude) of the file's parcels, for "
            "the maps."), 'get_location', searcher='search_location')

    def location_shape(self):
        "The outline of the file's parcels in Lambert 72"
        shapes = [p.shape() for p in self.parcels]
        shapes = [s for s in shapes if s is not None]
        return shapely.union_all(shapes) if shapes else None

    @classmethod
    def search_location(cls, name, clause):
        "Only whether there is a location: the maps ask for files with one"
        _, operator, value = clause[:3]
        located = ('parcels', 'where', [('geometry', '!=', None)])
        if (operator, value) in {('!=', None), ('=', True)}:
            return [located]
        if (operator, value) in {('=', None), ('=', False)}:
            return [
                ('id', 'not in', [f.id for f in cls.search([located])])]
        return []

    def get_location(self, name):
        geometry = self.location_shape()
        if geometry is None:
            return None
        return json.dumps(mapping(to_wgs84(geometry)))
