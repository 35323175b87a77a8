"""Throw-away site with big published datasets for the open-data benches.

    .venv/bin/python bench/opendata_setup.py [--database-uri URI] [--rows N]

Used by bench/opendata_export.py and bench/opendata_records.py. Rows are
written straight into the version table (the ETL path validates every row
with frictionless, which is measured apart: see RESULTS.md); the APIs then
serve them exactly as they serve collected data.
"""
import argparse
import os
import sys
import time

DB_NAME = 'opendata_bench'
SECTIONS = ['Mons', 'Jemappes', 'Cuesmes', 'Flénu', 'Ghlin', 'Hyon',
    'Nimy', 'Obourg', 'Havré', 'Saint-Symphorien', 'Spiennes', 'Ciply',
    'Mesvin', 'Harmignies', 'Harveng', 'Villers-Saint-Ghislain',
    'Saint-Denis', 'Maisières', 'Harchies']
TARIFS = ['payant', 'gratuit', 'zone bleue', 'riverains']


def configure(database_uri=None):
    "Point trytond at the bench database before it is imported"
    if database_uri:
        os.environ['TRYTOND_DATABASE__URI'] = database_uri
    else:
        path = '/tmp/opendata_bench'
        os.makedirs(path, exist_ok=True)
        os.environ['TRYTOND_DATABASE__PATH'] = path
        os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
    os.environ['DB_NAME'] = DB_NAME
    os.environ.setdefault('DB_CACHE', '/tmp/opendata_bench_cache')


def generate(n, seed=1):
    "Yield n rows of car-park observations, deterministic"
    import numpy as np
    rng = np.random.default_rng(seed)
    section = rng.integers(0, len(SECTIONS), n)
    capacity = rng.choice([40, 60, 80, 120, 200, 350, 500, 800], n)
    free = (capacity * rng.random(n)).astype(int)
    tarif = rng.integers(0, len(TARIFS), n)
    day = rng.integers(0, 365, n)
    lon = 3.85 + rng.random(n) * 0.2
    lat = 50.40 + rng.random(n) * 0.1
    for i in range(n):
        yield ('P-%07d' % i, SECTIONS[section[i]], int(capacity[i]),
            int(free[i]), TARIFS[tarif[i]],
            '2025-%02d-%02d' % (day[i] // 31 % 12 + 1, day[i] % 28 + 1),
            round(float(lon[i]), 6), round(float(lat[i]), 6))


SCHEMA = [('code', 'string'), ('section', 'string'), ('capacite', 'integer'),
    ('places_libres', 'integer'), ('tarif', 'string'), ('date', 'date'),
    ('longitude', 'number'), ('latitude', 'number')]


def ensure(sizes):
    """Create the database and one public dataset per size if missing.

    Return {size: dataset code}."""
    import json
    from trytond.tests.test_tryton import activate_module
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    activate_module(['mons_opendata'])
    from trytond.modules.mons_opendata import storage
    codes = {}
    with Transaction().start(DB_NAME, 0) as transaction:
        pool = Pool()
        Dataset = pool.get('opendata.dataset')
        Version = pool.get('opendata.version')
        Company = pool.get('company.company')
        Party = pool.get('party.party')
        Currency = pool.get('currency.currency')
        Service = pool.get('mons.service')
        companies = Company.search([])
        if companies:
            company = companies[0]
        else:
            currency, = Currency.create([{'name': 'Euro', 'code': 'EUR',
                        'symbol': '€'}])
            party, = Party.create([{'name': 'Ville de Mons'}])
            company, = Company.create([{'party': party.id,
                        'currency': currency.id}])
        services = Service.search([('code', '=', 'INFO-DATA')])
        if not services:
            services = Service.create([{'name': 'Cellule données',
                        'code': 'INFO-DATA', 'kind': 'cell',
                        'company': company.id}])
        for size in sizes:
            code = 'bench-%d' % size
            codes[size] = code
            if Dataset.search([('code', '=', code)]):
                continue
            start = time.perf_counter()
            dataset, = Dataset.create([{
                        'code': code, 'title': "Bench %d" % size,
                        'description': "Relevés de parkings (bench).",
                        'company': company.id, 'service': services[0].id,
                        'access_level': 'public',
                        'schema': json.dumps({'fields': [
                                    {'name': n, 'type': t}
                                    for n, t in SCHEMA]}),
                        }])
            columns = storage.column_defs(
                [{'name': n, 'type': t} for n, t in SCHEMA])
            version, = Version.create([{'dataset': dataset.id, 'number': 1,
                        'columns': json.dumps(columns), 'row_count': 0,
                        'state': 'loaded'}])
            storage.create_table(version.id, columns)
            count = storage.insert_rows(version.id, columns, generate(size))
            storage.create_indexes(version.id, columns)
            version.row_count = count
            version.save()
            Dataset.write([dataset], {'state': 'published'})
            dataset.put_online(version)
            dataset.ensure_distributions()
            transaction.commit()
            print("loaded %d rows in %.1f s" % (
                    size, time.perf_counter() - start), file=sys.stderr)
    return codes


def serve():
    "Start trytond's WSGI app on a free port in a thread; return base URL"
    import threading
    from werkzeug.serving import make_server
    from trytond.wsgi import app
    import trytond.modules.mons_opendata  # noqa: F401 — registers routes
    import logging
    logging.getLogger('werkzeug').setLevel(logging.ERROR)
    server = make_server('127.0.0.1', 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return 'http://127.0.0.1:%d/%s' % (server.server_port, DB_NAME)


def rss():
    "Resident memory of this process in MiB"
    with open('/proc/self/status') as fp:
        for line in fp:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
    return 0.0


def search_indexes():
    """Build the free-text index of versions loaded without it (what a
    module update does); print the time taken"""
    import json
    from trytond.tests.test_tryton import activate_module
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    activate_module(['mons_opendata'])
    from trytond.modules.mons_opendata import storage
    with Transaction().start(DB_NAME, 0) as transaction:
        Version = Pool().get('opendata.version')
        start = time.perf_counter()
        done = storage.ensure_search_indexes([(v.id, json.loads(v.columns))
                for v in Version.search([])])
        transaction.commit()
        print("search index of versions %s built in %.1f s" % (
                done, time.perf_counter() - start), file=sys.stderr)


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--database-uri')
    parser.add_argument('--rows', type=int, nargs='+',
        default=[100000, 1000000])
    parser.add_argument('--search-index', action='store_true',
        help="build the missing free-text indexes (module update path)")
    args = parser.parse_args()
    configure(args.database_uri)
    print(ensure(args.rows))
    if args.search_index:
        search_indexes()
