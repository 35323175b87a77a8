# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import geo


class LayerImportStart(ModelView):
    __name__ = 'carto.layer.import.start'

    layer = fields.Many2One('carto.layer', "Layer", readonly=True)
    file = fields.Binary("File", required=True, filename='filename')
    filename = fields.Char("File Name")
    format = fields.Selection([
            (None, "Automatic (file name)"),
            ('geojson', "GeoJSON"),
            ('csv', "CSV with coordinates"),
            ('gpkg', "GeoPackage"),
            ('shapefile', "Zipped Shapefile"),
            ], "Format")
    crs = fields.Selection([(None, "Layer's source CRS")] + geo.SOURCE_CRS,
        "CRS", help="Used when the file does not declare its CRS.")
    x_column = fields.Char("X / Longitude Column",
        states={'invisible': ~Eval('format').in_([None, 'csv'])},
        help="Guessed from the header (x, lon, longitude…) when empty.")
    y_column = fields.Char("Y / Latitude Column",
        states={'invisible': ~Eval('format').in_([None, 'csv'])},
        help="Guessed from the header (y, lat, latitude…) when empty.")
    replace = fields.Boolean("Replace Existing Features")


class LayerImport(Wizard):
    __name__ = 'carto.layer.import'

    start = StateView('carto.layer.import.start',
        'mons_carto.layer_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()

    def default_start(self, fields):
        return {'layer': self.record.id if self.record else None}

    def transition_import_(self):
        pool = Pool()
        Layer = pool.get('carto.layer')
        layer = Layer(self.record.id)
        layer.import_data(bytes(self.start.file), self.start.filename,
            format=self.start.format, crs=self.start.crs,
            x_column=self.start.x_column, y_column=self.start.y_column,
            replace=self.start.replace)
        return 'end'
