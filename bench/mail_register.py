"""Register mail items through the REST API from parallel clients.

    .venv/bin/python bench/mail_register.py --url http://127.0.0.1:8000 \
        --db mons --key <bearer key> [--items 10000] [--clients 8]

Each client creates a draft incoming item (POST) then calls its `register`
button (POST .../<id>/register). A registration that meets the lock of the
strict sequence is replayed by the server (`[database] retry`); one still
failing after those replays reaches the client, is counted in
`conflict_retries` and retried here. At the end the numbers of the run are
checked: all distinct and, per direction and year, gapless (the run's
numbers must form one consecutive block when no one else registers).
The server-side replays are not visible here: on PostgreSQL count the
"could not obtain lock" / "could not serialize" errors of the database in
the server log for the duration of the run.
"""
import argparse
import base64
import json
import re
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--url', required=True)
    parser.add_argument('--db', default='mons')
    parser.add_argument('--key', required=True)
    parser.add_argument('--items', type=int, default=10000)
    parser.add_argument('--clients', type=int, default=8)
    parser.add_argument('--party', type=int,
        help="id of the sender; the first contact found by default")
    args = parser.parse_args()
    base = f'{args.url.rstrip("/")}/{args.db}/rest/model/mail.item'
    headers = {'Authorization': f'bearer {args.key}',
        'Content-Type': 'application/json'}
    local = threading.local()

    def session():
        if not hasattr(local, 's'):
            local.s = requests.Session()
            local.s.headers.update(headers)
        return local.s

    party = args.party
    if not party:
        d = base64.urlsafe_b64encode(json.dumps(
                [['name', '!=', None]]).encode()).decode()
        r = session().get(f'{args.url.rstrip("/")}/{args.db}/rest/model/'
            f'party.party', params={'d': d, 's': 1})
        r.raise_for_status()
        party = r.json()[0]['id']
    run = f'BENCH-{int(time.time())}'
    latencies = []
    errors = []
    conflicts = []

    def one(index):
        s = session()
        start = time.perf_counter()
        for attempt in range(5):
            r = s.post(base, data=json.dumps({
                        'direction': 'incoming', 'medium': 'paper',
                        'party': party,
                        'subject': f'Bench {index}',
                        'external_reference': f'{run}-{index}',
                        }))
            if r.status_code < 500:
                break
            time.sleep(0.05 * (attempt + 1))
        if r.status_code >= 300:
            errors.append((index, 'create', r.status_code, r.text[:200]))
            return None
        item_id = r.json()['id']
        for attempt in range(30):
            r = s.post(f'{base}/{item_id}/register', data='{}')
            # A lock conflict still there after the server's replays comes
            # back as 400 "Unable to get RPC method" (trytond's REST wrapper
            # fails to format a DatabaseOperationalError): the item is still
            # a draft, try again
            if r.status_code < 500 and not (r.status_code == 400
                    and 'Unable to get RPC method' in r.text):
                break
            conflicts.append(index)
            time.sleep(0.05 * (attempt + 1))
        if r.status_code >= 300:
            errors.append((index, 'register', r.status_code, r.text[:200]))
            return None
        latencies.append(time.perf_counter() - start)
        return item_id

    start = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:
        ids = [i for i in pool.map(one, range(args.items)) if i]
    elapsed = time.perf_counter() - start

    # Read the numbers back
    numbers = []
    d = base64.urlsafe_b64encode(json.dumps(
            [['external_reference', 'like', f'{run}-%']]).encode()).decode()
    offset = 0
    while True:
        r = session().get(base, params={'d': d, 'f': 'number', 's': 1000,
                'p': offset})
        r.raise_for_status()
        rows = r.json()
        if not rows:
            break
        numbers.extend(row['number'] for row in rows)
        offset += len(rows)
    pattern = re.compile(r'^(.*?)(\d+)$')
    seq = sorted(int(pattern.match(n).group(2)) for n in numbers if n)
    distinct = len(set(numbers)) == len(numbers) and None not in numbers
    gapless = bool(seq) and seq == list(range(seq[0], seq[0] + len(seq)))
    latencies.sort()
    print(json.dumps({
                'items': args.items, 'clients': args.clients,
                'registered': len(ids), 'errors': len(errors),
                'conflict_retries': len(conflicts),
                'seconds': round(elapsed, 1),
                'items_per_second': round(len(ids) / elapsed, 1),
                'latency_median_ms': round(
                    statistics.median(latencies) * 1000, 1)
                if latencies else None,
                'latency_p95_ms': round(
                    latencies[int(len(latencies) * 0.95) - 1] * 1000, 1)
                if latencies else None,
                'numbers': len(numbers), 'first': min(numbers, default=None),
                'last': max(numbers, default=None),
                'distinct': distinct, 'gapless': gapless,
                }, indent=2))
    for error in errors[:5]:
        print('error:', error, file=sys.stderr)
    return 0 if distinct and gapless and not errors else 1


if __name__ == '__main__':
    sys.exit(main())
