"The subset of the CKAN Action API that harvesters and ckanapi use."
import json
import uuid
from http import HTTPStatus

from . import usage_count
from trytond.modules.mons_base.municipality import identity

from . import vocabulary as voc
from .ckan_fq import FilterError, FilterQuery, fold
from .api import Records, find_dataset, jsonable, visible_datasets
from .query import QueryError

CKAN_TYPES = {'integer': 'int', 'number': 'numeric', 'boolean': 'bool',
    'date': 'date', 'datetime': 'timestamp'}
# Past these, a list answers 400 naming the parameter (CKAN's own
# defaults: 1,000 rows per search, 32,000 records per datastore page)
MAX_ROWS = 1000
MAX_RECORDS = 32000
MAX_OFFSET = 1000000
# Parameters that are text when given (a POST body may give anything)
TEXT_PARAMETERS = {'q', 'fq', 'sort', 'id', 'name', 'resource_id', 'sql',
    'query'}


class NotFound(Exception):
    pass


class ValidationError(Exception):
    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


def org_name(service):
    return service.code.lower()


def organization_dict(service, count=None):
    result = {
        'id': org_name(service),
        'name': org_name(service),
        'title': service.name,
        'display_name': service.name,
        'description': service.rec_name,
        'type': 'organization',
        'state': 'active',
        'is_organization': True,
        'image_url': '',
        }
    if count is not None:
        result['package_count'] = count
    return result


def group_dict(theme, count=None):
    "A data theme of the EU vocabulary as a CKAN group"
    result = {
        'id': theme.lower(),
        'name': theme.lower(),
        'title': voc.THEMES_FR[theme],
        'display_name': voc.THEMES_FR[theme],
        'description': dict(voc.THEMES)[theme],
        'type': 'group',
        'state': 'active',
        'is_organization': False,
        'image_url': '',
        'approval_status': 'approved',
        }
    if count is not None:
        result['package_count'] = count
    return result


def resource_id(dataset, distribution):
    return str(uuid.uuid5(uuid.UUID(dataset.uuid), str(distribution.id)))


def resource_dict(dataset, distribution, base, position=0):
    return {
        'id': resource_id(dataset, distribution),
        'package_id': dataset.uuid,
        'name': distribution.title,
        'description': distribution.description or '',
        'format': voc.FORMATS[distribution.format][0],
        'mimetype': voc.FORMATS[distribution.format][1],
        'url': distribution.url or (
            '%s/opendata/api/explore/v2.1/catalog/datasets/%s/exports/%s'
            % (base, dataset.code, distribution.format)),
        'datastore_active': not distribution.url and bool(
            dataset.current_version),
        'created': jsonable(distribution.create_date),
        'last_modified': jsonable(dataset.modified),
        'position': position,
        'state': 'active',
        'url_type': None if distribution.url else 'datastore',
        }


def package_dict(dataset, base):
    resources = [resource_dict(dataset, d, base, i)
        for i, d in enumerate(dataset.distributions)]
    tags = [{'name': k, 'display_name': k, 'state': 'active'}
        for k in dataset.keyword_list]
    extras = [
        ('frequency', voc.frequency_uri(dataset.frequency)),
        ('access_rights', voc.ACCESS_RIGHT_BASE
            + voc.ACCESS_RIGHTS[dataset.access_level]),
        ('publisher_name', dataset.company.rec_name),
        ('spatial_text', ', '.join(s.name for s in dataset.sections)
            or identity()['name']),
        ('theme', json.dumps([voc.theme_uri(t)
                    for t in dataset.themes or []])),
        ('quality_score', str(dataset.quality)),
        ]
    if dataset.temporal_start:
        extras.append(('temporal_start', dataset.temporal_start.isoformat()))
    if dataset.temporal_end:
        extras.append(('temporal_end', dataset.temporal_end.isoformat()))
    return {
        'id': dataset.uuid,
        'name': dataset.code,
        'title': dataset.title,
        'notes': dataset.description or '',
        'url': '%s/portal/donnees/%s' % (base, dataset.code),
        'type': 'dataset',
        'state': 'active',
        'private': dataset.access_level != 'public',
        'license_id': voc.LICENCE_CKAN.get(dataset.licence),
        'license_title': voc.LICENCE_TITLE.get(dataset.licence),
        'license_url': voc.LICENCE_URL.get(dataset.licence),
        'isopen': bool(voc.LICENCE_OPEN.get(dataset.licence)),
        'author': dataset.service.name,
        'maintainer': dataset.contact_name or '',
        'maintainer_email': dataset.contact_email or '',
        'metadata_created': jsonable(dataset.create_date),
        'metadata_modified': jsonable(dataset.modified),
        'version': str(dataset.current_version.number)
        if dataset.current_version else None,
        'owner_org': org_name(dataset.service),
        'organization': organization_dict(dataset.service),
        'groups': [group_dict(t) for t in dataset.themes or []],
        'tags': tags,
        'num_tags': len(tags),
        'resources': resources,
        'num_resources': len(resources),
        'extras': [{'key': k, 'value': v} for k, v in extras],
        }


def _int(params, name, default, maximum):
    value = params.get(name, default)
    try:
        if isinstance(value, (bool, float)):
            raise ValueError
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationError(name, "« %s » doit être un nombre entier."
            % name)
    if not 0 <= value <= maximum:
        raise ValidationError(name, "« %s » doit être compris entre 0 et "
            "%d." % (name, maximum))
    return value


def _bool(params, name):
    value = params.get(name, False)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {'true', '1', 'yes', 'on'}:
        return True
    if text in {'false', '0', 'no', 'off', ''}:
        return False
    raise ValidationError(name, "« %s » doit valoir true ou false." % name)


def check_parameters(params):
    "Text parameters are text: a POST body may give a number or a list"
    for name in TEXT_PARAMETERS:
        value = params.get(name)
        if value is not None and not isinstance(value, str):
            if name == 'q' and isinstance(value, dict):
                continue
            raise ValidationError(name, "« %s » doit être un texte." % name)


def _facet_values(package):
    return {
        'organization': [package['organization']['name']],
        'groups': [g['name'] for g in package['groups']],
        'tags': [t['name'] for t in package['tags']],
        'res_format': sorted({r['format'] for r in package['resources']}),
        'license_id': [package['license_id']],
        'name': [package['name']],
        'id': [package['id']],
        'private': [str(package['private']).lower()],
        }


RANGE_FIELDS = {'metadata_modified', 'metadata_created', 'name', 'id',
    'title', 'num_resources', 'num_tags'}


def _filter(text, field='fq'):
    try:
        return FilterQuery(text, _facet_values, RANGE_FIELDS)
    except FilterError as e:
        raise ValidationError(e.field if e.field != 'fq' else field,
            str(e))


def _matches_fq(package, fq):
    return fq.matches(package)


def _matches_q(package, q):
    if q.tree is None:
        return True
    text = fold(' '.join([package['title'], package['notes'],
                package['name'], ' '.join(t['name'] for t in package['tags']),
                package['organization']['title']]))
    return q.matches(package, lambda term: fold(term) in text)


SORTS = {
    'id': lambda p: p['id'],
    'metadata_modified': lambda p: p['metadata_modified'] or '',
    'metadata_created': lambda p: p['metadata_created'] or '',
    'title_string': lambda p: fold(p['title']),
    'title': lambda p: fold(p['title']),
    'name': lambda p: p['name'],
    'score': lambda p: 0,
    'num_resources': lambda p: p['num_resources'],
    }


def package_search(pool, params, base):
    rows = _int(params, 'rows', 10, MAX_ROWS)
    start = _int(params, 'start', 0, MAX_OFFSET)
    packages = [package_dict(d, base)
        for d in visible_datasets(pool)]
    q = params.get('q') or ''
    if q.strip() in {'*:*', '*'}:
        q = ''
    q, fq = _filter(q, 'q'), _filter(params.get('fq') or '')
    packages = [p for p in packages
        if _matches_q(p, q) and _matches_fq(p, fq)]
    sort = params.get('sort') or 'score desc, metadata_modified desc'
    for part in reversed([s.strip() for s in sort.split(',') if s.strip()]):
        field, _, direction = part.partition(' ')
        direction = direction.strip().lower()
        if field not in SORTS:
            raise ValidationError('sort', "Champ de tri inconnu : %s "
                "(permis : %s)." % (field, ', '.join(sorted(SORTS))))
        if direction not in {'', 'asc', 'desc'}:
            raise ValidationError('sort', "Sens de tri inconnu : %s "
                "(asc ou desc)." % direction)
        packages.sort(key=SORTS[field], reverse=direction == 'desc')
    facet_fields = params.get('facet.field') or []
    if isinstance(facet_fields, str):
        try:
            facet_fields = json.loads(facet_fields)
        except ValueError:
            raise ValidationError('facet.field', "« facet.field » doit être "
                "une liste JSON.")
    if not isinstance(facet_fields, list) or not all(
            isinstance(f, str) for f in facet_fields):
        raise ValidationError('facet.field', "« facet.field » doit être "
            "une liste JSON de noms.")
    facets, search_facets = {}, {}
    for field in facet_fields:
        counts = {}
        for package in packages:
            for value in _facet_values(package).get(field, []):
                counts[value] = counts.get(value, 0) + 1
        facets[field] = counts
        search_facets[field] = {'title': field, 'items': [
                {'name': k, 'display_name': k, 'count': v}
                for k, v in sorted(counts.items(), key=lambda i: -i[1])]}
    return {
        'count': len(packages),
        'sort': sort,
        'results': packages[start:start + rows],
        'facets': facets,
        'search_facets': search_facets,
        }


def _get_dataset(pool, params, key='id'):
    ref = params.get(key) or params.get('name')
    if not ref:
        raise ValidationError(key, "« %s » est requis." % key)
    dataset = find_dataset(pool, str(ref))
    if not dataset:
        raise NotFound("Jeu de données introuvable.")
    return dataset


def _get_resource(pool, ref):
    if not ref:
        raise ValidationError('resource_id', "« resource_id » est requis.")
    for dataset in visible_datasets(pool):
        if ref in {dataset.uuid, dataset.code}:
            usage_count.served(dataset)
            return dataset, None
        for distribution in dataset.distributions:
            if resource_id(dataset, distribution) == ref:
                usage_count.served(dataset)
                return dataset, distribution
    raise NotFound("Ressource introuvable.")


def datastore_search(pool, params, base):
    dataset, distribution = _get_resource(pool,
        params.get('resource_id') or params.get('id'))
    if distribution and distribution.url:
        raise NotFound("Cette ressource n'a pas de table de données.")
    records = Records(dataset)
    limit = _int(params, 'limit', 100, MAX_RECORDS)
    offset = _int(params, 'offset', 0, MAX_OFFSET)
    query = records.query
    clauses = []
    filters = params.get('filters')
    if isinstance(filters, str):
        try:
            filters = json.loads(filters) if filters else {}
        except ValueError:
            raise ValidationError('filters', "« filters » doit être un objet "
                "JSON.")
    if filters and not isinstance(filters, dict):
        raise ValidationError('filters', "« filters » doit être un objet "
            "JSON.")
    if filters:
        clauses.append(query.equals(filters))
    q = params.get('q')
    if isinstance(q, str) and q.startswith('{'):
        try:
            q = json.loads(q)
        except ValueError:
            pass
    if isinstance(q, dict):
        for name, text in q.items():
            clauses.append(query.fulltext(str(text), [query.field(name)]))
    elif q:
        clauses.append(query.fulltext(str(q)))
    where = None
    for clause in clauses:
        where = clause if where is None else (where & clause)
    fields = params.get('fields')
    if isinstance(fields, list) and all(isinstance(f, str) for f in fields):
        fields = ','.join(fields)
    elif fields is not None and not isinstance(fields, str):
        raise ValidationError('fields', "« fields » doit être une liste de "
            "noms de champs.")
    # the stored columns only (the Explore API adds geo_point_2d)
    select = ', '.join('`%s`' % c['name'] for c in records.columns)
    if fields:
        names = [f.strip() for f in fields.split(',') if f.strip()]
        names = [n for n in names if n != '_id']
        select = ', '.join('`%s`' % query.field(n)['name'] for n in names)
    sort = params.get('sort')
    order_by = None
    if sort:
        parts = []
        for part in sort.split(','):
            name, _, direction = part.strip().partition(' ')
            name = name.strip('"')
            parts.append('`%s` %s' % (query.field(name)['name'],
                    direction or 'asc'))
        order_by = ', '.join(parts)
    distinct = _bool(params, 'distinct')
    group_by = None
    if distinct:
        # each distinct combination of the fields once, as CKAN's
        # SELECT DISTINCT does
        group_by = select
    names, rows, total = records.fetch(select=select, where=where,
        order_by=order_by, group_by=group_by, limit=limit, offset=offset)
    columns = {c['name']: c for c in records.columns}
    return {
        'resource_id': params.get('resource_id'),
        'fields': [{'id': n, 'type': CKAN_TYPES.get(
                        columns[n]['type'], 'text')} for n in names],
        'records': rows,
        'total': total,
        'limit': limit,
        'offset': offset,
        'sort': sort,
        'filters': filters or {},
        'distinct': distinct,
        '_links': {
            'start': '/api/3/action/datastore_search?resource_id=%s'
            % params.get('resource_id'),
            'next': '/api/3/action/datastore_search?resource_id=%s&offset=%d'
            % (params.get('resource_id'), offset + limit),
            },
        }


def ckan_lists():
    from . import ckan_lists
    return ckan_lists


def dispatch(pool, action, params, base):
    "Return (HTTP status, CKAN envelope without help)"
    try:
        check_parameters(params)
        if action == 'package_list':
            limit = _int(params, 'limit', 0, MAX_ROWS)
            offset = _int(params, 'offset', 0, MAX_OFFSET)
            names = [d.code for d in visible_datasets(pool)]
            result = names[offset:offset + limit if limit else None]
        elif action == 'package_search':
            result = package_search(pool, params, base)
        elif action == 'package_show':
            result = package_dict(_get_dataset(pool, params), base)
        elif action == 'resource_show':
            dataset, distribution = _get_resource(pool,
                params.get('id'))
            if not distribution:
                raise NotFound("Ressource introuvable.")
            result = resource_dict(dataset, distribution, base)
        elif action == 'datastore_search':
            result = datastore_search(pool, params, base)
        elif action == 'datastore_search_sql':
            from .ckan_sql import datastore_search_sql
            result = datastore_search_sql(pool, params, base)
        elif action in ckan_lists().ACTIONS:
            result = ckan_lists().ACTIONS[action](pool, params, base)
        else:
            return HTTPStatus.BAD_REQUEST, _error(HTTPStatus.BAD_REQUEST,
                'Bad request', "Action inconnue : %s." % action, 'action')
    except NotFound as e:
        return HTTPStatus.NOT_FOUND, _error(HTTPStatus.NOT_FOUND,
            'Not Found Error', str(e))
    except ValidationError as e:
        return HTTPStatus.BAD_REQUEST, _error(HTTPStatus.BAD_REQUEST,
            'Validation Error', e.message, e.field)
    except QueryError as e:
        return HTTPStatus.BAD_REQUEST, _error(HTTPStatus.BAD_REQUEST,
            'Validation Error', "Requête invalide : %s" % e)
    return HTTPStatus.OK, {'success': True, 'result': result}


def _error(status, type_, message, field=None):
    """CKAN's error envelope (``error.__type``, the field's messages) and
    the suite's ``status``/``message``/``field``"""
    error = {'__type': type_, 'message': message}
    if field:
        error[field] = [message]
    body = {'success': False, 'error': error, 'status': int(status),
        'message': message}
    if field:
        body['field'] = field
    return body
