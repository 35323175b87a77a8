"The publication history of the datasets."
from trytond.model import ModelSQL, ModelView, fields

from .dataset import ACCESS_LEVELS


class Publication(ModelSQL, ModelView):
    __name__ = 'opendata.publication'
    dataset = fields.Many2One('opendata.dataset', "Dataset", required=True,
        ondelete='CASCADE', readonly=True)
    version = fields.Many2One('opendata.version', "Version", required=True,
        ondelete='RESTRICT', readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    access_level = fields.Selection(ACCESS_LEVELS, "Access Level",
        readonly=True)
    row_count = fields.Integer("Records", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
