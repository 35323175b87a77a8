"The subset of Opendatasoft's Explore API v2.1 that reusers call."
from . import explore_export
from . import vocabulary as voc
from .api import Records, jsonable, visible_datasets
from .ckan import fold
from .query import QueryError

ODS_TYPES = {'integer': 'int', 'number': 'double', 'boolean': 'boolean',
    'date': 'date', 'datetime': 'datetime'}
EXPORTS = {
    'csv': 'text/csv; charset=utf-8',
    'json': 'application/json; charset=utf-8',
    'geojson': 'application/geo+json; charset=utf-8',
    'xlsx': voc.FORMATS['xlsx'][1],
    }
MAX_LIMIT = 100
MAX_GROUPS = 20000
# Opendatasoft's own bound: offset + limit at most 10,000 (exports stream
# every row instead)
MAX_WINDOW = 10000


class ParameterError(QueryError):
    "A query parameter refused: its name and a French message"

    def __init__(self, name, message):
        super().__init__(message)
        self.field = name


def _int(args, name, default, maximum=None, minimum=0):
    value = args.get(name, default)
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ParameterError(name, "« %s » doit être un nombre entier "
            "(reçu %r)." % (name, value))
    if value < minimum or (maximum is not None and value > maximum):
        raise ParameterError(name, "« %s » doit être compris entre %d et "
            "%d." % (name, minimum, maximum if maximum is not None
                else 2 ** 31))
    return value


def _window(args, default_limit, max_limit):
    "limit (-1: the most allowed) and offset, within Opendatasoft's bounds"
    limit = _int(args, 'limit', default_limit, max_limit, minimum=-1)
    if limit < 0:
        limit = max_limit
    offset = _int(args, 'offset', 0, MAX_WINDOW)
    if offset + limit > MAX_WINDOW:
        raise ParameterError('offset', "« offset » + « limit » doit rester "
            "inférieur ou égal à %d : affinez la requête (where) ou "
            "utilisez un export." % MAX_WINDOW)
    return limit, offset


def dataset_dict(dataset, base):
    columns = dataset.online_columns
    fields = [{
            'name': c['name'],
            'label': c['name'],
            'type': ODS_TYPES.get(c['type'], 'text'),
            'annotations': {},
            'description': None,
            } for c in columns]
    features = ['analyze']
    if dataset.has_coordinates:
        features.append('geo')
    link = '%s/opendata/api/explore/v2.1/catalog/datasets/%s' % (
        base, dataset.code)
    return {
        'dataset_id': dataset.code,
        'dataset_uid': dataset.uuid,
        'has_records': bool(dataset.record_count),
        'features': features,
        'visibility': 'domain' if dataset.access_level == 'public'
        else 'restricted',
        'fields': fields,
        'metas': {
            'default': {
                'title': dataset.title,
                'description': dataset.description,
                'theme': [voc.THEMES_FR[t] for t in dataset.themes or []],
                'keyword': dataset.keyword_list,
                'license': voc.LICENCE_TITLE.get(dataset.licence),
                'license_url': voc.LICENCE_URL.get(dataset.licence),
                'language': 'fr',
                'publisher': dataset.company.rec_name,
                'references': '%s/portal/donnees/%s' % (base, dataset.code),
                'modified': jsonable(dataset.modified),
                'data_processed': jsonable(
                    dataset.current_version.create_date),
                'records_count': dataset.record_count,
                'territory': [s.name for s in dataset.sections] or ['Mons'],
                },
            'dcat': {
                'accrualperiodicity': voc.frequency_uri(dataset.frequency),
                'creator': dataset.service.name,
                'contact_name': dataset.contact_name,
                'contact_email': dataset.contact_email,
                'temporal_coverage_start': jsonable(dataset.temporal_start),
                'temporal_coverage_end': jsonable(dataset.temporal_end),
                'access_rights': dataset.access_level,
                },
            'quality': {'score': dataset.quality},
            },
        '_links': [
            {'rel': 'self', 'href': link},
            {'rel': 'records', 'href': link + '/records'},
            {'rel': 'exports', 'href': link + '/exports'},
            ],
        }


def datasets(pool, args, base):
    limit, offset = _window(args, 10, MAX_LIMIT)
    items = visible_datasets(pool)
    where = args.get('where') or args.get('q')
    if where:
        text = fold(where.replace('search(', '').strip('()"\''))
        items = [d for d in items if text in fold(' '.join([
                        d.title, d.description or '', d.keywords or '',
                        d.code]))]
    for refine in args.getlist('refine'):
        key, _, value = refine.partition(':')
        value = fold(value.strip('"'))
        if key == 'theme':
            items = [d for d in items if value in {
                    fold(t) for t in d.themes or []} | {
                    fold(voc.THEMES_FR[t]) for t in d.themes or []}]
        elif key == 'keyword':
            items = [d for d in items
                if value in {fold(k) for k in d.keyword_list}]
        elif key == 'publisher':
            items = [d for d in items if fold(d.company.rec_name) == value]
        else:
            raise ParameterError('refine', "Facette inconnue : %s." % key)
    order_by = args.get('order_by')
    if order_by:
        name, _, direction = order_by.strip().partition(' ')
        keys = {
            'title': lambda d: fold(d.title),
            'modified': lambda d: d.modified,
            'records_count': lambda d: d.record_count,
            'dataset_id': lambda d: d.code,
            }
        if name not in keys:
            raise ParameterError('order_by', "Champ de tri inconnu : %s."
                % name)
        items.sort(key=keys[name], reverse=direction.lower() == 'desc')
    page = items[offset:offset + limit]
    return {
        'total_count': len(items),
        'results': [dataset_dict(d, base) for d in page],
        }


def _where(records, args):
    where = records.query.where(args.get('where'))
    for name, negate in (('refine', False), ('exclude', True)):
        for refine in args.getlist(name):
            key, sep, value = refine.partition(':')
            if not sep:
                raise ParameterError(name, "« %s » doit être de la forme "
                    "champ:valeur." % name)
            clause = records.query.equals({key: value.strip('"')})
            if negate:
                clause = ~clause
            where = clause if where is None else (where & clause)
    return where


def records(dataset, args):
    records = Records(dataset)
    group_by = args.get('group_by')
    limit, offset = _window(args, 10, MAX_GROUPS if group_by
        else MAX_LIMIT)
    where = _where(records, args)
    names, rows, total = records.fetch(select=args.get('select'),
        where=where, order_by=args.get('order_by'), group_by=group_by,
        limit=limit, offset=offset)
    return {'total_count': total, 'results': rows}


def export(dataset, fmt, args):
    "Return (byte iterator, mimetype); rows are streamed, never all loaded"
    records = Records(dataset)
    plan = records.export_plan(select=args.get('select'),
        where=_where(records, args), order_by=args.get('order_by'))
    limit = _int(args, 'limit', -1, 2 ** 62, minimum=-1)
    if limit >= 0:
        plan['order'] = plan['order'] or [records.table.id.asc]
        plan['limit'] = limit
    if fmt == 'csv':
        delimiter = args.get('delimiter', ';')
        if len(delimiter) != 1:
            raise ParameterError('delimiter', "« delimiter » doit être un "
                "seul caractère.")
        stream = explore_export.export_csv(plan, delimiter)
    elif fmt == 'json':
        stream = explore_export.export_json(plan)
    elif fmt == 'geojson':
        stream = explore_export.export_geojson(plan, dataset.latitude_field,
            dataset.longitude_field)
    else:
        stream = explore_export.export_xlsx(plan)
    return stream, EXPORTS[fmt]
