"""Ingest a month of clock events (default 2,000 agents, 200,000 events)
through the device REST API, POST /<db>/rest/model/attendance.line/clock,
in batches; then replay part of it. Runs the real WSGI application of
trytond through werkzeug's test client (no network).

    .venv/bin/python bench/hr_time_ingest.py [--agents 2000] [--batch 1000]
    TRYTOND_DATABASE__URI=postgresql://mons:mons@127.0.0.1:5432/ \
        .venv/bin/python bench/hr_time_ingest.py
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import hr_time_common as common  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--agents', type=int, default=2000)
    parser.add_argument('--days', type=int, default=25)
    parser.add_argument('--batch', type=int, default=1000)
    parser.add_argument('--replay', type=int, default=20000)
    args = parser.parse_args()
    db = common.configure('bench_hr_time')

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
        Line = pool.get('attendance.line')
        Period = pool.get('attendance.period')
        # A previous close benchmark leaves the month closed
        periods = Period.search([], order=[('ends_at', 'DESC')])
        Period.draft([p for p in periods if p.state == 'closed'])
        Period.delete(periods)
        Line.delete(Line.search([]))
        pool.get('attendance.day').delete(
            pool.get('attendance.day').search([]))
        pool.get('ir.queue').delete(pool.get('ir.queue').search([]))
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

    counts = {}
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(events), args.batch):
        for status in post(events[i:i + args.batch]):
            counts[status['status']] = counts.get(status['status'], 0) + 1
    ingest = time.perf_counter() - start
    ingest_cpu = time.process_time() - cpu

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
            ('statuses', counts),
            ('stored lines', stored),
            ('day recomputations queued (tasks)', queued),
            ('replay events', len(replayed)),
            ('replay (s)', round(replay, 1)),
            ('replayed events per second', round(len(replayed) / replay)),
            ('replay statuses', replay_counts),
            ('max RSS (MB)', round(common.max_rss_mb())),
            ])
    assert stored == len(events) == counts.get('created')
    assert replay_counts == {'duplicate': len(replayed)}


if __name__ == '__main__':
    main()
