"""The Explore catalogue queried on its metadata (where, select, group_by,
order_by as on records), its facets and the facets of a dataset.

The metadata of the datasets the caller sees are laid out as a VALUES table
and queried with the same ODSQL engine as records (query.RecordQuery): every
value is a query parameter, and `records_count > 10` compares numbers."""
from sql import Literal, Values
from sql.aggregate import Count

from trytond.modules.mons_base.municipality import identity

from . import vocabulary as voc
from .api import Records, jsonable
from .query import QueryError, RecordQuery, by_alias

# name, type, value of a dataset
METADATA = [
    ('dataset_id', 'string', lambda d: d.code),
    ('dataset_uid', 'string', lambda d: d.uuid),
    ('title', 'string', lambda d: d.title),
    ('description', 'string', lambda d: d.description or ''),
    ('theme', 'string', lambda d: ', '.join(
            voc.THEMES_FR[t] for t in d.themes or [])),
    ('keyword', 'string', lambda d: ', '.join(d.keyword_list)),
    ('publisher', 'string', lambda d: d.company.rec_name),
    ('creator', 'string', lambda d: d.service.name),
    ('license', 'string', lambda d: voc.LICENCE_TITLE.get(d.licence) or ''),
    ('language', 'string', lambda d: 'fr'),
    ('territory', 'string', lambda d: ', '.join(
            s.name for s in d.sections) or identity()['name']),
    ('modified', 'datetime', lambda d: d.modified.replace(
            microsecond=0).isoformat()),
    ('records_count', 'integer', lambda d: d.record_count or 0),
    ('has_records', 'boolean', lambda d: bool(d.record_count)),
    ('features', 'string', lambda d: 'analyze, geo' if d.has_coordinates
        else 'analyze'),
    ('quality', 'integer', lambda d: d.quality or 0),
    ]
COLUMNS = [{'name': n, 'type': t, 'col': 'column%d' % (i + 1)}
    for i, (n, t, _) in enumerate(METADATA)]
FACETS = ['theme', 'keyword', 'publisher', 'creator', 'license', 'language',
    'territory', 'features']
MAX_FACET_VALUES = 100


def metadata_query(datasets):
    "RecordQuery over the metadata of the datasets, or None when none"
    if not datasets:
        return None
    rows = [[value(d) for _, _, value in METADATA] for d in datasets]
    table = Values(rows)
    # the dataset's position, for the dataset dicts of a plain query
    return RecordQuery(table, COLUMNS)


def query(datasets, args, limit, offset):
    """Return (total, rows or None): rows when select or group_by asked
    for columns, else None and the dataset ids in order as 'ids'"""
    q = metadata_query(datasets)
    if q is None:
        return 0, [], []
    where = q.where(args.get('where'))
    select, group_by = args.get('select'), args.get('group_by')
    order_by = args.get('order_by')
    items = q.select(select)
    group = []
    if group_by:
        group = [q.item(g) for g in q.split(group_by)]
        if not select:
            items = group + [('count', Count(Literal(1)), True)]
        grouped = {str(g[1]) for g in group}
        for name, expr, agg in items:
            if not agg and str(expr) not in grouped:
                raise QueryError("Le champ %s doit figurer dans group_by ou "
                    "être agrégé" % name)
    aliases = {n: e for n, e, _ in items}
    order = q.order(order_by, aliases) if order_by else []
    id_col = getattr(q.table, 'column1')
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    aggregate = any(a for _, _, a in items) or group
    if not (select or group_by):
        cursor.execute(*q.table.select(id_col, where=where,
                order_by=order or [id_col.asc]))
        ids = [r[0] for r in cursor]
        return len(ids), None, ids[offset:offset + limit]
    cursor.execute(*q.table.select(*[e.as_(n) for n, e, _ in items],
            where=where,
            group_by=by_alias(items, [g[1] for g in group]) or None,
            order_by=by_alias(items, order) or None, limit=limit,
            offset=offset or None))
    names = [n for n, _, _ in items]
    types = {c['name']: c['type'] for c in COLUMNS}
    rows = []
    for row in cursor:
        values = []
        for n, v in zip(names, row):
            if types.get(n) == 'boolean' and v is not None:
                v = bool(v)
            values.append(jsonable(v))
        rows.append(dict(zip(names, values)))
    if group:
        keys = [('g%d' % i, g[1], False) for i, g in enumerate(group)]
        cursor.execute(*q.table.select(*[e.as_(n) for n, e, _ in keys],
                where=where, group_by=by_alias(keys, [e for _, e, _ in keys])
                ).select(Count(Literal(1))))
        total = cursor.fetchone()[0]
    elif aggregate:
        total = 1
    else:
        cursor.execute(*q.table.select(Count(Literal(1)), where=where))
        total = cursor.fetchone()[0]
    return total, rows, None


def _facet(name, counts):
    values = sorted(counts.items(), key=lambda i: (-i[1], str(i[0])))
    return {'name': name, 'facets': [{'name': str(v), 'value': str(v),
                'count': c, 'state': 'displayed'}
            for v, c in values[:MAX_FACET_VALUES]]}


def catalog_facets(datasets, names=None):
    names = names or FACETS
    unknown = set(names) - set(FACETS)
    if unknown:
        raise QueryError("Facette inconnue : %s (permises : %s)" % (
                ', '.join(sorted(unknown)), ', '.join(FACETS)))
    values = {n: v for n, _, v in METADATA}
    facets = []
    for name in names:
        counts = {}
        for dataset in datasets:
            for value in str(values[name](dataset)).split(', '):
                if value:
                    counts[value] = counts.get(value, 0) + 1
        facets.append(_facet(name, counts))
    return {'links': [], 'facets': facets}


def dataset_facets(dataset, where, names=None, records=None):
    "Counts of the text, boolean and date (by year) fields of a dataset"
    records = records or Records(dataset)
    q = records.query
    columns = [c for c in records.columns
        if c['type'] in {'string', 'boolean', 'date', 'datetime', None}
        or c['type'] not in {'integer', 'number'}]
    if names:
        columns = [q.field(n) for n in names]
    facets = []
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    for c in columns:
        col = getattr(records.table, c['col'])
        if c['type'] in {'date', 'datetime'}:
            col = q.value_function('year', [[('name', c['name'])]])[1]
        items = [('value', col, False)]
        cursor.execute(*records.table.select(col.as_('value'),
                Count(Literal(1)), where=where,
                group_by=by_alias(items, [col]),
                order_by=[Count(Literal(1)).desc] + by_alias(items,
                    [col.asc]), limit=MAX_FACET_VALUES))
        counts = {}
        for value, count in cursor:
            if value is None:
                continue
            if c['type'] == 'boolean':
                value = 'true' if value else 'false'
            counts[value] = count
        facets.append(_facet(c['name'], counts))
    return {'links': [], 'facets': facets}
