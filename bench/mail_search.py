"""Text search on many mail items, as a service agent (record rules applied).

    .venv/bin/python bench/mail_search.py [--items 100000] [--queries 200]
        [--database-uri postgresql://mons:mons@127.0.0.1:5432/]

Creates a throw-away database (SQLite file in a temporary folder, or a
PostgreSQL database `bench_mail_<pid>` dropped at the end), activates
mons_mail, loads N items with realistic subjects and keywords (5% of them
confidential), then times `mail.item.search([('text', 'ilike', words)],
limit=50)` as a service agent with the record rules on, for one-word and
two-word queries, and prints the median and 95th percentile.
On PostgreSQL the `pg_trgm` extension is created so the text column gets its
trigram (GIN) index.
"""
import argparse
import datetime
import json
import os
import random
import statistics
import sys
import tempfile
import time

WORDS = ("subside salle concert voirie taxe permis plainte culture "
    "événement brocante urbanisme environnement éclairage trottoir "
    "candidature attestation naissance adresse collège conseil marché "
    "nettoyage facture tourisme beffroi doudou académie musique parking "
    "stationnement chantier égouttage arbre élagage déchets propreté "
    "Jemappes Nimy Cuesmes Ghlin Hyon Havré Obourg Spiennes Mesvin "
    "Flénu Maisières Baudour Harmignies Harveng Villers Ciply Saint-Symphorien "
    "Saint-Denis Givry").split()
FIRST = "Marie Jean Luc Anne Pierre Sophie Marc Julie Paul Claire".split()
LAST = ("Dupont Lambert Dubois Leroy Laurent Simon Michel Lefèvre Martin "
    "Mertens Peeters Janssens Maes Jacobs Willems").split()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--items', type=int, default=100000)
    parser.add_argument('--queries', type=int, default=200)
    parser.add_argument('--database-uri', default='sqlite://')
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix='bench_mail_')
    if args.database_uri.startswith('sqlite'):
        os.environ['DB_NAME'] = 'bench'
        os.environ['TRYTOND_DATABASE__PATH'] = folder
    else:
        os.environ['DB_NAME'] = f'bench_mail_{os.getpid()}'
    os.environ['TRYTOND_DATABASE__URI'] = args.database_uri
    from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    start = time.perf_counter()
    activate_module(['mons_mail'])
    setup_seconds = time.perf_counter() - start
    rng = random.Random(42)
    try:
        with Transaction().start(DB_NAME, 0) as transaction:
            database = transaction.database
            if not args.database_uri.startswith('sqlite'):
                cursor = transaction.connection.cursor()
                cursor.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
                database._extensions.pop(database.name, None)
            pool = Pool()
            agent, services = setup_org(pool)
            Item = pool.get('mail.item')
            if not args.database_uri.startswith('sqlite'):
                Item._update_sql_indexes()
            start = time.perf_counter()
            load_items(pool, args.items, services, rng)
            load_seconds = time.perf_counter() - start
            transaction.commit()
            if not args.database_uri.startswith('sqlite'):
                cursor = transaction.connection.cursor()
                cursor.execute('ANALYZE mail_item')
                transaction.commit()

        results = {}
        with Transaction().start(DB_NAME, agent, readonly=True,
                context={'_check_access': True,
                    'company': services['company'],
                    'companies': [services['company']]}):
            Item = Pool().get('mail.item')
            for label, size in [('one word', 1), ('two words', 2)]:
                timings, hits = [], []
                for _ in range(args.queries):
                    query = ' '.join(rng.sample(WORDS, size))
                    t0 = time.perf_counter()
                    found = Item.search([('text', 'ilike', query)], limit=50)
                    timings.append(time.perf_counter() - t0)
                    hits.append(len(found))
                timings.sort()
                results[label] = {
                    'median_ms': round(statistics.median(timings) * 1000, 1),
                    'p95_ms': round(
                        timings[int(len(timings) * 0.95) - 1] * 1000, 1),
                    'mean_hits': round(statistics.mean(hits), 1),
                    }
            # A word found nowhere: the whole text column is scanned
            timings = []
            for i in range(args.queries):
                t0 = time.perf_counter()
                Item.search([('text', 'ilike', f'zqx{i}wv')], limit=50)
                timings.append(time.perf_counter() - t0)
            timings.sort()
            results['absent word'] = {
                'median_ms': round(statistics.median(timings) * 1000, 1),
                'p95_ms': round(
                    timings[int(len(timings) * 0.95) - 1] * 1000, 1),
                }
            # A number looked up exactly, as the desk does after a scan
            timings = []
            numbers = [f'E/2026/{rng.randint(1, args.items):06d}'
                for _ in range(args.queries)]
            for number in numbers:
                t0 = time.perf_counter()
                Item.search([('text', 'ilike', number)], limit=50)
                timings.append(time.perf_counter() - t0)
            timings.sort()
            results['number'] = {
                'median_ms': round(statistics.median(timings) * 1000, 1),
                'p95_ms': round(
                    timings[int(len(timings) * 0.95) - 1] * 1000, 1),
                }
        print(json.dumps({
                    'backend': args.database_uri.split(':')[0],
                    'items': args.items, 'queries': args.queries,
                    'activate_seconds': round(setup_seconds, 1),
                    'load_seconds': round(load_seconds, 1),
                    'search': results,
                    }, indent=2, ensure_ascii=False))
    finally:
        if not args.database_uri.startswith('sqlite'):
            drop_db()
    return 0


def setup_org(pool):
    Company = pool.get('company.company')
    Party = pool.get('party.party')
    Currency = pool.get('currency.currency')
    Employee = pool.get('company.employee')
    Service = pool.get('mons.service')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    currency, = Currency.create([{'name': 'Euro', 'code': 'EUR',
                'symbol': '€'}])
    party, = Party.create([{'name': 'Ville de Mons'}])
    company, = Company.create([{'party': party.id,
                'currency': currency.id}])
    employee, = Employee.create([{'company': company.id,
                'party': Party.create([{'name': 'Agent'}])[0].id}])
    codes = ['CULT', 'TRAV', 'URB', 'FIN', 'RH', 'POP', 'TOUR', 'EVEN']
    services = Service.create([{'code': c, 'name': c,
                'company': company.id} for c in codes])
    Service.write([services[0]], {'members': [('add', [employee.id])]})
    groups = [ModelData.get_id('mons_base', g) for g in
        ['group_employee', 'group_service_agent']]
    user, = User.create([{'login': 'agent', 'name': 'Agent',
                'companies': [('add', [company.id])],
                'company': company.id,
                'employees': [('add', [employee.id])],
                'employee': employee.id,
                'groups': [('add', groups)]}])
    return user.id, {'company': company.id,
        'ids': [s.id for s in services]}


def load_items(pool, count, services, rng):
    from trytond.transaction import Transaction
    Party = pool.get('party.party')
    Item = pool.get('mail.item')
    table = Item.__table__()
    parties = Party.create([{'name': f'{rng.choice(FIRST)} '
                f'{rng.choice(LAST)}'} for _ in range(2000)])
    cursor = Transaction().connection.cursor()
    names = {p.id: p.rec_name for p in parties}
    # Rows are inserted in bulk (the ORM path is measured by
    # bench/mail_register.py); the text column is built by the same
    # function the module uses
    columns = [table.company, table.direction, table.medium, table.party,
        table.subject, table.keywords, table.confidential, table.service,
        table.state, table.number, table.search_text, table.create_uid,
        table.create_date]
    now = datetime.datetime.now()
    batch = 2000
    for offset in range(0, count, batch):
        rows = []
        for i in range(offset, min(offset + batch, count)):
            words = rng.sample(WORDS, 6)
            values = {
                'subject': ' '.join(words[:4]).capitalize(),
                'keywords': ', '.join(words[4:]),
                'number': f'E/2026/{i + 1:06d}',
                }
            party = rng.choice(parties).id
            rows.append([services['company'], 'incoming', 'paper', party,
                    values['subject'], values['keywords'],
                    rng.random() < 0.05, rng.choice(services['ids']),
                    'assigned', values['number'],
                    Item._search_text(values, names[party]), 0, now])
        cursor.execute(*table.insert(columns, rows))

if __name__ == '__main__':
    sys.exit(main())
