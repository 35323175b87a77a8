"""Open data tried as an attacker would, over HTTP, with each role's key and
anonymously, on a site of its own (the attacks change the demo data):

- workflow fields (state, DPO approval, quality) written over REST;
- the DPO gate: after the DPO's approval the steward turns the personal
  data flag off, adds a personal column and publishes;
- model sources reading keys, users or the framework's records, or read
  with someone else's rights;
- internal datasets named by the public pages, dashboard, DCAT, CKAN or
  Explore; staff reading another organisation's datasets;
- wrong keys and sessions on every door.

Every refusal is a JSON 4xx with a French message."""
import base64
import json

import pytest

from conftest import live_site
from test_opendata_http import bearer, get

DATETIME = {'__class__': 'datetime', 'year': 2026, 'month': 1, 'day': 1,
    'hour': 0, 'minute': 0, 'second': 0, 'microsecond': 0}
FRENCH = ('é', 'è', 'à', ' ne ', ' pas ', "d'", ' le ', ' la ', ' du ')


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    with live_site(tmp_path_factory, 'opendata_trust') as live:
        yield live


def domain(clauses):
    return base64.urlsafe_b64encode(json.dumps(clauses).encode()).decode()


def find(site, login, model, clauses, *fields):
    fields = ''.join(f'&f={f}' for f in fields)
    status, body = site.rest(
        f'model/{model}?d={domain(clauses)}{fields}', login=login)
    assert status == 200, body
    return body


def dataset(site, login, code, *fields):
    found = find(site, login, 'opendata.dataset', [['code', '=', code]],
        *fields)
    assert len(found) == 1, (login, code, found)
    return found[0]


def assert_refused(status, body, *words):
    "A JSON 4xx whose message is French and names what is refused"
    assert 400 <= status < 500, (status, body)
    assert isinstance(body, dict), body
    message = body.get('message') or body.get('description') or ''
    assert any(w in message for w in FRENCH), message
    for word in words:
        assert word in message, (word, message)
    return message


def test_workflow_fields_only_through_buttons(site):
    "Steward and DPO cannot write states, approvals or scores over REST"
    draft = dataset(site, 'data', 'budget-communal', 'state')
    for login in ['data', 'dpo']:
        for values in [{'state': 'published'}, {'state': 'approved'},
                {'dpo_approved_at': DATETIME},
                {'quality': 100}, {'current_version': None},
                {'review_reason': None}]:
            status, body = site.rest(
                f'model/opendata.dataset/{draft["id"]}', method='PUT',
                login=login, data=values)
            assert_refused(status, body)
    again = dataset(site, 'data', 'budget-communal', 'state',
        'dpo_approved_at')
    assert again['state'] == 'draft' and not again['dpo_approved_at']
    # a dataset cannot be born published or approved
    service = draft_service(site)
    for values in [{'state': 'published'}, {'state': 'approved'},
            {'dpo_approved_at': DATETIME}, {'quality': 100}]:
        status, body = site.rest('model/opendata.dataset', method='POST',
            login='data', data={'code': 'ne-pas-creer', 'title': "X",
                    'service': service, 'company': company_of(site),
                    **values})
        assert_refused(status, body)
    assert not find(site, 'data', 'opendata.dataset',
        [['code', '=', 'ne-pas-creer']])
    # the employee cannot press the DPO's button
    status, body = site.rest(
        f'model/opendata.dataset/{draft["id"]}/approve', method='POST',
        login='employe', data={})
    assert 400 <= status < 500, body


def draft_service(site):
    return dataset(site, 'data', 'budget-communal', 'service')['service']


def company_of(site):
    return dataset(site, 'data', 'budget-communal', 'company')['company']


def test_dpo_gate_personal_data_attack(site):
    """The steward turns the personal data flag off after the DPO's approval,
    adds the applicants' column and publishes: the dataset goes back to the
    DPO and nothing personal goes public"""
    code = 'permis-urbanisme-octroyes'
    explore = f'api/explore/v2.1/catalog/datasets/{code}/records'
    assert get(site, explore)[0] == 200
    before = dataset(site, 'data', code, 'state', 'dpo_approved_at',
        'schema', 'steps')
    assert before['state'] == 'published' and before['dpo_approved_at']

    status, body = site.rest(f'model/opendata.dataset/{before["id"]}',
        method='PUT', login='data', data={'personal_data': False})
    assert status == 200, body
    after = dataset(site, 'data', code, 'state', 'dpo_approved_at',
        'dpo_approved_by', 'review_reason')
    assert after['state'] == 'validated', after
    assert not after['dpo_approved_at'] and not after['dpo_approved_by']
    assert 'Données personnelles' in after['review_reason'], after
    # offline at once, on every door
    assert get(site, explore)[0] == 404
    names = json.loads(get(site, 'api/3/action/package_list')[2])['result']
    assert code not in names
    assert code not in get(site, 'catalog.ttl')[2].decode()

    # the applicants' column comes back: schema, steps
    schema = json.loads(before['schema'])
    schema['fields'].append({'name': 'demandeur', 'type': 'string'})
    status, body = site.rest(f'model/opendata.dataset/{before["id"]}',
        method='PUT', login='data', data={'schema': json.dumps(schema)})
    assert status == 200, body
    steps = find(site, 'data', 'opendata.step',
        [['dataset', '=', before['id']], ['kind', '=', 'drop']], 'fields_')
    drop = [s for s in steps if s['fields_'] == 'demandeur']
    assert drop
    status, body = site.rest(f'model/opendata.step/{drop[0]["id"]}',
        method='DELETE', login='data')
    assert status in {200, 204}, body
    status, body = site.rest(
        f'model/opendata.dataset/{before["id"]}/publish', method='POST',
        login='data', data={})
    assert_refused(status, body, 'DPO')
    assert dataset(site, 'data', code, 'state')['state'] == 'validated'
    assert get(site, explore)[0] == 404

    # the DPO sees why it came back (review_reason, the log) and decides
    status, body = site.rest(
        f'model/opendata.dataset/{before["id"]}/approve', method='POST',
        login='dpo', data={})
    assert status == 200, body
    assert dataset(site, 'dpo', code, 'state')['state'] == 'approved'
    # any change after this approval sends it back again
    status, body = site.rest(f'model/opendata.dataset/{before["id"]}',
        method='PUT', login='data', data={'access_level': 'internal'})
    assert status == 200, body
    assert dataset(site, 'data', code, 'state')['state'] == 'validated'


def model_id(site, name):
    found = find(site, 'data', 'ir.model', [['name', '=', name]])
    assert len(found) == 1, (name, found)
    return found[0]['id']


def test_model_source_reads_as_its_owner_never_secrets(site):
    draft = dataset(site, 'data', 'budget-communal')
    users = find(site, 'admin', 'res.user', [['login', 'in',
                ['admin', 'data']]], 'login')
    uid = {u['login']: u['id'] for u in users}
    for model, paths in [
            ('res.user.application', 'key,user'),
            ('res.user', 'login,password_hash'),
            ('ir.session', 'key'),
            ('mons.service', 'code,create_uid.login'),
            ('mons.service', 'code,manager.user.login'),
            ]:
        try:
            ident = model_id(site, model)
        except AssertionError:
            continue  # a model the data steward cannot even list
        status, body = site.rest('model/opendata.source', method='POST',
            login='data', data={'dataset': draft['id'],
                    'name': "Fuite", 'kind': 'model', 'model': ident,
                    'model_fields': paths})
        assert_refused(status, body)
    # a domain reaching a secret through a path is refused too
    status, body = site.rest('model/opendata.source', method='POST',
        login='data', data={'dataset': draft['id'], 'name': "Oracle",
                'kind': 'model', 'model': model_id(site, 'mons.service'),
                'model_fields': 'code',
                'model_domain': json.dumps(
                    [['create_uid.password_hash', 'like', '$%']])})
    assert_refused(status, body)
    # the owner is whoever defines the source, never someone chosen
    status, body = site.rest('model/opendata.source', method='POST',
        login='data', data={'dataset': draft['id'], 'name': "Services",
                'kind': 'model', 'model': model_id(site, 'mons.service'),
                'model_fields': 'code,name', 'owner': uid['admin']})
    assert status == 200, body
    source = body['id']
    read = find(site, 'data', 'opendata.source', [['id', '=', source]],
        'owner')
    assert read[0]['owner'] == uid['data']
    status, body = site.rest(f'model/opendata.source/{source}',
        method='PUT', login='data', data={'owner': uid['admin']})
    assert_refused(status, body)
    status, body = site.rest(f'model/opendata.source/{source}',
        method='DELETE', login='data')
    assert status in {200, 204}, body


def titles_and_codes(site, login):
    return find(site, login, 'opendata.dataset', [], 'code', 'title',
        'state', 'access_level', 'company')


def test_public_doors_name_only_public_datasets(site):
    datasets = titles_and_codes(site, 'data') + titles_and_codes(site, 'cpas')
    assert {d['company'] for d in datasets} and len(
        {d['company'] for d in datasets}) == 2
    public = [d for d in datasets if d['access_level'] == 'public'
        and d['state'] == 'published']
    hidden = [d for d in datasets if d not in public]
    assert public and hidden
    pages = {
        'portal': f'{site.url}/{site.db}/portal/donnees',
        'dashboard': f'{site.url}/{site.db}/portal/donnees/tableau-de-bord',
        }
    import urllib.request
    bodies = {}
    for name, url in pages.items():
        with urllib.request.urlopen(url, timeout=60) as response:
            bodies[name] = response.read().decode()
    for name, path in [
            ('dcat', 'catalog.ttl'), ('dcat-jsonld', 'catalog.jsonld'),
            ('ckan-list', 'api/3/action/package_list'),
            ('ckan-search', 'api/3/action/package_search?rows=1000'),
            ('ckan-orgs', 'api/3/action/organization_list?all_fields=true'),
            ('explore', 'api/explore/v2.1/catalog/datasets?limit=100'),
            ]:
        status, _, body = get(site, path)
        assert status == 200, (name, body)
        bodies[name] = body.decode()
    for name, body in bodies.items():
        if name not in {'ckan-orgs'}:
            assert any(d['code'] in body or d['title'] in body
                for d in public), name
        for d in hidden:
            assert f'/{d["code"]}' not in body and f'"{d["code"]}"' \
                not in body, (name, d['code'])
            assert d['title'] not in body, (name, d['title'])
    for d in hidden:
        for path in [f'api/explore/v2.1/catalog/datasets/{d["code"]}',
                f'api/3/action/package_show?id={d["code"]}',
                f'dataset/{d["code"]}.ttl']:
            status, _, body = get(site, path)
            assert status == 404, (path, status)
            assert json.loads(body)


def test_staff_read_their_organisation(site):
    "A key reads its organisation's datasets; City and CPAS apart"
    internal = 'aides-sociales-par-section'
    cpas = json.loads(get(site, 'api/action/package_list',
            auth=bearer(site, 'cpas'))[2])['result']
    assert internal in cpas
    for login in ['employe', 'data', 'dpo']:
        names = json.loads(get(site, 'api/action/package_list',
                auth=bearer(site, login))[2])['result']
        assert internal not in names, login
        status, _, body = get(site,
            f'api/explore/v2.1/catalog/datasets/{internal}/records',
            auth=bearer(site, login))
        assert status == 404, login
    status, _, body = get(site,
        f'api/explore/v2.1/catalog/datasets/{internal}/records'
        '?group_by=annee', auth=bearer(site, 'cpas'))
    assert status == 200, body
    # over REST too: the other organisation's datasets are not listed
    codes = {d['code'] for d in titles_and_codes(site, 'data')}
    assert internal not in codes and 'logements-cpas' not in codes


@pytest.mark.parametrize('path', [
        'catalog.ttl', 'dataset/toilettes-publiques.jsonld',
        'api/3/action/package_list', 'api/action/package_show?id=parkings',
        'api/explore/v2.1/catalog/datasets',
        'api/explore/v2.1/catalog/datasets/parkings/records',
        'api/explore/v2.1/catalog/datasets/parkings/exports/csv',
        ])
def test_wrong_credentials_are_401_never_anonymous(site, path):
    forged = 'Session ' + base64.b64encode(b'data:1:forged').decode()
    for auth in ['bearer not-a-key', 'Bearer ' + 'x' * 40, forged]:
        status, headers, body = get(site, path, auth=auth)
        assert status == 401, (path, auth, status)
        assert 'json' in headers['Content-Type']
        assert 'invalide' in json.loads(body)['message']
