"""DCAT-AP on the demo site: 0 violations and 0 warnings against the
recommended shapes, every catalogue, dataset and distribution URI resolving
with content negotiation, and the public map layers catalogued as datasets
with their OGC API Features and GeoJSON distributions."""
import urllib.error
import urllib.request

import pytest

SHAPES = '/work/shared/acceptance/dcat-ap-3.0.1'
FORMATS = {'text/turtle': 'turtle', 'application/rdf+xml': 'xml',
    'application/ld+json': 'json-ld'}


def fetch(url, accept=None):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={'Accept': accept}
        if accept else {})
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope='module')
def catalogue(site):
    from rdflib import Graph
    status, _, body = fetch(f'{site.url}/{site.db}/opendata/catalog.ttl'
        '?page_size=1000')
    assert status == 200
    return Graph().parse(data=body, format='turtle')


def test_recommended_shapes_no_warning(catalogue):
    pyshacl = pytest.importorskip('pyshacl')
    from rdflib import Graph, URIRef
    shapes = Graph()
    for name in ['shapes.ttl', 'range.ttl', 'shapes_recommended.ttl']:
        shapes.parse(f'{SHAPES}/{name}', format='turtle')
    conforms, results, text = pyshacl.validate(catalogue,
        shacl_graph=shapes, inference='none', allow_warnings=False)
    assert conforms, text
    severity = URIRef('http://www.w3.org/ns/shacl#resultSeverity')
    assert not list(results.objects(None, severity)), text


def test_uris_resolve_with_content_negotiation(site, catalogue):
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCAT, RDF
    uris = [u for c in [DCAT.Catalog, DCAT.Dataset, DCAT.Distribution]
        for u in catalogue.subjects(RDF.type, c)]
    assert len(uris) > 10
    for uri in uris:
        for mimetype, fmt in FORMATS.items():
            status, headers, body = fetch(str(uri), mimetype)
            assert status == 200, (uri, mimetype, body[:200])
            assert headers['Content-Type'].startswith(mimetype)
            graph = Graph().parse(data=body, format=fmt)
            assert list(graph.predicate_objects(URIRef(uri))), uri
        status, headers, _ = fetch(str(uri), 'text/html')
        assert status == 303, uri
        assert fetch(headers['Location'], 'text/html')[0] == 200, (
            uri, headers['Location'])


def test_map_layers_are_datasets(site, catalogue):
    from rdflib import URIRef
    from rdflib.namespace import DCAT, DCTERMS
    import json
    status, _, body = fetch(f'{site.url}/{site.db}/carto/ogc/collections'
        '?f=json')
    assert status == 200
    collections = {c['id'] for c in json.loads(body)['collections']}
    assert collections
    prefix = f'{site.url}/{site.db}/opendata/layer/'
    layers = {str(u)[len(prefix):]: u for u in catalogue.subjects()
        if str(u).startswith(prefix) and '/' not in str(u)[len(prefix):]
        and '#' not in str(u)}
    # every public layer (an anonymous visitor sees exactly those)
    assert set(layers) == collections
    ogc = URIRef('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/'
        'core')
    for code, uri in layers.items():
        distributions = list(catalogue.objects(uri, DCAT.distribution))
        assert len(distributions) == 2
        kinds = {catalogue.value(d, DCTERMS.conformsTo) for d in
            distributions}
        assert ogc in kinds
        for distribution in distributions:
            url = catalogue.value(distribution, DCAT.accessURL)
            status, headers, body = fetch(str(url) + (
                    '?f=json' if '/ogc/' in str(url) else ''))
            assert status == 200, url
