"""Benchmark: 1,000,000 Belgian Lambert 72 points to WGS84 during an import.

Run: .venv/bin/python bench/carto_reproject.py [--points N]

Measures, without the database:
1. pyproj alone (one vectorised Transformer.transform over numpy arrays);
2. the import pipeline of mons_carto on the same points: shapely point
   array -> validity check -> vectorised transform (geo.prepare: CRS area
   check, rounding, GeoJSON texts, bounds), i.e. everything the import does
   before writing rows;
3. the same from a CSV file (geo.read_csv parsing included).
Each step runs in its own forked process: its time is measured without
tracing, its memory is the growth of the process peak RSS over the input
data already in memory.
"""
import argparse
import multiprocessing
import resource
import time

import numpy as np
import shapely

from trytond.modules.mons_carto import geo


def _rss():
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024


def _child(func, queue):
    base = _rss()
    start = time.perf_counter()
    func()
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((elapsed, peak - base))


def measure(label, func, count):
    queue = multiprocessing.get_context('fork').SimpleQueue()
    process = multiprocessing.get_context('fork').Process(
        target=_child, args=(func, queue))
    process.start()
    process.join()
    elapsed, memory = queue.get()
    print(f'{label:<50} {elapsed:7.2f} s {count / elapsed:>12,.0f} pts/s'
        f'  +{memory:6.0f} MiB')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--points', type=int, default=1_000_000)
    args = parser.parse_args()
    n = args.points
    rng = np.random.default_rng(7)
    print(f'{n:,} points, EPSG:31370 -> CRS84 (load average '
        f'{open("/proc/loadavg").read().split()[0]})')
    # Around Mons (Lambert 72 metres)
    x = rng.uniform(110000, 130000, n)
    y = rng.uniform(118000, 136000, n)

    def pyproj_only():
        lon, lat = geo.transform_points(x, y, 'EPSG:31370')
        assert 3.7 < lon.min() and lon.max() < 4.2 and 50.3 < lat.min()
    measure('pyproj Transformer.transform (arrays)', pyproj_only, n)

    def pipeline():
        parsed = geo.Parsed()
        parsed.geometries = shapely.points(x, y)
        parsed.numbers = np.arange(1, n + 1)
        geo.check_validity(parsed)
        assert not parsed.errors
        texts, bounds, _ = geo.prepare(parsed, 'EPSG:31370')
        assert len(texts) == n and bounds.shape == (n, 4)
    measure('import pipeline (validity, transform, GeoJSON, bbox)',
        pipeline, n)

    lines = ['id;x;y'] + ['%d;%.2f;%.2f' % (i, a, b)
        for i, (a, b) in enumerate(zip(x, y))]
    data = ('\n'.join(lines) + '\n').encode()
    del lines

    def from_csv():
        parsed = geo.read_csv(data)
        geo.check_validity(parsed)
        return geo.prepare(parsed, 'EPSG:31370')
    measure('CSV file -> import pipeline (with parsing)', from_csv, n)


if __name__ == '__main__':
    main()
