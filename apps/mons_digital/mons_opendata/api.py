"Shared helpers of the open-data web APIs: what the caller sees, queries."
import datetime as dt
import decimal

from sql import Literal, Select
from sql.aggregate import Count
from sql.operators import In

from trytond.transaction import Transaction

from . import storage, usage_count
from .query import QueryError, RecordQuery, by_alias



def base_url(request):
    return request.host_url.rstrip('/') + '/' + request.view_args[
        'database_name']


def visible_datasets(pool, domain=None):
    """The published datasets the caller may read (the route acts as the
    caller: record rules decide)"""
    Dataset = pool.get('opendata.dataset')
    return Dataset.search([
            ('state', '=', 'published'),
            ('current_version', '!=', None),
            domain or [],
            ], order=[('code', 'ASC')])


def find_dataset(pool, ref):
    "The published dataset by code or uuid, when the caller may read it"
    datasets = visible_datasets(pool, ['OR',
            ('code', '=', ref), ('uuid', '=', ref)])
    dataset = datasets[0] if datasets else None
    # an API call of the dataset, counted once the request has answered
    usage_count.served(dataset)
    return dataset


def jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


class Records:
    "Queries on the online version of a dataset"

    def __init__(self, dataset, geo_fields=False):
        "geo_fields: select * adds geo_point_2d and geo_shape (Explore)"
        self.dataset = dataset
        self.version = dataset.current_version
        self.columns = self.version.stored_columns
        self.table = storage.table(self.version.id)
        geo = None
        if dataset.has_coordinates:
            geo = (dataset.latitude_field, dataset.longitude_field)
        self.query = RecordQuery(self.table, self.columns,
            version_id=self.version.id,
            search_index=storage.has_search_index(self.version.id), geo=geo)
        self.query.star_geo = geo_fields

    def typed(self, name, value):
        post = self.query.post.get(name)
        if post is not None:
            return post(value)
        c = self.query.by_name.get(name)
        if value is None or c is None:
            return jsonable(value)
        if c['type'] == 'boolean':
            return bool(value)
        if c['type'] == 'integer':
            return int(value)
        return jsonable(value)

    def _search_only(self, where):
        "Whether where is the free-text condition alone (query.py)"
        if not (isinstance(where, In) and isinstance(where.right, Select)):
            return False
        tables = list(where.right.from_)
        return (len(tables) == 1 and getattr(tables[0], '_name', None)
            == storage.search_table_name(self.version.id)
            and str(where.left) == str(self.table.id))

    def count(self, where=None):
        cursor = Transaction().connection.cursor()
        if self._search_only(where):
            # free text alone: the search table has one row per row of the
            # (never updated) version table, so the join is not needed;
            # on PostgreSQL 190 ms -> 45 ms for 52,000 rows of 1,000,000
            cursor.execute(*where.right.select(Count(Literal(1))))
        else:
            cursor.execute(*self.table.select(Count(Literal(1)),
                    where=where))
        return cursor.fetchone()[0]

    def fetch(self, select=None, where=None, order_by=None, group_by=None,
            limit=10, offset=0):
        """Return (names, rows as dicts, total count)"""
        items = self.query.select(select)
        group = []
        if group_by:
            group = [self.query.item(g) for g in self.query.split(group_by)]
            if not select:
                items = group + [('count', Count(Literal(1)), True)]
            grouped = {str(g[1]) for g in group}
            for name, expr, agg in items:
                if not agg and str(expr) not in grouped:
                    raise QueryError(
                        "Le champ %s doit figurer dans group_by ou être agrégé"
                        % name)
        aliases = {n: e for n, e, _ in items}
        order = self.query.order(order_by, aliases) if order_by else None
        return self.fetch_items(items, where=where, group=group,
            order=order, limit=limit, offset=offset)

    def fetch_items(self, items, where=None, group=None, order=None,
            limit=10, offset=0):
        """Return (names, rows as dicts, total count) of parsed items
        [(name, expression, is_aggregate)]"""
        group = group or []
        aggregate = any(a for _, _, a in items)
        if order is None:
            order = [] if group or aggregate else [self.table.id.asc]
        columns = [e.as_(n) for n, e, _ in items]
        cursor = Transaction().connection.cursor()
        query = self.table.select(*columns, where=where,
            group_by=by_alias(items, [g[1] for g in group]) or None,
            order_by=by_alias(items, order) or None,
            limit=limit, offset=offset or None)
        cursor.execute(*query)
        names = [n for n, _, _ in items]
        rows = [dict(zip(names, (self.typed(n, v) for n, v in zip(
                            names, r)))) for r in cursor]
        if group:
            keys = [('g%d' % i, g[1], False) for i, g in enumerate(group)]
            sub = self.table.select(*[e.as_(n) for n, e, _ in keys],
                where=where, group_by=by_alias(keys, [e for _, e, _ in keys]))
            cursor.execute(*sub.select(Count(Literal(1))))
            total = cursor.fetchone()[0]
        elif aggregate:
            total = 1
        else:
            total = self.count(where)
        return names, rows, total

    def export_plan(self, select=None, where=None, order_by=None):
        "Return what the streaming export needs, built inside the request"
        items = self.query.select(select)
        if any(a for _, _, a in items):
            raise QueryError(
                "Les agrégats ne sont pas permis dans les exports")
        order = self.query.order(order_by, {n: e for n, e, _ in items}) \
            if order_by else None
        return {
            'database': Transaction().database.name,
            'version': self.version.id if self.version else None,
            'names': [n for n, _, _ in items],
            'exprs': [e for _, e, _ in items],
            'types': [self.query.by_name.get(n, {}).get('type')
                for n, _, _ in items],
            'where': where,
            'order': order,
            'post': [self.query.post.get(n) for n, _, _ in items],
            'dataset': self.dataset.id,
            'table': self.table,
            }
