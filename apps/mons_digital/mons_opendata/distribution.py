"""The distributions of a dataset: files served from its online version or
external URLs."""
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered

from . import vocabulary as voc


class Distribution(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'opendata.distribution'
    dataset = fields.Many2One('opendata.dataset', "Dataset", required=True,
        ondelete='CASCADE')
    title = fields.Char("Title", required=True, translate=True)
    description = fields.Text("Description", translate=True)
    format = fields.Selection([(k, v[0]) for k, v in voc.FORMATS.items()],
        "Format", required=True)
    url = fields.Char("External URL",
        help="Leave empty for a file served from the online version.")

    def get_rec_name(self, name):
        return self.title

    def download_path(self, database):
        if self.url:
            return self.url
        return '/%s/opendata/api/explore/v2.1/catalog/datasets/%s/exports/%s' \
            % (database, self.dataset.code, self.format)
