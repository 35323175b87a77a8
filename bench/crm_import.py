"""Import of a 20,000-row list with deduplication against 100,000 contacts.

    .venv/bin/python bench/crm_import.py --site /path/to/site \
        [--contacts 100000] [--rows 20000] [--existing 0.3] [--format csv]

The site must have mons_crm activated (`mons init` + `mons update`); without
--site a throw-away SQLite site is built in a temporary folder (a few
minutes). Everything runs in one transaction that is rolled back at the
end: the site is left as it was.

Steps, each timed (wall and CPU seconds) with the memory of the process:
1. 100,000 contacts written in SQL (set-up, not part of the figures);
2. the directory scan for duplicates (`party.duplicate.detect`);
3. a Belgian Excel-style file: 20,000 rows, a share of them already in the
   directory (typed again), 1 % bad emails, as CSV Windows-1252 with
   semicolons or as .xlsx;
4. the import: read + map (analyse), validate and deduplicate against
   the directory and inside the file (check), then the background batches
   (process) until done -> rows per second.
"""
import argparse
import datetime as dt
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'apps' / 'mons_digital'))

import crm_data  # noqa: E402


def rss_mib():
    with open('/proc/self/statm') as fp:
        return int(fp.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Step:
    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.start = time.perf_counter()
        self.cpu = time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.cpu_seconds = time.process_time() - self.cpu
        print(f"{self.name:<44}{self.seconds:>9.1f} s wall"
            f"{self.cpu_seconds:>9.1f} s CPU   RSS {rss_mib():>6.0f} MiB "
            f"(peak {peak_mib():.0f})", flush=True)


def build_site(folder):
    (folder / 'trytond.conf').write_text("""[site]
database = bench

[database]
language = fr

[queue]
worker = True
""")
    env = dict(os.environ, TRYTOND_DATABASE__URI='sqlite://',
        MONS_ROOT=str(ROOT))
    env.pop('DB_NAME', None)
    env.pop('TRYTOND_CONFIG', None)
    mons = str(pathlib.Path(sys.executable).parent / 'mons')
    for command in (['init'], ['update', 'mons_crm']):
        subprocess.run([mons, *command, '--site', str(folder)], check=True,
            env=env)


def insert_contacts(pool, contacts):
    "Write the contacts in SQL: the ORM would take far longer than the import"
    from trytond.transaction import Transaction
    Party = pool.get('party.party')
    Mechanism = pool.get('party.contact_mechanism')
    Address = pool.get('party.address')
    Country = pool.get('country.country')
    cursor = Transaction().connection.cursor()
    belgium = Country.search([('code', '=', 'BE')], limit=1)
    belgium = belgium[0].id if belgium else None
    now = dt.datetime.now()
    today = dt.date.today()
    party = Party.__table__()
    mechanism = Mechanism.__table__()
    address = Address.__table__()
    cursor.execute(*party.select(party.id, order_by=party.id.desc, limit=1))
    row = cursor.fetchone()
    base = (row[0] if row else 0) + 1
    ids = {}
    for start in range(0, len(contacts), 5000):
        chunk = contacts[start:start + 5000]
        cursor.execute(*party.insert(
                [party.name, party.code, party.active, party.crm_kind,
                    party.language, party.first_name, party.last_name,
                    party.last_used, party.retention_due, party.create_uid,
                    party.create_date],
                [[c['name'], f'BENCH{base + start + i}', True, 'person',
                        'fr', c['first'], c['last'], today, False, 0, now]
                    for i, c in enumerate(chunk)]))
        cursor.execute(*party.select(party.id, party.code,
                where=party.code.like('BENCH%')
                & (party.id >= base)))
        ids.update({code: id_ for id_, code in cursor})
        mechanisms, addresses = [], []
        for i, c in enumerate(chunk):
            party_id = ids[f'BENCH{base + start + i}']
            for email in c['emails']:
                mechanisms.append([party_id, 'email', email, email, True,
                        0, now])
            for phone in c['phones']:
                mechanisms.append([party_id, 'phone', phone,
                        phone.replace(' ', ''), True, 0, now])
            for street in c['street']:
                addresses.append([party_id, street, c['postal_code'],
                        c['city'], belgium, True, 0, now])
        if mechanisms:
            cursor.execute(*mechanism.insert(
                    [mechanism.party, mechanism.type, mechanism.value,
                        mechanism.value_compact, mechanism.active,
                        mechanism.create_uid, mechanism.create_date],
                    mechanisms))
        if addresses:
            cursor.execute(*address.insert(
                    [address.party, address.street_unstructured,
                        address.postal_code, address.city, address.country,
                        address.active, address.create_uid,
                        address.create_date], addresses))


def make_file(directory, rows, existing_share, fmt):
    "Rows of a service's list: some already in the directory, 1% bad emails"
    import random
    from trytond.modules.mons_crm.reader import write_csv, write_xlsx
    rng = random.Random(11)
    known = int(rows * existing_share)
    new, _ = crm_data.contacts(rows - known, 0, seed=99, start_id=10**7)
    again = [crm_data._variant(rng, c, 2 * 10**7 + i)
        for i, c in enumerate(rng.sample(directory, known))]
    contacts = new + again
    rng.shuffle(contacts)
    header, data = crm_data.rows(contacts, existing_share)
    for row in rng.sample(data, rows // 100):
        row[3] = row[3].replace('@', '@@') if row[3] else 'sans-arobase.be'
    if fmt == 'xlsx':
        return write_xlsx(header, data), 'liste.xlsx'
    return write_csv(header, data), 'liste.csv'


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--site', help="folder of a site with mons_crm")
    parser.add_argument('--contacts', type=int, default=100000)
    parser.add_argument('--rows', type=int, default=20000)
    parser.add_argument('--existing', type=float, default=0.3,
        help="share of the file's rows already in the directory")
    parser.add_argument('--format', choices=['csv', 'xlsx'], default='csv')
    parser.add_argument('--no-detect', action='store_true',
        help="skip the directory scan")
    args = parser.parse_args()

    from mons_cli.runtime import company_context, transaction
    from mons_cli.site import Site
    if args.site:
        folder = pathlib.Path(args.site)
    else:
        folder = pathlib.Path(tempfile.mkdtemp(prefix='crm-bench-'))
        print(f"building a throw-away site in {folder}", flush=True)
        build_site(folder)
    site = Site(str(folder.resolve()))
    print(f"site {site.folder} ({site.backend}), {args.contacts} contacts, "
        f"{args.rows} rows, {args.existing:.0%} already known, "
        f"format {args.format}")

    with transaction(site, user=0, readonly=False) as (pool, txn):
        Import = pool.get('mons.crm.import')
        Service = pool.get('mons.service')
        EmailList = pool.get('marketing.email.list')
        Duplicate = pool.get('party.duplicate')
        Company = pool.get('company.company')
        try:
            with txn.set_context(company_context(pool)
                    if Company.search([]) else {}):
                directory, _ = crm_data.contacts(args.contacts, 0.02)
                with Step(f"set-up: {args.contacts} contacts in SQL"):
                    insert_contacts(pool, directory)
                if not args.no_detect:
                    with Step("directory scan (party.duplicate.detect)"):
                        pairs = Duplicate.detect()
                    print(f"    {len(pairs)} pairs listed for review")
                data, filename = make_file(directory, args.rows,
                    args.existing, args.format)
                print(f"    file {filename}: {len(data) / 2**20:.1f} MiB")
                services = Service.search([], limit=1)
                if services:
                    service, = services
                else:
                    service, = Service.create([{'name': "Bench",
                                'code': 'BENCH',
                                'company': Company.search([])[0].id}])
                list_, = EmailList.create([{'name': "Bench import",
                            'service': service.id}])
                import_, = Import.create([{'name': filename,
                            'service': service.id, 'list_': list_.id,
                            'file': data, 'filename': filename,
                            'mode': 'valid'}])
                total = Step("import total")
                total.__enter__()
                with Step("analyse: read the file, map the columns"):
                    # What the worker runs for a file of this size
                    Import.analysing([import_])
                    Import.analyse_queued([import_])
                with Step("check: validate and deduplicate every row"):
                    # What the worker runs for a file of this size
                    Import.checking([import_])
                    Import.do_check([import_])
                import_ = Import(import_.id)
                print(f"    {import_.total_rows} rows: "
                    f"{import_.invalid_rows} invalid, "
                    f"{import_.duplicate_rows} duplicates "
                    f"(directory or file)")
                Import.import_([import_])
                with Step("process: background batches until done"):
                    batches = 0
                    while Import(import_.id).state == 'importing':
                        Import.process([Import(import_.id)])
                        batches += 1
                total.__exit__(None, None, None)
                import_ = Import(import_.id)
                Email = pool.get('marketing.email')
                subscribed = Email.search_count(
                    [('list_', '=', import_.list_.id)])
                print(f"    {batches} batches, {import_.created_parties} "
                    f"contacts created, {subscribed} subscriptions")
                print(f"rows per second (whole import, wall): "
                    f"{args.rows / total.seconds:.0f}; "
                    f"(CPU): {args.rows / total.cpu_seconds:.0f}")
        finally:
            txn.rollback()


if __name__ == '__main__':
    main()
