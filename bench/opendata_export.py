"""Stream exports of big datasets through the Explore API; compare pandas.

    .venv/bin/python bench/opendata_export.py [--database-uri URI] \
        [--rows 100000 1000000] [--formats csv geojson]

For each size and format: rows per second of the HTTP export (trytond's
WSGI app served by werkzeug in this process, read with requests in
streaming mode) and the peak growth of the process memory while it runs.
The floor is pandas reading the same rows from the version table and
writing them with DataFrame.to_csv (all in memory, the usual way).
"""
import argparse
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import opendata_setup as setup  # noqa: E402


class Peak:
    "Sample the resident memory in a thread; report the peak growth"

    def __enter__(self):
        self.base = setup.rss()
        self.peak = self.base
        self.running = True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def sample(self):
        while self.running:
            self.peak = max(self.peak, setup.rss())
            time.sleep(0.02)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()

    @property
    def growth(self):
        return self.peak - self.base


def export(base, code, fmt):
    import requests
    url = '%s/opendata/api/explore/v2.1/catalog/datasets/%s/exports/%s' % (
        base, code, fmt)
    start = time.perf_counter()
    size = 0
    with requests.get(url, stream=True, timeout=3600) as response:
        response.raise_for_status()
        for chunk in response.iter_content(1 << 16):
            size += len(chunk)
    return time.perf_counter() - start, size


def pandas_floor(code):
    import io
    import pandas as pd
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(setup.DB_NAME, 0, readonly=True):
        Dataset = Pool().get('opendata.dataset')
        dataset, = Dataset.search([('code', '=', code)])
        version = dataset.current_version
        cols = ', '.join('"%s" AS "%s"' % (c['col'], c['name'])
            for c in version.stored_columns)
        cursor = Transaction().connection.cursor()
        start = time.perf_counter()
        cursor.execute('SELECT %s FROM opendata_rows_%d ORDER BY id'
            % (cols, version.id))
        names = [d[0] for d in cursor.description]
        df = pd.DataFrame(cursor.fetchall(), columns=names)
        read = time.perf_counter() - start
        buffer = io.StringIO()
        start = time.perf_counter()
        df.to_csv(buffer, index=False)
        write = time.perf_counter() - start
    return read, write, len(buffer.getvalue().encode())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--database-uri')
    parser.add_argument('--rows', type=int, nargs='+',
        default=[100000, 1000000])
    parser.add_argument('--formats', nargs='+', default=['csv', 'geojson'])
    args = parser.parse_args()
    setup.configure(args.database_uri)
    codes = setup.ensure(args.rows)
    base = setup.serve()
    backend = 'PostgreSQL' if args.database_uri else 'SQLite'
    print("| backend | rows | format | seconds | rows/s | MB | "
        "peak RSS growth (MiB) |")
    print("|---|---|---|---|---|---|---|")
    for size in args.rows:
        for fmt in args.formats:
            export(base, codes[size], fmt)  # warm the pool and caches
            with Peak() as peak:
                seconds, nbytes = export(base, codes[size], fmt)
            print("| %s | %d | %s | %.1f | %d | %.0f | %.0f |" % (
                    backend, size, fmt, seconds, size / seconds,
                    nbytes / 1e6, peak.growth), flush=True)
        with Peak() as peak:
            read, write, nbytes = pandas_floor(codes[size])
        print("| %s | %d | pandas read+to_csv | %.1f (read %.1f, to_csv "
            "%.1f) | %d (to_csv alone %d) | %.0f | %.0f |" % (
                backend, size, read + write, read, write,
                size / (read + write), size / write, nbytes / 1e6,
                peak.growth), flush=True)


if __name__ == '__main__':
    main()
