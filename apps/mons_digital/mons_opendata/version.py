"A loaded version of a dataset: its columns and its rows' table."
import json

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import storage
from .exceptions import SourceError


class Version(ModelSQL, ModelView):
    __name__ = 'opendata.version'
    dataset = fields.Many2One('opendata.dataset', "Dataset", required=True,
        ondelete='CASCADE', readonly=True)
    number = fields.Integer("Number", readonly=True, required=True)
    run = fields.Many2One('opendata.run', "Run", readonly=True,
        ondelete='SET NULL')
    columns = fields.Text("Columns", readonly=True)
    row_count = fields.Integer("Records", readonly=True)
    state = fields.Selection([
            ('loaded', "Loaded"),
            ('published', "Online"),
            ('superseded', "Superseded"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('number', 'DESC'), ('id', 'DESC')]

    @classmethod
    def __register__(cls, module_name):
        super().__register__(module_name)
        # versions loaded before the free-text index existed get it here
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.select(table.id, table.columns))
        storage.ensure_search_indexes([(id_, json.loads(columns))
                for id_, columns in cursor.fetchall() if columns])

    def get_rec_name(self, name):
        return '%s v%s' % (self.dataset.rec_name, self.number)

    @property
    def stored_columns(self):
        return json.loads(self.columns) if self.columns else []

    @classmethod
    def delete(cls, versions):
        Dataset = Pool().get('opendata.dataset')
        if Dataset.search([('current_version', 'in',
                        [v.id for v in versions])]):
            raise SourceError(gettext('mons_opendata.msg_version_online'))
        ids = [v.id for v in versions]
        super().delete(versions)
        for id_ in ids:
            storage.drop_table(id_)
