"""Benchmark: OGC API Features /items with a bbox over a 100,000-feature
layer, limit 1,000 — mons_carto on SQLite and PostgreSQL side by side with
pygeoapi serving the same features.

Run: .venv/bin/python bench/carto_items.py [--features 100000]
        [--requests 40] [--backends sqlite,postgresql]
        [--pygeoapi /tmp/carto/pgapi/bin/python]
     .venv/bin/python bench/carto_items.py --import-queue [--features N]
        [--backends sqlite]

--import-queue measures only the import of the features as users start it
(carto.layer.import_features: checks, stores the file, queues a task; the
time the user waits) and the queued task run by trytond's worker code
(trytond.worker.run_task), then a replay of the same task.

- mons_carto: a database per backend is created with trytond-admin
  (mons_carto activated), one public point layer is imported through
  carto.layer.load_file (the real import path; its time is printed);
- pygeoapi (PyPI, in its own virtualenv because its dependencies differ:
  `python3 -m venv /tmp/carto/pgapi && /tmp/carto/pgapi/bin/pip install
  pygeoapi psycopg2-binary SQLAlchemy GeoAlchemy2`) serves the same features
  with its PostgreSQL provider (PostGIS table with a GiST index) and with its
  GeoJSON file provider;
- every server answers the same seeded list of bbox queries (each box holds
  more than 1,000 features) through its WSGI application in-process
  (werkzeug / Flask test client: no network, same method for all); we
  report items per second (returned features / total time) and p50/p95
  latency.
"""
import argparse
import base64
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(tempfile.gettempdir(), 'carto_bench')
PG = os.environ.get('BENCH_PG', 'postgresql://mons:mons@127.0.0.1:5432/')
DB = 'carto_bench'
# Points spread over the area of Mons (WGS84)
AREA = (3.85, 50.38, 4.08, 50.50)


def features(count):
    rng = random.Random(1)
    result = []
    for i in range(count):
        result.append({'type': 'Feature', 'id': i + 1,
                'geometry': {'type': 'Point', 'coordinates': [
                        round(rng.uniform(AREA[0], AREA[2]), 7),
                        round(rng.uniform(AREA[1], AREA[3]), 7)]},
                'properties': {'nom': 'point %d' % (i + 1),
                    'categorie': rng.choice(['a', 'b', 'c', 'd']),
                    'valeur': rng.randrange(1000)}})
    return result


def boxes(count, total):
    "Boxes of 12% x 12% of the area: ~1,440 of 100,000 features each"
    rng = random.Random(2)
    width = (AREA[2] - AREA[0]) * 0.12
    height = (AREA[3] - AREA[1]) * 0.12
    result = []
    for _ in range(count):
        x = rng.uniform(AREA[0], AREA[2] - width)
        y = rng.uniform(AREA[1], AREA[3] - height)
        result.append('%.6f,%.6f,%.6f,%.6f' % (x, y, x + width, y + height))
    return result


def summary(name, timings, returned):
    timings = sorted(timings)
    total = sum(timings)
    p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
    return {'server': name, 'requests': len(timings),
        'items_per_s': round(sum(returned) / total),
        'p50_ms': round(statistics.median(timings) * 1000, 1),
        'p95_ms': round(p95 * 1000, 1),
        'mean_returned': round(sum(returned) / len(returned))}


# --- mons_carto ---------------------------------------------------------

def _env(backend):
    env = dict(os.environ)
    env.pop('DB_NAME', None)
    if backend == 'sqlite':
        path = os.path.join(WORK, 'sqlite')
        os.makedirs(path, exist_ok=True)
        env['TRYTOND_DATABASE__URI'] = 'sqlite://'
        env['TRYTOND_DATABASE__PATH'] = path
    else:
        env['TRYTOND_DATABASE__URI'] = PG
    return env


def setup_trytond(backend, count, load=True):
    env = _env(backend)
    admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
    if backend == 'sqlite':
        path = os.path.join(env['TRYTOND_DATABASE__PATH'], DB + '.sqlite')
        exists = os.path.exists(path)
        if not exists:
            open(path, 'wb').close()
    else:
        exists = subprocess.run(['psql', PG + 'postgres', '-tAc',
                "SELECT 1 FROM pg_database WHERE datname='%s'" % DB],
            capture_output=True, text=True).stdout.strip() == '1'
        if not exists:
            subprocess.run(['psql', PG + 'postgres', '-c',
                    'CREATE DATABASE %s' % DB], check=True,
                capture_output=True)
    if not exists:
        print(f'[{backend}] creating the database (trytond-admin)...',
            flush=True)
        password = os.path.join(WORK, 'admin-password')
        with open(password, 'w') as file:
            file.write('bench-admin-2026\n')
        env['TRYTONPASSFILE'] = password
        subprocess.run([admin, '-d', DB, '--all', '--email',
                'admin@example.org'], env=env, check=True,
            capture_output=True)
        subprocess.run([admin, '-d', DB, '-u', 'mons_carto',
                '--activate-dependencies'], env=env, check=True,
            capture_output=True)
    elif not load:
        # The queue measure needs the module's current tables
        subprocess.run([admin, '-d', DB, '-u', 'mons_carto'], env=env,
            check=True, capture_output=True)
    if load:
        subprocess.run([sys.executable, __file__, '--child', backend,
                '--features', str(count), '--load'], env=env, check=True)


def child_import_queue(count):
    """The import as the desk and the REST API run it: the request checks
    and stores the file and queues the task (timed: what the user waits
    for), then the task is run as trytond's worker runs it (run_task: its
    own transaction, retries), then run again as a replayed task."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond.worker import run_task
    Pool.start()
    pool = Pool(DB)
    pool.init()
    data = json.dumps({'type': 'FeatureCollection',
            'features': features(count)}).encode()
    print(f'  file: {len(data) / 2 ** 20:.1f} MiB of GeoJSON', flush=True)
    with Transaction().start(DB, 0) as transaction:
        Layer = pool.get('carto.layer')
        Layer.delete(Layer.search([('code', '=', 'bench-queue')]))
        layer, = Layer.create([{'name': 'Bench queue', 'code': 'bench-queue',
                    'public': True, 'geometry_type': 'point'}])
        transaction.commit()
    # The admin user is a GIS editor; access rights are checked as for a
    # REST call
    start = time.perf_counter()
    with Transaction().start(DB, 1, context={'_check_access': True}
            ) as transaction:
        Layer = pool.get('carto.layer')
        result = Layer.import_features([Layer(layer.id)],
            base64.b64encode(data).decode(), 'bench.geojson')
        transaction.commit()
    request = time.perf_counter() - start
    print(f'  request (check, store, queue): {request:.2f} s', flush=True)
    with Transaction().start(DB, 0) as transaction:
        Queue = pool.get('ir.queue')
        task, = Queue.search([('name', '=', 'mons_carto_import'),
                ('finished_at', '=', None)], order=[('id', 'DESC')], limit=1)
        task_id = task.id
    start = time.perf_counter()
    run_task(pool, task_id)
    elapsed = time.perf_counter() - start
    with Transaction().start(DB, 0) as transaction:
        Import = pool.get('carto.layer.import')
        import_ = Import(result['id'])
        assert import_.state == 'done', import_.errors
        assert import_.features_created == count
        layer = Layer(layer.id)
        assert layer.feature_count == count
        print(f'  queued task (worker run_task): {elapsed:.1f} s '
            f'({count / elapsed:,.0f} features/s; recorded duration '
            f'{import_.duration:.1f} s)', flush=True)
    start = time.perf_counter()
    run_task(pool, task_id)
    replay = time.perf_counter() - start
    with Transaction().start(DB, 0) as transaction:
        assert Layer(layer.id).feature_count == count
    print(f'  replayed task: {replay * 1000:.0f} ms, nothing written',
        flush=True)


def child_load(count):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(DB)
    pool.init()
    with Transaction().start(DB, 0) as transaction:
        Layer = pool.get('carto.layer')
        layers = Layer.search([('code', '=', 'bench')])
        if layers and layers[0].feature_count == count:
            return
        Layer.delete(layers)
        layer, = Layer.create([{'name': 'Bench', 'code': 'bench',
                    'public': True, 'geometry_type': 'point'}])
        data = json.dumps({'type': 'FeatureCollection',
                'features': features(count)}).encode()
        start = time.perf_counter()
        layer.load_file(data, 'bench.geojson')
        transaction.commit()
        elapsed = time.perf_counter() - start
        print(f'  import of {count:,} features: {elapsed:.1f} s '
            f'({count / elapsed:,.0f} features/s)', flush=True)


def child_query(backend, count, requests):
    from werkzeug.test import Client

    from trytond.pool import Pool
    from trytond.protocols.wrappers import Response
    from trytond.wsgi import app
    Pool.start()
    client = Client(app, Response)
    url = '/%s/carto/ogc/collections/bench/items' % DB
    timings, returned = [], []
    queries = boxes(requests + 3, count)
    for index, bbox in enumerate(queries):
        start = time.perf_counter()
        response = client.get(url, query_string={'bbox': bbox,
                'limit': '1000'})
        body = response.get_data()
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, body[:300]
        document = json.loads(body)
        assert document['numberReturned'] == min(
            1000, document['numberMatched'])
        if index >= 3:  # warm-up
            timings.append(elapsed)
            returned.append(document['numberReturned'])
    print(json.dumps(summary('mons_carto ' + backend, timings, returned)))


def run_trytond(backend, count, requests):
    output = subprocess.run([sys.executable, __file__, '--child', backend,
            '--features', str(count), '--requests', str(requests)],
        env=_env(backend), capture_output=True, text=True)
    if output.returncode:
        sys.exit(output.stderr)
    return json.loads(output.stdout.strip().splitlines()[-1])


# --- pygeoapi -------------------------------------------------------------

PYGEOAPI_CHILD = textwrap.dedent('''
    import json, os, statistics, sys, time
    from pygeoapi.flask_app import APP
    client = APP.test_client()
    queries = json.loads(sys.argv[2])
    timings, returned = [], []
    for index, bbox in enumerate(queries):
        start = time.perf_counter()
        response = client.get('/collections/%s/items' % sys.argv[1],
            query_string={'bbox': bbox, 'limit': '1000', 'f': 'json'})
        body = response.get_data()
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, body[:300]
        document = json.loads(body)
        if index >= 3:
            timings.append(elapsed)
            returned.append(len(document['features']))
    print(json.dumps({'timings': timings, 'returned': returned}))
''')


def pygeoapi_config(geojson_path):
    pg = PG.split('//', 1)[1].rstrip('/')
    credentials, host = pg.split('@')
    user, password = credentials.split(':')
    host, port = host.split(':')
    common = {'type': 'collection', 'description': 'bench',
        'keywords': ['bench'], 'links': [],
        'extents': {'spatial': {'bbox': list(AREA),
                'crs': 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'}}}
    return {
        'server': {
            'bind': {'host': '127.0.0.1', 'port': 5000},
            'url': 'http://127.0.0.1:5000',
            'mimetype': 'application/json; charset=UTF-8',
            'encoding': 'utf-8', 'language': 'en-US', 'cors': False,
            'pretty_print': False,
            'limits': {'default_items': 10, 'max_items': 10000},
            'map': {'url': 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
                'attribution': 'OSM'},
            },
        'logging': {'level': 'ERROR'},
        'metadata': {
            'identification': {'title': 'bench', 'description': 'bench',
                'keywords': ['bench'], 'keywords_type': 'theme',
                'terms_of_service': 'https://example.org',
                'url': 'https://example.org'},
            'license': {'name': 'CC-BY 4.0',
                'url': 'https://creativecommons.org/licenses/by/4.0/'},
            'provider': {'name': 'bench', 'url': 'https://example.org'},
            'contact': {'name': 'bench', 'email': 'bench@example.org'},
            },
        'resources': {
            'bench_pg': dict(common, title='bench PostGIS', providers=[{
                        'type': 'feature', 'name': 'PostgreSQL',
                        'data': {'host': host, 'port': int(port),
                            'dbname': DB + '_pygeoapi', 'user': user,
                            'password': password,
                            'search_path': ['public']},
                        'id_field': 'id', 'table': 'bench_points',
                        'geom_field': 'geom'}]),
            'bench_geojson': dict(common, title='bench GeoJSON', providers=[{
                        'type': 'feature', 'name': 'GeoJSON',
                        'data': geojson_path, 'id_field': 'id'}]),
            },
        }


def setup_postgis(count):
    "PostGIS copy of the features for pygeoapi's PostgreSQL provider"
    import psycopg
    database = DB + '_pygeoapi'
    with psycopg.connect(PG + 'postgres', autocommit=True) as connection:
        exists = connection.execute(
            'SELECT 1 FROM pg_database WHERE datname=%s',
            (database,)).fetchone()
        if not exists:
            connection.execute('CREATE DATABASE %s' % database)
    try:
        connection = psycopg.connect(PG + database, autocommit=True)
        connection.execute('CREATE EXTENSION IF NOT EXISTS postgis')
    except psycopg.Error:
        # postgis is not a trusted extension: create it as the superuser
        subprocess.run(['su', 'postgres', '-c', 'psql -d %s -c "CREATE '
                'EXTENSION IF NOT EXISTS postgis"' % database], check=True,
            capture_output=True)
        connection = psycopg.connect(PG + database, autocommit=True)
    with connection:
        done = connection.execute("SELECT to_regclass('bench_points')"
            ).fetchone()[0]
        if done and connection.execute(
                'SELECT count(*) FROM bench_points').fetchone()[0] == count:
            return
        connection.execute('DROP TABLE IF EXISTS bench_points')
        connection.execute('CREATE TABLE bench_points (id integer PRIMARY '
            'KEY, nom text, categorie text, valeur integer, '
            'geom geometry(Point, 4326))')
        with connection.cursor().copy('COPY bench_points (id, nom, '
                'categorie, valeur, geom) FROM STDIN') as copy:
            for feature in features(count):
                x, y = feature['geometry']['coordinates']
                p = feature['properties']
                copy.write_row((feature['id'], p['nom'], p['categorie'],
                        p['valeur'], 'SRID=4326;POINT(%r %r)' % (x, y)))
        connection.execute('CREATE INDEX ON bench_points USING gist (geom)')
        connection.execute('ANALYZE bench_points')


def run_pygeoapi_child(python, collection, queries, config_path):
    env = dict(os.environ, PYGEOAPI_CONFIG=config_path,
        PYGEOAPI_OPENAPI=config_path.replace('.yml', '-openapi.yml'))
    if not os.path.exists(env['PYGEOAPI_OPENAPI']):
        subprocess.run([os.path.join(os.path.dirname(python), 'pygeoapi'),
                'openapi', 'generate', config_path, '--output-file',
                env['PYGEOAPI_OPENAPI']], env=env, check=True,
            capture_output=True)
    output = subprocess.run([python, '-c', PYGEOAPI_CHILD, collection,
            json.dumps(queries)], env=env, capture_output=True, text=True)
    if output.returncode:
        sys.exit(output.stderr[-3000:])
    data = json.loads(output.stdout.strip().splitlines()[-1])
    return data['timings'], data['returned']


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--features', type=int, default=100_000)
    parser.add_argument('--requests', type=int, default=40)
    parser.add_argument('--backends', default='sqlite,postgresql')
    parser.add_argument('--pygeoapi', default='/tmp/carto/pgapi/bin/python')
    parser.add_argument('--child')
    parser.add_argument('--load', action='store_true')
    parser.add_argument('--import-queue', action='store_true',
        help="measure only the import of the features through the queue")
    args = parser.parse_args()
    if args.child:
        if args.import_queue:
            child_import_queue(args.features)
        elif args.load:
            child_load(args.features)
        else:
            child_query(args.child, args.features, args.requests)
        return

    os.makedirs(WORK, exist_ok=True)
    if args.import_queue:
        print(f'{args.features:,} features imported through the queue '
            f'(load average {open("/proc/loadavg").read().split()[0]})',
            flush=True)
        for backend in args.backends.split(','):
            setup_trytond(backend, args.features, load=False)
            print(f'[{backend}]', flush=True)
            subprocess.run([sys.executable, __file__, '--child', backend,
                    '--features', str(args.features), '--import-queue'],
                env=_env(backend), check=True)
        return
    print(f'{args.features:,} features, {args.requests} bbox requests, '
        f'limit 1000 (load average {open("/proc/loadavg").read().split()[0]})'
        , flush=True)
    results = []
    for backend in args.backends.split(','):
        setup_trytond(backend, args.features)
        results.append(run_trytond(backend, args.features, args.requests))
        print(results[-1], flush=True)

    if os.path.exists(args.pygeoapi):
        geojson_path = os.path.join(WORK,
            'bench-%d.geojson' % args.features)
        if not os.path.exists(geojson_path):
            with open(geojson_path, 'w') as file:
                json.dump({'type': 'FeatureCollection',
                        'features': features(args.features)}, file)
        config_path = os.path.join(WORK, 'pygeoapi-%d.yml' % args.features)
        with open(config_path, 'w') as file:
            # JSON is valid YAML
            json.dump(pygeoapi_config(geojson_path), file, indent=1)
        queries = boxes(args.requests + 3, args.features)
        setup_postgis(args.features)
        timings, returned = run_pygeoapi_child(args.pygeoapi, 'bench_pg',
            queries, config_path)
        results.append(summary('pygeoapi PostgreSQL/PostGIS', timings,
                returned))
        print(results[-1], flush=True)
        # The GeoJSON provider reads the whole file for each request
        few = queries[:3 + max(3, args.requests // 8)]
        timings, returned = run_pygeoapi_child(args.pygeoapi,
            'bench_geojson', few, config_path)
        results.append(summary('pygeoapi GeoJSON file', timings, returned))
        print(results[-1], flush=True)
    else:
        print('pygeoapi not found at %s: see the docstring' % args.pygeoapi)

    print()
    print('| server | requests | items/s | p50 (ms) | p95 (ms) |')
    print('|---|---:|---:|---:|---:|')
    for r in results:
        print(f"| {r['server']} | {r['requests']} | {r['items_per_s']:,} | "
            f"{r['p50_ms']} | {r['p95_ms']} |")


if __name__ == '__main__':
    main()
