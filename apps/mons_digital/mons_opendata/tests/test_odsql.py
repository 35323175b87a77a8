"""ODSQL as ODWB documents it: the documentation's own kinds of examples
(date, text and geo functions, range grouping, [a..b] ranges, geo_point_2d)
on the toilets dataset."""
import io
import json
import zipfile
from urllib.parse import quote

from trytond.tests.test_tryton import DB_NAME, RouteTestCase

from . import test_routes

BASE = 'api/explore/v2.1/catalog/datasets'


class OdsqlTestCase(RouteTestCase):
    "Test ODSQL functions and the Explore endpoints re-users call"
    module = 'mons_opendata'
    setUpDatabase = test_routes.OpendataRouteTestCase.__dict__[
        'setUpDatabase']

    def get(self, path, **params):
        query = '&'.join('%s=%s' % (k, quote(str(v), safe=''))
            for k, v in params.items())
        return self.client().get('/%s/opendata/%s?%s' % (
                DB_NAME, path, query))

    def names(self, where, **params):
        response = self.get(BASE + '/toilettes/records', where=where,
            select='nom', order_by='nom', **params)
        self.assertEqual(response.status_code, 200, (where, response.json))
        return [r['nom'] for r in response.json['results']]

    def test_date_functions(self):
        # ouverture: 2020-03-01, 2021-06-15, 2019-05-02
        self.assertEqual(self.names('year(ouverture) = 2021'), ['Gare'])
        self.assertEqual(self.names('month(ouverture) >= 5'),
            ['Gare', 'Jemappes centre'])
        self.assertEqual(self.names('day(ouverture) = 1'), ['Grand-Place'])
        self.assertEqual(self.names("date_format(ouverture, 'yyyy-MM') = "
                "'2020-03'"), ['Grand-Place'])
        self.assertEqual(self.names("ouverture >= date'2020'"),
            ['Gare', 'Grand-Place'])
        self.assertEqual(self.names('ouverture < now()'),
            ['Gare', 'Grand-Place', 'Jemappes centre'])
        self.assertEqual(self.names('ouverture > now(years=-100)'),
            ['Gare', 'Grand-Place', 'Jemappes centre'])
        self.assertEqual(self.names("ouverture in [date'2019' .. "
                "date'2020-12-31']"), ['Grand-Place', 'Jemappes centre'])
        grouped = self.get(BASE + '/toilettes/records',
            select='year(ouverture) as annee, count(*) as n',
            group_by='year(ouverture) as annee', order_by='annee').json
        self.assertEqual(grouped['results'], [{'annee': 2019, 'n': 1},
                {'annee': 2020, 'n': 1}, {'annee': 2021, 'n': 1}])
        self.assertEqual(self.get(BASE + '/toilettes/records',
                where='year(nom) = 1').status_code, 400)

    def test_text_functions(self):
        self.assertEqual(self.names("startswith(nom, 'Gra')"),
            ['Grand-Place'])
        self.assertEqual(self.names("upper(nom) = 'GARE'"), ['Gare'])
        self.assertEqual(self.names("lower(section) = 'jemappes'"),
            ['Jemappes centre'])
        self.assertEqual(self.names("not startswith(nom, 'G')"),
            ['Jemappes centre'])
        upper = self.get(BASE + '/toilettes/records',
            select='upper(nom) as nom_maj', where="nom = 'Gare'").json
        self.assertEqual(upper['results'], [{'nom_maj': 'GARE'}])
        # a quote in the text stays text
        self.assertEqual(self.names("startswith(nom, 'x'' or 1=1 --')"), [])

    def test_ranges(self):
        self.assertEqual(self.names('places in [2..3]'),
            ['Gare', 'Grand-Place'])
        self.assertEqual(self.names('places in ]1..3['), ['Grand-Place'])
        self.assertEqual(self.names('places in [1..2['), ['Jemappes centre'])
        self.assertEqual(self.get(BASE + '/toilettes/records',
                where='places in [1..').status_code, 400)
        grouped = self.get(BASE + '/toilettes/records',
            group_by='range(places, 2)', order_by='range(places, 2)').json
        self.assertEqual(grouped['results'], [
                {'range(places, 2)': '[0, 2[', 'count': 1},
                {'range(places, 2)': '[2, 4[', 'count': 2}])
        self.assertEqual(self.get(BASE + '/toilettes/records',
                group_by='range(nom, 2)').status_code, 400)

    def test_geo(self):
        record = self.get(BASE + '/toilettes/records',
            where="nom = 'Grand-Place'").json['results'][0]
        point = record['geo_point_2d']
        self.assertTrue(50.4 < point['lat'] < 50.5, point)
        self.assertTrue(3.9 < point['lon'] < 4.0, point)
        self.assertEqual(record['geo_shape']['geometry']['type'], 'Point')
        dataset = self.get(BASE + '/toilettes').json
        self.assertIn('geo', dataset['features'])
        self.assertIn('geo_point_2d', [f['name'] for f in dataset['fields']])
        lon, lat = point['lon'], point['lat']
        self.assertEqual(self.names("within_distance(geo_point_2d, "
                "geom'POINT(%s %s)', 100m)" % (lon, lat)), ['Grand-Place'])
        self.assertEqual(self.names("within_distance(geo_point_2d, "
                "geom'POINT(%s %s)', 2km)" % (lon, lat)),
            ['Gare', 'Grand-Place'])
        self.assertEqual(len(self.names("within_distance(geo_point_2d, "
                    "geom'POINT(%s %s)', 10km)" % (lon, lat))), 3)
        self.assertEqual(self.names('in_bbox(geo_point_2d, %s, %s, %s, %s)'
                % (lat - 0.001, lon - 0.001, lat + 0.001, lon + 0.001)),
            ['Grand-Place'])
        square = 'POLYGON((%s %s, %s %s, %s %s, %s %s, %s %s))' % (
            lon - .001, lat - .001, lon + .001, lat - .001,
            lon + .001, lat + .001, lon - .001, lat + .001,
            lon - .001, lat - .001)
        self.assertEqual(self.names("intersects(geo_shape, geom'%s')"
                % square), ['Grand-Place'])
        self.assertEqual(self.names("geometry(geo_shape, geom'%s')"
                % square), ['Grand-Place'])
        geojson = json.dumps({'type': 'Polygon', 'coordinates': [[
                        [lon - 1, lat - 1], [lon + 1, lat - 1],
                        [lon + 1, lat + 1], [lon - 1, lat - 1]]]})
        self.assertTrue(self.names("intersects(geo_shape, geom'%s')"
                % geojson))
        for bad in ["within_distance(geo_point_2d, geom'POINT(3 50)', "
                "beaucoup)", "in_bbox(geo_point_2d, 1, 2)",
                "intersects(geo_shape, geom'pas une forme')",
                "within_distance(nom, geom'POINT(3 50)', 1km)"]:
            self.assertEqual(self.get(BASE + '/toilettes/records',
                    where=bad).status_code, 400, bad)

    def test_exports(self):
        listing = self.get(BASE + '/toilettes/exports').json
        formats = {link['rel'] for link in listing['links']}
        self.assertTrue({'csv', 'json', 'jsonl', 'geojson', 'xlsx',
                'parquet', 'shp', 'kml'} <= formats, formats)
        jsonl = self.get(BASE + '/toilettes/exports/jsonl')
        self.assertEqual(jsonl.status_code, 200)
        lines = jsonl.data.decode().strip().split('\n')
        self.assertEqual(len(lines), 3)
        self.assertEqual(json.loads(lines[0])['nom'], 'Grand-Place')
        import pyarrow.parquet as pq
        parquet = self.get(BASE + '/toilettes/exports/parquet',
            where='places >= 2')
        self.assertEqual(parquet.status_code, 200)
        table = pq.read_table(io.BytesIO(parquet.data))
        self.assertEqual(table.num_rows, 2)
        self.assertEqual(str(table.schema.field('places').type), 'int64')
        self.assertEqual(str(table.schema.field('ouverture').type),
            'date32[day]')
        import shapefile
        shp = self.get(BASE + '/toilettes/exports/shp')
        self.assertEqual(shp.status_code, 200)
        archive = zipfile.ZipFile(io.BytesIO(shp.data))
        names = set(archive.namelist())
        self.assertTrue({'toilettes.shp', 'toilettes.shx', 'toilettes.dbf',
                'toilettes.prj'} <= names, names)
        reader = shapefile.Reader(
            shp=io.BytesIO(archive.read('toilettes.shp')),
            shx=io.BytesIO(archive.read('toilettes.shx')),
            dbf=io.BytesIO(archive.read('toilettes.dbf')))
        self.assertEqual(len(reader), 3)
        x, y = reader.shape(0).points[0]
        self.assertTrue(3.9 < x < 4.0 and 50.4 < y < 50.5)
        kml = self.get(BASE + '/toilettes/exports/kml')
        self.assertEqual(kml.status_code, 200)
        self.assertIn(b'<Placemark>', kml.data)
        self.assertEqual(kml.data.count(b'<Placemark>'), 3)
        from openpyxl import load_workbook
        sheet = load_workbook(io.BytesIO(self.get(
                    BASE + '/toilettes/exports/xlsx').data)).active
        header = [c.value for c in sheet[1]]
        value = sheet.cell(row=2, column=header.index('ouverture') + 1).value
        self.assertEqual(value.date().isoformat(), '2020-03-01')
        self.assertEqual(self.get(BASE + '/toilettes/exports/docx'
                ).status_code, 404)

    def test_facets_and_catalogue(self):
        facets = self.get(BASE + '/toilettes/facets').json
        by_name = {f['name']: f for f in facets['facets']}
        section = {v['value']: v['count'] for v in by_name['section'][
                'facets']}
        self.assertEqual(section, {'Mons-centre': 2, 'Jemappes': 1})
        catalog = self.get('api/explore/v2.1/catalog/facets').json
        themes = {f['name'] for f in catalog['facets']}
        self.assertIn('theme', themes)
        exports = self.get('api/explore/v2.1/catalog/exports').json
        self.assertIn('rdf', {link['rel'] for link in exports['links']})
        for fmt in ['json', 'csv', 'rdf', 'ttl', 'jsonld']:
            response = self.get('api/explore/v2.1/catalog/exports/' + fmt)
            self.assertEqual(response.status_code, 200, fmt)
        datasets = 'api/explore/v2.1/catalog/datasets'
        self.assertEqual(self.get(datasets, where='records_count > 2').json[
                'total_count'], 1)
        self.assertEqual(self.get(datasets, where='records_count > 10').json[
                'total_count'], 0)
        self.assertEqual(self.get(datasets, where="startswith(title, "
                "'Toilettes')").json['total_count'], 1)
        selected = self.get(datasets, select='dataset_id, records_count').json
        self.assertEqual(selected['results'], [{'dataset_id': 'toilettes',
                    'records_count': 3}])
        grouped = self.get(datasets, group_by='publisher',
            select='publisher, count(*) as n').json
        self.assertEqual(grouped['results'][0]['n'], 1)
        self.assertEqual(self.get(datasets, where='nope > 1').status_code,
            400)

    def test_errors_are_json(self):
        for path, method in [('api/explore/v2.1/nope', 'GET'),
                (BASE + '/toilettes/records', 'DELETE'),
                ('api/explore/v2.1/catalog/facets', 'POST'),
                ('nope', 'GET')]:
            response = self.client().open('/%s/opendata/%s' % (
                    DB_NAME, path), method=method)
            self.assertIn(response.status_code, {404, 405}, path)
            self.assertTrue(response.content_type.startswith(
                    'application/json'), (path, response.content_type))
