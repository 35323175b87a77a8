"""OGC API Features on the live demo site, as a conformance suite and a
re-user's own tools see it: an anonymous client, plain HTTP, the media
types compared exactly.

No conformance runner for OGC API Features is published in Python that
runs here (OGC's TEAM Engine suites are Java), so the checks follow the
abstract test suites of OGC 17-069r4 (Part 1: Core, GeoJSON, HTML) and OGC
19-079r2 (Part 3: Filtering) with CQL2 (OGC 21-065r2): the test names
give the abstract test each one follows. Every answer of a filter is
compared with the same condition computed here on all the features read
page by page, so a filter that is ignored or half applied fails."""
import json
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'
LAMBERT72 = 'http://www.opengis.net/def/crs/EPSG/0/31370'
PART3 = 'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/'
CQL2 = 'http://www.opengis.net/spec/cql2/1.0/conf/'
QUERYABLES = 'http://www.opengis.net/def/rel/ogc/1.0/queryables'


def fetch(url, method='GET', headers=None):
    request = urllib.request.Request(url, method=method,
        headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def ogc(site, path, headers=None, method='GET', **query):
    url = f'{site.url}/{site.db}/carto/ogc{path}'
    if query:
        url += '?' + urlencode(query)
    return fetch(url, method, headers)


def document(site, path, media='application/json', **query):
    status, headers, body = ogc(site, path, **query)
    assert status == 200, body[:300]
    assert headers['Content-Type'] == media, path
    return json.loads(body)


def all_features(site, collection, **query):
    "Every feature, by following the next links as a client does"
    url = (f'{site.url}/{site.db}/carto/ogc/collections/{collection}/items?'
        + urlencode(dict(query, limit='7')))
    features, matched = [], None
    while url:
        status, headers, body = fetch(url)
        assert status == 200, body[:300]
        assert headers['Content-Type'] == 'application/geo+json'
        page = json.loads(body)
        assert page['numberReturned'] == len(page['features'])
        matched = page['numberMatched'] if matched is None else matched
        assert page['numberMatched'] == matched
        features += page['features']
        url = next((l['href'] for l in page['links']
                if l['rel'] == 'next'), None)
    assert len(features) == matched
    return features


def test_core_landing_page_and_api_definition(site):
    "/conf/core/root-op, /conf/core/root-success, api-definition"
    landing = document(site, '/')
    rels = {l['rel']: l for l in landing['links']}
    assert {'self', 'service-desc', 'conformance', 'data'} <= set(rels)
    status, headers, body = fetch(rels['service-desc']['href'])
    assert status == 200
    assert headers['Content-Type'] == rels['service-desc']['type']
    api = json.loads(body)
    paths = api['paths']
    assert '/collections/{collectionId}/queryables' in paths
    parameters = json.dumps(paths['/collections/{collectionId}/items'])
    for name in ['filter', 'filter-lang', 'filter-crs', 'sortby',
            'properties']:
        assert f'#/components/parameters/{name}"' in parameters, name


def test_core_conformance_declares_part3(site):
    "/conf/core/conformance-success, Part 3 /conf/filter, CQL2 classes"
    classes = document(site, '/conformance')['conformsTo']
    for name in ['queryables', 'queryables-query-parameters', 'filter',
            'features-filter']:
        assert PART3 + name in classes
    for name in ['cql2-text', 'cql2-json', 'basic-cql2',
            'advanced-comparison-operators', 'basic-spatial-functions',
            'spatial-functions']:
        assert CQL2 + name in classes


def test_core_collections_anonymous(site):
    "/conf/core/fc-md-op, fc-md-success, fc-md-items: public layers only"
    collections = document(site, '/collections')['collections']
    ids = {c['id'] for c in collections}
    assert {'sections', 'poi', 'chantiers', 'sections-centres'} <= ids
    assert 'eclairage' not in ids
    for collection in collections:
        rels = {l['rel'] for l in collection['links']}
        assert {'self', 'items', QUERYABLES} <= rels, collection['id']


def test_part3_queryables(site):
    "/conf/queryables/get-queryables-uris, get-queryables-response"
    collection = document(site, '/collections/poi')
    link, = [l for l in collection['links'] if l['rel'] == QUERYABLES]
    assert link['type'] == 'application/schema+json'
    status, headers, body = fetch(link['href'])
    assert status == 200
    assert headers['Content-Type'] == 'application/schema+json'
    schema = json.loads(body)
    assert schema['$schema'] == (
        'https://json-schema.org/draft/2020-12/schema')
    assert schema['type'] == 'object'
    assert schema['$id'] == link['href'].split('?')[0]
    properties = schema['properties']
    assert properties['geometry']['x-ogc-role'] == 'primary-geometry'
    # The labels the city gave, not the raw names
    assert properties['categorie']['title'] == 'Catégorie'
    assert properties['nom']['type'] == 'string'
    # A model layer: its fields' own labels and types
    schema = document(site, '/collections/sections-centres/queryables',
        media='application/schema+json')
    assert schema['properties']['postal_code']['title'] == 'Code postal'


def test_part3_queryables_of_internal_layer_hidden(site):
    "Non-public layers stay invisible through the new doors too"
    for path, query in [
            ('/collections/eclairage/queryables', {}),
            ('/collections/eclairage/items', {'filter': "type = 'LED'"}),
            ('/collections/eclairage/items', {'sortby': 'reference'}),
            ]:
        status, headers, body = ogc(site, path, **query)
        assert status == 404, path
        assert headers['Content-Type'] == 'application/json'
        assert json.loads(body)['code'] == 'NotFound'
    # Its properties are no queryables of a public layer
    status, _, body = ogc(site, '/collections/poi/items',
        filter='puissance_w > 10')
    assert status == 400
    assert 'puissance_w' in json.loads(body)['description']


FILTERS = [
    ("categorie = 'culture'", lambda p, g: p['categorie'] == 'culture'),
    ("categorie <> 'culture'", lambda p, g: p['categorie'] != 'culture'),
    ("nom LIKE 'M%'", lambda p, g: p['nom'].startswith('M')),
    ("nom NOT LIKE '%e%'", lambda p, g: 'e' not in p['nom']),
    ("categorie IN ('sport', 'santé')",
        lambda p, g: p['categorie'] in {'sport', 'santé'}),
    ("NOT (categorie IN ('sport', 'santé') OR nom LIKE 'M%')",
        lambda p, g: not (p['categorie'] in {'sport', 'santé'}
            or p['nom'].startswith('M'))),
    ("categorie = 'sport' OR categorie = 'culture' AND nom LIKE 'M%'",
        lambda p, g: p['categorie'] == 'sport' or (
            p['categorie'] == 'culture' and p['nom'].startswith('M'))),
    ("adresse IS NOT NULL AND CASEI(categorie) = casei('PATRIMOINE')",
        lambda p, g: p['categorie'] == 'patrimoine'),
    ('S_INTERSECTS(geometry, BBOX(3.94, 50.44, 3.96, 50.46))',
        lambda p, g: 3.94 <= g[0] <= 3.96 and 50.44 <= g[1] <= 50.46),
    ('S_WITHIN(geometry, POLYGON((3.9 50.4, 3.96 50.4, 3.96 50.5, '
        '3.9 50.5, 3.9 50.4)))',
        lambda p, g: 3.9 < g[0] < 3.96 and 50.4 < g[1] < 50.5),
    ]


@pytest.mark.parametrize('text,condition', FILTERS,
    ids=[f[0] for f in FILTERS])
def test_part3_filter_cql2_text(site, text, condition):
    "/conf/features-filter/filter-param, /conf/basic-cql2, CQL2 text"
    everything = all_features(site, 'poi')
    expected = sorted(f['id'] for f in everything
        if condition(f['properties'], f['geometry']['coordinates']))
    assert expected and len(expected) < len(everything)
    found = sorted(f['id'] for f in all_features(site, 'poi', filter=text))
    assert found == expected


def test_part3_filter_cql2_json_and_filter_crs(site):
    "/conf/cql2-json, filter-crs (Part 3 /conf/filter/filter-crs-*)"
    culture = sorted(f['id'] for f in all_features(site, 'poi',
            filter="categorie = 'culture'"))
    found = sorted(f['id'] for f in all_features(site, 'poi',
            filter=json.dumps({'op': '=', 'args': [
                        {'property': 'categorie'}, 'culture']}),
            **{'filter-lang': 'cql2-json'}))
    assert found == culture
    box = 'S_INTERSECTS(geometry, BBOX(%s))'
    degrees = sorted(f['id'] for f in all_features(site, 'poi',
            filter=box % '3.93, 50.44, 3.97, 50.47'))
    # The Lambert 72 rectangle that holds that one (pyproj on the server
    # gives it; a bigger one here would hold more)
    lambert = sorted(f['id'] for f in all_features(site, 'poi',
            filter=box % '118800, 125500, 121700, 128900',
            **{'filter-crs': LAMBERT72}))
    assert degrees and set(degrees) <= set(lambert)


def test_part3_filter_errors_are_json_400(site):
    for query, field in [
            ({'filter': "couleur = 'rouge'"}, 'filter'),
            ({'filter': "nom = "}, 'filter'),
            ({'filter': 'nom = 1', 'filter-lang': 'cql-text'},
                'filter-lang'),
            ({'filter': 'nom = 1', 'filter-crs': 'EPSG:2154'},
                'filter-crs'),
            ({'sortby': '-couleur'}, 'sortby'),
            ({'properties': 'nom,couleur'}, 'properties'),
            ]:
        status, headers, body = ogc(site, '/collections/poi/items', **query)
        assert status == 400, query
        assert headers['Content-Type'] == 'application/json'
        body = json.loads(body)
        assert body['code'] == 'InvalidParameterValue'
        assert body['field'] == field


def test_sorting_and_property_selection(site):
    "Part 8 sortby, Part 6 properties"
    features = all_features(site, 'poi', sortby='-nom',
        properties='nom')
    names = [f['properties']['nom'] for f in features]
    assert len(names) > 5
    assert all(list(f['properties']) == ['nom'] for f in features)
    import unicodedata

    def key(text):
        text = unicodedata.normalize('NFKD', text.casefold())
        return ''.join(c for c in text if not unicodedata.combining(c))
    assert [key(n) for n in names] == sorted(
        (key(n) for n in names), reverse=True)


def test_media_types_exact(site):
    "A client comparing the type reads '; charset' as another type"
    for path, query, media in [
            ('/', {}, 'application/json'),
            ('/conformance', {}, 'application/json'),
            ('/collections', {}, 'application/json'),
            ('/collections/poi', {}, 'application/json'),
            ('/collections/poi/items', {}, 'application/geo+json'),
            ('/collections/poi/items', {'filter': "nom LIKE 'B%'"},
                'application/geo+json'),
            ('/collections/poi/queryables', {}, 'application/schema+json'),
            ('/collections/poi/items', {'limit': '0'}, 'application/json'),
            ]:
        status, headers, _ = ogc(site, path, **query)
        assert headers['Content-Type'] == media, (path, query)
    for path in ['/', '/collections/poi/items', '/collections/poi/queryables']:
        status, headers, body = ogc(site, path,
            headers={'Accept': 'text/html'})
        assert status == 200
        assert headers['Content-Type'].startswith('text/html'), path


def test_unknown_paths_and_methods_answer_json(site):
    "Never an HTML page: an OGC exception (code, description)"
    for path in ['/nulle/part', '/collections/poi/items/1/plus',
            '/collections/poi/tiles']:
        status, headers, body = ogc(site, path,
            headers={'Accept': 'text/html'})
        assert status == 404, path
        assert headers['Content-Type'] == 'application/json'
        body = json.loads(body)
        assert body['code'] == 'NotFound' and body['description']
    for method in ['POST', 'PUT', 'DELETE']:
        status, headers, body = ogc(site, '/collections/poi/items',
            method=method)
        assert status == 405, method
        assert headers['Content-Type'] == 'application/json'
        assert 'GET' in headers['Allow']
        assert json.loads(body)['code'] == 'MethodNotAllowed'


def test_lambert_bbox_without_bbox_crs_explained(site):
    status, headers, body = ogc(site, '/collections/poi/items',
        bbox='118500,125900,121300,129200')
    assert status == 400
    body = json.loads(body)
    assert body['field'] == 'bbox'
    assert 'bbox-crs' in body['description']
    assert LAMBERT72 in body['description']
    assert 'min ≤ max' not in body['description']
    page = document(site, '/collections/poi/items',
        media='application/geo+json', bbox='118500,125900,121300,129200',
        **{'bbox-crs': LAMBERT72})
    assert page['numberMatched'] > 0


def test_labels_in_html_pages(site):
    status, _, body = ogc(site, '/collections/poi/items', f='html')
    html = body.decode()
    assert 'Catégorie' in html and 'Adresse' in html
