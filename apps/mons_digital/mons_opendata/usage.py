"Downloads and API calls of the datasets, for the KPIs."
import datetime as dt

from trytond.model import Index, ModelSQL, fields
from trytond.transaction import Transaction


class Usage(ModelSQL):
    "One download or API call, for the KPIs"
    __name__ = 'opendata.usage'
    dataset = fields.Many2One('opendata.dataset', "Dataset", required=True,
        ondelete='CASCADE')
    kind = fields.Selection([
            ('download', "Download"),
            ('api', "API Call"),
            ('page', "Page View"),
            ], "Kind", required=True)
    date = fields.DateTime("Date", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.dataset, Index.Equality()),
                (t.kind, Index.Equality())))

    @classmethod
    def record(cls, dataset_id, kind):
        "Count a hit in its own transaction so reads stay read-only"
        transaction = Transaction()
        try:
            with transaction.new_transaction() as t:
                table = cls.__table__()
                t.connection.cursor().execute(*table.insert(
                        [table.dataset, table.kind, table.date,
                            table.create_uid, table.create_date],
                        [[dataset_id, kind, dt.datetime.now(), 0,
                                dt.datetime.now()]]))
                t.commit()
        except Exception:
            # A busy SQLite must never break a download for a counter
            pass
