"""Many clocking devices (or gateways) sending overlapping batches to the
device API at once, over HTTP, against a running site.

    .venv/bin/python bench/hr_time_concurrent.py --site sites/dev \\
        --url http://127.0.0.1:8000 --clients 50 --batch 100

Needs a site with the demo data (employees with badges, device
VILLE-HALL-1); keys are made with `mons key` for the logins api (sends the
events) and rh (reads the badges and the result). Events go on past days of the
employees' schedules far from today (--days-back), each unique event sent by
several clients. Prints: batches answered 200 or not, events created,
duplicates reported, lines stored for the events (must equal the unique
events), latency per batch (median, max).
"""
import argparse
import base64
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from zoneinfo import ZoneInfo

MONS = str(Path(sys.executable).parent / 'mons')


def key(site, login):
    return subprocess.run([MONS, 'key', '--site', site, login], check=True,
        capture_output=True, text=True).stdout.strip().splitlines()[-1]


def rest(url, db, key, path, data=None):
    request = urllib.request.Request(f'{url}/{db}/rest/{path}',
        method='POST' if data is not None else 'GET',
        data=json.dumps(data).encode() if data is not None else None,
        headers={'Authorization': f'bearer {key}',
            'Content-Type': 'application/json'})
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read()[:300]


def q(domain):
    return base64.urlsafe_b64encode(json.dumps(domain).encode()).decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--site', required=True, help="site folder")
    parser.add_argument('--url', required=True)
    parser.add_argument('--database', default='mons')
    parser.add_argument('--clients', type=int, default=50)
    parser.add_argument('--batch', type=int, default=100)
    parser.add_argument('--unique', type=int, default=1500,
        help="unique events shared by the clients' batches")
    parser.add_argument('--days-back', type=int, default=400)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    # HR reads the badges and the clockings (rules of mons_hr_time)
    api, admin = key(args.site, 'api'), key(args.site, 'rh')
    status, employees = rest(args.url, args.database, admin,
        'model/company.employee?s=1000&f=badge&f=start_date&d='
        + q([['badge', '!=', None]]))
    assert status == 200, employees
    start = dt.date.today() - dt.timedelta(days=args.days_back)
    employees = [e for e in employees if e.get('badge') and (
        not e.get('start_date')
        or e['start_date'] and dt.date(e['start_date']['year'],
            e['start_date']['month'], e['start_date']['day']) <= start)]
    brussels = ZoneInfo('Europe/Brussels')
    unique, rng = [], random.Random(args.seed)
    day = start
    while len(unique) < args.unique:
        for employee in employees:
            for minute in (8 * 60, 12 * 60, 12 * 60 + 30, 16 * 60 + 30):
                at = dt.datetime.combine(day, dt.time(minute // 60,
                        minute % 60), tzinfo=brussels)
                unique.append({'badge': employee['badge'],
                        'at': at.isoformat(), 'device': 'VILLE-HALL-1',
                        'direction': 'in' if minute in (480, 750)
                        else 'out'})
        day += dt.timedelta(days=1)
    unique = unique[:args.unique]
    batches = [rng.sample(unique, min(args.batch, len(unique)))
        for _ in range(args.clients)]

    def send(batch):
        started = time.monotonic()
        status, result = rest(args.url, args.database, api,
            'model/attendance.line/clock', {'events': batch})
        return status, result, time.monotonic() - started

    started = time.monotonic()
    with ThreadPoolExecutor(args.clients) as executor:
        answers = list(executor.map(send, batches))
    wall = time.monotonic() - started
    refused = [(s, r) for s, r, _ in answers if s != 200]
    counts = {}
    created = {}
    for batch, (status, result, _) in zip(batches, answers):
        if status != 200:
            continue
        for event, line in zip(batch, result):
            counts[line['status']] = counts.get(line['status'], 0) + 1
            if line['status'] == 'created':
                k = (event['badge'], event['at'])
                created[k] = created.get(k, 0) + 1
    badges = sorted({e['badge'] for e in unique})
    ats = sorted(e['at'] for e in unique)
    domain = q([['badge', 'in', badges], ['source', '=', 'device'],
            ['date', '>=', ats[0][:10]], ['date', '<=', ats[-1][:10]]])
    stored, offset = 0, 0
    while True:
        status, lines = rest(args.url, args.database, admin,
            f'model/attendance.line?s=1000&p={offset}&d={domain}')
        assert status == 200, lines
        stored += len(lines)
        offset += 1000
        if len(lines) < 1000:
            break
    latencies = [t for _, _, t in answers]
    print(f"{args.clients} clients × {args.batch} events, {len(unique)} "
        f"unique events, in {wall:.1f} s")
    print(f"batches refused: {len(refused)} {refused[:3]}")
    print(f"statuses: {counts}; events created twice: "
        f"{sum(1 for n in created.values() if n > 1)}; unique events "
        f"sent: {len({(e['badge'], e['at']) for b in batches for e in b})}"
        f"; created: {len(created)}; lines stored on those days: {stored}")
    print(f"latency per batch: median {statistics.median(latencies):.1f} s,"
        f" max {max(latencies):.1f} s")


if __name__ == '__main__':
    main()
