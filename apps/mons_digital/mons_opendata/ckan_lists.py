"""CKAN's listing actions: organisations, groups, tags, licences, status and
the recently changed packages, as harvesters and ckanapi call them.

Organisations are the services owning a published dataset and groups the
EU data themes the datasets carry: both are read from the datasets the
caller sees, so a visitor learns nothing of an internal dataset."""
from trytond.modules.mons_base.municipality import identity

from . import vocabulary as voc
from .api import visible_datasets
from .ckan import (
    MAX_OFFSET, MAX_ROWS, NotFound, ValidationError, _bool, _int,
    group_dict, org_name, organization_dict, package_dict)
from .ckan_fq import fold

CKAN_VERSION = '2.10.4'


def _organizations(pool):
    "{name: (service, [datasets])} of the datasets the caller sees"
    result = {}
    for dataset in visible_datasets(pool):
        name = org_name(dataset.service)
        result.setdefault(name, (dataset.service, []))[1].append(dataset)
    return result


def _groups(pool):
    result = {}
    for dataset in visible_datasets(pool):
        for theme in dataset.themes or []:
            result.setdefault(theme.lower(), (theme, []))[1].append(dataset)
    return result


def _names(params, items, make):
    "The names, or with all_fields the dicts, of a list action"
    limit = _int(params, 'limit', 0, MAX_ROWS)
    offset = _int(params, 'offset', 0, MAX_OFFSET)
    names = sorted(items)
    sort = str(params.get('sort') or 'name asc').strip().lower()
    field, _, direction = sort.partition(' ')
    if field not in {'name', 'title', 'package_count'}:
        raise ValidationError('sort', "Champ de tri inconnu : %s (permis : "
            "name, title, package_count)." % field)
    if direction.strip() not in {'', 'asc', 'desc'}:
        raise ValidationError('sort', "Sens de tri inconnu : %s (asc ou "
            "desc)." % direction)
    dicts = {n: make(n) for n in names}
    key = {'name': lambda n: n,
        'title': lambda n: fold(dicts[n]['title']),
        'package_count': lambda n: dicts[n]['package_count']}[field]
    names.sort(key=key, reverse=direction.strip() == 'desc')
    names = names[offset:offset + limit if limit else None]
    if _bool(params, 'all_fields'):
        return [dicts[n] for n in names]
    return names


def organization_list(pool, params, base):
    orgs = _organizations(pool)
    return _names(params, orgs, lambda n: organization_dict(orgs[n][0],
            len(orgs[n][1])))


def organization_show(pool, params, base):
    ref = params.get('id') or params.get('name')
    if not ref:
        raise ValidationError('id', "« id » est requis.")
    orgs = _organizations(pool)
    name = str(ref).lower()
    if name not in orgs:
        raise NotFound("Organisation introuvable.")
    service, datasets = orgs[name]
    result = organization_dict(service, len(datasets))
    result['users'] = []
    result['extras'] = []
    result['tags'] = []
    result['groups'] = []
    if _bool(params, 'include_datasets'):
        result['packages'] = [package_dict(d, base) for d in datasets]
    return result


def group_list(pool, params, base):
    groups = _groups(pool)
    return _names(params, groups, lambda n: group_dict(groups[n][0],
            len(groups[n][1])))


def group_show(pool, params, base):
    ref = params.get('id') or params.get('name')
    if not ref:
        raise ValidationError('id', "« id » est requis.")
    groups = _groups(pool)
    name = str(ref).lower()
    if name not in groups:
        raise NotFound("Groupe introuvable.")
    theme, datasets = groups[name]
    result = group_dict(theme, len(datasets))
    result.update({'users': [], 'extras': [], 'tags': [], 'groups': []})
    if _bool(params, 'include_datasets'):
        result['packages'] = [package_dict(d, base) for d in datasets]
    return result


def tag_list(pool, params, base):
    query = fold(params.get('query') or '')
    counts = {}
    for dataset in visible_datasets(pool):
        for keyword in dataset.keyword_list:
            counts[keyword] = counts.get(keyword, 0) + 1
    names = sorted(k for k in counts if query in fold(k))
    if _bool(params, 'all_fields'):
        return [{'id': n, 'name': n, 'display_name': n,
                'vocabulary_id': None} for n in names]
    return names


def license_list(pool, params, base):
    result = []
    for code, title, url, is_open in voc.LICENCES:
        result.append({
                'id': voc.LICENCE_CKAN[code],
                'title': title,
                'url': url,
                'status': 'active',
                'maintainer': '',
                'family': '',
                'domain_content': is_open,
                'domain_data': is_open,
                'domain_software': False,
                'od_conformance': 'approved' if is_open else 'not reviewed',
                'osd_conformance': 'not reviewed',
                'is_generic': False,
                'is_okd_compliant': is_open,
                'is_osi_compliant': False,
                })
    return result


def status_show(pool, params, base):
    return {
        'ckan_version': CKAN_VERSION,
        'site_title': identity()['catalogue_title'],
        'site_description': "Données ouvertes : %s"
        % identity()['organisations_text'],
        'site_url': base + '/opendata',
        'locale_default': 'fr',
        'error_emails_to': None,
        'extensions': ['datastore', 'dcat', 'harvest'],
        }


def current_package_list_with_resources(pool, params, base):
    "The packages with their resources, the most recently changed first"
    limit = _int(params, 'limit', MAX_ROWS, MAX_ROWS)
    offset = _int(params, 'offset', 0, MAX_OFFSET)
    page = _int(params, 'page', 0, MAX_OFFSET)
    if page:
        # CKAN: page counts from 1 and takes precedence over offset
        offset = (page - 1) * limit
    datasets = sorted(visible_datasets(pool), key=lambda d: (
            d.modified, d.code), reverse=True)
    return [package_dict(d, base) for d in datasets[offset:offset + limit]]


ACTIONS = {f.__name__: f for f in [organization_list, organization_show,
        group_list, group_show, tag_list, license_list, status_show,
        current_package_list_with_resources]}
