# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""OGC API Features conformance, checked offline.

The JSON schemas below restate the requirements of OGC 17-069r4 (Part 1:
Core, GeoJSON, HTML, OpenAPI 3.0) and OGC 18-058r1 (Part 2: CRS by
reference) that a client relies on; the OpenAPI document is validated with
openapi-spec-validator and must not refer to anything outside itself.
"""
import base64
import csv
import io
import json
import unittest

import jsonschema

from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import (
    DB_NAME, Client, activate_module, drop_db)
from trytond.transaction import Transaction
from trytond.wsgi import app

from .test_module import MONS, MONS_31370, feature_collection, point

CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'
EPSG = 'http://www.opengis.net/def/crs/EPSG/0/%s'

LINK = {
    'type': 'object',
    'required': ['href', 'rel'],
    'properties': {
        'href': {'type': 'string', 'pattern': '^https?://'},
        'rel': {'type': 'string'},
        'type': {'type': 'string'},
        'title': {'type': 'string'},
        },
    }
LINKS = {'type': 'array', 'items': LINK}
LANDING = {
    'type': 'object',
    'required': ['links'],
    'properties': {'title': {'type': 'string'}, 'links': LINKS},
    }
CONFORMANCE = {
    'type': 'object',
    'required': ['conformsTo'],
    'properties': {'conformsTo': {'type': 'array', 'minItems': 1,
            'items': {'type': 'string', 'format': 'uri'}}},
    }
COLLECTION = {
    'type': 'object',
    'required': ['id', 'links', 'crs', 'storageCrs'],
    'properties': {
        'id': {'type': 'string'},
        'title': {'type': 'string'},
        'links': LINKS,
        'itemType': {'const': 'feature'},
        'crs': {'type': 'array', 'minItems': 1, 'items': {'type': 'string'},
            'contains': {'const': CRS84}},
        'storageCrs': {'type': 'string'},
        'extent': {'type': 'object', 'properties': {
                'spatial': {'type': 'object', 'required': ['bbox'],
                    'properties': {'bbox': {'type': 'array', 'minItems': 1,
                            'items': {'type': 'array', 'minItems': 4,
                                'maxItems': 6,
                                'items': {'type': 'number'}}}}},
                'temporal': {'type': 'object', 'required': ['interval'],
                    'properties': {'interval': {'type': 'array', 'items': {
                                'type': 'array', 'minItems': 2,
                                'maxItems': 2}}}},
                }},
        },
    }
COLLECTIONS = {
    'type': 'object',
    'required': ['links', 'collections'],
    'properties': {
        'links': LINKS,
        'collections': {'type': 'array', 'items': COLLECTION},
        },
    }
POSITION = {'type': 'array', 'minItems': 2, 'maxItems': 3,
    'items': {'type': 'number'}}
GEOMETRY = {
    'oneOf': [
        {'type': 'object', 'required': ['type', 'coordinates'],
            'properties': {'type': {'const': 'Point'},
                'coordinates': POSITION}},
        {'type': 'object', 'required': ['type', 'coordinates'],
            'properties': {'type': {'const': 'LineString'},
                'coordinates': {'type': 'array', 'minItems': 2,
                    'items': POSITION}}},
        {'type': 'object', 'required': ['type', 'coordinates'],
            'properties': {'type': {'const': 'Polygon'},
                'coordinates': {'type': 'array', 'items': {
                        'type': 'array', 'minItems': 4,
                        'items': POSITION}}}},
        {'type': 'object', 'required': ['type', 'coordinates'],
            'properties': {'type': {'enum': ['MultiPoint',
                        'MultiLineString', 'MultiPolygon']},
                'coordinates': {'type': 'array'}}},
        ],
    }
FEATURE = {
    'type': 'object',
    'required': ['type', 'geometry', 'properties'],
    'properties': {
        'type': {'const': 'Feature'},
        'id': {'type': ['string', 'integer']},
        'geometry': GEOMETRY,
        'properties': {'type': ['object', 'null']},
        'links': LINKS,
        },
    }
FEATURE_COLLECTION = {
    'type': 'object',
    'required': ['type', 'features', 'links', 'numberMatched',
        'numberReturned', 'timeStamp'],
    'properties': {
        'type': {'const': 'FeatureCollection'},
        'features': {'type': 'array', 'items': FEATURE},
        'links': LINKS,
        'numberMatched': {'type': 'integer', 'minimum': 0},
        'numberReturned': {'type': 'integer', 'minimum': 0},
        'timeStamp': {'type': 'string', 'format': 'date-time'},
        },
    }
ERROR = {
    'type': 'object',
    'required': ['code', 'description'],
    'properties': {'code': {'type': 'string'},
        'description': {'type': 'string', 'minLength': 5}},
    }


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == '$ref':
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


class OGCTestCase(unittest.TestCase):
    "OGC API Features over HTTP (werkzeug test client, no network)"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['mons_carto'], 'fr')
        pool = Pool(DB_NAME)
        with Transaction().start(DB_NAME, 0) as transaction:
            Layer = pool.get('carto.layer')
            User = pool.get('res.user')
            Group = pool.get('res.group')
            ModelData = pool.get('ir.model.data')
            Application = pool.get('res.user.application')
            Session = pool.get('ir.session')
            urbanism = Group(ModelData.get_id('mons_base', 'group_urbanism'))
            public, internal, secret = Layer.create([
                    {'name': 'Points publics', 'code': 'poi', 'public': True,
                        'geometry_type': 'point', 'date_field': 'date',
                        'popup_fields': 'nom,kind'},
                    {'name': 'Chantiers internes', 'code': 'internal',
                        'geometry_type': 'point',
                        'groups': [('add', [urbanism.id])]},
                    {'name': 'Secret', 'code': 'secret',
                        'geometry_type': 'point'},
                    ])
            features = [point(MONS[0] + i * 0.001, MONS[1],
                    nom='poi %s' % i, kind='a' if i % 2 else 'b',
                    date='2026-01-%02d' % (i + 1)) for i in range(25)]
            public.load_file(feature_collection(features), 'poi.geojson')
            internal.load_file(feature_collection([point(*MONS,
                            nom='chantier')]), 'c.geojson')
            secret.load_file(feature_collection([point(*MONS,
                            nom='secret')]), 's.geojson')
            planner, agent = User.create([
                    {'name': 'Urbanisme', 'login': 'urb',
                        'groups': [('add', [urbanism.id])]},
                    {'name': 'Agent', 'login': 'agent'},
                    ])
            keys = Application.create([
                    {'user': planner.id, 'application': 'rest',
                        'state': 'validated'},
                    {'user': agent.id, 'application': 'rest',
                        'state': 'validated'},
                    ])
            cls.planner_key, cls.agent_key = [k.key for k in keys]
            with Transaction().set_user(planner.id):
                key = Session.new()
            cls.planner_session = 'urb:%s:%s' % (planner.id, key)
            cls.internal_fid = internal.features[0].id
            cls.secret_fid = secret.features[0].id
            cls.public_fid = public.features[0].id
            transaction.commit()
        cls.client = Client(app, Response)

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def url(self, path):
        return '/%s/carto/ogc%s' % (DB_NAME, path)

    def get(self, path, headers=None, **query):
        return self.client.get(self.url(path), query_string=query,
            headers=headers or {})

    def get_json(self, path, schema=None, media='application/json',
            **query):
        response = self.get(path, **query)
        self.assertEqual(response.status_code, 200, response.data[:500])
        self.assertEqual(response.mimetype, media)
        document = json.loads(response.data)
        if schema:
            jsonschema.validate(document, schema)
        return response, document

    def assert_error(self, response, status=400):
        self.assertEqual(response.status_code, status, response.data[:300])
        self.assertEqual(response.mimetype, 'application/json')
        jsonschema.validate(json.loads(response.data), ERROR)

    # --- Part 1 Core ----------------------------------------------------

    def test_landing_page(self):
        _, document = self.get_json('/', LANDING)
        rels = {l['rel']: l for l in document['links']}
        for rel in ['self', 'alternate', 'service-desc', 'service-doc',
                'conformance', 'data']:
            self.assertIn(rel, rels)
        self.assertEqual(rels['service-desc']['type'],
            'application/vnd.oai.openapi+json;version=3.0')
        # Every link of the landing page answers
        for rel in ['conformance', 'data', 'service-desc']:
            href = rels[rel]['href'].split('localhost', 1)[-1]
            self.assertEqual(self.client.get(href).status_code, 200, href)

    def test_conformance(self):
        _, document = self.get_json('/conformance', CONFORMANCE)
        base = 'http://www.opengis.net/spec/ogcapi-features-'
        for name in ['1/1.0/conf/core', '1/1.0/conf/geojson',
                '1/1.0/conf/html', '1/1.0/conf/oas30', '2/1.0/conf/crs']:
            self.assertIn(base + name, document['conformsTo'])

    def test_api_self_contained(self):
        from openapi_spec_validator import validate
        response = self.get('/api')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.mimetype,
            'application/vnd.oai.openapi+json')
        document = json.loads(response.data)
        validate(document)
        refs = list(_refs(document))
        self.assertTrue(refs)
        for ref in refs:
            self.assertTrue(ref.startswith('#/'), ref)
        self.assertIn('/collections/{collectionId}/items',
            document['paths'])
        self.assertIn('/collections/poi/items', document['paths'])
        # Internal layers are not described to anonymous visitors
        self.assertNotIn('/collections/internal/items', document['paths'])

    def test_collections(self):
        _, document = self.get_json('/collections', COLLECTIONS)
        ids = [c['id'] for c in document['collections']]
        self.assertEqual(ids, ['poi'])
        collection = document['collections'][0]
        rels = {(l['rel'], l['type']) for l in collection['links']}
        self.assertIn(('items', 'application/geo+json'), rels)
        self.assertIn(('items', 'text/html'), rels)
        self.assertEqual(collection['storageCrs'], CRS84)
        for code in [31370, 3812, 4326]:
            self.assertIn(EPSG % code, collection['crs'])
        minx, miny, maxx, maxy = collection['extent']['spatial']['bbox'][0]
        self.assertAlmostEqual(minx, MONS[0])
        self.assertEqual(collection['extent']['temporal']['interval'][0][0],
            '2026-01-01T00:00:00Z')

    def test_collection(self):
        _, document = self.get_json('/collections/poi', COLLECTION)
        self.assertEqual(document['id'], 'poi')
        self.assert_error(self.get('/collections/nowhere'), 404)

    def test_items_paging(self):
        response, document = self.get_json('/collections/poi/items',
            FEATURE_COLLECTION, media='application/geo+json')
        self.assertEqual(response.headers['Content-Crs'], '<%s>' % CRS84)
        self.assertEqual(document['numberMatched'], 25)
        self.assertEqual(document['numberReturned'], 10)
        self.assertEqual(len(document['features']), 10)
        rels = {l['rel']: l['href'] for l in document['links']}
        self.assertNotIn('prev', rels)
        seen = [f['id'] for f in document['features']]
        # Follow next links to the end
        href = rels['next']
        pages = 1
        while href:
            path = href.split('localhost', 1)[-1]
            response = self.client.get(path)
            self.assertEqual(response.status_code, 200)
            page = json.loads(response.data)
            jsonschema.validate(page, FEATURE_COLLECTION)
            seen += [f['id'] for f in page['features']]
            links = {l['rel']: l['href'] for l in page['links']}
            self.assertIn('prev', links)
            href = links.get('next')
            pages += 1
        self.assertEqual(pages, 3)
        self.assertEqual(len(seen), 25)
        self.assertEqual(len(set(seen)), 25)

    def test_items_limit(self):
        _, document = self.get_json('/collections/poi/items',
            FEATURE_COLLECTION, media='application/geo+json', limit='10000')
        self.assertEqual(document['numberReturned'], 25)
        self.assert_error(self.get('/collections/poi/items', limit='10001'))
        self.assert_error(self.get('/collections/poi/items', limit='0'))
        self.assert_error(self.get('/collections/poi/items', limit='ten'))
        self.assert_error(self.get('/collections/poi/items', offset='-1'))

    def test_items_bbox(self):
        bbox = '%s,%s,%s,%s' % (MONS[0] - 0.0001, MONS[1] - 0.001,
            MONS[0] + 0.0045, MONS[1] + 0.001)
        _, document = self.get_json('/collections/poi/items',
            FEATURE_COLLECTION, media='application/geo+json', bbox=bbox)
        self.assertEqual(document['numberMatched'], 5)
        for feature in document['features']:
            x, y = feature['geometry']['coordinates']
            self.assertTrue(MONS[0] - 0.0001 <= x <= MONS[0] + 0.0045)
        # The same box in Lambert 72
        response, lambert = self.get_json('/collections/poi/items',
            FEATURE_COLLECTION, media='application/geo+json',
            bbox='%s,%s,%s,%s' % (MONS_31370[0] - 5, MONS_31370[1] - 5,
                MONS_31370[0] + 5, MONS_31370[1] + 5),
            **{'bbox-crs': EPSG % 31370})
        self.assertEqual(lambert['numberMatched'], 1)
        for bad in ['1,2,3', 'a,b,c,d', '4,50,3,51', '3,51,4,50',
                '3,50,200,51']:
            self.assert_error(self.get('/collections/poi/items', bbox=bad))
        self.assert_error(self.get('/collections/poi/items', bbox='3,50,4,51',
                **{'bbox-crs': EPSG % 2154}))

    def test_items_crs(self):
        response, document = self.get_json('/collections/poi/items',
            FEATURE_COLLECTION, media='application/geo+json',
            crs=EPSG % 31370, limit='1')
        self.assertEqual(response.headers['Content-Crs'],
            '<%s>' % (EPSG % 31370))
        x, y = document['features'][0]['geometry']['coordinates']
        self.assertAlmostEqual(x, MONS_31370[0], delta=0.01)
        self.assertAlmostEqual(y, MONS_31370[1], delta=0.01)
        # EPSG:4326 is latitude first
        response, document = self.get_json('/collections/poi/items',
            FEATURE_COLLECTION, media='application/geo+json',
            crs=EPSG % 4326, limit='1')
        lat, lon = document['features'][0]['geometry']['coordinates']
        self.assertAlmostEqual(lat, MONS[1])
        self.assertAlmostEqual(lon, MONS[0])
        self.assert_error(self.get('/collections/poi/items',
                crs='EPSG:2154'))

    def test_items_datetime_and_filters(self):
        _, document = self.get_json('/collections/poi/items',
            FEATURE_COLLECTION, media='application/geo+json',
            datetime='2026-01-03')
        self.assertEqual(document['numberMatched'], 1)
        _, document = self.get_json('/collections/poi/items',
            FEATURE_COLLECTION, media='application/geo+json',
            datetime='../2026-01-05T12:00:00Z')
        self.assertEqual(document['numberMatched'], 5)
        _, document = self.get_json('/collections/poi/items',
            FEATURE_COLLECTION, media='application/geo+json',
            datetime='2026-01-20/..', kind='a')
        self.assertEqual(document['numberMatched'], 3)
        self.assert_error(self.get('/collections/poi/items',
                datetime='hier'))
        self.assert_error(self.get('/collections/poi/items',
                datetime='2026-02-01/2026-01-01'))

    def test_items_unknown_parameter(self):
        response = self.get('/collections/poi/items', colour='red')
        self.assert_error(response)
        self.assertIn('colour', json.loads(response.data)['description'])
        self.assert_error(self.get('/collections/poi/items', f='xml'))
        self.assert_error(self.get('/collections/nowhere/items'), 404)

    def test_item(self):
        response, document = self.get_json(
            '/collections/poi/items/%s' % self.public_fid, FEATURE,
            media='application/geo+json')
        self.assertEqual(document['id'], self.public_fid)
        self.assertIn('Content-Crs', response.headers)
        rels = {l['rel'] for l in document['links']}
        self.assertTrue({'self', 'alternate', 'collection'} <= rels)
        self.assert_error(self.get('/collections/poi/items/999999'), 404)
        self.assert_error(self.get('/collections/poi/items/abc'), 404)
        # A feature of another layer is not reachable through this one
        self.assert_error(self.get('/collections/poi/items/%s'
                % self.secret_fid), 404)

    def test_html(self):
        for path in ['/', '/conformance', '/collections', '/collections/poi',
                '/collections/poi/items', '/api',
                '/collections/poi/items/%s' % self.public_fid]:
            response = self.get(path, f='html')
            self.assertEqual(response.status_code, 200, path)
            self.assertEqual(response.mimetype, 'text/html', path)
            self.assertIn(b'<html', response.data)
        response = self.get('/collections/poi/items',
            headers={'Accept': 'text/html,application/xhtml+xml,*/*;q=0.8'})
        self.assertEqual(response.mimetype, 'text/html')
        self.assertIn(b'poi 0', response.data)

    # --- rights ---------------------------------------------------------

    def test_internal_layer_anonymous(self):
        for path in ['/collections/internal', '/collections/internal/items',
                '/collections/internal/items/%s' % self.internal_fid,
                '/collections/secret/items']:
            self.assert_error(self.get(path), 404)
        for path in ['internal.geojson', 'internal.csv']:
            response = self.client.get('/%s/carto/download/%s'
                % (DB_NAME, path))
            self.assertEqual(response.status_code, 404)

    def test_internal_layer_bearer(self):
        headers = {'Authorization': 'bearer %s' % self.planner_key}
        response = self.get('/collections', headers=headers)
        ids = [c['id'] for c in json.loads(response.data)['collections']]
        self.assertEqual(sorted(ids), ['internal', 'poi'])
        response = self.get('/collections/internal/items', headers=headers)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(json.loads(response.data)['numberMatched'], 1)
        self.assert_error(self.get('/collections/secret/items',
                headers=headers), 404)
        # Staff outside the layer's groups
        headers = {'Authorization': 'bearer %s' % self.agent_key}
        self.assert_error(self.get('/collections/internal/items',
                headers=headers), 404)
        # A wrong key is refused, not treated as anonymous
        response = self.get('/collections',
            headers={'Authorization': 'bearer nope'})
        self.assertEqual(response.status_code, 401)

    def test_internal_layer_session(self):
        self.client.set_cookie('tryton_session', self.planner_session,
            path='/%s' % DB_NAME)
        try:
            response = self.get('/collections/internal/items')
            self.assertEqual(response.status_code, 200)
            response = self.client.get('/%s/carto/download/internal.geojson'
                % DB_NAME)
            self.assertEqual(response.status_code, 200)
        finally:
            self.client.delete_cookie('tryton_session', path='/%s' % DB_NAME)
        # A forged session is refused, not treated as anonymous
        self.client.set_cookie('tryton_session', 'urb:1:forged',
            path='/%s' % DB_NAME)
        try:
            self.assert_error(self.get('/collections/internal/items'), 401)
        finally:
            self.client.delete_cookie('tryton_session', path='/%s' % DB_NAME)
        header = base64.b64encode(
            self.planner_session.encode()).decode()
        response = self.get('/collections/internal/items',
            headers={'Authorization': 'Session %s' % header})
        self.assertEqual(response.status_code, 200)

    # --- downloads and viewer data ----------------------------------------

    def test_downloads(self):
        response = self.client.get('/%s/carto/download/poi.geojson' % DB_NAME)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.mimetype, 'application/geo+json')
        document = json.loads(response.data)
        self.assertEqual(len(document['features']), 25)
        response = self.client.get('/%s/carto/download/poi.csv' % DB_NAME)
        self.assertEqual(response.mimetype, 'text/csv')
        rows = list(csv.DictReader(io.StringIO(response.data.decode())))
        self.assertEqual(len(rows), 25)
        self.assertIn('nom', rows[0])
        self.assertTrue(rows[0]['wkt'].startswith('POINT'))

    def test_viewer_data(self):
        base = '/%s/carto/map' % DB_NAME
        document = json.loads(self.client.get(base + '/layers').data)
        self.assertEqual([l['code'] for l in document['layers']], ['poi'])
        self.assertFalse(document['staff'])
        document = json.loads(self.client.get(base + '/layers', headers={
                    'Authorization': 'bearer %s' % self.planner_key}).data)
        self.assertEqual(sorted(l['code'] for l in document['layers']),
            ['internal', 'poi'])
        response = self.client.get(base + '/data/poi',
            query_string={'bbox': '3.9,50.4,4.0,50.5', 'zoom': '14'})
        self.assertEqual(json.loads(response.data)['numberReturned'], 25)
        self.assertEqual(self.client.get(base + '/data/internal').status_code,
            404)
        results = json.loads(self.client.get(base + '/search',
                query_string={'q': 'poi 1'}).data)['results']
        self.assertTrue(results)
        results = json.loads(self.client.get(base + '/search',
                query_string={'q': 'chantier'}).data)['results']
        self.assertEqual(results, [])

    # --- who is asking, and with which rights -------------------------------

    def test_model_layer_reads_as_owner_every_door(self):
        """A public layer on a model shows the anonymous visitor only what
        its owner may read, and only the fields chosen, at every door"""
        pool = Pool(DB_NAME)
        with Transaction().start(DB_NAME, 0) as transaction:
            Layer = pool.get('carto.layer')
            Model = pool.get('ir.model')
            User = pool.get('res.user')
            model, = Model.search([('name', '=', 'carto.feature')])
            agent, = User.search([('login', '=', 'agent')])
            # The agent (no group) reads the features of public layers
            # only: not those of "internal" or "secret"
            reader, = Layer.create([{'name': 'Lecteur', 'code': 'reader',
                        'public': True, 'source': 'model',
                        'model': model.id, 'owner': agent.id,
                        'geometry_field': 'geometry', 'model_fields': 'name',
                        'label_field': 'name', 'geometry_type': 'point'}])
            transaction.commit()
        try:
            _, page = self.get_json('/collections/reader/items',
                FEATURE_COLLECTION, media='application/geo+json', limit=100)
            self.assertEqual(page['numberMatched'], 25)
            names = {f['properties']['name'] for f in page['features']}
            self.assertNotIn('chantier', names)
            self.assertNotIn('secret', names)
            # Only the fields its editor chose are published
            self.assertEqual({k for f in page['features']
                    for k in f['properties']}, {'name'})
            # The owner's rights, not the caller's: the planner sees the
            # internal layer itself but not through this one
            _, page = self.get_json('/collections/reader/items',
                media='application/geo+json', limit=100,
                headers={'Authorization': 'bearer %s' % self.planner_key})
            self.assertEqual(page['numberMatched'], 25)
            self.assertEqual(self.get('/collections/reader/items/%s'
                    % self.public_fid).status_code, 200)
            for fid in [self.secret_fid, self.internal_fid]:
                self.assert_error(self.get(
                        '/collections/reader/items/%s' % fid), 404)
            base = '/%s/carto' % DB_NAME
            for path in ['/download/reader.geojson', '/download/reader.csv',
                    '/map/data/reader?bbox=3.9,50.4,4.0,50.5&zoom=14']:
                response = self.client.get(base + path)
                self.assertEqual(response.status_code, 200, path)
                self.assertIn(b'poi 3', response.data)
                self.assertNotIn(b'secret', response.data)
                self.assertNotIn(b'chantier', response.data)
            for text in ['secret', 'chantier']:
                results = json.loads(self.client.get(base + '/map/search',
                        query_string={'q': text}).data)['results']
                self.assertEqual(results, [], text)
            results = json.loads(self.client.get(base + '/map/search',
                    query_string={'q': 'poi 2'}).data)['results']
            self.assertIn('reader', {r['layer'] for r in results})

            # An owner no longer active: the layer is refused, in French
            with Transaction().start(DB_NAME, 0) as transaction:
                User = pool.get('res.user')
                User.write(User.search([('login', '=', 'agent')]),
                    {'active': False})
                transaction.commit()
            try:
                response = self.get('/collections/reader/items')
                self.assert_error(response, 403)
                self.assertIn('responsable',
                    json.loads(response.data)['description'])
            finally:
                with Transaction().start(DB_NAME, 0) as transaction:
                    User = pool.get('res.user')
                    User.write(User.search([('login', '=', 'agent'),
                                ('active', '=', False)]), {'active': True})
                    transaction.commit()
        finally:
            with Transaction().start(DB_NAME, 0) as transaction:
                Layer = pool.get('carto.layer')
                Layer.delete(Layer.search([('code', '=', 'reader')]))
                transaction.commit()

    def test_wrong_or_inactive_credentials_401_every_door(self):
        "A key or session that is not valid is refused, never anonymous"
        pool = Pool(DB_NAME)
        with Transaction().start(DB_NAME, 0) as transaction:
            User = pool.get('res.user')
            Application = pool.get('res.user.application')
            former, = User.create([{'name': 'Ancien', 'login': 'former',
                        'groups': [('add', [Pool(DB_NAME).get(
                                    'ir.model.data').get_id(
                                    'mons_base', 'group_urbanism')])]}])
            key, = Application.create([{'user': former.id,
                        'application': 'rest', 'state': 'validated'}])
            former_key = key.key
            User.write([former], {'active': False})
            transaction.commit()
        base = '/%s/carto' % DB_NAME
        doors = ['/ogc/collections', '/ogc/collections/poi/items',
            '/ogc/collections/poi/items/%s' % self.public_fid,
            '/ogc/collections/internal/items',
            '/download/poi.geojson', '/download/internal.csv',
            '/map/layers', '/map/data/poi?bbox=3.9,50.4,4.0,50.5',
            '/map/search?q=poi']
        forged = base64.b64encode(b'urb:1:forged').decode()
        for headers in [{'Authorization': 'bearer nope'},
                {'Authorization': 'bearer %s' % former_key},
                {'Authorization': 'Session %s' % forged}]:
            for path in doors:
                response = self.client.get(base + path, headers=headers)
                self.assert_error(response, 401)
                self.assertIn("n'est pas valide",
                    json.loads(response.data)['description'], path)
        # The same doors without credentials: public data, internal unknown
        for path in doors:
            response = self.client.get(base + path)
            self.assertEqual(response.status_code,
                404 if 'internal' in path else 200, path)
