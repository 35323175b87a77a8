"""Client errors of every API answered over HTTP as a French JSON 4xx naming
the field or parameter, lists capped, and the shape documented: what an
integrator or an attacker sends (issue 13), as a plain agent."""
import json
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.filterwarnings('ignore')


def call(site, path, method='GET', body=None, headers=None, login='agent',
        raw=None):
    "(status, headers, decoded JSON or text) of a call to the site"
    headers = dict(headers or {})
    if login and path.startswith('rest/'):
        headers.setdefault('Authorization',
            f'bearer {site.api_key(login)}')
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        headers.setdefault('Content-Type', 'application/json')
    request = urllib.request.Request(f'{site.url}/{site.db}/{path}',
        method=method, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status = response.status
            content = response.read()
            got = dict(response.headers)
    except urllib.error.HTTPError as error:
        status, content, got = error.code, error.read(), dict(error.headers)
    if 'json' in got.get('Content-Type', ''):
        content = json.loads(content)
    return status, got, content


# werkzeug's and trytond's English answers
ENGLISH = ('Bad Request', 'Not Found', 'Method Not Allowed', 'Forbidden',
    'Internal Server Error', 'Invalid', 'Unknown', 'must be', 'Unable')


def french_error(status, headers, body, expected, field=None):
    assert status == expected, body
    assert headers['Content-Type'].startswith('application/json'), body
    assert body['status'] == expected
    assert body['message'], body
    assert not any(w in body['message'] for w in ENGLISH), body
    if field:
        assert body['field'] == field, body
    assert headers.get('X-Request-Id')


BODY_CASES = [
    # (model, body, field): each a 500 before
    ('mons.holiday', {'name': "Fête", 'date': '28/11/2026'}, 'date'),
    ('party.contact_mechanism', {'type': 'email', 'value': 'a@b.be',
            'party': 'Ville de Mons'}, 'party'),
    ('party.party', {'name': "X", 'champ_inconnu': 1}, 'champ_inconnu'),
    ('party.party', {'name': "X", 'categories': [['add', 'abc']]},
        'categories'),
    ('party.party', {'name': 12}, 'name'),
    ('party.party', {'name': "X", 'create_date': '2026-01-01'},
        'create_date'),
    ]


@pytest.mark.parametrize('model,body,field', BODY_CASES)
def test_rest_bad_values_name_the_field(site, model, body, field):
    french_error(*call(site, f'rest/model/{model}', 'POST', body), 400,
        field)


def test_rest_bodies_and_headers(site):
    for raw in (b'[1, 2]', b'"texte"', b'{pas du json'):
        french_error(*call(site, 'rest/model/party.party', 'POST',
                raw=raw, headers={'Content-Type': 'application/json'}), 400)
        french_error(*call(site, 'rest/model/party.party/1', 'PUT',
                raw=raw, headers={'Content-Type': 'application/json'}), 400)
    french_error(*call(site, 'rest/model/party.party', 'POST',
            raw=b'name=x', headers={'Content-Type': 'text/plain'}), 415)
    for range_ in ('records=abc', 'bogus', 'records=-5', 'records=0-50000'):
        french_error(*call(site, 'rest/model/party.party',
                headers={'Range': range_}), 400, 'Range')
    french_error(*call(site, 'rest/model/party.party?s=2',
            headers={'Accept-Language': 'fr;q=abc'}), 400, 'Accept-Language')
    french_error(*call(site, 'rest/model/party.party?s=2',
            headers={'X-Tryton-Context': '%%%'}), 400, 'X-Tryton-Context')


def test_rest_input_checked_after_the_key(site):
    "Without a valid key the answer is 401, whatever the input"
    for key in (None, 'bearer pas-une-cle'):
        headers = {'Authorization': key} if key else {}
        french_error(*call(site, 'rest/model/mons.holiday', 'POST',
                {'date': '28/11/2026'}, headers=headers, login=None), 401)
        french_error(*call(site, 'rest/model/party.party?s=99999',
                headers=headers, login=None), 401)


def test_rest_unknown_refused_and_cors(site):
    french_error(*call(site, 'rest/model/pas.un.modele'), 404)
    french_error(*call(site, 'rest/pas/une/adresse'), 404)
    french_error(*call(site, 'rest/model/party.party', 'PATCH'), 405)
    # A foreign web page calling the REST API: refused in French, not 500
    for method in ('GET', 'OPTIONS'):
        french_error(*call(site, 'rest/model/party.party?s=1', method,
                headers={'Origin': 'https://evil.example',
                    'Access-Control-Request-Method': 'GET'}), 403)
    # A refused button: 403, not 400
    status, _, body = call(site, 'rest/model/res.user/1/reset_password',
        'POST', {})
    assert status in {400, 403} and body['message'], body


def test_rest_search_caps(site):
    french_error(*call(site, 'rest/model/party.party?s=100000000'), 400,
        's')
    french_error(*call(site, 'rest/model/party.party?s=-1'), 400, 's')
    french_error(*call(site, 'rest/model/party.party?p=1e20'), 400, 'p')
    status, _, body = call(site, 'rest/model/party.party?s=10000')
    assert status == 200 and len(body) <= 10000
    # Without s, at most the cap (admin reads every party)
    status, _, body = call(site, 'rest/model/mons.section', login='admin')
    assert status == 200 and len(body) <= 10000


def test_open_data_errors_and_caps(site):
    ckan = 'opendata/api/3/action/'
    status, headers, body = call(site, ckan + "package_search?q='")
    assert status == 200, body  # a lone quote is searched as typed
    for query, field in (('rows=100000000', 'rows'), ('rows=-1', 'rows'),
            ('start=99999999999', 'start'), ('rows=abc', 'rows')):
        status, headers, body = call(site, ckan + 'package_search?' + query)
        french_error(status, headers, body, 400, field)
        assert body['success'] is False
    status, headers, body = call(site, ckan + 'package_search', 'POST',
        {'q': ['liste'], 'rows': 5})
    french_error(status, headers, body, 400, 'q')
    explore = 'opendata/api/explore/v2.1/catalog/datasets'
    for query, field in (('offset=1e20', 'offset'), ('limit=-2', 'limit'),
            ('limit=101', 'limit'), ('offset=100000000000000000000',
                'offset'), ('offset=9995&limit=10', 'offset')):
        french_error(*call(site, explore + '?' + query), 400, field)
    status, _, body = call(site, explore + '?limit=-1')
    assert status == 200 and len(body['results']) <= 100
    # A foreign web page may read open data (CORS), preflight included
    status, headers, _ = call(site, explore, 'OPTIONS', headers={
            'Origin': 'https://reuse.example',
            'Access-Control-Request-Method': 'GET'})
    assert status == 204 and headers['Access-Control-Allow-Origin'] == '*'
    status, headers, _ = call(site, explore, headers={
            'Origin': 'https://reuse.example'})
    assert status == 200 and headers['Access-Control-Allow-Origin'] == '*'


def test_maps_errors_and_caps(site):
    status, _, body = call(site, 'carto/ogc/collections?f=json')
    assert status == 200
    collection = body['collections'][0]['id']
    items = f'carto/ogc/collections/{collection}/items'
    for query, field in (('offset=99999999', 'offset'),
            ('limit=100000', 'limit'), ('limit=0', 'limit'),
            ('bbox=1,2', 'bbox'), ('inconnu=1', 'inconnu')):
        status, headers, body = call(site, items + '?' + query)
        french_error(status, headers, body, 400, field)
        assert body['code'] == 'InvalidParameterValue'
    french_error(*call(site, f'carto/map/data/{collection}?zoom=99'), 400,
        'zoom')
    french_error(*call(site, 'carto/pas/une/adresse'), 404)


def test_unknown_database_is_a_json_404(site):
    "trytond's own 404 (no such database) in the APIs' shape"
    other = site.__class__(site.folder, site.url, 'base_inexistante')
    french_error(*call(other, 'rest/model/party.party', login=None), 404)


def test_openapi_documents_the_error_shape(site):
    status, _, spec = call(site, 'rest/openapi.json')
    assert status == 200
    error = spec['components']['schemas']['Error']
    assert {'status', 'message', 'field', 'request_id'} <= set(
        error['properties'])
    assert error['required'] == ['status', 'message']
    search = spec['paths']['/model/party.party']['get']
    for code in ('400', '401', '403', '404', '500'):
        assert search['responses'][code]['content']['application/json'][
            'schema'] == {'$ref': '#/components/schemas/Error'}
    limit = spec['components']['parameters']['Limit']['schema']
    assert limit['maximum'] == 10000
