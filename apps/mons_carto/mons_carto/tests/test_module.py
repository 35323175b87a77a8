# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
import io
import json
import os
import tempfile
import zipfile

import numpy as np
import shapely

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.mons_base.tests import (
    DeskViewsTestMixin, FrenchTranslationTestMixin)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from ..exceptions import (
    FeatureValidationError, ImportError_, LayerOwnerError,
    LayerValidationError)

# Grand-Place of Mons in WGS84 and in Belgian Lambert 72 / 2008
MONS = (3.9523, 50.4542)
MONS_31370 = (120426.689, 127122.268)
MONS_3812 = (620431.724, 627119.500)


def feature_collection(features, crs=None):
    document = {'type': 'FeatureCollection', 'features': features}
    if crs:
        document['crs'] = {'type': 'name', 'properties': {'name': crs}}
    return json.dumps(document).encode()


def point(x, y, **properties):
    return {'type': 'Feature', 'properties': properties,
        'geometry': {'type': 'Point', 'coordinates': [x, y]}}


def polygon(ring, **properties):
    return {'type': 'Feature', 'properties': properties,
        'geometry': {'type': 'Polygon', 'coordinates': [ring]}}


def create_layer(**values):
    Layer = Pool().get('carto.layer')
    defaults = {'name': 'Test', 'code': 'test', 'geometry_type': 'point'}
    defaults.update(values)
    layer, = Layer.create([defaults])
    return layer


class MonsCartoTestCase(DeskViewsTestMixin, FrenchTranslationTestMixin,
        CompanyTestMixin, ModuleTestCase):
    "Test mons_carto module"
    module = 'mons_carto'

    @with_transaction()
    def test_import_geojson_lambert72(self):
        "GeoJSON in Lambert 72 is stored in WGS84 with its bbox"
        layer = create_layer(source_crs='EPSG:31370')
        count = layer.load_file(feature_collection([
                    point(*MONS_31370, nom="Grand-Place", kind='place'),
                    point(MONS_31370[0] + 1000, MONS_31370[1],
                        nom="Est", kind='x'),
                    ]), 'points.geojson')
        self.assertEqual(count, 2)
        feature, = [f for f in layer.features if f.name == "Grand-Place"]
        x, y = json.loads(feature.geometry)['coordinates']
        self.assertAlmostEqual(x, MONS[0], places=5)
        self.assertAlmostEqual(y, MONS[1], places=5)
        self.assertEqual((feature.minx, feature.miny), (x, y))
        self.assertEqual(feature.properties['kind'], 'place')
        self.assertIn('kind', layer.property_names)

    @with_transaction()
    def test_import_geojson_declared_crs(self):
        "The crs member of a GeoJSON file overrides the layer CRS"
        layer = create_layer(source_crs='EPSG:4326')
        layer.load_file(feature_collection([point(*MONS_3812)],
                crs='urn:ogc:def:crs:EPSG::3812'), 'points.geojson')
        feature, = layer.features
        self.assertAlmostEqual(feature.minx, MONS[0], places=5)
        self.assertAlmostEqual(feature.miny, MONS[1], places=5)

    @with_transaction()
    def test_import_invalid_geometry_nothing_imported(self):
        "An invalid polygon is reported with its number; nothing imported"
        layer = create_layer(geometry_type='polygon')
        square = [[3.95, 50.45], [3.96, 50.45], [3.96, 50.46],
            [3.95, 50.46], [3.95, 50.45]]
        bowtie = [[3.95, 50.45], [3.96, 50.46], [3.96, 50.45],
            [3.95, 50.46], [3.95, 50.45]]
        with self.assertRaises(ImportError_) as cm:
            layer.load_file(feature_collection([
                        polygon(square, nom="ok"),
                        polygon(bowtie, nom="noeud"),
                        ]), 'zones.geojson')
        self.assertIn('Feature 2', cm.exception.description)
        self.assertIn('Self-intersection', cm.exception.description)
        self.assertEqual(len(layer.features), 0)

    @with_transaction()
    def test_import_wrong_geometry_type(self):
        "Lines are refused in a point layer"
        layer = create_layer(geometry_type='point')
        line = {'type': 'Feature', 'properties': {}, 'geometry': {
                'type': 'LineString',
                'coordinates': [[3.95, 50.45], [3.96, 50.46]]}}
        with self.assertRaises(ImportError_) as cm:
            layer.load_file(feature_collection([point(*MONS), line]),
                'x.geojson')
        self.assertIn('Feature 2', cm.exception.description)
        self.assertEqual(len(layer.features), 0)

    @with_transaction()
    def test_import_unknown_crs(self):
        "A file in a CRS outside the suite's list is refused"
        layer = create_layer()
        with self.assertRaises(ImportError_) as cm:
            layer.load_file(feature_collection([point(*MONS)],
                    crs='urn:ogc:def:crs:EPSG::2154'), 'x.geojson')
        self.assertIn('EPSG::2154', cm.exception.message)
        self.assertEqual(len(layer.features), 0)

    @with_transaction()
    def test_import_coordinates_not_in_crs(self):
        "Lambert coordinates declared as WGS84 are refused"
        layer = create_layer(source_crs='EPSG:4326')
        with self.assertRaises(ImportError_) as cm:
            layer.load_file(feature_collection([point(*MONS),
                        point(*MONS_31370)]), 'x.geojson')
        # The feature is named, with the CRS and its range
        self.assertIn('Feature 2', cm.exception.description)
        self.assertIn('EPSG:4326', cm.exception.description)
        self.assertEqual(len(layer.features), 0)

    @with_transaction()
    def test_import_degrees_in_lambert_layer_refused_with_line(self):
        """WGS84 degrees in a layer declared Lambert 72 would land a few
        metres from the Lambert origin, in France: refused, line named"""
        layer = create_layer(source_crs='EPSG:31370')
        data = ('nom;x;y\n'
            'Grand-Place;%s;%s\n'
            'Beffroi;3,9490;50,4540\n'
            'Gare;%s;%s\n') % (*MONS_31370, MONS_31370[0] - 700,
                MONS_31370[1])
        with self.assertRaises(ImportError_) as cm:
            layer.load_file(data.encode('utf-8'), 'poi.csv')
        description = cm.exception.description
        self.assertIn('Line 3', description)
        self.assertNotIn('Line 2', description)
        self.assertNotIn('Line 4', description)
        self.assertIn('3.949', description)
        self.assertIn('EPSG:31370', description)
        self.assertIn('EPSG:4326', description)
        self.assertEqual(len(layer.features), 0)
        # The same file in a GeoJSON names the feature
        with self.assertRaises(ImportError_) as cm:
            layer.load_file(feature_collection([point(*MONS_31370),
                        point(*MONS)]), 'x.geojson')
        self.assertIn('Feature 2', cm.exception.description)
        self.assertEqual(len(layer.features), 0)
        # Lambert 2008 has its own area
        layer = create_layer(code='l08', source_crs='EPSG:3812')
        with self.assertRaises(ImportError_):
            layer.load_file(feature_collection([point(*MONS_31370)]),
                'x.geojson')
        self.assertEqual(layer.load_file(feature_collection(
                    [point(*MONS_3812)]), 'x.geojson'), 1)

    @with_transaction()
    def test_property_labels(self):
        "Labels of the properties: name = label lines, checked"
        layer = create_layer(field_labels='nom = Nom du lieu\n\n'
            'kind: Genre')
        self.assertEqual(layer.property_labels(),
            {'nom': 'Nom du lieu', 'kind': 'Genre'})
        with self.assertRaises(LayerValidationError):
            create_layer(code='autre', field_labels='nom Nom')

    @with_transaction()
    def test_import_csv(self):
        "CSV with ; delimiter, decimal commas and guessed columns"
        layer = create_layer()
        data = ('nom;latitude;longitude\n'
            '"Beffroi";50,4540;3,9490\n'
            '"Gare";50,4531;3,9420\n').encode('utf-8')
        self.assertEqual(layer.load_file(data, 'poi.csv'), 2)
        names = sorted(f.name for f in layer.features)
        self.assertEqual(names, ['Beffroi', 'Gare'])
        feature = [f for f in layer.features if f.name == 'Beffroi'][0]
        self.assertEqual(feature.minx, 3.949)

    @with_transaction()
    def test_import_csv_text_coordinates(self):
        "CSV coordinate columns holding text: line and value are named"
        layer = create_layer(source_crs='EPSG:31370')
        data = ('id,x,y\n1,120426.7,127122.3\n2,abc,127122.3\n'
            '3,120000,\n').encode('utf-8')
        with self.assertRaises(ImportError_) as cm:
            layer.load_file(data, 'poi.csv')
        description = cm.exception.description
        self.assertIn('Line 3', description)
        self.assertIn('abc', description)
        self.assertIn('Line 4', description)
        self.assertEqual(len(layer.features), 0)

    @with_transaction()
    def test_import_csv_missing_column(self):
        layer = create_layer()
        with self.assertRaises(ImportError_) as cm:
            layer.load_file(b'nom,adresse\nA,B\n', 'poi.csv')
        self.assertIn('adresse', cm.exception.message)

    @with_transaction()
    def test_import_geopackage_and_shapefile(self):
        "GeoPackage and zipped Shapefile through pyogrio, CRS read"
        import pyogrio.raw
        layer = create_layer(code='gpkg')
        geometries = shapely.points([MONS_31370, (121000, 127500)])
        fields = [np.array(['Grand-Place', 'Nord'], dtype=object)]
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, 'poi.gpkg')
            pyogrio.raw.write(path, shapely.to_wkb(geometries), fields,
                fields=['nom'], geometry_type='Point', crs='EPSG:31370',
                driver='GPKG')
            with open(path, 'rb') as file:
                gpkg = file.read()
            shp_dir = os.path.join(directory, 'shp')
            os.mkdir(shp_dir)
            pyogrio.raw.write(os.path.join(shp_dir, 'poi.shp'),
                shapely.to_wkb(geometries), fields, fields=['nom'],
                geometry_type='Point', crs='EPSG:31370',
                driver='ESRI Shapefile')
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, 'w') as archive:
                for name in os.listdir(shp_dir):
                    archive.write(os.path.join(shp_dir, name), name)
        self.assertEqual(layer.load_file(gpkg, 'poi.gpkg'), 2)
        feature, = [f for f in layer.features if f.name == 'Grand-Place']
        self.assertAlmostEqual(feature.minx, MONS[0], places=5)

        layer2 = create_layer(code='shp')
        self.assertEqual(layer2.load_file(buffer.getvalue(), 'poi.zip'), 2)
        feature, = [f for f in layer2.features if f.name == 'Grand-Place']
        self.assertAlmostEqual(feature.miny, MONS[1], places=5)

        with self.assertRaises(ImportError_):
            layer2.load_file(b'not a zip', 'poi.zip')

    @with_transaction()
    def test_import_replace(self):
        layer = create_layer()
        layer.load_file(feature_collection([point(*MONS)]), 'a.geojson')
        layer.load_file(feature_collection([point(*MONS), point(*MONS)]),
            'a.geojson', replace=True)
        self.assertEqual(layer.feature_count, 2)

    @with_transaction()
    def test_feature_create_computes_bbox(self):
        "A feature created through the ORM (REST API) gets its bbox"
        pool = Pool()
        Feature = pool.get('carto.feature')
        layer = create_layer(geometry_type='line')
        feature, = Feature.create([{
                    'layer': layer.id,
                    'geometry': json.dumps({'type': 'LineString',
                            'coordinates': [[3.9, 50.4], [3.95, 50.5]]}),
                    'properties': {'rue': 'Rue de Nimy'},
                    }])
        self.assertEqual((feature.minx, feature.miny, feature.maxx,
                feature.maxy), (3.9, 50.4, 3.95, 50.5))
        # The desk form shows the schema-less properties as JSON text
        self.assertEqual(json.loads(feature.properties_text),
            {'rue': 'Rue de Nimy'})
        self.assertIn('\n', feature.properties_text)
        layer = layer.__class__(layer.id)
        self.assertAlmostEqual(layer.max_width, 0.05)
        with self.assertRaises(FeatureValidationError):
            Feature.create([{'layer': layer.id, 'geometry': json.dumps({
                            'type': 'Point',
                            'coordinates': list(MONS_31370)})}])
        with self.assertRaises(FeatureValidationError):
            Feature.write([feature], {'geometry': '{"type": "Polygon"'})

    @with_transaction()
    def test_bbox_query(self):
        "The bbox, date and property filters select the right features"
        layer = create_layer(date_field='date')
        layer.load_file(feature_collection([
                    point(3.95, 50.45, nom='a', date='2026-01-10', n=1),
                    point(3.99, 50.47, nom='b', date='2026-03-01', n=2),
                    point(4.20, 50.60, nom='c', n=2),
                    ]), 'a.geojson')
        matched, rows = layer.query_features(bbox=(3.9, 50.4, 4.0, 50.5))
        self.assertEqual(matched, 2)
        matched, rows = layer.query_features(
            interval=(None, __import__('datetime').date(2026, 2, 1)))
        self.assertEqual(matched, 1)
        matched, _ = layer.query_features(filters={'n': '2'})
        self.assertEqual(matched, 2)
        matched, _ = layer.query_features(filters={'nom': 'c'})
        self.assertEqual(matched, 1)
        matched, rows = layer.query_features(offset=1, limit=1)
        self.assertEqual((matched, len(rows)), (3, 1))

    @with_transaction()
    def test_model_layer(self):
        "A layer reading mons.section live from its coordinates"
        pool = Pool()
        Section = pool.get('mons.section')
        Model = pool.get('ir.model')
        Section.create([
                {'name': 'Mons', 'code': 'MONS', 'postal_code': '7000',
                    'latitude': 50.4542, 'longitude': 3.9523},
                {'name': 'Nimy', 'code': 'NIMY', 'postal_code': '7020',
                    'latitude': 50.4736, 'longitude': 3.9531},
                ])
        model, = Model.search([('name', '=', 'mons.section')])
        layer = create_layer(source='model', model=model.id,
            longitude_field='longitude', latitude_field='latitude',
            model_fields='name,postal_code', label_field='name')
        matched, rows = layer.query_features(bbox=(3.9, 50.44, 4.0, 50.46))
        self.assertEqual(matched, 1)
        self.assertEqual(rows[0][2]['postal_code'], '7000')
        Section.create([{'name': 'Jemappes', 'code': 'JEM',
                    'postal_code': '7012', 'latitude': 50.452,
                    'longitude': 3.89}])
        matched, _ = layer.query_features(filters={'postal_code': '7012'})
        self.assertEqual(matched, 1)
        with self.assertRaises(LayerValidationError):
            create_layer(code='bad', source='model', model=model.id,
                longitude_field='nowhere', latitude_field='latitude')

    @with_transaction()
    def test_layer_code_and_colour(self):
        with self.assertRaises(LayerValidationError):
            create_layer(code='Pas Bon')
        with self.assertRaises(LayerValidationError):
            create_layer(code='ok', colour='red')

    @with_transaction()
    def test_rights(self):
        "Internal layers only for their groups; only GIS editors write"
        pool = Pool()
        User = pool.get('res.user')
        Group = pool.get('res.group')
        Layer = pool.get('carto.layer')
        Feature = pool.get('carto.feature')
        ModelData = pool.get('ir.model.data')
        urbanism = Group(ModelData.get_id('mons_base', 'group_urbanism'))
        editor = Group(ModelData.get_id('mons_base', 'group_gis_editor'))
        public = create_layer(code='public', public=True)
        internal = create_layer(code='internal', groups=[('add', [urbanism.id])])
        secret = create_layer(code='secret')
        for layer in [public, internal, secret]:
            layer.load_file(feature_collection([point(*MONS)]), 'a.geojson')
        agent, planner, gis = User.create([
                {'name': 'Agent', 'login': 'agent'},
                {'name': 'Urbanisme', 'login': 'urb',
                    'groups': [('add', [urbanism.id])]},
                {'name': 'SIG', 'login': 'sig',
                    'groups': [('add', [editor.id])]},
                ])

        def codes(user):
            with Transaction().set_user(user.id), \
                    Transaction().set_context(_check_access=True):
                layers = Layer.search([])
                features = Feature.search([])
                return (sorted(l.code for l in layers),
                    sorted(f.layer.code for f in features))
        self.assertEqual(codes(agent), (['public'], ['public']))
        self.assertEqual(codes(planner),
            (['internal', 'public'], ['internal', 'public']))
        self.assertEqual(codes(gis)[0], ['internal', 'public', 'secret'])
        # The anonymous visitor of the routes reads the public layer only
        from trytond.modules.mons_base.caller import (
            acting_as, anonymous_user_id)
        with acting_as(pool, anonymous_user_id(pool)):
            self.assertEqual([l.code for l in Layer.search([])], ['public'])
            self.assertEqual({f.layer.code for f in Feature.search([])},
                {'public'})

        with Transaction().set_user(planner.id), \
                Transaction().set_context(_check_access=True):
            with self.assertRaises(AccessError):
                Layer.create([{'name': 'X', 'code': 'x',
                            'geometry_type': 'point'}])
            with self.assertRaises(AccessError):
                Layer.write([Layer(internal.id)], {'public': True})
            with self.assertRaises(AccessError):
                Feature.delete(Feature.search([]))
            # Reading a secret feature by id is refused too
            with self.assertRaises(AccessError):
                Feature.read([secret.features[0].id], ['geometry'])
        with Transaction().set_user(gis.id), \
                Transaction().set_context(_check_access=True):
            layer, = Layer.create([{'name': 'Y', 'code': 'y',
                        'geometry_type': 'point'}])
            Layer.write([layer], {'public': True})

    def _model(self, name):
        Model = Pool().get('ir.model')
        model, = Model.search([('name', '=', name)])
        return model

    def _users(self):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        editor = ModelData.get_id('mons_base', 'group_gis_editor')
        admin = ModelData.get_id('mons_carto', 'group_gis_admin')
        return User.create([
                {'name': 'Agent', 'login': 'agent'},
                {'name': 'SIG', 'login': 'sig',
                    'groups': [('add', [editor])]},
                {'name': 'Admin SIG', 'login': 'sigadmin',
                    'groups': [('add', [editor, admin])]},
                ])

    @with_transaction()
    def test_model_layer_forbidden_models(self):
        "Secrets and framework internals are neither offered nor accepted"
        pool = Pool()
        Layer = pool.get('carto.layer')
        Model = pool.get('ir.model')
        from trytond.pyson import PYSONDecoder
        forbidden = ['res.user.application', 'res.user', 'ir.model',
            'ir.session', 'res.user-res.group', 'res.group',
            'ir.model.access']
        domain = PYSONDecoder().decode(
            Layer.fields_get(['model'])['model']['domain'])
        offered = {m.name for m in Model.search(domain)}
        self.assertIn('mons.section', offered)
        self.assertFalse(offered & set(forbidden))
        for index, name in enumerate(forbidden):
            with self.assertRaises(LayerValidationError) as context:
                create_layer(code='m%s' % index, source='model',
                    model=self._model(name).id, owner=1,
                    longitude_field='id', latitude_field='id',
                    model_fields='create_uid')
            self.assertIn(name, context.exception.message)

    @with_transaction()
    def test_model_layer_owner(self):
        "A model layer reads as its owner, who only GIS admins change"
        pool = Pool()
        Layer = pool.get('carto.layer')
        Feature = pool.get('carto.feature')
        User = pool.get('res.user')
        transaction = Transaction()
        public = create_layer(code='public', public=True)
        secret = create_layer(code='secret')
        public.load_file(feature_collection([point(*MONS, nom='vu')]),
            'a.geojson')
        secret.load_file(feature_collection([point(*MONS, nom='caché')]),
            'b.geojson')
        agent, gis, gis_admin = self._users()
        values = {'name': 'Lecteur', 'code': 'reader', 'public': True,
            'source': 'model', 'model': self._model('carto.feature').id,
            'geometry_field': 'geometry', 'model_fields': 'name',
            'label_field': 'name', 'geometry_type': 'point'}
        with transaction.set_user(gis.id), \
                transaction.set_context(_check_access=True):
            # Another owner than oneself is a GIS administrator's choice
            with self.assertRaises(AccessError):
                Layer.create([dict(values, owner=agent.id)])
            reader, = Layer.create([values])
            self.assertEqual(reader.owner, gis)
            with self.assertRaises(AccessError):
                Layer.write([reader], {'owner': agent.id})
            # The GIS editor sees every layer: the layer does too
            _, rows = reader.query_features(limit=None)
            self.assertEqual({r[2]['name'] for r in rows}, {'vu', 'caché'})
        with transaction.set_user(gis_admin.id), \
                transaction.set_context(_check_access=True):
            Layer.write([Layer(reader.id)], {'owner': agent.id})
        reader = Layer(reader.id)
        # Now it reads with the agent's rights, whoever asks, even root
        _, rows = reader.query_features(limit=None)
        self.assertEqual([r[2] for r in rows], [{'name': 'vu'}])
        matched, rows = reader.query_features(
            ids=[f.id for f in Feature.search([])])
        self.assertEqual(matched, 1)
        self.assertEqual(reader.model_search_ids('cach'), [])
        # A text that is not a geometry is left out, not copied as it is
        Layer.write([reader], {'geometry_field': 'name'})
        self.assertEqual(Layer(reader.id).query_features(), (1, []))
        Layer.write([reader], {'geometry_field': 'geometry'})
        # An owner who may not read a published field is refused at once
        with self.assertRaises(LayerValidationError):
            Layer.write([reader], {
                    'model': self._model('carto.layer.import').id,
                    'geometry_field': 'filename', 'model_fields': 'errors',
                    'label_field': None})
        # An owner who left reads nothing any more
        User.write([agent], {'active': False})
        reader = Layer(reader.id)
        with self.assertRaises(LayerOwnerError):
            reader.query_features()

    @with_transaction()
    def test_layer_computed_fields(self):
        "Statistics of the features and groups: not a user's to set"
        pool = Pool()
        Layer = pool.get('carto.layer')
        Feature = pool.get('carto.feature')
        ModelData = pool.get('ir.model.data')
        _, gis, _ = self._users()
        public_group = ModelData.get_id('mons_base', 'group_public')
        with Transaction().set_user(gis.id), \
                Transaction().set_context(_check_access=True):
            layer, = Layer.create([{'name': 'L', 'code': 'l',
                        'geometry_type': 'point', 'max_width': 99,
                        'property_names': 'faux'}])
            self.assertEqual((layer.max_width, layer.property_names),
                (0, None))
            for values in [{'max_width': 5}, {'property_names': 'x'},
                    {'max_height': 1}]:
                with self.assertRaises(AccessError):
                    Layer.write([layer], values)
            feature, = Feature.create([{'layer': layer.id,
                        'geometry': {'type': 'Point', 'coordinates': MONS},
                        'properties': {'nom': 'a'}, 'minx': 50}])
            self.assertEqual(feature.minx, MONS[0])
            self.assertEqual(Layer(layer.id).property_names, 'nom')
            Feature.write([feature], {'maxx': 0})
            self.assertEqual(Feature(feature.id).maxx, MONS[0])
            # "Public" is the tick, not the anonymous visitors' group
            with self.assertRaises(LayerValidationError):
                Layer.write([layer], {'groups': [('add', [public_group])]})

    @with_transaction()
    def test_demo(self):
        "Demo data loads, is valid and idempotent"
        import random
        from ..demo import LOAD_POINTS, load_demo
        pool = Pool()
        Layer = pool.get('carto.layer')
        Feature = pool.get('carto.feature')
        load_demo(random.Random(42))
        layers = {l.code: l for l in Layer.search([])}
        self.assertEqual(set(layers), {'sections', 'poi', 'chantiers',
                'eclairage', 'sections-centres', 'adresses'})
        # The viewer searches the demo addresses
        Configuration = pool.get('carto.configuration')
        self.assertEqual(Configuration(1).address_layer, layers['adresses'])
        self.assertEqual(layers['sections'].feature_count, 19)
        self.assertEqual(layers['eclairage'].feature_count, LOAD_POINTS)
        count = Feature.search([], count=True)
        load_demo(random.Random(42))
        self.assertEqual(Feature.search([], count=True), count)
        self.assertEqual(Layer.search([], count=True), 6)
        # Sections do not overlap and cover Mons
        sections = [shapely.from_geojson(f.geometry)
            for f in layers['sections'].features]
        union = shapely.union_all(sections)
        self.assertAlmostEqual(union.area, sum(s.area for s in sections))
        self.assertTrue(union.contains(shapely.Point(*MONS)))


del ModuleTestCase
