"""Latency of filtered `records` queries on a 1,000,000-row dataset.

    .venv/bin/python bench/opendata_records.py [--database-uri URI] \
        [--rows 1000000] [--repeat 50] [--text-only] [--text-repeat 10] \
        [--explain]

Each query goes through the Explore v2.1 records API over HTTP (trytond's
WSGI app in this process); median and p95 in milliseconds. The last lines
compare the storage chosen (one typed, indexed table per version) with a
shared rows table holding each row as JSON, on the same rows and filter,
to justify the choice.
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import opendata_setup as setup  # noqa: E402

QUERIES = [
    ("equality on a text field", {'where': 'section = "Jemappes"'}),
    ("range on an integer", {'where': 'capacite >= 800 and places_libres < 5',
            'order_by': 'places_libres'}),
    ("equality + date range", {'where': 'tarif = "gratuit" and '
            'date >= date\'2025-06-01\' and date < date\'2025-07-01\''}),
    ("refine + order_by", {'refine': 'section:Hyon',
            'order_by': 'capacite desc'}),
    ("group_by with counts", {'select': 'section, count(*) as n',
            'group_by': 'section', 'order_by': 'n desc', 'limit': 20}),
    ]
# Free text: SQLite FTS5 trigram table / PostgreSQL pg_trgm GIN index since
# the search index (storage.py); a full scan before.  "flenu" shows the
# accent folding: 0 rows with the former scan, the Flénu rows with the index.
TEXT_QUERIES = [
    ("full-text `\"P-09999\"`", {'where': '"P-09999"'}),
    ("`search(section, \"jemap\")`", {
            'where': 'search(section, "jemap")'}),
    ("full-text `\"flenu\"` (accents)", {'where': '"flenu"'}),
    ("full-text `\"P-09999\"`, offset 50", {'where': '"P-09999"',
            'offset': 50}),
    ("CKAN `datastore_search q=jemappes`", {'q': 'jemappes'}),
    ("`code like \"*-09999*\"` (index narrows, LIKE decides)", {
            'where': 'code like "*-09999*"'}),
    ]


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p
    f = int(k)
    c = min(f + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


def json_table_comparison(code, repeat):
    "Time the same filter on a rows table with a JSON column"
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(setup.DB_NAME, 0) as transaction:
        Dataset = Pool().get('opendata.dataset')
        dataset, = Dataset.search([('code', '=', code)])
        version = dataset.current_version
        cursor = transaction.connection.cursor()
        pg = backend.name == 'postgresql'
        cursor.execute("SELECT COUNT(*) FROM %s" % (
                "information_schema.tables WHERE table_name = "
                "'opendata_bench_json'" if pg else
                "sqlite_master WHERE name = 'opendata_bench_json'"))
        if not cursor.fetchone()[0]:
            cursor.execute('CREATE TABLE opendata_bench_json '
                '(id INTEGER PRIMARY KEY, version INTEGER, data %s)'
                % ('JSONB' if pg else 'TEXT'))
            names = [c['name'] for c in version.stored_columns]
            cols = [c['col'] for c in version.stored_columns]
            cursor.execute('SELECT id, %s FROM opendata_rows_%d' % (
                    ', '.join(cols), version.id))
            rows = [(r[0], version.id, json.dumps(dict(zip(names, r[1:]))))
                for r in cursor.fetchall()]
            insert = transaction.connection.cursor()
            insert.executemany('INSERT INTO opendata_bench_json VALUES '
                + ('(%s, %s, %s)' if pg else '(?, ?, ?)'), rows)
            insert.execute('CREATE INDEX opendata_bench_json_v '
                'ON opendata_bench_json (version)')
            transaction.commit()
        if pg:
            json_sql = ("SELECT data FROM opendata_bench_json WHERE "
                "version = %d AND data->>'section' = 'Jemappes' "
                "ORDER BY id LIMIT 10" % version.id)
            count_sql = ("SELECT COUNT(*) FROM opendata_bench_json WHERE "
                "version = %d AND data->>'section' = 'Jemappes'"
                % version.id)
        else:
            json_sql = ("SELECT data FROM opendata_bench_json WHERE "
                "version = %d AND json_extract(data, '$.section') = "
                "'Jemappes' ORDER BY id LIMIT 10" % version.id)
            count_sql = ("SELECT COUNT(*) FROM opendata_bench_json WHERE "
                "version = %d AND json_extract(data, '$.section') = "
                "'Jemappes'" % version.id)
        timings = []
        for _ in range(max(3, repeat // 10)):
            start = time.perf_counter()
            cursor.execute(json_sql)
            cursor.fetchall()
            cursor.execute(count_sql)
            cursor.fetchone()
            timings.append((time.perf_counter() - start) * 1000)
        return timings


def explain(code, where):
    "Return the database plan of the count of a free-text where"
    from sql import Literal
    from sql.aggregate import Count
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond.modules.mons_opendata.api import Records
    with Transaction().start(setup.DB_NAME, 0) as transaction:
        Dataset = Pool().get('opendata.dataset')
        dataset, = Dataset.search([('code', '=', code)])
        records = Records(dataset)
        query = records.table.select(Count(Literal(1)),
            where=records.query.where(where))
        sql, params = tuple(query)
        cursor = transaction.connection.cursor()
        if backend.name == 'postgresql':
            cursor.execute('EXPLAIN ANALYZE ' + sql, params)
        else:
            cursor.execute('EXPLAIN QUERY PLAN ' + sql, params)
        return [' | '.join(str(v) for v in row) for row in cursor]


def main():
    import requests
    parser = argparse.ArgumentParser()
    parser.add_argument('--database-uri')
    parser.add_argument('--rows', type=int, default=1000000)
    parser.add_argument('--repeat', type=int, default=50)
    parser.add_argument('--no-json', action='store_true',
        help="skip the JSON-column comparison")
    parser.add_argument('--text-only', action='store_true',
        help="only the free-text queries")
    parser.add_argument('--text-repeat', type=int, default=10)
    parser.add_argument('--explain', action='store_true',
        help="print the plan of the count of the first free-text query")
    args = parser.parse_args()
    setup.configure(args.database_uri)
    code = setup.ensure([args.rows])[args.rows]
    base = setup.serve()
    url = '%s/opendata/api/explore/v2.1/catalog/datasets/%s/records' % (
        base, code)
    backend = 'PostgreSQL' if args.database_uri else 'SQLite'
    session = requests.Session()
    ckan = '%s/opendata/api/3/action/datastore_search' % base
    print("| backend | rows | query | total_count | median ms | p95 ms |")
    print("|---|---|---|---|---|---|")
    queries = [] if args.text_only else [(q, args.repeat) for q in QUERIES]
    queries += [(q, args.text_repeat) for q in TEXT_QUERIES]
    for (label, params), repeat in queries:
        params = dict(params)
        params.setdefault('limit', 10)
        timings = []
        total = None
        for i in range(repeat + 1):
            start = time.perf_counter()
            if 'q' in params:
                response = session.get(ckan, params=dict(params,
                        resource_id=code))
            else:
                response = session.get(url, params=params)
            elapsed = (time.perf_counter() - start) * 1000
            response.raise_for_status()
            data = response.json()
            total = (data['result']['total'] if 'q' in params
                else data['total_count'])
            if i:
                timings.append(elapsed)
        print("| %s | %d | %s | %d | %.1f | %.1f |" % (backend, args.rows,
                label, total, statistics.median(timings),
                percentile(timings, 0.95)), flush=True)
    if args.explain:
        for line in explain(code, TEXT_QUERIES[0][1]['where']):
            print('    ' + line)
    if not args.no_json and not args.text_only:
        timings = json_table_comparison(code, args.repeat)
        print("| %s | %d | same text filter + count on a JSON-column rows "
            "table (SQL only, no HTTP) | - | %.1f | %.1f |" % (
                backend, args.rows, statistics.median(timings),
                percentile(timings, 0.95)))


if __name__ == '__main__':
    main()
