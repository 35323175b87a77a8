"""Benchmark: what the map viewer asks when a large point layer is shown —
/carto/map/data for the view of a 1280 x 800 px screen over Mons at each
zoom, on the 100,000-point layer of bench/carto_items.py.

Before (the viewer's former answer, measured here through the same
features): up to 5,000 features per view and "zoom in to see all"; now the
server counts the points by cells of 64 px (one GROUP BY under the caller's
record rules) as long as the view holds more than 5,000 of them, and sends
the features themselves below that.

Run: .venv/bin/python bench/carto_view.py [--features 100000]
        [--backends sqlite,postgresql] [--repeat 5]
The databases are the ones of bench/carto_items.py (created if missing).
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carto_items as base  # noqa: E402

CENTRE = (3.9523, 50.4542)
SCREEN = (1280, 800)
ZOOMS = [11, 12, 13, 14, 15, 16, 17]


def view(zoom):
    "bbox of the screen centred on Mons at zoom (Web Mercator)"
    degrees = 360 / (256 * 2 ** zoom)
    width = SCREEN[0] * degrees
    height = SCREEN[1] * degrees * math.cos(math.radians(CENTRE[1]))
    return (CENTRE[0] - width / 2, CENTRE[1] - height / 2,
        CENTRE[0] + width / 2, CENTRE[1] + height / 2)


def child(backend, repeat):
    from werkzeug.test import Client

    from trytond.pool import Pool
    from trytond.protocols.wrappers import Response
    from trytond.wsgi import app
    Pool.start()
    client = Client(app, Response)
    rows = []
    for zoom in ZOOMS:
        bbox = ','.join('%.6f' % v for v in view(zoom))
        result = {'zoom': zoom}
        for name, url, query in [
                ('now', '/%s/carto/map/data/bench' % base.DB,
                    {'bbox': bbox, 'zoom': str(zoom)}),
                ('before', '/%s/carto/ogc/collections/bench/items'
                    % base.DB, {'bbox': bbox, 'limit': '5000'}),
                ]:
            timings = []
            for index in range(repeat + 1):
                start = time.perf_counter()
                response = client.get(url, query_string=query)
                body = response.get_data()
                elapsed = time.perf_counter() - start
                assert response.status_code == 200, body[:300]
                if index:  # the first one warms the caches
                    timings.append(elapsed)
            document = json.loads(body)
            result[name] = {
                'ms': round(statistics.median(timings) * 1000, 1),
                'kib': round(len(body) / 1024, 1),
                'markers': len(document['features']),
                'matched': document['numberMatched'],
                'cells': bool(document.get('aggregated')),
                }
        rows.append(result)
    print(json.dumps(rows))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--features', type=int, default=100_000)
    parser.add_argument('--backends', default='sqlite')
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--child')
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeat)
        return
    os.makedirs(base.WORK, exist_ok=True)
    load = open('/proc/loadavg').read().split()[0]
    print(f'{args.features:,} points, screen {SCREEN[0]}x{SCREEN[1]} px '
        f'over Mons, median of {args.repeat} (load average {load})')
    admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
    for backend in args.backends.split(','):
        base.setup_trytond(backend, args.features, load=False)
        # The module's current tables, then the layer
        subprocess.run([admin, '-d', base.DB, '-u', 'mons_carto'],
            env=base._env(backend), check=True, capture_output=True)
        subprocess.run([sys.executable, base.__file__, '--child', backend,
                '--features', str(args.features), '--load'],
            env=base._env(backend), check=True)
        output = subprocess.run([sys.executable, __file__, '--child',
                backend, '--repeat', str(args.repeat)],
            env=base._env(backend), capture_output=True, text=True)
        if output.returncode:
            sys.exit(output.stderr)
        rows = json.loads(output.stdout.strip().splitlines()[-1])
        print(f'\n[{backend}]')
        print('| zoom | points in view | now: answer | now: markers | now: '
            'ms | now: KiB | before: features | before: ms | before: KiB |')
        print('|---|---|---|---|---|---|---|---|---|')
        for row in rows:
            now, before = row['now'], row['before']
            print(f"| {row['zoom']} | {now['matched']:,} | "
                f"{'cells' if now['cells'] else 'features'} | "
                f"{now['markers']:,} | {now['ms']} | {now['kib']} | "
                f"{before['markers']:,} | {before['ms']} | "
                f"{before['kib']} |")


if __name__ == '__main__':
    main()
