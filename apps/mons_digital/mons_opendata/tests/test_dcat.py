"""DCAT-AP: resolvable URIs with content negotiation, and the recommended
shapes (warnings included) on the catalogue, a dataset and a
distribution."""
import os

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction

from . import test_routes

SHAPES = os.environ.get('DCAT_AP_SHAPES',
    '/work/shared/acceptance/dcat-ap-3.0.1')
FORMATS = {'text/turtle': 'turtle', 'application/rdf+xml': 'xml',
    'application/ld+json': 'json-ld'}


def shapes(recommended=True):
    graph = Graph()
    names = ['shapes.ttl', 'range.ttl']
    if recommended:
        names.append('shapes_recommended.ttl')
    for name in names:
        graph.parse(os.path.join(SHAPES, name), format='turtle')
    return graph


class DcatTestCase(RouteTestCase):
    "Test the DCAT-AP URIs and shapes"
    module = 'mons_opendata'
    setUpDatabase = test_routes.OpendataRouteTestCase.__dict__[
        'setUpDatabase']

    def open(self, path, accept=None):
        headers = {'Accept': accept} if accept else {}
        return self.client().get('/%s/opendata/%s' % (DB_NAME, path),
            headers=headers)

    def assertConforms(self, graph):
        from pyshacl import validate
        conforms, results, text = validate(graph, shacl_graph=shapes(),
            inference='none', allow_warnings=False)
        self.assertTrue(conforms, text)
        sh = 'http://www.w3.org/ns/shacl#'
        severities = list(results.objects(None, URIRef(sh + 'resultSeverity')))
        self.assertEqual(severities, [], text)

    def test_catalogue_recommended_shapes(self):
        # The site's municipality: its territory from its sections (a
        # singleton is created under a lock of its table)
        with Transaction().start(DB_NAME, 0,
                _lock_tables=['mons_municipality']) as transaction:
            pool = Pool()
            Section = pool.get('mons.section')
            Municipality = pool.get('mons.municipality')
            Section.create([{'code': 'A', 'name': "Testville",
                        'postal_code': '6990', 'latitude': 50.41,
                        'longitude': 4.86, 'nis': '99001'}, {
                        'code': 'B', 'name': "Boisville",
                        'postal_code': '6991', 'latitude': 50.43,
                        'longitude': 4.89}])
            Municipality.write([Municipality(1)], {'name': "Testville",
                    'nis': '99000'})
            transaction.commit()
        graph = Graph().parse(data=self.open('catalog.ttl').data,
            format='turtle')
        self.assertConforms(graph)
        dataset = URIRef('http://localhost/%s/opendata/dataset/toilettes'
            % DB_NAME)
        self.assertIn((dataset, RDF.type, DCAT.Dataset), graph)
        spatial = list(graph.objects(None, DCAT.bbox))
        self.assertTrue(spatial)
        catalog = graph.value(predicate=RDF.type, object=DCAT.Catalog)
        territory = graph.value(catalog, DCTERMS.spatial)
        self.assertEqual(str(graph.value(territory, SKOS.prefLabel)),
            "Testville")
        self.assertEqual(str(graph.value(territory, DCTERMS.identifier)),
            '99000')
        self.assertEqual(str(graph.value(territory, DCAT.bbox)),
            'POLYGON((4.82 50.37, 4.93 50.37, 4.93 50.47, 4.82 50.47, '
            '4.82 50.37))')
        self.assertEqual(str(graph.value(territory, DCAT.centroid)),
            'POINT(4.86 50.41)')
        availability = URIRef('http://data.europa.eu/r5r/availability')
        self.assertTrue(list(graph.objects(None, availability)))

    def test_uris_resolve(self):
        catalog = self.open('catalog.ttl').data
        graph = Graph().parse(data=catalog, format='turtle')
        uris = [str(graph.value(predicate=RDF.type, object=DCAT.Catalog))]
        uris += [str(u) for u in graph.subjects(RDF.type, DCAT.Dataset)]
        uris += [str(u) for u in graph.subjects(RDF.type,
                DCAT.Distribution)]
        self.assertGreater(len(uris), 3)
        prefix = 'http://localhost/%s/opendata/' % DB_NAME
        for uri in uris:
            self.assertTrue(uri.startswith(prefix), uri)
            path = uri[len(prefix):]
            for mimetype, fmt in FORMATS.items():
                response = self.open(path, accept=mimetype)
                self.assertEqual(response.status_code, 200, (uri, mimetype))
                self.assertEqual(response.mimetype, mimetype)
                self.assertIn('Accept', response.headers.get('Vary', ''))
                described = Graph().parse(data=response.data, format=fmt)
                self.assertTrue(list(described.predicate_objects(
                            URIRef(uri))), (uri, mimetype))
            html = self.open(path, accept='text/html,application/xhtml+xml,'
                '*/*;q=0.8')
            self.assertEqual(html.status_code, 303, uri)
            self.assertIn('/portal/donnees', html.headers['Location'])
            # no Accept: Turtle
            self.assertEqual(self.open(path).mimetype, 'text/turtle')
        dataset = self.open('dataset/toilettes', accept='text/turtle')
        self.assertConforms(Graph().parse(data=dataset.data,
                format='turtle'))
        self.assertEqual(self.open('dataset/interne',
                accept='text/turtle').status_code, 404)
        self.assertEqual(self.open('dataset/interne',
                accept='text/html').status_code, 404)
        self.assertEqual(self.open('dataset/toilettes/distribution/999999',
                accept='text/turtle').status_code, 404)
