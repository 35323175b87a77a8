"""Shared set-up of the HR time benchmarks: a database with mons_hr_time,
N agents with badges and schedules, and the events of a month."""
import datetime as dt
import os
import random
import resource
import sys
import tempfile
from zoneinfo import ZoneInfo

YEAR, MONTH = 2026, 3
ZONE = ZoneInfo('Europe/Brussels')
DEVICE = 'BENCH-1'


def configure(name):
    "Point trytond at a bench database (SQLite file unless a URI is set)"
    uri = os.environ.get('TRYTOND_DATABASE__URI')
    if not uri:
        folder = os.path.join(tempfile.gettempdir(), 'mons-bench')
        os.makedirs(folder, exist_ok=True)
        os.environ['TRYTOND_DATABASE__URI'] = 'sqlite://'
        # trytond's SQLite backend takes the folder from [database] path
        os.environ['TRYTOND_DATABASE__PATH'] = folder
    os.environ.setdefault('DB_NAME', name)
    os.environ.setdefault('DB_CACHE', os.path.join(
            tempfile.gettempdir(), 'mons-bench-cache'))
    return os.environ['DB_NAME']


def backend():
    return 'postgresql' if os.environ['TRYTOND_DATABASE__URI'].startswith(
        'postgresql') else 'sqlite'


def max_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_database(agents):
    """Activate the module and create the company, device, schedules and
    agents when missing; returns (company id, {badge: employee id})"""
    from trytond.tests.test_tryton import activate_module
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    activate_module(['mons_hr_time'])
    # Importing trytond's test tools switches the pool to test mode, where
    # every create and write also validates the function fields (reading
    # the rec_name of each new day and anomaly): a production server never
    # does, so the benchmark measures without it
    Pool.test = False
    db = os.environ['DB_NAME']
    with Transaction().start(db, 0, context={'language': 'fr'}) as t:
        pool = Pool()
        Company = pool.get('company.company')
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        Currency = pool.get('currency.currency')
        Device = pool.get('hr.time.device')
        Schedule = pool.get('hr.time.schedule')
        Assignment = pool.get('hr.time.employee.schedule')
        Rule = pool.get('attendance.overtime.rule')
        User = pool.get('res.user')
        companies = Company.search([])
        if companies:
            company = companies[0]
        else:
            currency, = Currency.create([{'name': 'Euro', 'code': 'EUR',
                        'symbol': '€'}])
            party, = Party.create([{'name': 'Ville de Mons (bench)'}])
            company, = Company.create([{'party': party.id,
                        'currency': currency.id,
                        'timezone': 'Europe/Brussels'}])
            admin = User(1)
            User.write([admin], {'companies': [('add', [company.id])],
                    'company': company.id})
            Device.create([{'name': 'Bench', 'code': DEVICE,
                        'company': company.id}])
            Rule.create([{'company': company.id,
                        'threshold': dt.timedelta(minutes=15),
                        'evening_start': dt.time(20)}])
            Schedule.create([{'name': 'Fixe', 'code': 'FIX',
                        'company': company.id, 'kind': 'fixed',
                        'lines': [('create', [{'weekday': str(d),
                                        'start': dt.time(8),
                                        'end': dt.time(16, 30),
                                        'break_duration':
                                        dt.timedelta(minutes=30)}
                                    for d in range(5)])]},
                {'name': 'Variable', 'code': 'VAR', 'company': company.id,
                    'kind': 'flexitime', 'band_start': dt.time(7),
                    'band_end': dt.time(19),
                    'core_am_start': dt.time(9),
                    'core_am_end': dt.time(11, 30),
                    'core_pm_start': dt.time(14),
                    'core_pm_end': dt.time(15, 30),
                    'minimum_break': dt.timedelta(minutes=30),
                    'lines': [('create', [{'weekday': str(d),
                                    'target': dt.timedelta(hours=7,
                                        minutes=36)} for d in range(5)])]}])
        existing = Employee.search_count([])
        if existing < agents:
            fixed, flexi = Schedule.search([], order=[('code', 'ASC')])
            parties = Party.create([{'name': f'Agent {i:05d}'}
                    for i in range(existing, agents)])
            employees = Employee.create([{'party': p.id,
                        'company': company.id, 'badge': f'{i:06d}'}
                    for i, p in zip(range(existing, agents), parties)])
            Assignment.create([{'employee': e.id,
                        'schedule': (fixed if i % 2 else flexi).id,
                        'valid_from': dt.date(2026, 1, 1)}
                    for i, e in enumerate(employees)])
        badges = {e.badge: e.id for e in Employee.search(
                [('badge', '!=', None)])}
        t.commit()
        return company.id, badges


def month_events(agents, per_agent_days=25, seed=42):
    """4 events a day for each agent over the weekdays and the first
    Saturdays of the month: agents × days × 4 events, sent in time order
    as devices would"""
    rng = random.Random(seed)
    days = []
    date = dt.date(YEAR, MONTH, 1)
    while date.month == MONTH:
        if date.weekday() < 5:
            days.append(date)
        date += dt.timedelta(days=1)
    date = dt.date(YEAR, MONTH, 1)
    while len(days) < per_agent_days:
        if date.weekday() == 5:
            days.append(date)
        date += dt.timedelta(days=1)
    days = sorted(days)[:per_agent_days]
    events = []
    for day in days:
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=ZONE)
        for agent in range(agents):
            begin = 7 * 60 + 30 + rng.randint(0, 75)
            lunch = 12 * 60 + rng.randint(-20, 30)
            back = lunch + rng.choice([30, 35, 45, 60])
            end = begin + 8 * 60 + rng.randint(-30, 90)
            for minutes, direction in [(begin, 'in'), (lunch, 'out'),
                    (back, 'in'), (end, 'out')]:
                at = midnight + dt.timedelta(minutes=minutes,
                    seconds=rng.randint(0, 59))
                events.append((at, {'badge': f'{agent:06d}',
                            'at': at.isoformat(), 'direction': direction,
                            'device': DEVICE}))
    events.sort(key=lambda e: e[0])
    return [e for _, e in events]


def empty(names):
    """Empty the tables of models (and what references them) in SQL:
    deleting hundreds of thousands of records through trytond takes
    minutes and measures nothing; a DELETE on PostgreSQL checks each row's
    references one by one"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    tables = [Pool().get(n)._table for n in names]
    if backend() == 'postgresql':
        cursor.execute('TRUNCATE %s CASCADE' % ', '.join(
                f'"{t}"' for t in tables))
    else:
        for table in tables:
            cursor.execute(f'DELETE FROM "{table}"')


def slices(query, size=1000):
    "Ids of a search query, a page at a time"
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    cursor.execute(*query)
    ids = [r[0] for r in cursor]
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def report(title, rows):
    print(f'\n{title}')
    for key, value in rows:
        print(f'  {key}: {value}')
    sys.stdout.flush()
