"The subset of Opendatasoft's Explore API v2.1 that reusers call."
from trytond.modules.mons_base.municipality import identity

from . import explore_catalog, explore_export, explore_layers
from . import vocabulary as voc
from .api import Records, find_dataset, jsonable, visible_datasets
from .ckan import fold
from .query import QueryError

ODS_TYPES = {'integer': 'int', 'number': 'double', 'boolean': 'boolean',
    'date': 'date', 'datetime': 'datetime'}
EXPORTS = {
    'csv': 'text/csv; charset=utf-8',
    'json': 'application/json; charset=utf-8',
    'jsonl': 'application/jsonl; charset=utf-8',
    'geojson': 'application/geo+json; charset=utf-8',
    'xlsx': voc.FORMATS['xlsx'][1],
    'parquet': 'application/vnd.apache.parquet',
    'shp': 'application/zip',
    'kml': 'application/vnd.google-earth.kml+xml; charset=utf-8',
    }
# formats that need the dataset's coordinates
GEO_EXPORTS = {'geojson', 'shp', 'kml'}
EXPORT_EXTENSIONS = {'shp': 'zip'}
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
        fields.append({'name': 'geo_point_2d', 'label': 'geo_point_2d',
                'type': 'geo_point_2d', 'annotations': {}, 'description':
                "Position (latitude, longitude WGS 84)"})
        fields.append({'name': 'geo_shape', 'label': 'geo_shape',
                'type': 'geo_shape', 'annotations': {}, 'description':
                "Géométrie (GeoJSON)"})
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
                'references': dataset.references(base) if _is_layer(dataset)
                else '%s/portal/donnees/%s' % (base, dataset.code),
                'modified': jsonable(dataset.modified),
                'data_processed': jsonable(
                    dataset.current_version.create_date
                    if dataset.current_version else dataset.modified),
                'records_count': dataset.record_count,
                'territory': [s.name for s in dataset.sections]
                or [identity()['name']],
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


def _is_layer(dataset):
    "A public map layer of mons_carto (explore_layers.LayerDataset)"
    return getattr(dataset, 'is_layer', False)


def catalog_items(pool):
    "The datasets the caller sees, then the public map layers"
    return list(visible_datasets(pool)) + explore_layers.catalog_layers(pool)


def find(pool, dataset_id):
    "A dataset or public map layer by its Explore id, as the caller sees it"
    return find_dataset(pool, dataset_id) or explore_layers.find_layer(
        pool, dataset_id)


def datasets(pool, args, base):
    limit, offset = _window(args, 10, MAX_LIMIT)
    items = catalog_items(pool)
    text = args.get('q')
    if text:
        text = fold(text.replace('search(', '').strip('()"\''))
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
    # where, select, group_by and order_by on the catalogue's metadata
    total, rows, codes = explore_catalog.query(items, args, limit, offset)
    if rows is not None:
        return {'total_count': total, 'results': rows}
    by_code = {d.code: d for d in items}
    return {
        'total_count': total,
        'results': [dataset_dict(by_code[c], base) for c in codes],
        }


def exports_listing(base, dataset=None):
    "The export formats, as Explore lists them (links by format)"
    if dataset is None:
        link = '%s/opendata/api/explore/v2.1/catalog/exports' % base
        formats = CATALOG_EXPORTS
    else:
        link = '%s/opendata/api/explore/v2.1/catalog/datasets/%s/exports' % (
            base, dataset.code)
        # shapefile and KML exports write points only
        formats = [f for f in EXPORTS if f not in {'shp', 'kml'}
            or (dataset.has_coordinates and not _is_layer(dataset))]
    return {'links': [{'rel': 'self', 'href': link}] + [
            {'rel': f, 'href': '%s/%s' % (link, f)} for f in formats]}


CATALOG_EXPORTS = ['csv', 'json', 'jsonl', 'rdf', 'ttl', 'jsonld', 'dcat']


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


def _records(dataset):
    if _is_layer(dataset):
        return dataset.records()
    return Records(dataset, geo_fields=True)


def records(dataset, args):
    records = _records(dataset)
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
    if _is_layer(dataset) and fmt in {'shp', 'kml'}:
        raise ParameterError('format', "L'export %s n'est pas disponible "
            "pour une couche cartographique : utilisez geojson." % fmt)
    records = _records(dataset)
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
    elif fmt == 'jsonl':
        stream = explore_export.export_jsonl(plan)
    elif fmt == 'parquet':
        stream = explore_export.export_parquet(plan)
    elif fmt == 'xlsx':
        stream = explore_export.export_xlsx(plan)
    elif fmt == 'geojson' and _is_layer(dataset):
        stream = explore_layers.export_geojson(plan)
    elif fmt == 'geojson':
        stream = explore_export.export_geojson(plan, dataset.latitude_field,
            dataset.longitude_field)
    else:
        if not dataset.has_coordinates:
            raise ParameterError('format', "Ce jeu de données n'a pas de "
                "coordonnées : l'export %s n'est pas disponible." % fmt)
        lat, lon = dataset.latitude_field, dataset.longitude_field
        if lat not in plan['names'] or lon not in plan['names']:
            raise ParameterError('select', "L'export %s demande les champs "
                "%s et %s dans select." % (fmt, lat, lon))
        if fmt == 'shp':
            stream = explore_export.export_shapefile(plan, lat, lon,
                dataset.code)
        else:
            stream = explore_export.export_kml(plan, lat, lon,
                dataset.title)
    return stream, EXPORTS[fmt]
