"""Recompute and close one month for 2,000 agents, then the Persée export;
compared with a plain vectorised computation (pandas) of the same worked
times from the same events, as the floor to approach.

    .venv/bin/python bench/hr_time_close.py [--agents 2000]
    TRYTOND_DATABASE__URI=postgresql://mons:mons@127.0.0.1:5432/ \
        .venv/bin/python bench/hr_time_close.py

Loads the events itself (through Line.clock, in-process) when the ingest
benchmark has not left them in the database.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import hr_time_common as common  # noqa: E402


def pandas_floor(rows):
    "Worked seconds per (employee, date) from sorted (employee, date, at, type)"
    import pandas as pd
    start = time.process_time()
    frame = pd.DataFrame(rows, columns=['employee', 'date', 'at', 'type'])
    frame['at'] = pd.to_datetime(frame['at'])
    frame = frame.sort_values(['employee', 'at'], kind='stable')
    nxt = frame.groupby(['employee', 'date'])
    frame['next_at'] = nxt['at'].shift(-1)
    frame['next_type'] = nxt['type'].shift(-1)
    # An in followed by an out of the same day is a worked interval; a
    # strict alternation check would flag the rest as anomalies
    pairs = frame[(frame['type'] == 'in') & (frame['next_type'] == 'out')]
    worked = (pairs['next_at'] - pairs['at']).dt.total_seconds().groupby(
        [pairs['employee'], pairs['date']]).sum()
    return worked, time.process_time() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--agents', type=int, default=2000)
    parser.add_argument('--days', type=int, default=25)
    args = parser.parse_args()
    db = common.configure('bench_hr_time')
    company_id, badges = common.setup_database(args.agents)

    from trytond.pool import Pool
    from trytond.transaction import Transaction

    with Transaction().start(db, 0, context={'company': company_id,
                '_hr_time_defer': True}) as transaction:
        pool = Pool()
        Line = pool.get('attendance.line')
        Period = pool.get('attendance.period')
        Period.delete([p for p in Period.search([])
                if p.state == 'draft'] or [])
        closed = Period.search([('state', '=', 'closed')])
        if closed:
            Period.draft(closed)
            Period.delete(closed)
        if Line.search_count([]) < args.agents * args.days * 4:
            common.empty(['attendance.line'])
            events = common.month_events(args.agents, args.days)
            start = time.perf_counter()
            for i in range(0, len(events), 2000):
                Line.clock(events[i:i + 2000])
            common.report('HR time: events loaded in-process', [
                    ('events', len(events)),
                    ('seconds', round(time.perf_counter() - start, 1))])
        common.empty(['attendance.overtime.line', 'attendance.overtime',
                'attendance.anomaly', 'attendance.day', 'ir.queue'])
        transaction.commit()

    with Transaction().start(db, 0, context={'company': company_id}) \
            as transaction:
        pool = Pool()
        Company = pool.get('company.company')
        Day = pool.get('attendance.day')
        Period = pool.get('attendance.period')
        Line = pool.get('attendance.line')
        company = Company(company_id)
        start, cpu = time.perf_counter(), time.process_time()
        computed = Day.compute_month(company, common.YEAR, common.MONTH)
        recompute = time.perf_counter() - start
        recompute_cpu = time.process_time() - cpu
        start, cpu = time.perf_counter(), time.process_time()
        # Second pass: every day exists, the usual case of a recompute
        Day.compute_month(company, common.YEAR, common.MONTH)
        recompute_again = time.perf_counter() - start
        recompute_again_cpu = time.process_time() - cpu
        period, = Period.create([{'company': company_id,
                    'ends_at': Period.month_end(company, common.YEAR,
                        common.MONTH)}])
        start, cpu = time.perf_counter(), time.process_time()
        # The close checks first (list of what is undecided, sign-offs):
        # the bench carries every item and signs every employee off, as HR
        # would once it reviewed the list, then closes
        Item = pool.get('hr.time.close.item')
        Signoff = pool.get('hr.time.close.signoff')
        steps = {}

        def step(name, cpu=[cpu]):
            now = time.process_time()
            steps[name] = round(now - cpu[0], 1)
            cpu[0] = now
        Period.check_close([period])
        step('check')
        # HR selects the items a page at a time (a list of tens of
        # thousands of records is slow to instantiate in trytond)
        for ids in common.slices(Item.search([('period', '=', period.id),
                        ('state', '=', 'open')], query=True)):
            Item.carry(Item.browse(ids))
        step('carry')
        for ids in common.slices(Signoff.search([
                        ('period', '=', period.id),
                        ('state', '=', 'to_sign')], query=True)):
            Signoff.sign(Signoff.browse(ids))
        step('sign')
        Period.close([period])
        step('close')
        close = time.perf_counter() - start
        close_cpu = time.process_time() - cpu
        transaction.commit()

        cursor = transaction.connection.cursor()
        line = Line.__table__()
        cursor.execute(*line.select(line.employee, line.date, line.at,
                line.type))
        rows = list(cursor)
        worked, floor = pandas_floor(rows)
        day = Day.__table__()
        cursor.execute(*day.select(day.employee, day.date, day.paired,
                day.worked, day.state))
        days = list(cursor)
        tryton_total = sum(d[2] or 0 for d in days)
        closed_days = sum(1 for d in days if d[4] == 'closed')

    # Flexitime days clip to the band, so compare the raw pairs (fixed
    # schedules have no band): the paired time of the days is unclipped
    # only where no band applies; report both totals
    common.report('HR time: recompute and close a month', [
            ('backend', common.backend()),
            ('agents', args.agents),
            ('events', len(rows)),
            ('days computed', computed),
            ('first computation (wall s / CPU s)',
                (round(recompute, 1), round(recompute_cpu, 1))),
            ('recompute (wall s / CPU s)',
                (round(recompute_again, 1), round(recompute_again_cpu, 1))),
            ('check, carry, sign, close (wall s / CPU s)',
                (round(close, 1), round(close_cpu, 1))),
            ('CPU s per step', steps),
            ('days closed', closed_days),
            ('max RSS (MB)', round(common.max_rss_mb())),
            ('pandas floor, same worked times (CPU s)', round(floor, 2)),
            ('ratio first computation / pandas (CPU)',
                round(recompute_cpu / floor)),
            ('worked hours, pandas pairs', round(worked.sum() / 3600)),
            ('paired hours, Tryton days', round(tryton_total / 3600)),
            ])


if __name__ == '__main__':
    main()
