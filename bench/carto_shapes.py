"""Benchmark: the map viewer on a layer of 50,000 polygons — what
/carto/map/data answers for the view of a 1280 x 800 px screen over Mons at
each zoom: response time, features and vertices sent, payload plain and
gzipped (as a browser asks for it).

The polygons are building-like rings of 12 to 40 vertices, 5 to 40 m
across, spread over the area of Mons (seeded). Lines and surfaces are
simplified on the server to about a screen pixel (shapely, topology
preserved) and their coordinates rounded to a tenth of a pixel, below
routes_map.FULL_ZOOM; from that zoom the stored geometry is sent as is.
Up to feature.OVERVIEW_ZOOM the simplification starts from the overview
geometry stored at import instead of the whole one.

Compared, in the same process: "whole" is the same answer built from the
whole stored geometries (no overview); "before" is what the route did
until now: at most 5,000 features of the view, simplified from the whole
geometries, "zoom in to see all" for the rest.

Run: .venv/bin/python bench/carto_shapes.py [--features 50000]
        [--backends sqlite,postgresql] [--repeat 3]
The databases are the ones of bench/carto_items.py (created if missing);
the layer 'bench-shapes' is loaded once through carto.layer.load_file.
"""
import argparse
import gzip
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carto_items as base  # noqa: E402
from carto_view import SCREEN, view  # noqa: E402

ZOOMS = [11, 12, 13, 14, 15, 16, 17, 18]
CODE = 'bench-shapes'


def polygons(count):
    rng = random.Random(5)
    area = base.AREA
    result = []
    for i in range(count):
        x = rng.uniform(area[0], area[2])
        y = rng.uniform(area[1], area[3])
        vertices = rng.randrange(12, 41)
        radius = rng.uniform(2.5, 20) / 111000
        ring = []
        for k in range(vertices):
            angle = 2 * math.pi * k / vertices
            r = radius * rng.uniform(0.8, 1.2)
            ring.append([
                    round(x + r * math.cos(angle)
                        / math.cos(math.radians(y)), 7),
                    round(y + r * math.sin(angle), 7)])
        ring.append(ring[0])
        result.append({'type': 'Feature',
                'geometry': {'type': 'Polygon', 'coordinates': [ring]},
                'properties': {'nom': 'bâtiment %d' % (i + 1),
                    'usage': rng.choice(['logement', 'commerce',
                            'école', 'atelier'])}})
    return result


def child_load(count):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(base.DB)
    pool.init()
    with Transaction().start(base.DB, 0) as transaction:
        Layer = pool.get('carto.layer')
        layers = Layer.search([('code', '=', CODE)])
        if layers and layers[0].feature_count == count:
            return
        Layer.delete(layers)
        layer, = Layer.create([{'name': 'Bench shapes', 'code': CODE,
                    'public': True, 'geometry_type': 'polygon'}])
        data = json.dumps({'type': 'FeatureCollection',
                'features': polygons(count)}).encode()
        start = time.perf_counter()
        layer.load_file(data, 'shapes.geojson')
        transaction.commit()
        elapsed = time.perf_counter() - start
        print(f'  import of {count:,} polygons ({len(data) / 2 ** 20:.1f} '
            f'MiB): {elapsed:.1f} s', flush=True)


def _vertices(document):
    import shapely
    geometries = shapely.from_geojson([json.dumps(f['geometry'])
            for f in document['features']])
    return int(shapely.get_num_coordinates(geometries).sum())


def child_measure(repeat):
    from werkzeug.test import Client

    from trytond.modules.mons_carto import routes_map
    from trytond.pool import Pool
    from trytond.protocols.wrappers import Response
    from trytond.wsgi import app
    Pool.start()
    client = Client(app, Response)
    url = '/%s/carto/map/data/%s' % (base.DB, CODE)
    rows = []
    for zoom in ZOOMS:
        bbox = ','.join('%.6f' % v for v in view(zoom))
        query = {'bbox': bbox, 'zoom': str(zoom)}
        result = {'zoom': zoom}
        timings = []
        for index in range(repeat + 1):
            start = time.perf_counter()
            response = client.get(url, query_string=query,
                headers={'Accept-Encoding': 'gzip'})
            body = response.get_data()
            elapsed = time.perf_counter() - start
            assert response.status_code == 200, body[:300]
            if index:  # the first one warms the caches
                timings.append(elapsed)
        plain = gzip.decompress(body) if response.headers.get(
            'Content-Encoding') == 'gzip' else body
        document = json.loads(plain)
        stored = json.loads(client.get(url, query_string={
                    'bbox': bbox, 'zoom': '22'}).get_data())
        result['now'] = {
            'ms': round(statistics.median(timings) * 1000),
            'features': document['numberReturned'],
            'matched': document['numberMatched'],
            'vertices': _vertices(document),
            'stored_vertices': _vertices(stored),
            'kib': round(len(plain) / 1024),
            'gzip_kib': round(len(body) / 1024),
            }
        limit, overview = routes_map.SHAPE_LIMIT, routes_map.OVERVIEW_ZOOM
        for name, shape_limit in [('whole', limit),
                ('before', routes_map.VIEW_LIMIT)]:
            routes_map.SHAPE_LIMIT = shape_limit
            routes_map.OVERVIEW_ZOOM = -1
            try:
                timings = []
                for index in range(repeat + 1):
                    start = time.perf_counter()
                    other = client.get(url, query_string=query).get_data()
                    if index:
                        timings.append(time.perf_counter() - start)
            finally:
                routes_map.SHAPE_LIMIT = limit
                routes_map.OVERVIEW_ZOOM = overview
            document = json.loads(other)
            result[name] = {
                'ms': round(statistics.median(timings) * 1000),
                'features': document['numberReturned'],
                'kib': round(len(other) / 1024),
                }
        rows.append(result)
    print(json.dumps(rows))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--features', type=int, default=50_000)
    parser.add_argument('--backends', default='sqlite')
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--child')
    parser.add_argument('--load', action='store_true')
    args = parser.parse_args()
    if args.child:
        if args.load:
            child_load(args.features)
        else:
            child_measure(args.repeat)
        return
    os.makedirs(base.WORK, exist_ok=True)
    load = open('/proc/loadavg').read().split()[0]
    print(f'{args.features:,} polygons, screen {SCREEN[0]}x{SCREEN[1]} px '
        f'over Mons, median of {args.repeat} (load average {load})')
    for backend in args.backends.split(','):
        # creates the database, or updates mons_carto in it
        base.setup_trytond(backend, args.features, load=False)
        env = base._env(backend)
        subprocess.run([sys.executable, __file__, '--child', backend,
                '--features', str(args.features), '--load'],
            env=env, check=True)
        output = subprocess.run([sys.executable, __file__, '--child',
                backend, '--repeat', str(args.repeat)],
            env=env, capture_output=True, text=True)
        if output.returncode:
            sys.exit(output.stderr)
        rows = json.loads(output.stdout.strip().splitlines()[-1])
        print(f'\n[{backend}]')
        print('| zoom | polygons in view | sent | vertices sent / stored '
            '| ms | KiB | KiB gzip | whole: ms | whole: KiB '
            '| before: sent | before: ms | before: KiB |')
        print('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
        for row in rows:
            now, whole, before = row['now'], row['whole'], row['before']
            print(f"| {row['zoom']} | {now['matched']:,} | "
                f"{now['features']:,} | {now['vertices']:,} / "
                f"{now['stored_vertices']:,} | {now['ms']:,} | "
                f"{now['kib']:,} | {now['gzip_kib']:,} | "
                f"{whole['ms']:,} | {whole['kib']:,} | "
                f"{before['features']:,} | {before['ms']:,} | "
                f"{before['kib']:,} |")


if __name__ == '__main__':
    main()
