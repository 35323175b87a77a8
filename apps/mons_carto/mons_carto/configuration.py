# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __name__ = 'carto.configuration'

    basemap_url = fields.Char("Basemap URL",
        help="XYZ tile URL template such as "
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png; empty for a plain "
        "background.")
    basemap_attribution = fields.Char("Basemap Attribution")
    basemap_max_zoom = fields.Integer("Basemap Maximum Zoom")
    orthophoto_url = fields.Char("Orthophoto URL",
        help="Tile URL template of an orthophoto WMTS in the "
        "GoogleMapsCompatible (Web Mercator) tile matrix set, with {z}, {x} "
        "and {y}, e.g. the REST URL of the Walloon orthophotos "
        ".../WMTS/tile/1.0.0/<layer>/default/GoogleMapsCompatible/{z}/{y}/{x}"
        "; empty: no orthophoto in the basemap choice.")
    orthophoto_attribution = fields.Char("Orthophoto Attribution")
    address_layer = fields.Many2One('carto.layer', "Address Layer",
        ondelete='SET NULL', domain=[('source', '=', 'features')],
        help="Layer of the streets and addresses (e.g. loaded from the "
        "regional address register) searched first by the map viewer's "
        "search box; its features are named by their address.")
    centre_latitude = fields.Float("Centre Latitude", digits=(3, 6))
    centre_longitude = fields.Float("Centre Longitude", digits=(3, 6))
    zoom = fields.Integer("Initial Zoom")
    import_max_size = fields.Integer("Maximum Import Size (MiB)",
        domain=['OR', ('import_max_size', '=', None),
            ('import_max_size', '>', 0)],
        help="Larger files are refused at once; empty for no limit. "
        "The import holds the whole file and its features in memory.")

    @classmethod
    def default_basemap_url(cls):
        return 'https://tile.openstreetmap.org/{z}/{x}/{y}.png'

    @classmethod
    def default_basemap_attribution(cls):
        return '© OpenStreetMap contributors'

    @classmethod
    def default_basemap_max_zoom(cls):
        return 19

    @classmethod
    def default_centre_latitude(cls):
        return 50.4542

    @classmethod
    def default_centre_longitude(cls):
        return 3.9523

    @classmethod
    def default_zoom(cls):
        return 12

    @classmethod
    def default_import_max_size(cls):
        return 100

    def get_import_max_bytes(self):
        size = self.import_max_size
        return size * 2 ** 20 if size else None
