"""Granted permits published without personal data: the open-data dataset
(explore API, GeoJSON export) and the public map layer (OGC API Features)
read the public view permit.publication; a permit granted by the urbanism
office appears in both without anyone pressing a button (trigger, worker);
the dashboard counts the applications received online."""
import json
import re
import time
import urllib.error
import urllib.request
import uuid

from test_permit_portal_http import Visitor, fill, q, search

FIELDS = {'reference', 'procedure_code', 'procedure_name', 'address',
    'section_name', 'decision_date', 'object', 'longitude', 'latitude'}
EXPLORE = 'opendata/api/explore/v2.1/catalog/datasets/permis-octroyes'
ITEMS = 'carto/ogc/collections/permis-octroyes/items?f=json&limit=1000'


def get(site, path):
    "Anonymous GET: (status, decoded JSON or text)"
    request = urllib.request.Request(f'{site.url}/{site.db}/{path}')
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body


def call(site, path, login='urbanisme', data=None, method='POST'):
    status, body = site.rest(path, method, login=login, data=data or {})
    assert status == 200, (path, body)
    return body


def grant(site, name):
    "A permit the urbanism office grants at the counter, step by step"
    party = call(site, 'model/party.party', data={'name': name})['id']
    pu = search(site, 'permit.procedure_type', [['code', '=', 'PU']],
        ['id'])[0]['id']
    section = search(site, 'mons.section', [['name', '=', 'Nimy']],
        ['id'])[0]['id']
    file = call(site, 'model/permit.file', data={'procedure_type': pu,
            'applicant': party, 'object': "Abri de jardin",
            'address': "Rue Mouzin 3", 'section': section})['id']
    for button in ['deposit', 'declare_complete', 'to_decision']:
        call(site, f'model/permit.file/{file}/{button}')
    today = time.strftime('%Y-%m-%d')
    call(site, f'model/permit.file/{file}', method='PUT', data={
            'decision': 'granted',
            'decision_date': {'__class__': 'date', 'year': int(today[:4]),
                'month': int(today[5:7]), 'day': int(today[8:])}})
    call(site, f'model/permit.file/{file}/notify')
    return search(site, 'permit.file', [['id', '=', file]],
        ['reference'])[0]['reference']


def dataset_rows(site):
    status, body = get(site, EXPLORE + '/records?limit=100')
    assert status == 200, body
    return body['results']


def layer_features(site):
    status, body = get(site, ITEMS)
    assert status == 200, body
    return body['features']


def test_published_without_personal_data_and_refreshed(site):
    rows = dataset_rows(site)
    assert rows, "the shipped dataset has its first granted permit"
    # The API adds the position as geo_point_2d/geo_shape
    derived = {'_id', 'geo_point_2d', 'geo_shape'}
    for row in rows:
        assert set(row) <= FIELDS | derived, set(row) - FIELDS
    features = layer_features(site)
    assert features
    for feature in features:
        assert set(feature['properties']) <= FIELDS, feature['properties']

    name = f"Secret Demandeur {uuid.uuid4().hex[:6]}"
    reference = grant(site, name)
    # The layer reads live; the dataset is collected again by the worker
    assert reference in [f['properties']['reference']
        for f in layer_features(site)]
    deadline = time.monotonic() + 90
    while reference not in [r['reference'] for r in dataset_rows(site)]:
        assert time.monotonic() < deadline, "dataset not refreshed"
        time.sleep(1)
    for path in [EXPLORE + '/records?limit=100',
            EXPLORE + '/exports/geojson', EXPLORE + '/exports/csv', ITEMS,
            'carto/download/permis-octroyes.geojson']:
        status, body = get(site, path)
        assert status == 200, (path, body)
        text = json.dumps(body, ensure_ascii=False) \
            if not isinstance(body, str) else body
        assert reference in text, path
        assert name not in text, path
        assert 'Ursule' not in text, path  # the officer

    # The public reads the view, never the files
    request = urllib.request.Request(
        f'{site.url}/{site.db}/rest/model/permit.publication?f=reference')
    try:
        urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as error:
        assert error.code == 401
    else:
        raise AssertionError("REST answered without a key")


def test_dashboard_counts_online_applications(site):
    "The KPI adds each module's part; the permits' part counts submissions"
    def counts():
        status, html = get(site, 'portal/donnees/tableau-de-bord')
        assert status == 200
        total = int(re.search(r'id="kpi-online-applications">(\d+)<',
                html)[1])
        permits = int(re.search(r'demandes de permis : (\d+)', html)[1])
        return total, permits
    total, permits = counts()
    fill(Visitor(site), site, 'DECL3')
    assert counts() == (total + 1, permits + 1)
    submitted = search(site, 'permit.application',
        [['state', '=', 'submitted']], ['id'])
    assert counts()[1] == len(submitted)
