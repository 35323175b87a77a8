"""Explore v2.1 / ODSQL on the demo site as ODWB's documentation writes
its queries: date, text and geo functions, [a..b] ranges, range() groups,
geo_point_2d, facets, the exports listing and every export format, the
catalogue queried on its metadata, JSON errors."""
import io
import json
import zipfile

import pytest

from test_opendata_http import get

BASE = 'api/explore/v2.1/catalog'
# the Grand-Place of Mons
GRAND_PLACE = (3.9519, 50.4542)


def explore(site, path, **params):
    from urllib.parse import urlencode
    status, headers, body = get(site, f'{BASE}/{path}?{urlencode(params)}')
    return status, headers, body


def results(site, path, **params):
    status, _, body = explore(site, path, **params)
    assert status == 200, (params, body[:300])
    return json.loads(body)


def test_documented_where_functions(site):
    records = 'datasets/chantiers-voirie/records'
    everything = results(site, records, limit=100)['total_count']
    assert everything > 0
    # year(), date_format(), ranges of dates, now()
    by_year = results(site, records, select='year(debut) as annee, '
        'count(*) as n', group_by='year(debut) as annee',
        order_by='annee')['results']
    assert sum(r['n'] for r in by_year) == everything
    year = by_year[0]['annee']
    assert results(site, records, where=f'year(debut) = {year}')[
        'total_count'] == by_year[0]['n']
    assert results(site, records, where=f"debut in [date'{year}' .. "
        f"date'{year}-12-31']")['total_count'] == by_year[0]['n']
    assert results(site, records, where=f"date_format(debut, 'yyyy') = "
        f"'{year}'")['total_count'] == by_year[0]['n']
    assert results(site, records, where='debut <= now(years=10)')[
        'total_count'] == everything
    # startswith, upper, lower
    first = results(site, records, limit=1, order_by='rue')['results'][0]
    prefix = first['rue'][:4]
    assert results(site, records, where=f"startswith(rue, '{prefix}')")[
        'total_count'] >= 1
    assert results(site, records, where=f"upper(rue) = "
        f"'{first['rue'].upper()}'")['total_count'] >= 1
    assert results(site, records, where=f"lower(reference) = "
        f"'{first['reference'].lower()}'")['total_count'] == 1


def test_geo_functions_and_fields(site):
    info = results(site, 'datasets/parkings')
    assert 'geo' in info['features']
    assert {'geo_point_2d', 'geo_shape'} <= {f['name'] for f in
        info['fields']}
    records = 'datasets/parkings/records'
    rows = results(site, records, limit=100)['results']
    assert all(50.3 < r['geo_point_2d']['lat'] < 50.6 for r in rows)
    lon, lat = GRAND_PLACE
    near = results(site, records, where=f"within_distance(geo_point_2d, "
        f"geom'POINT({lon} {lat})', 1km)")['total_count']
    far = results(site, records, where=f"within_distance(geo_point_2d, "
        f"geom'POINT({lon} {lat})', 50km)")['total_count']
    assert 0 < near <= far == len(rows)
    assert results(site, records, where='in_bbox(geo_point_2d, 50.3, 3.7, '
        '50.6, 4.2)')['total_count'] == len(rows)
    assert results(site, records, where='in_bbox(geo_point_2d, 0, 0, 1, '
        '1)')['total_count'] == 0
    square = (f'POLYGON(({lon - .02} {lat - .02}, {lon + .02} {lat - .02}, '
        f'{lon + .02} {lat + .02}, {lon - .02} {lat + .02}, '
        f'{lon - .02} {lat - .02}))')
    inside = results(site, records, where=f"intersects(geo_shape, "
        f"geom'{square}')")['total_count']
    assert inside == results(site, records, where=f"geometry(geo_shape, "
        f"geom'{square}')")['total_count']
    assert inside == results(site, records, where=f"in_bbox(geo_point_2d, "
        f"{lat - .02}, {lon - .02}, {lat + .02}, {lon + .02})")[
        'total_count']
    grouped = results(site, records, group_by='range(capacite, 100)',
        order_by='range(capacite, 100)')['results']
    assert grouped and grouped[0]['range(capacite, 100)'].startswith('[')
    assert sum(g['count'] for g in grouped) == len(rows)
    assert results(site, records, where='capacite in [0..100000]')[
        'total_count'] == len(rows)


def test_exports(site):
    listing = results(site, 'datasets/parkings/exports')
    formats = {link['rel'] for link in listing['links']}
    assert {'csv', 'json', 'jsonl', 'geojson', 'xlsx', 'parquet', 'shp',
        'kml'} <= formats
    for fmt in formats - {'self'}:
        status, headers, body = explore(site, f'datasets/parkings/exports/'
            f'{fmt}')
        assert status == 200, fmt
        assert body, fmt
    pq = pytest.importorskip('pyarrow.parquet')
    table = pq.read_table(io.BytesIO(explore(site,
                'datasets/chantiers-voirie/exports/parquet')[2]))
    assert str(table.schema.field('debut').type) == 'date32[day]'
    archive = zipfile.ZipFile(io.BytesIO(explore(site,
                'datasets/parkings/exports/shp')[2]))
    assert {'parkings.shp', 'parkings.dbf', 'parkings.shx',
        'parkings.prj'} <= set(archive.namelist())
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(explore(site,
                'datasets/chantiers-voirie/exports/xlsx')[2])).active
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index('debut') + 1)
    assert cell.is_date
    assert explore(site, 'datasets/parkings/exports/docx')[0] == 404


def test_catalogue_queries_and_facets(site):
    everything = results(site, 'datasets', limit=100)
    big = [d for d in everything['results']
        if d['metas']['default']['records_count'] > 10]
    assert results(site, 'datasets', where='records_count > 10')[
        'total_count'] == len(big) > 0
    picked = results(site, 'datasets', select='dataset_id, records_count',
        order_by='records_count desc', limit=3)['results']
    assert set(picked[0]) == {'dataset_id', 'records_count'}
    counts = [p['records_count'] for p in picked]
    assert counts == sorted(counts, reverse=True)
    grouped = results(site, 'datasets', group_by='publisher',
        select='publisher, count(*) as n')['results']
    assert sum(g['n'] for g in grouped) == everything['total_count']
    facets = results(site, 'facets')
    assert {'theme', 'keyword', 'publisher'} <= {f['name'] for f in
        facets['facets']}
    dataset_facets = results(site, 'datasets/parkings/facets')
    assert 'section' in {f['name'] for f in dataset_facets['facets']}
    assert results(site, 'exports')['links']
    status, headers, _ = explore(site, 'exports/rdf')
    assert status == 200 and 'rdf+xml' in headers['Content-Type']


def test_errors_are_json(site):
    for path in ['nope', 'datasets/nope/records', 'datasets/parkings/nope']:
        status, headers, _ = explore(site, path)
        assert status == 404, path
        assert headers['Content-Type'].startswith('application/json'), path
    status, headers, body = explore(site, 'datasets/parkings/records',
        where="within_distance(geo_point_2d, geom'POINT(3 50)', loin)")
    assert status == 400 and json.loads(body)['message']
