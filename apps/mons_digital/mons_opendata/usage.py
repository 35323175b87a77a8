"""Downloads and API calls of the datasets per month, for the KPIs.

A request adds one to its dataset's line of the month (one upsert, in a
transaction of its own so that reads stay read-only): the table holds a
line per dataset, kind and month, never a line per hit.
"""
import datetime as dt

from sql import Literal
from sql.aggregate import Sum

from trytond import backend
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.transaction import Transaction

KINDS = [
    ('download', "Download"),
    ('api', "API Call"),
    ('page', "Page View"),
    ]


class Usage(ModelSQL, ModelView):
    "Downloads, API calls and page views of a dataset in a month"
    __name__ = 'opendata.usage'
    dataset = fields.Many2One('opendata.dataset', "Dataset", required=True,
        ondelete='CASCADE', readonly=True)
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    month = fields.Date("Month", required=True, readonly=True,
        help="The first day of the month.")
    count = fields.Integer("Count", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('dataset_kind_month_unique', Unique(t, t.dataset, t.kind,
                    t.month), 'mons_opendata.msg_usage_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.dataset, Index.Equality()),
                (t.kind, Index.Equality())))
        cls._order = [('month', 'DESC'), ('dataset', 'ASC'),
            ('kind', 'ASC'), ('id', 'ASC')]

    @classmethod
    def __register__(cls, module):
        cursor = Transaction().connection.cursor()
        TableHandler = backend.TableHandler
        hits = None
        if TableHandler.table_exist(cls._table):
            handler = TableHandler(cls, module)
            if (handler.column_exist('date')
                    and not handler.column_exist('month')):
                # the first release kept a line per hit: folded into months
                table = cls.__table__()
                cursor.execute(*table.select(table.dataset, table.kind,
                        table.date))
                hits = {}
                for dataset, kind, date in cursor.fetchall():
                    if isinstance(date, str):
                        date = dt.datetime.fromisoformat(date)
                    key = (dataset, kind, date.date().replace(day=1))
                    hits[key] = hits.get(key, 0) + 1
                cursor.execute(*table.delete())
                handler.drop_column('date')
        super().__register__(module)
        if hits:
            table = cls.__table__()
            now = dt.datetime.now()
            cursor.execute(*table.insert(
                    [table.dataset, table.kind, table.month, table.count,
                        table.create_uid, table.create_date],
                    [[d, k, m, c, 0, now]
                        for (d, k, m), c in sorted(hits.items())]))

    @classmethod
    def record(cls, dataset_id, kind):
        """Count a hit: at the end of an API request (usage_count), at once
        elsewhere"""
        from .usage_count import mark
        if not mark(dataset_id, kind):
            cls.write_hit(dataset_id, kind)

    @classmethod
    def write_hit(cls, dataset_id, kind):
        "Add the hit in a transaction of its own so reads stay read-only"
        transaction = Transaction()
        month = dt.date.today().replace(day=1)
        table = cls.__table__()
        where = ((table.dataset == dataset_id) & (table.kind == kind)
            & (table.month == month))
        try:
            with transaction.new_transaction() as t:
                cursor = t.connection.cursor()
                for _ in range(2):
                    cursor.execute(*table.update([table.count],
                            [table.count + Literal(1)], where=where))
                    if cursor.rowcount:
                        break
                    try:
                        cursor.execute(*table.insert(
                                [table.dataset, table.kind, table.month,
                                    table.count, table.create_uid,
                                    table.create_date],
                                [[dataset_id, kind, month, 1, 0,
                                        dt.datetime.now()]]))
                        break
                    except backend.DatabaseIntegrityError:
                        # another request made the month's line meanwhile
                        t.rollback()
                t.commit()
        except Exception:
            # A busy SQLite must never break a download for a counter
            pass

    @classmethod
    def totals(cls, dataset_ids):
        "{(dataset id, kind): count} of every month"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        result = {}
        for sub_ids in _chunks(list(dataset_ids)):
            cursor.execute(*table.select(table.dataset, table.kind,
                    Sum(table.count),
                    where=table.dataset.in_(sub_ids),
                    group_by=[table.dataset, table.kind]))
            for dataset, kind, count in cursor:
                result[(dataset, kind)] = int(count or 0)
        return result

    @classmethod
    def by_month(cls, dataset_ids):
        """[(month, {kind: count})] of the datasets together, newest first,
        of the lines the caller may read"""
        months = {}
        for sub_ids in _chunks(list(dataset_ids)):
            for line in cls.search([('dataset', 'in', sub_ids)]):
                row = months.setdefault(line.month, {k: 0 for k, _ in KINDS})
                row[line.kind] += line.count
        return sorted(months.items(), reverse=True)


def _chunks(ids, size=500):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]
