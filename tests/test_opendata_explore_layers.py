"""The public map layers of the demo site in the Explore v2.1 catalogue, as
an ODWB-style client reads them: every OGC collection the anonymous visitor
sees is a dataset `layer-<code>` with `features: ["geo"]`, geo_point_2d and
geo_shape, records and exports; the internal street-light layer is reached
by no id, not even with the key of staff who see it on the map."""
import json
from urllib.parse import urlencode

import pytest

from test_opendata_http import get

BASE = 'api/explore/v2.1/catalog'


def explore(site, path, auth=None, **params):
    return get(site, f'{BASE}/{path}?{urlencode(params)}', auth=auth)


def results(site, path, auth=None, **params):
    status, _, body = explore(site, path, auth=auth, **params)
    assert status == 200, (path, params, body[:300])
    return json.loads(body)


def collections(site, auth=None):
    import urllib.request
    request = urllib.request.Request(
        f'{site.url}/{site.db}/carto/ogc/collections?f=json',
        headers={'Authorization': auth} if auth else {})
    with urllib.request.urlopen(request, timeout=120) as response:
        return {c['id'] for c in json.loads(response.read())['collections']}


def ogc_count(site, code):
    import urllib.request
    with urllib.request.urlopen(f'{site.url}/{site.db}/carto/ogc/collections/'
            f'{code}/items?limit=1&f=json', timeout=120) as response:
        return json.loads(response.read())['numberMatched']


def test_every_public_layer_is_a_geo_dataset(site):
    public = collections(site)
    assert {'sections', 'poi', 'chantiers'} <= public
    catalogue = results(site, 'datasets', limit=100)['results']
    layers = {d['dataset_id'][len('layer-'):]: d for d in catalogue
        if d['dataset_id'].startswith('layer-')}
    assert set(layers) == public
    for code, dataset in layers.items():
        assert 'geo' in dataset['features'], code
        types = {f['name']: f['type'] for f in dataset['fields']}
        assert types['geo_point_2d'] == 'geo_point_2d'
        assert types['geo_shape'] == 'geo_shape'
        assert dataset['metas']['default']['records_count'] == ogc_count(
            site, code), code
    # the datasets are still there, before the layers
    assert 'parkings' in {d['dataset_id'] for d in catalogue}


def test_internal_layer_reached_by_no_id(site):
    staff = f'bearer {site.api_key("urbanisme")}'
    # the urbanism office sees the street lights on the map...
    assert 'eclairage' in collections(site, staff)
    for auth in [None, staff]:
        ids = {d['dataset_id'] for d in results(site, 'datasets',
                auth=auth, limit=100)['results']}
        assert 'layer-eclairage' not in ids
        # ...but they are no open data: no door of Explore names them
        for path in ['datasets/layer-eclairage',
                'datasets/layer-eclairage/records',
                'datasets/layer-eclairage/exports/geojson',
                'datasets/layer-eclairage/exports/csv',
                'datasets/layer-eclairage/facets', 'datasets/eclairage']:
            status, headers, body = explore(site, path, auth=auth)
            assert status == 404, (path, auth)
            assert headers['Content-Type'].startswith('application/json')
            assert b'PL-0' not in body
        status, _, body = explore(site, 'exports/csv', auth=auth)
        assert status == 200 and b'eclairage' not in body
        status, _, body = explore(site, 'datasets', auth=auth,
            where='dataset_id = "layer-eclairage"')
        assert json.loads(body)['total_count'] == 0


def test_polygon_layer_records_and_geojson_export(site):
    total = ogc_count(site, 'sections')
    data = results(site, 'datasets/layer-sections/records', limit=100,
        order_by='nom')
    assert data['total_count'] == total
    mons = [r for r in data['results'] if r['nom'] == 'Mons'][0]
    assert mons['geo_shape']['geometry']['type'] in {'Polygon',
        'MultiPolygon'}
    point = mons['geo_point_2d']
    assert 3.8 < point['lon'] < 4.1 and 50.3 < point['lat'] < 50.6
    # ODSQL's geo functions on the representative point
    near = results(site, 'datasets/layer-sections/records',
        where=f"within_distance(geo_point_2d, geom'POINT({point['lon']} "
        f"{point['lat']})', 100m)", select='nom')['results']
    assert {'nom': 'Mons'} in near
    status, headers, body = explore(site,
        'datasets/layer-sections/exports/geojson')
    assert status == 200
    assert headers['Content-Type'].startswith('application/geo+json')
    collection = json.loads(body)
    assert len(collection['features']) == total
    assert {f['geometry']['type'] for f in collection['features']} <= {
        'Polygon', 'MultiPolygon'}
    for fmt in ['csv', 'json', 'jsonl', 'xlsx', 'parquet']:
        status, _, body = explore(site,
            f'datasets/layer-sections/exports/{fmt}')
        assert status == 200 and body, fmt


@pytest.mark.parametrize('code', ['poi', 'chantiers', 'sections-centres'])
def test_point_and_model_layers_queried(site, code):
    total = ogc_count(site, code)
    data = results(site, f'datasets/layer-{code}/records', limit=100)
    assert data['total_count'] == total
    assert all(r['geo_point_2d'] for r in data['results'])
    status, _, body = explore(site, f'datasets/layer-{code}/exports/geojson')
    assert status == 200
    assert len(json.loads(body)['features']) == total
