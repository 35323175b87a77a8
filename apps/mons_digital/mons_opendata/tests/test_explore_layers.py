"""The public map layers of mons_carto in the Explore v2.1 catalogue, over
HTTP as the anonymous visitor and as staff (werkzeug test client)."""
import importlib.util
import json
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase

from .tools import create_toilets, publish, setup_org

BASE = 'api/explore/v2.1/catalog'
MONS = (3.9523, 50.4542)


def _square(x, y, side, **properties):
    ring = [[x, y], [x + side, y], [x + side, y + side], [x, y + side],
        [x, y]]
    return {'type': 'Feature', 'properties': properties,
        'geometry': {'type': 'Polygon', 'coordinates': [ring]}}


def _collection(features):
    return json.dumps({'type': 'FeatureCollection',
            'features': features}).encode()


@unittest.skipUnless(importlib.util.find_spec('trytond.modules.mons_carto'),
    "mons_carto is not installed")
class ExploreLayersTestCase(RouteTestCase):
    "Map layers as Explore datasets: catalogue, records, exports"
    module = 'mons_opendata'
    extras = ['mons_carto']

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        Layer = pool.get('carto.layer')
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        UserApplication = pool.get('res.user.application')
        company, service, _, users = setup_org()
        publish(create_toilets(company, service))
        urbanism = Group(ModelData.get_id('mons_base', 'group_urbanism'))
        parks, internal = Layer.create([{
                    'name': "Parcs", 'code': 'parcs', 'public': True,
                    'geometry_type': 'polygon', 'service': service.id,
                    }, {
                    'name': "Chantiers internes", 'code': 'chantiers',
                    'geometry_type': 'polygon',
                    'groups': [('add', [urbanism.id])],
                    }])
        parks.load_file(_collection([
                    _square(MONS[0], MONS[1], 0.002, nom="Parc du Beffroi",
                        surface=4, ouvert=True),
                    _square(MONS[0] + 0.01, MONS[1], 0.004, nom="Parc Léopold",
                        surface=16, ouvert=False),
                    _square(MONS[0] + 0.2, MONS[1] + 0.1, 0.001,
                        nom="Bois de Colfontaine", surface=1, ouvert=True),
                    ]), 'parcs.geojson')
        internal.load_file(_collection([
                    _square(MONS[0], MONS[1], 0.001, nom="Chantier secret")]),
            'c.geojson')
        # staff of the urbanism group see the internal layer on the map
        users['employee'].groups += (urbanism,)
        users['employee'].save()
        application, = UserApplication.create([{
                    'user': users['employee'].id,
                    'application': 'rest',
                    'state': 'validated',
                    }])
        cls.key = application.key

    def get(self, path, key=None, **params):
        headers = {'Authorization': 'bearer ' + key} if key else {}
        response = self.client().get('/%s/opendata/%s/%s' % (
                DB_NAME, BASE, path), headers=headers, query_string=params)
        return response

    def json(self, path, key=None, **params):
        response = self.get(path, key=key, **params)
        self.assertEqual(response.status_code, 200, response.data[:300])
        return json.loads(response.data)

    def test_catalogue_lists_public_layers_only(self):
        for key in [None, self.key]:
            data = self.json('datasets', key=key, limit=100)
            ids = [d['dataset_id'] for d in data['results']]
            self.assertIn('layer-parcs', ids)
            self.assertIn('toilettes', ids)
            self.assertNotIn('layer-chantiers', ids)
            self.assertEqual(data['total_count'], len(ids))
        layer = [d for d in data['results']
            if d['dataset_id'] == 'layer-parcs'][0]
        self.assertIn('geo', layer['features'])
        names = {f['name']: f['type'] for f in layer['fields']}
        self.assertEqual(names['geo_point_2d'], 'geo_point_2d')
        self.assertEqual(names['geo_shape'], 'geo_shape')
        self.assertEqual(names['surface'], 'int')
        self.assertEqual(names['ouvert'], 'boolean')
        self.assertEqual(layer['metas']['default']['records_count'], 3)
        self.assertEqual(layer['metas']['default']['title'], "Parcs")
        self.assertTrue(layer['metas']['default']['references'].endswith(
                '/portal/carte#couches=parcs'))
        # catalogue queries see the layers as datasets too
        data = self.json('datasets', where='records_count = 3 and '
            'features = "analyze, geo"', select='dataset_id')
        self.assertIn({'dataset_id': 'layer-parcs'}, data['results'])
        facets = self.json('facets', facet='features')['facets'][0]
        self.assertIn('geo', [f['name'] for f in facets['facets']])

    def test_non_public_layer_unreachable(self):
        for key in [None, self.key]:
            for path in ['datasets/layer-chantiers',
                    'datasets/layer-chantiers/records',
                    'datasets/layer-chantiers/exports/geojson',
                    'datasets/layer-chantiers/exports',
                    'datasets/layer-chantiers/facets',
                    'datasets/chantiers/records']:
                response = self.get(path, key=key)
                self.assertEqual(response.status_code, 404, path)
                self.assertNotIn(b'secret', response.data)
        for fmt in ['json', 'csv', 'jsonl']:
            self.assertNotIn(b'chantiers', self.get('exports/' + fmt).data)

    def test_records_with_geo_fields_and_odsql(self):
        data = self.json('datasets/layer-parcs/records',
            order_by='surface desc')
        self.assertEqual(data['total_count'], 3)
        first = data['results'][0]
        self.assertEqual(first['nom'], "Parc Léopold")
        self.assertEqual(first['surface'], 16)
        self.assertIs(first['ouvert'], False)
        point = first['geo_point_2d']
        self.assertAlmostEqual(point['lon'], MONS[0] + 0.012, places=6)
        self.assertAlmostEqual(point['lat'], MONS[1] + 0.002, places=6)
        shape = first['geo_shape']
        self.assertEqual(shape['type'], 'Feature')
        self.assertEqual(shape['geometry']['type'], 'Polygon')
        self.assertEqual(len(shape['geometry']['coordinates'][0]), 5)
        data = self.json('datasets/layer-parcs/records',
            where='surface > 2 and ouvert', select='nom, geo_point_2d')
        self.assertEqual([r['nom'] for r in data['results']],
            ["Parc du Beffroi"])
        self.assertEqual(set(data['results'][0]), {'nom', 'geo_point_2d'})
        data = self.json('datasets/layer-parcs/records', where='in_bbox('
            'geo_point_2d, %s, %s, %s, %s)' % (MONS[1] - 0.01, MONS[0] - 0.01,
                MONS[1] + 0.01, MONS[0] + 0.02))
        self.assertEqual(data['total_count'], 2)
        data = self.json('datasets/layer-parcs/records',
            where='startswith(nom, "Parc")', group_by='ouvert',
            select='ouvert, count(*) as n', order_by='ouvert')
        self.assertEqual(data['results'], [{'ouvert': False, 'n': 1},
                {'ouvert': True, 'n': 1}])
        response = self.get('datasets/layer-parcs/records',
            where='inconnu = 1')
        self.assertEqual(response.status_code, 400)
        self.assertIn('inconnu', json.loads(response.data)['message'])

    def test_exports(self):
        listing = self.json('datasets/layer-parcs/exports')
        formats = {link['rel'] for link in listing['links']}
        self.assertIn('geojson', formats)
        self.assertNotIn('shp', formats)
        response = self.get('datasets/layer-parcs/exports/geojson')
        self.assertEqual(response.status_code, 200)
        collection = json.loads(response.data)
        self.assertEqual(len(collection['features']), 3)
        self.assertEqual({f['geometry']['type']
                for f in collection['features']}, {'Polygon'})
        self.assertEqual({f['properties']['nom']
                for f in collection['features']},
            {"Parc du Beffroi", "Parc Léopold", "Bois de Colfontaine"})
        self.assertNotIn('geo_shape', collection['features'][0]['properties'])
        response = self.get('datasets/layer-parcs/exports/csv',
            where='surface >= 4', select='nom, surface')
        self.assertEqual(response.status_code, 200)
        lines = response.data.decode().splitlines()
        self.assertEqual(lines[0], 'nom;surface')
        self.assertEqual(len(lines), 3)
        response = self.get('datasets/layer-parcs/exports/kml')
        self.assertEqual(response.status_code, 400)
        self.assertIn('couche', json.loads(response.data)['message'])
        catalogue = json.loads(self.get('exports/json').data)
        self.assertIn('layer-parcs', [d['dataset_id'] for d in catalogue])
