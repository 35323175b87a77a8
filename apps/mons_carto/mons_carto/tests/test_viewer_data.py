# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""The data of the map viewer: the basemap choice, the address search,
large point layers counted by cells instead of sent whole, and lines and
surfaces simplified for the zoom (no network)."""
import gzip
import json
import math
import random
import unittest

import shapely

from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import (
    DB_NAME, Client, activate_module, drop_db)
from trytond.transaction import Transaction
from trytond.wsgi import app

from .. import routes_map
from .test_module import MONS, feature_collection, point

BIG = routes_map.VIEW_LIMIT + 1500
# More surfaces than the point layers' limit: all of them are sent
BIG_SHAPES = routes_map.VIEW_LIMIT + 500


def circle(x, y, radius, vertices, **properties):
    "A detailed ring (a park, a building block) of radius in degrees"
    ring = [[round(x + radius * math.cos(2 * math.pi * k / vertices), 7),
            round(y + radius * math.sin(2 * math.pi * k / vertices), 7)]
        for k in range(vertices)]
    ring.append(ring[0])
    return {'type': 'Feature', 'properties': properties,
        'geometry': {'type': 'Polygon', 'coordinates': [ring]}}
ORTHO = ('https://geoservices.example/WMTS/tile/1.0.0/ORTHO/default/'
    'GoogleMapsCompatible/{z}/{y}/{x}')


class ViewerDataTestCase(unittest.TestCase):
    "/carto/map/*: what the viewer reads, as the anonymous visitor"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['mons_carto'], 'fr')
        pool = Pool(DB_NAME)
        # The singleton's first write locks its table
        with Transaction().start(DB_NAME, 0,
                _lock_tables=['carto_configuration']) as transaction:
            Layer = pool.get('carto.layer')
            Configuration = pool.get('carto.configuration')
            Group = pool.get('res.group')
            ModelData = pool.get('ir.model.data')
            urbanism = Group(ModelData.get_id('mons_base', 'group_urbanism'))
            shapes, many = Layer.create([
                    {'name': 'Parcs', 'code': 'parcs', 'public': True,
                        'geometry_type': 'polygon'},
                    {'name': 'Bâtiments', 'code': 'batiments',
                        'public': True, 'geometry_type': 'polygon'},
                    ])
            shapes.load_file(feature_collection([
                        circle(MONS[0], MONS[1], 0.01, 400, nom='grand'),
                        circle(MONS[0] + 0.03, MONS[1], 0.002, 200,
                            nom='moyen'),
                        # a few metres: below a pixel at low zoom
                        circle(MONS[0] - 0.03, MONS[1], 0.00005, 60,
                            nom='minuscule'),
                        ]), 'parcs.geojson')
            rng = random.Random(4)
            many.load_file(feature_collection([
                        circle(round(MONS[0] + rng.uniform(-0.05, 0.05), 6),
                            round(MONS[1] + rng.uniform(-0.03, 0.03), 6),
                            0.0002, 12, n=i)
                        for i in range(BIG_SHAPES)]), 'batiments.geojson')
            addresses, big, internal = Layer.create([
                    {'name': 'Adresses', 'code': 'adresses', 'public': True,
                        'geometry_type': 'point', 'label_field': 'adresse'},
                    {'name': 'Gros', 'code': 'gros', 'public': True,
                        'geometry_type': 'point'},
                    {'name': 'Interne', 'code': 'interne',
                        'geometry_type': 'point',
                        'groups': [('add', [urbanism.id])]},
                    ])
            addresses.load_file(feature_collection([
                        point(*MONS, adresse='Grand-Place 22, 7000 Mons'),
                        point(MONS[0] + 0.004, MONS[1] + 0.002,
                            adresse='Rue de Nimy 76, 7000 Mons'),
                        point(MONS[0] - 0.003, MONS[1],
                            adresse='Rue de la Chaussée 5, 7000 Mons'),
                        ]), 'a.geojson')
            rng = random.Random(3)
            big.load_file(feature_collection([
                        point(round(MONS[0] + rng.uniform(-0.05, 0.05), 7),
                            round(MONS[1] + rng.uniform(-0.03, 0.03), 7),
                            n=i)
                        for i in range(BIG)]), 'big.geojson')
            internal.load_file(feature_collection([
                        point(*MONS, adresse='Rue de Nimy 1 (interne)')]),
                'i.geojson')
            Configuration.write([Configuration(1)], {
                    'address_layer': addresses.id,
                    'orthophoto_url': ORTHO,
                    'orthophoto_attribution': 'SPW',
                    })
            transaction.commit()
        cls.client = Client(app, Response)

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def get(self, path, **query):
        response = self.client.get('/%s/carto/map/%s' % (DB_NAME, path),
            query_string=query)
        return response, json.loads(response.data)

    def test_basemaps_and_address_layer(self):
        response, data = self.get('layers')
        self.assertEqual(response.status_code, 200)
        basemaps = {b['id']: b for b in data['basemaps']}
        self.assertEqual(list(basemaps), ['plain', 'osm', 'ortho'])
        self.assertEqual(basemaps['plain']['url'], '')
        self.assertIn('openstreetmap', basemaps['osm']['url'])
        self.assertEqual(basemaps['ortho']['url'], ORTHO)
        self.assertEqual(basemaps['ortho']['attribution'], 'SPW')
        self.assertEqual(data['address_layer'], 'adresses')

    def test_address_search_words_in_any_order(self):
        response, data = self.get('search', q='nimy rue')
        self.assertEqual(response.status_code, 200)
        first = data['results'][0]
        self.assertTrue(first['address'])
        self.assertEqual(first['name'], 'Rue de Nimy 76, 7000 Mons')
        self.assertAlmostEqual(first['point'][1], MONS[0] + 0.004, places=6)
        # The internal layer's feature stays out for the anonymous visitor
        names = [r['name'] for r in data['results']]
        self.assertNotIn('Rue de Nimy 1 (interne)', names)
        _, data = self.get('search', q='chaussée 5')
        self.assertEqual([r['name'] for r in data['results']
                if r.get('address')], ['Rue de la Chaussée 5, 7000 Mons'])
        _, data = self.get('search', q='rue inexistante')
        self.assertFalse([r for r in data['results'] if r.get('address')])

    def test_large_point_layer_counted_by_cells(self):
        bbox = '%s,%s,%s,%s' % (MONS[0] - 0.1, MONS[1] - 0.1,
            MONS[0] + 0.1, MONS[1] + 0.1)
        response, data = self.get('data/gros', bbox=bbox, zoom='12')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers['Content-Type'],
            'application/geo+json')
        self.assertTrue(data['aggregated'])
        self.assertEqual(data['numberMatched'], BIG)
        counts = [f['properties']['count'] for f in data['features']]
        # Every feature counted once, in far fewer markers
        self.assertEqual(sum(counts), BIG)
        self.assertLess(len(counts), 100)
        for feature in data['features']:
            minx, miny, maxx, maxy = feature['properties']['bbox']
            x, y = feature['geometry']['coordinates']
            self.assertTrue(minx - 1e-6 <= x <= maxx + 1e-6)
            self.assertTrue(miny - 1e-6 <= y <= maxy + 1e-6)
        # Zoomed in, a street's worth: the features themselves
        small = '%s,%s,%s,%s' % (MONS[0], MONS[1], MONS[0] + 0.004,
            MONS[1] + 0.003)
        _, data = self.get('data/gros', bbox=small, zoom='17')
        self.assertNotIn('aggregated', data)
        self.assertTrue(0 < data['numberReturned'] < routes_map.VIEW_LIMIT)
        self.assertIn('n', data['features'][0]['properties'])
        # Cells of a finer zoom are more, and still count everything
        _, fine = self.get('data/gros', bbox=bbox, zoom='14')
        self.assertEqual(sum(f['properties']['count']
                for f in fine['features']), BIG)
        self.assertGreater(len(fine['features']), len(counts))

    def test_internal_layer_not_counted_for_anonymous(self):
        response, data = self.get('data/interne', bbox='3,50,5,51',
            zoom='10')
        self.assertEqual(response.status_code, 404)

    def shapes(self, zoom, layer='parcs', **headers):
        bbox = '%s,%s,%s,%s' % (MONS[0] - 0.1, MONS[1] - 0.1,
            MONS[0] + 0.1, MONS[1] + 0.1)
        response = self.client.get('/%s/carto/map/data/%s' % (
                DB_NAME, layer), query_string={'bbox': bbox,
                'zoom': str(zoom)}, headers=headers)
        self.assertEqual(response.status_code, 200)
        return response

    def vertices(self, data):
        return {f['properties']['nom']: shapely.get_num_coordinates(
                shapely.from_geojson(json.dumps(f['geometry'])))
            for f in data['features']}

    def test_shapes_simplified_at_low_zoom(self):
        stored = self.vertices(json.loads(self.client.get(
                    '/%s/carto/ogc/collections/parcs/items' % DB_NAME,
                    query_string={'f': 'json'}).data))
        self.assertEqual(stored, {'grand': 401, 'moyen': 201,
                'minuscule': 61})
        previous = None
        for zoom in [10, 13, 16]:
            data = json.loads(self.shapes(zoom).data)
            # every feature kept, none emptied, each still a polygon
            self.assertEqual(data['numberReturned'], 3)
            self.assertEqual({f['geometry']['type']
                    for f in data['features']}, {'Polygon'})
            vertices = self.vertices(data)
            for name, count in vertices.items():
                self.assertGreaterEqual(count, 4, (zoom, name))
                self.assertLessEqual(count, stored[name], (zoom, name))
            # far fewer vertices for a whole-city view, more when zoomed in
            self.assertLess(sum(vertices.values()), sum(stored.values()))
            if previous:
                self.assertGreaterEqual(sum(vertices.values()),
                    sum(previous.values()))
            previous = vertices
            shape = shapely.from_geojson(json.dumps(
                    data['features'][0]['geometry']))
            self.assertTrue(shape.is_valid)
        low = self.vertices(json.loads(self.shapes(10).data))
        self.assertLess(low['grand'], 401 / 5)
        self.assertLess(low['minuscule'], 61 / 5)
        # the outline stays within a pixel of the stored one
        original = shapely.from_geojson(json.dumps(json.loads(
                    self.client.get('/%s/carto/ogc/collections/parcs/items'
                        % DB_NAME, query_string={'f': 'json'}).data)[
                    'features'][0]['geometry']))
        simple = shapely.from_geojson(json.dumps(json.loads(
                    self.shapes(10).data)['features'][0]['geometry']))
        self.assertLess(original.hausdorff_distance(simple),
            2 * routes_map.pixel(10))

    def test_shapes_whole_at_high_zoom(self):
        items = json.loads(self.client.get(
                '/%s/carto/ogc/collections/parcs/items' % DB_NAME,
                query_string={'f': 'json'}).data)
        stored = {f['id']: f['geometry'] for f in items['features']}
        for zoom in [routes_map.FULL_ZOOM, 20]:
            data = json.loads(self.shapes(zoom).data)
            self.assertEqual({f['id']: f['geometry']
                    for f in data['features']}, stored)

    def test_many_shapes_all_sent_and_compressed(self):
        response = self.shapes(11, layer='batiments')
        plain = response.data
        data = json.loads(plain)
        # more than the point limit, and no "zoom in to see all"
        self.assertEqual(data['numberMatched'], BIG_SHAPES)
        self.assertEqual(data['numberReturned'], BIG_SHAPES)
        self.assertNotIn('Content-Encoding', response.headers)
        compressed = self.shapes(11, layer='batiments',
            **{'Accept-Encoding': 'gzip, deflate'})
        self.assertEqual(compressed.headers['Content-Encoding'], 'gzip')
        self.assertEqual(compressed.headers['Content-Type'],
            'application/geo+json')
        self.assertEqual(gzip.decompress(compressed.data), plain)
        self.assertLess(len(compressed.data), len(plain) / 3)

    def test_overview_computed_never_given(self):
        pool = Pool(DB_NAME)
        with Transaction().start(DB_NAME, 0):
            Feature = pool.get('carto.feature')
            parks = Feature.search([('layer.code', '=', 'parcs')],
                order=[('id', 'ASC')])
            for park in parks:
                stored = shapely.from_geojson(park.geometry)
                overview = shapely.from_geojson(park.geometry_overview)
                self.assertTrue(overview.is_valid)
                self.assertLess(shapely.get_num_coordinates(overview),
                    shapely.get_num_coordinates(stored))
            # points have none: they are sent as they are
            self.assertEqual({f.geometry_overview for f in Feature.search(
                        [('layer.code', '=', 'gros')], limit=10)}, {None})
            square = {'type': 'Polygon', 'coordinates': [[[3.95, 50.45],
                        [3.96, 50.45], [3.96, 50.46], [3.95, 50.46],
                        [3.95, 50.45]]]}
            Feature.write([parks[0]], {'geometry': square,
                    'geometry_overview': '{"type": "Point"}'})
            self.assertTrue(shapely.equals(
                    shapely.from_geojson(parks[0].geometry_overview),
                    shapely.from_geojson(json.dumps(square))))
            Transaction().rollback()
