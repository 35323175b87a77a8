"""Ingest a month of clock events (default 2,000 agents, 200,000 events)
through the device REST API, POST /<db>/rest/model/attendance.line/clock,
in batches; then replay part of it. Runs the real WSGI application of
trytond through werkzeug's test client (no network).

    .venv/bin/python bench/hr_time_ingest.py [--agents 2000] [--batch 1000]
    TRYTOND_DATABASE__URI=postgresql://mons:mons@127.0.0.1:5432/ \
        .venv/bin/python bench/hr_time_ingest.py [--worker]

--worker (PostgreSQL): the day computations go to the queue and a real
trytond-worker (one process) computes them, as in production; the figure
end to end runs from the first request until the worker has computed the
last day.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import hr_time_common as common  # noqa: E402


def pending_tasks(db):
    "Queued day computations the worker has not finished"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(db, 0, readonly=True):
        return Pool().get('ir.queue').search_count(
            [('finished_at', '=', None)])


def process_tree_cpu(pid):
    "CPU seconds of a process and its children, from /proc"
    tick = os.sysconf('SC_CLK_TCK')
    total, pids = 0, [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f'/proc/{current}/stat') as stat:
                fields = stat.read().rsplit(')', 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            with open(f'/proc/{current}/task/{current}/children') as f:
                pids.extend(int(p) for p in f.read().split())
        except FileNotFoundError:
            continue
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--agents', type=int, default=2000)
    parser.add_argument('--days', type=int, default=25)
    parser.add_argument('--batch', type=int, default=1000)
    parser.add_argument('--replay', type=int, default=20000)
    parser.add_argument('--worker', action='store_true')
    args = parser.parse_args()
    db = common.configure('bench_hr_time')
    if args.worker:
        # Read by trytond's configuration when it is imported
        os.environ['TRYTOND_QUEUE__WORKER'] = 'True'

    start = time.perf_counter()
    company, badges = common.setup_database(args.agents)
    setup = time.perf_counter() - start

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond.wsgi import app
    import trytond.protocols.rest  # noqa: F401 — registers the routes
    from werkzeug.test import Client

    with Transaction().start(db, 0) as transaction:
        pool = Pool()
        Application = pool.get('res.user.application')
        Period = pool.get('attendance.period')
        # A previous close benchmark leaves the month closed
        periods = Period.search([], order=[('ends_at', 'DESC')])
        Period.draft([p for p in periods if p.state == 'closed'])
        Period.delete(periods)
        common.empty(['attendance.overtime.line', 'attendance.overtime',
                'attendance.anomaly', 'attendance.day', 'attendance.line',
                'ir.queue'])
        application, = Application.create([{'user': 1,
                    'application': 'rest', 'state': 'validated'}])
        key = application.key
        transaction.commit()

    events = common.month_events(args.agents, args.days)
    client = Client(app)
    headers = {'Authorization': f'bearer {key}',
        'Content-Type': 'application/json'}

    def post(batch):
        response = client.post(f'/{db}/rest/model/attendance.line/clock',
            data=json.dumps({'events': batch}), headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return json.loads(response.get_data())

    worker = None
    if args.worker:
        worker = subprocess.Popen([os.path.join(os.path.dirname(
                        sys.executable), 'trytond-worker'), '-d', db,
                '-n', '1'], stdout=subprocess.DEVNULL,
            start_new_session=True)
        time.sleep(3)
    counts = {}
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(events), args.batch):
        for status in post(events[i:i + args.batch]):
            counts[status['status']] = counts.get(status['status'], 0) + 1
    ingest = time.perf_counter() - start
    ingest_cpu = time.process_time() - cpu
    end_to_end = worker_cpu = None
    if worker:
        while pending_tasks(db):
            time.sleep(0.2)
        end_to_end = time.perf_counter() - start
        worker_cpu = process_tree_cpu(worker.pid)
        # The worker's process pool goes with it
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait()

    replayed = events[:args.replay]
    replay_counts = {}
    start = time.perf_counter()
    for i in range(0, len(replayed), args.batch):
        for status in post(replayed[i:i + args.batch]):
            replay_counts[status['status']] = replay_counts.get(
                status['status'], 0) + 1
    replay = time.perf_counter() - start

    with Transaction().start(db, 0) as transaction:
        stored = Pool().get('attendance.line').search_count([])
        queued = Pool().get('ir.queue').search_count([])
        if worker:
            # Each day computed from all its clockings, none left behind:
            # the bench's days hold about 6h30 at least between the four
            computed = Pool().get('attendance.day').search_count(
                [('worked', '>=', 6 * 3600)])

    common.report('HR time: device API ingest', [
            ('backend', common.backend()),
            ('agents', args.agents),
            ('events', len(events)),
            ('batch size', args.batch),
            ('set-up (s)', round(setup, 1)),
            ('ingest (s)', round(ingest, 1)),
            ('ingest CPU (s)', round(ingest_cpu, 1)),
            ('events per second (wall)', round(len(events) / ingest)),
            ('events per CPU second', round(len(events) / ingest_cpu)),
            ('end to end, days computed by the worker (s)',
                end_to_end and round(end_to_end, 1)),
            ('events per second end to end',
                end_to_end and round(len(events) / end_to_end)),
            ('worker CPU (s)', worker_cpu and round(worker_cpu, 1)),
            ('statuses', counts),
            ('stored lines', stored),
            ('day recomputations queued (tasks)', queued),
            ('days computed from their 4 clockings', computed if worker else None),
            ('replay events', len(replayed)),
            ('replay (s)', round(replay, 1)),
            ('replayed events per second', round(len(replayed) / replay)),
            ('replay statuses', replay_counts),
            ('max RSS (MB)', round(common.max_rss_mb())),
            ])
    assert stored == len(events) == counts.get('created')
    if worker:
        assert computed == args.agents * args.days, computed
    assert replay_counts == {'duplicate': len(replayed)}


if __name__ == '__main__':
    main()
