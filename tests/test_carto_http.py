"""Maps over real HTTP on the demo site: OGC API Features, rights by group
with the demo users' REST keys and desk sessions, downloads, bad input."""
import base64
import json
import os
import urllib.error
import urllib.request

import pytest

CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'
LAMBERT72 = 'http://www.opengis.net/def/crs/EPSG/0/31370'


def get(site, path, headers=None, **query):
    from urllib.parse import urlencode
    url = f'{site.url}/{site.db}/carto/{path.lstrip("/")}'
    if query:
        url += '?' + urlencode(query)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def get_json(site, path, headers=None, **query):
    status, headers_, body = get(site, path, headers, **query)
    return status, headers_, json.loads(body) if body else None


def bearer(site, login):
    return {'Authorization': f'bearer {site.api_key(login)}'}


def test_landing_and_conformance(site):
    status, headers, landing = get_json(site, 'ogc/')
    assert status == 200
    assert headers['Content-Type'].startswith('application/json')
    assert {'self', 'service-desc', 'conformance', 'data'} <= {
        l['rel'] for l in landing['links']}
    status, _, conformance = get_json(site, 'ogc/conformance')
    assert ('http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs'
        in conformance['conformsTo'])
    status, headers, api = get_json(site, 'ogc/api')
    assert headers['Content-Type'].startswith(
        'application/vnd.oai.openapi+json')
    assert api['openapi'].startswith('3.0')
    assert '"$ref": "http' not in json.dumps(api)


def test_public_collections_for_anonymous(site):
    status, _, document = get_json(site, 'ogc/collections')
    assert status == 200
    ids = {c['id'] for c in document['collections']}
    assert {'sections', 'poi', 'chantiers', 'sections-centres'} <= ids
    # The internal street-light layer stays internal
    assert 'eclairage' not in ids
    for path in ['ogc/collections/eclairage',
            'ogc/collections/eclairage/items',
            'download/eclairage.geojson', 'download/eclairage.csv',
            'map/data/eclairage']:
        status, _, _ = get(site, path)
        assert status == 404, path


def test_sections_items_crs_and_paging(site):
    status, headers, page = get_json(site, 'ogc/collections/sections/items',
        limit='5')
    assert status == 200
    assert headers['Content-Type'].startswith('application/geo+json')
    assert headers['Content-Crs'] == f'<{CRS84}>'
    assert page['numberMatched'] == 19
    assert page['numberReturned'] == 5
    assert 'next' in {l['rel'] for l in page['links']}
    status, headers, page = get_json(site, 'ogc/collections/sections/items',
        limit='19', crs=LAMBERT72)
    assert headers['Content-Crs'] == f'<{LAMBERT72}>'
    ring = page['features'][0]['geometry']['coordinates'][0]
    # Lambert 72 metres around Mons, not degrees
    assert all(90000 < x < 150000 and 100000 < y < 150000 for x, y in ring)
    names = {f['properties']['nom'] for f in page['features']}
    assert 'Mons' in names and 'Saint-Symphorien' in names


def test_works_datetime_and_filter(site):
    status, _, page = get_json(site, 'ogc/collections/chantiers/items',
        statut='en_cours', limit='100')
    assert status == 200
    assert page['numberMatched'] >= 1
    assert all(f['properties']['statut'] == 'en_cours'
        for f in page['features'])
    status, _, page = get_json(site, 'ogc/collections/chantiers/items',
        datetime='2026-01-01/2026-12-31', limit='100')
    assert page['numberMatched'] == 10


@pytest.mark.parametrize('query', [
        {'bbox': '4,51,3,50'},
        {'bbox': '3.9,50.4,4.0'},
        {'limit': '10001'},
        {'couleur': 'rouge'},
        {'datetime': 'demain'},
        {'crs': 'EPSG:2154'},
        ])
def test_bad_input_400_json(site, query):
    status, headers, body = get_json(site, 'ogc/collections/poi/items',
        **query)
    assert status == 400
    assert headers['Content-Type'].startswith('application/json')
    assert body['code'] == 'InvalidParameterValue'
    assert body['description']


def test_unknown_collection_404_json(site):
    status, headers, body = get_json(site, 'ogc/collections/inconnue/items')
    assert status == 404
    assert body['code'] == 'NotFound'
    assert 'inconnue' in body['description']


def test_internal_layer_rights_by_group(site):
    # urbanisme is in the layer's groups; employe and courrier are not
    for login, allowed in [('urbanisme', True), ('agent', True),
            ('sig', True), ('employe', False), ('courrier', False)]:
        status, _, page = get_json(site, 'ogc/collections/eclairage/items',
            headers=bearer(site, login), limit='3')
        assert (status == 200) is allowed, login
        if allowed:
            assert page['numberMatched'] == 4000
    status, _, _ = get(site, 'ogc/collections', headers={
            'Authorization': 'bearer not-a-key'})
    assert status == 401


def desk_login(site, login):
    "Log in as the desk does; return the session cookie and header"
    body = json.dumps({'id': 1, 'method': 'common.db.login',
            'params': [login, {'password': site.password}, 'fr']}).encode()
    request = urllib.request.Request(
        f'{site.url}/{site.db}/session/login', data=body, method='POST',
        headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=60) as response:
        cookie = response.headers['Set-Cookie'].split(';')[0]
    request = urllib.request.Request(f'{site.url}/{site.db}/rpc/',
        data=body, method='POST', headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=60) as response:
        user_id, session = json.loads(response.read())['result'][:2]
    token = base64.b64encode(f'{login}:{user_id}:{session}'.encode()).decode()
    return {'Cookie': cookie}, {'Authorization': f'Session {token}'}


def test_internal_layer_desk_session(site):
    for headers in desk_login(site, 'urbanisme'):
        status, _, page = get_json(site, 'ogc/collections/eclairage/items',
            headers=headers, limit='1')
        assert status == 200, headers
    for headers in desk_login(site, 'employe'):
        status, _, _ = get_json(site, 'ogc/collections/eclairage/items',
            headers=headers, limit='1')
        assert status == 404
    # A forged cookie is refused, never downgraded to an anonymous visit
    status, headers, body = get_json(site, 'ogc/collections/eclairage/items',
        headers={'Cookie': 'tryton_session=urbanisme:2:forged'})
    assert status == 401
    assert headers['Content-Type'].startswith('application/json')
    assert "n'est pas valide" in body['description']


def test_rest_contract(site):
    status, layers = site.rest('model/carto.layer?f=name&f=code&f=public'
        '&f=groups', login='sig')
    assert status == 200
    codes = {l['code']: l for l in layers}
    assert not codes['eclairage']['public']
    assert codes['eclairage']['groups']
    # A non-editor does not see the internal layer through REST either
    status, layers = site.rest('model/carto.layer?f=code', login='employe')
    assert status == 200
    assert 'eclairage' not in {l['code'] for l in layers}
    # ...and cannot create one (trytond answers access errors with 400)
    status, body = site.rest('model/carto.layer', method='POST',
        login='employe', data={'name': 'X', 'code': 'x-employe',
            'geometry_type': 'point'})
    assert status in {400, 401, 403}
    status, layers = site.rest('model/carto.layer?f=code', login='sig')
    assert 'x-employe' not in {l['code'] for l in layers}


def test_bbox_large_layer_and_downloads(site):
    headers = bearer(site, 'sig')
    status, _, page = get_json(site, 'ogc/collections/eclairage/items',
        headers=headers, bbox='3.94,50.44,3.96,50.46', limit='1000')
    assert status == 200
    assert 0 < page['numberReturned'] <= 1000
    for feature in page['features']:
        x, y = feature['geometry']['coordinates']
        assert 3.94 <= x <= 3.96 and 50.44 <= y <= 50.46
    status, headers_, body = get(site, 'download/poi.csv')
    assert status == 200
    assert headers_['Content-Type'].startswith('text/csv')
    assert 'Beffroi' in body.decode()
    status, headers_, body = get(site, 'download/sections.geojson')
    assert headers_['Content-Type'].startswith('application/geo+json')
    assert len(json.loads(body)['features']) == 19


# --- trust: who asks, with whose rights (issue 11) ---------------------------

def d(domain):
    return base64.urlsafe_b64encode(json.dumps(domain).encode()).decode()


def model_id(site, name, login='sig'):
    status, rows = site.rest('model/ir.model?f=name&d=' + d(
            [['name', '=', name]]), login=login)
    assert status == 200 and len(rows) == 1, rows
    return rows[0]['id']


def test_model_layer_refuses_secrets_and_internals(site):
    "A GIS editor cannot build a layer on keys, users or ir.* models"
    for index, name in enumerate(['res.user.application', 'res.user',
            'ir.session', 'ir.model.access', 'res.group', 'web.user']):
        status, body = site.rest('model/carto.layer', method='POST',
            login='sig', data={'name': 'Clés', 'code': f'cles-{index}',
                'geometry_type': 'point', 'public': True, 'source': 'model',
                'model': model_id(site, name), 'longitude_field': 'id',
                'latitude_field': 'id', 'model_fields': 'create_uid'})
        assert status in {400, 403, 422}, (name, status, body)
        assert 'secrets' in json.dumps(body, ensure_ascii=False), body
    status, layers = site.rest('model/carto.layer?f=code&d=' + d(
            [['code', 'like', 'cles-%']]), login='sig')
    assert status == 200 and layers == [], layers
    status, _, page = get_json(site, 'ogc/collections')
    assert not [c for c in page['collections']
        if c['id'].startswith('cles-')]


def test_public_model_layer_on_letters_reads_as_its_owner(site):
    """A GIS editor's public layer on mail.item shows anonymous callers
    exactly what its owner (the editor) may read: no confidential letter
    of another service, at any door"""
    code = f'courriers-{os.getpid()}'
    status, layer = site.rest('model/carto.layer?f=id&f=owner', method='POST',
        login='sig', data={'name': 'Courriers', 'code': code,
            'geometry_type': 'point', 'public': True, 'source': 'model',
            'model': model_id(site, 'mail.item'), 'longitude_field': 'id',
            'latitude_field': 'id', 'model_fields': 'subject,confidential',
            'label_field': 'subject'})
    assert status == 200, layer
    # The owner is the creator; another one is a GIS administrator's choice
    status, me = site.rest('model/res.user?f=id&d=' + d(
            [['login', '=', 'sig']]), login='admin')
    assert status == 200 and len(me) == 1, me
    assert layer['owner'] == me[0]['id'], (layer, me)
    status, body = site.rest(f'model/carto.layer/{layer["id"]}',
        method='PUT', login='sig', data={'owner': 1})
    assert status == 403, body
    try:
        status, readable = site.rest(
            'model/mail.item?f=id&f=confidential&s=10000', login='sig')
        assert status == 200, readable
        readable = {r['id'] for r in readable}
        status, everything = site.rest('model/mail.item?f=id&s=10000&d='
            + d([['confidential', '=', True]]), login='admin')
        assert status == 200, everything
        hidden = {r['id'] for r in everything} - readable
        status, _, page = get_json(site, f'ogc/collections/{code}/items',
            limit='10000')
        assert status == 200, page
        served = {f['id'] for f in page['features']}
        assert served == readable
        assert not served & hidden
        assert {k for f in page['features'] for k in f['properties']} <= {
            'subject', 'confidential'}
        # The other doors serve the same letters and no others
        for path in [f'download/{code}.geojson', f'download/{code}.csv']:
            status, _, body = get(site, path)
            assert status == 200, path
            if path.endswith('.geojson'):
                ids = {f['id'] for f in json.loads(body)['features']}
            else:
                ids = {int(line.split(',')[0])
                    for line in body.decode().splitlines()[1:] if line}
            assert ids == readable, path
        for feature_id in list(hidden)[:3]:
            status, _, _ = get(site,
                f'ogc/collections/{code}/items/{feature_id}')
            assert status == 404
    finally:
        status, body = site.rest(f'model/carto.layer/{layer["id"]}',
            method='DELETE', login='sig')
        assert status in {200, 204}, body


def test_inactive_users_key_refused(site):
    "The key of a user who left is a 401, not an anonymous visit"
    login = 'urbanisme'
    key = site.api_key(login)
    status, users = site.rest('model/res.user?f=id&d=' + d(
            [['login', '=', login]]), login='admin')
    assert status == 200 and users, users
    user_id = users[0]['id']
    status, body = site.rest(f'model/res.user/{user_id}', method='PUT',
        login='admin', data={'active': False})
    assert status == 200, body
    try:
        for path in ['ogc/collections', 'ogc/collections/poi/items',
                'download/poi.csv', 'map/layers', 'map/search?q=Beffroi']:
            status, headers, body = get_json(site, path,
                headers={'Authorization': f'bearer {key}'})
            assert status == 401, path
            assert "n'est pas valide" in body['description']
    finally:
        # An inactive record is found only outside the active test
        status, body = site.rest(f'model/res.user/{user_id}', method='PUT',
            login='admin', data={'active': True}, headers={
                'X-Tryton-Context': d({'active_test': False})})
        assert status == 200, body


def test_computed_fields_readonly_over_rest(site):
    "Statistics of a layer and the outcome of an import are not writable"
    status, layers = site.rest('model/carto.layer?f=id&d=' + d(
            [['code', '=', 'poi']]), login='sig')
    assert status == 200, layers
    for values in [{'max_width': 5}, {'property_names': 'faux'}]:
        status, body = site.rest(f'model/carto.layer/{layers[0]["id"]}',
            method='PUT', login='sig', data=values)
        assert status == 403, (values, body)
    status, imports = site.rest('model/carto.layer.import?f=id&s=1',
        login='sig')
    assert status == 200, imports
    if imports:
        for values in [{'state': 'done'}, {'features_created': 99999}]:
            status, body = site.rest(
                f'model/carto.layer.import/{imports[0]["id"]}', method='PUT',
                login='sig', data=values)
            assert status == 403, (values, body)


def _vertices(geometry):
    "Number of positions of a GeoJSON (multi)polygon or line"
    def count(value):
        if value and isinstance(value[0], (int, float)):
            return 1
        return sum(count(v) for v in value)
    return count(geometry['coordinates'])


def test_viewer_simplifies_surfaces_by_zoom(site):
    "The sections drawn for a whole-city view: every one, fewer vertices"
    status, _, stored = get_json(site, 'ogc/collections/sections/items',
        limit='100')
    assert status == 200
    stored = {f['id']: f['geometry'] for f in stored['features']}
    bbox = '3.7,50.3,4.2,50.6'
    sizes = {}
    for zoom in ['10', '13', '18']:
        status, headers, body = get(site, 'map/data/sections', bbox=bbox,
            zoom=zoom)
        assert status == 200
        assert headers['Content-Type'] == 'application/geo+json'
        data = json.loads(body)
        # every section is drawn, as a surface
        assert {f['id'] for f in data['features']} == set(stored)
        assert {f['geometry']['type'] for f in data['features']} <= {
            'Polygon', 'MultiPolygon'}
        sizes[zoom] = sum(_vertices(f['geometry']) for f in data['features'])
        plain = len(body)
        if zoom == '18':
            # close up, the geometry as it is stored
            assert {f['id']: f['geometry'] for f in data['features']} == \
                stored
    assert sizes['10'] < sizes['13'] <= sizes['18']
    assert sizes['10'] < sum(_vertices(g) for g in stored.values())
    # a browser gets the large answers gzipped
    status, headers, body = get(site, 'map/data/sections',
        headers={'Accept-Encoding': 'gzip'}, bbox=bbox, zoom='18')
    compressed = headers.get('Content-Encoding') == 'gzip'
    assert compressed == (plain >= 64 * 1024)
    if compressed:
        import gzip
        body = gzip.decompress(body)
    assert len(body) == plain
