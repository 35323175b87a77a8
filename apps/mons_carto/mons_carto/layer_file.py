# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"Loading a file into a layer: read, check every row, store all or nothing"
import datetime as dt

from sql.aggregate import Max

from trytond.i18n import gettext
from trytond.modules.mons_base import upload
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from . import geo
from .exceptions import ImportError_
from .names import split_names as _split

# At most this many errors are listed in an import report
_MAX_ERRORS = 30


class FileLoadMixin:
    "Checks and stores the features of a file"
    __slots__ = ()

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
            # Whoever calls it, the file is within the limits of uploads
            # before a reader (GDAL, json) opens it
            upload.check(data, filename, kinds=upload.GEO_KINDS)
        except upload.UploadError as error:
            raise ImportError_(error.message) from error
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
            geo.check_source_area(parsed, source)
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
        # Computed values, written whoever added the features
        with without_check_access():
            self.__class__.write([self], {
                    'max_width': width or 0,
                    'max_height': height or 0,
                    'property_names': ', '.join(names)[:1000] or None,
                    })
