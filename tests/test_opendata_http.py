"""Open-data APIs of a real site over HTTP: DCAT-AP (SHACL), CKAN, Explore,
access of internal datasets by staff only, refresh through the worker."""
import base64
import csv
import io
import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

SHAPES = Path('/work/shared/acceptance/dcat-ap-3.0.1')


def get(site, path, auth=None, data=None):
    "Return (status, headers, body bytes)"
    headers = {'Authorization': auth} if auth else {}
    if data is not None:
        headers['Content-Type'] = 'application/json'
        data = json.dumps(data).encode()
    request = urllib.request.Request(
        f'{site.url}/{site.db}/opendata/{path}', data=data, headers=headers,
        method='POST' if data is not None else 'GET')
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def desk_session(site, login):
    "Authorization header of a desk session (JSON-RPC login as sao does)"
    request = urllib.request.Request(f'{site.url}/{site.db}/rpc/',
        data=json.dumps({'id': 1, 'method': 'common.db.login',
                'params': [login, {'password': site.password}, 'fr']}
            ).encode(), headers={'Content-Type': 'application/json'},
        method='POST')
    with urllib.request.urlopen(request, timeout=60) as response:
        user_id, session = json.loads(response.read())['result'][:2]
    return 'Session ' + base64.b64encode(
        f'{login}:{user_id}:{session}'.encode()).decode()


def bearer(site, login):
    return 'bearer ' + site.api_key(login)


def test_dcat_catalogue_conforms(site):
    pyshacl = pytest.importorskip('pyshacl')
    from rdflib import Graph
    shapes = Graph()
    for name in ['shapes.ttl', 'range.ttl']:
        shapes.parse(SHAPES / name, format='turtle')
    for ext, fmt in [('ttl', 'turtle'), ('rdf', 'xml'), ('jsonld', 'json-ld')]:
        status, headers, body = get(site, 'catalog.' + ext)
        assert status == 200, body
        graph = Graph().parse(data=body, format=fmt)
        conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes,
            inference='none')
        assert conforms, text
    ttl = get(site, 'catalog.ttl')[2].decode()
    assert 'toilettes-publiques' in ttl
    assert 'aides-sociales-par-section' not in ttl
    assert 'hydra:PagedCollection' in ttl


def test_ckan_api_public_and_staff(site):
    status, _, body = get(site, 'api/3/action/package_list')
    names = json.loads(body)['result']
    assert {'toilettes-publiques', 'parkings', 'chantiers-voirie',
        'commerces-par-section', 'permis-urbanisme-octroyes'} <= set(names)
    assert 'aides-sociales-par-section' not in names
    # staff read the datasets of their organisation (the CPAS' for a
    # CPAS agent), not the other organisation's
    staff = json.loads(get(site, 'api/action/package_list',
            auth=bearer(site, 'cpas'))[2])['result']
    assert 'aides-sociales-par-section' in staff
    city = json.loads(get(site, 'api/action/package_list',
            auth=bearer(site, 'employe'))[2])['result']
    assert 'aides-sociales-par-section' not in city
    assert 'toilettes-publiques' in city
    status, _, body = get(site, 'api/3/action/package_show',
        data={'id': 'aides-sociales-par-section'})
    assert status == 404 and json.loads(body)['success'] is False
    assert get(site, 'api/3/action/package_list',
        auth='bearer not-a-key')[0] == 401
    search = json.loads(get(site, 'api/3/action/package_search?q=parking'
            '&fq=groups:tran&rows=5&sort=name%20asc')[2])['result']
    assert search['count'] == 1
    package = search['results'][0]
    assert package['license_id'] == 'cc-by-4.0'
    resource = package['resources'][0]
    store = json.loads(get(site, 'api/3/action/datastore_search', data={
                'resource_id': resource['id'], 'limit': 3,
                'sort': 'capacite desc', 'fields': 'nom,capacite'})[2])
    assert store['success'], store
    caps = [r['capacite'] for r in store['result']['records']]
    assert caps == sorted(caps, reverse=True) and len(caps) == 3
    orgs = json.loads(get(site, 'api/3/action/organization_list')[2])
    assert 'trav-voi' in orgs['result']


def test_desk_session_reads_internal(site):
    auth = desk_session(site, 'cpas')
    path = ('api/explore/v2.1/catalog/datasets/aides-sociales-par-section/'
        'records?group_by=annee&order_by=annee')
    assert get(site, path)[0] == 404
    status, _, body = get(site, path, auth=auth)
    assert status == 200, body
    assert get(site, path, auth='Session ' + base64.b64encode(
            b'data:1:forged').decode())[0] == 401
    years = [r['annee'] for r in json.loads(body)['results']]
    assert years == [2024, 2025]
    # the City's data steward's session does not reach the CPAS' dataset
    assert get(site, path, auth=desk_session(site, 'data'))[0] == 404


def test_explore_records_and_exports(site):
    base = 'api/explore/v2.1/catalog/datasets'
    status, _, body = get(site, base + '?limit=100')
    ids = [d['dataset_id'] for d in json.loads(body)['results']]
    assert 'toilettes-publiques' in ids
    status, _, body = get(site, base + '/parkings/records?'
        'where=capacite%20%3E%3D%20200&select=nom,capacite&'
        'order_by=capacite%20desc&limit=5')
    data = json.loads(body)
    assert status == 200 and data['total_count'] >= 1
    assert all(r['capacite'] >= 200 for r in data['results'])
    # free text ignores case and accents (search index of the version)
    status, _, body = get(site, base + '/parkings/records?'
        'where=%22HOPITAL%22&select=nom')
    data = json.loads(body)
    assert status == 200 and data['total_count'] == 1
    assert data['results'] == [{'nom': "Parking Hôpital Ambroise Paré"}]
    status, _, body = get(site, 'api/3/action/datastore_search?'
        'resource_id=parkings&q=havre&fields=nom,section&limit=100')
    result = json.loads(body)['result']
    assert status == 200 and result['total'] >= 1
    assert len(result['records']) == result['total']
    assert all('havré' in (r['nom'] + ' ' + r['section']).lower()
        for r in result['records'])
    status, headers, body = get(site, base
        + '/toilettes-publiques/exports/csv')
    assert status == 200 and 'text/csv' in headers['Content-Type']
    rows = list(csv.DictReader(io.StringIO(body.decode()), delimiter=';'))
    assert len(rows) == 24
    status, _, body = get(site, base
        + '/toilettes-publiques/exports/geojson')
    features = json.loads(body)['features']
    lon, lat = features[0]['geometry']['coordinates']
    # Lambert 72 of the demo turned into WGS84 around Mons
    assert 3.7 < lon < 4.2 and 50.3 < lat < 50.6
    assert get(site, base + '/permis-urbanisme-octroyes/exports/xlsx')[0] \
        == 200
    status, _, body = get(site, base + '/permis-urbanisme-octroyes/records')
    assert 'demandeur' not in json.loads(body)['results'][0]


def test_refresh_runs_in_worker_and_bad_file_keeps_version(site):
    "A steward's refresh is queued; a broken file leaves the version online"
    key = site.api_key('data')
    d = base64.urlsafe_b64encode(json.dumps(
            [['code', '=', 'parkings']]).encode()).decode()
    status, found = site.rest(f'model/opendata.dataset?d={d}'
        '&f=current_version&f=sources', key=key)
    assert status == 200, found
    dataset = found[0]
    online = dataset['current_version']
    source = dataset['sources'][0]
    status, _ = site.rest(f'model/opendata.source/{source}', method='PUT',
        key=key, data={'file': {'__class__': 'bytes', 'base64':
                base64.b64encode('nom;section\nA;B\n'.encode(
                        'cp1252')).decode()}})
    assert status == 200
    status, _ = site.rest(f'model/opendata.dataset/{dataset["id"]}/refresh',
        method='POST', key=key, data={})
    assert status == 200
    run = None
    for _ in range(120):
        d = base64.urlsafe_b64encode(json.dumps(
                [['dataset', '=', dataset['id']],
                    ['state', '!=', 'running']]).encode()).decode()
        status, runs = site.rest(f'model/opendata.run?d={d}&f=state'
            '&f=errors', key=key)
        failed = [r for r in runs if r['state'] == 'failed']
        if failed:
            run = failed[0]
            break
        time.sleep(1)
    assert run, "the queued run did not finish"
    # The file lost the coordinate columns: the run names them, in French
    assert 'x, y' in run['errors'] and 'pas dans les données' in run['errors']
    status, again = site.rest(f'model/opendata.dataset/{dataset["id"]}'
        '?f=current_version', key=key)
    assert again['current_version'] == online
    status, _, body = get(site,
        'api/explore/v2.1/catalog/datasets/parkings/records')
    assert status == 200 and json.loads(body)['total_count'] == 16


def test_portal_preview_dates_in_belgian_format(site):
    """The preview table writes dates as readers in Belgium do (28/11/2026)
    while the API keeps ISO 8601"""
    import datetime as dt
    import re
    status, _, body = get(site, 'api/explore/v2.1/catalog/datasets/'
        'chantiers-voirie/records?select=debut,fin&limit=20')
    assert status == 200, body
    records = json.loads(body)['results']
    iso = [r['debut'] for r in records if r['debut']]
    assert iso and all(re.fullmatch(r'\d{4}-\d\d-\d\d', d) for d in iso)
    request = urllib.request.Request(
        f'{site.url}/{site.db}/portal/donnees/chantiers-voirie')
    with urllib.request.urlopen(request, timeout=60) as response:
        html = response.read().decode()
    table = html[html.index('<table class="od-table">'):]
    table = table[:table.index('</table>')]
    cells = re.findall(r'<td>([^<]*)</td>', table)
    assert not re.search(r'\d{4}-\d\d-\d\d', table), table
    for day in iso:
        shown = dt.date.fromisoformat(day).strftime('%d/%m/%Y')
        assert shown in cells, (shown, cells)
