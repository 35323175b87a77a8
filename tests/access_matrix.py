"""The access matrix: what each demo role may do on each model of the suite,
asked over the REST API with the role's own key.

The expected answers are the table tests/access_matrix.csv, one line per
model (and per model button), one column per role. A cell holds the
letters of what the role may do:

    r   reads every record of the model
    R   reads some records only (record rules), possibly none
    c   creates a record: a copy of the first record it reads, or else
        a record of empty values (where the model needs none)
    w   writes the first record it reads
    d   deletes the first record it reads
    x   (button lines) presses the button on the first record it reads
    -   nothing of the above

A refusal must be a JSON 4xx with a French message. For writes and
deletes, a 400 (a business rule keeping the record as it is: closed
period, device clocking, user accounts...) is a refusal too: the record
did not change. A create counts only when a record is made. For buttons,
a 400 says that the rights let the call through (the button does not
apply in that record's state, or the method needs other arguments).

`python tests/access_matrix.py SITE_URL DB SITE_FOLDER` prints the table
as the site answers it, for a maintainer to review against the policy when
models or roles are added: the table is the policy, never regenerated
blindly.
"""
import base64
import csv
import json
import pathlib
import re
import subprocess
import sys
import urllib.error
import urllib.request

TABLE = pathlib.Path(__file__).with_name('access_matrix.csv')
ROLES = ['admin', 'courrier', 'agent', 'chef', 'rh', 'rhchef', 'employe',
    'urbanisme', 'data', 'dpo', 'sig', 'direction', 'api', 'cpas']
# Records asked for at once (the API's cap)
PAGE = 1000
# A refusal is French when it reads as French (Tryton's own refusals and
# the suite's messages), and no English phrase of Tryton slipped through
FRENCH_WORDS = re.compile(
    r"\b(vous|ne|n'|pas|les?|la|des?|du|une?|est)\b|[éèàêç«]", re.IGNORECASE)
ENGLISH_WORDS = re.compile(r"\b(you|the|not allowed|is not)\b", re.IGNORECASE)


def is_french(message):
    return bool(message and FRENCH_WORDS.search(message)
        and not ENGLISH_WORDS.search(message))


# Run in the site's own Python: the keys of the roles, and how many records
# of each model there are (as root, so without rules)
SITE_FACTS = '''
import json, sys
from mons_cli.cli import create_key
from mons_cli.runtime import transaction
from mons_cli.site import Site
site = Site(sys.argv[1])
logins = json.loads(sys.argv[3])
# A key per role that the probe may revoke (it is the role's first one),
# then the key the probe calls with
targets = [create_key(site, login) for login in logins]
keys = {login: create_key(site, login) for login in logins}
counts = {}
with transaction(site) as (pool, txn):
    for name in json.loads(sys.argv[2]):
        Model = pool.get(name)
        try:
            counts[name] = Model.search_count([])
        except Exception as exception:
            print(name, exception, file=sys.stderr)
            counts[name] = None
print(json.dumps({'keys': keys, 'counts': counts}))
'''


def read_table(path=TABLE):
    "{(model, button or None): {role: letters}}"
    rows = {}
    with open(path, newline='', encoding='utf-8') as file:
        lines = (line for line in file if not line.startswith('#'))
        for row in csv.DictReader(lines):
            model, _, button = row['model'].partition(':')
            rows[(model, button or None)] = {
                role: set(row[role].strip().replace('-', ''))
                for role in ROLES}
    return rows


class Prober:
    "Asks the site, as each role, what it may do"

    def __init__(self, site, python=sys.executable):
        self.site = site
        self.keys = {}
        spec = self.call(None, 'GET', 'openapi.json')[1]
        self.models = sorted(p[len('/model/'):] for p in spec['paths']
            if p.startswith('/model/') and p.count('/') == 2)
        self.buttons = {}
        for path, item in spec['paths'].items():
            parts = path.split('/')
            if (len(parts) == 5 and parts[1] == 'model'
                    and parts[3] == '{id}' and 'post' in item):
                self.buttons.setdefault(parts[2], []).append(parts[4])
        process = subprocess.run(
            [python, '-c', SITE_FACTS, str(site.folder),
                json.dumps(self.models), json.dumps(ROLES)],
            capture_output=True, text=True, env=site.env)
        if process.returncode:
            raise RuntimeError(process.stderr)
        facts = json.loads(process.stdout.strip().splitlines()[-1])
        self.keys, self.root_counts = facts['keys'], facts['counts']
        self.first = {}
        # (model, role, operation): (status, message), for a reviewer
        self.seen = {}
        # Answers that are wrong whatever the table says: server errors,
        # refusals that are not French JSON
        self.problems = []

    def call(self, role, method, path, data=None):
        request = urllib.request.Request(
            f'{self.site.url}/{self.site.db}/rest/{path}', method=method,
            data=json.dumps(data).encode() if data is not None else None,
            headers={
                **({'Authorization': f'bearer {self.keys[role]}'}
                    if role else {}),
                'Accept-Language': 'fr',
                **({'Content-Type': 'application/json'}
                    if data is not None else {})})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, body = response.status, response.read()
                ctype = response.headers.get('Content-Type', '')
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
            ctype = error.headers.get('Content-Type', '')
        if 'json' in ctype and body:
            body = json.loads(body)
        return status, body

    def refused(self, role, model, operation, status, body):
        """True for a refusal, False for a call let through; a refusal
        that is not a JSON 4xx with a French message, or a server error,
        raises"""
        self.seen[(model, role, operation)] = (status,
            body.get('message', '') if isinstance(body, dict) else '')
        if status >= 500:
            raise AssertionError(f"{model} × {role} × {operation}: "
                f"server error {status}: {str(body)[:300]}")
        if status == 401:
            raise AssertionError(f"{model} × {role} × {operation}: "
                "the role's key was refused")
        if status == 400 and operation in {'write', 'delete'}:
            if not isinstance(body, dict) or not body.get('message'):
                raise AssertionError(f"{model} × {role} × {operation}: "
                    f"refusal 400 without a JSON message: {str(body)[:200]}")
            return True
        if status in {403, 405} or (
                status == 404 and operation != 'read'):
            if not isinstance(body, dict) and status != 404:
                raise AssertionError(f"{model} × {role} × {operation}: "
                    f"refusal {status} is not JSON: {str(body)[:200]}")
            message = body.get('message', '') if isinstance(
                body, dict) else ''
            if status in {403, 405} and not is_french(message):
                raise AssertionError(f"{model} × {role} × {operation}: "
                    f"refusal without a French message: {message!r}")
            return True
        return False

    def read(self, role, model):
        domain = base64.urlsafe_b64encode(b'[]').decode()
        ids = []
        while True:  # by pages, as the API caps a list
            status, body = self.call(role, 'GET', f'model/{model}?f=id'
                f'&s={PAGE}&p={len(ids)}&d={domain}')
            if self.refused(role, model, 'read', status, body):
                self.first[(role, model)] = None
                return ''
            if status != 200:
                raise AssertionError(
                    f"{model} × {role} × read: {status} {str(body)[:300]}")
            ids += [r['id'] for r in body]
            if len(body) < PAGE:
                break
        ids.sort()
        self.first[(role, model)] = ids[0] if ids else None
        total = self.root_counts[model]
        return 'r' if total is None or len(ids) >= total else 'R'

    def create(self, role, model):
        """Copy the first record the role reads (a valid record, so create
        rules judge it as they would a real one); when that record may not
        be copied (another service's, an approved request), create one
        from empty values: the role may create if either passes"""
        record = self.first.get((role, model))
        if record is not None:
            status, body = self.call(
                role, 'POST', f'model/{model}/{record}/copy', {})
            # A singleton (a configuration) copies to itself: no creation
            copied = [r.get('id') if isinstance(r, dict) else r
                for r in body] if isinstance(body, list) else None
            if (not self.refused(role, model, 'create', status, body)
                    and status < 300 and copied != [record]):
                return 'c'
        status, body = self.call(role, 'POST', f'model/{model}', {})
        # An empty record refused as invalid tells nothing: PostgreSQL
        # checks required columns before the create rules, SQLite after
        return '' if (self.refused(role, model, 'create', status, body)
            or status >= 300) else 'c'

    def write(self, role, model):
        record = self.first.get((role, model))
        if record is None:
            return ''
        status, body = self.call(
            role, 'PUT', f'model/{model}/{record}', {})
        return '' if self.refused(role, model, 'write', status, body) \
            else 'w'

    def delete(self, role, model):
        # A button or another role's delete may have changed which record
        # comes first
        self.read(role, model)
        record = self.first.get((role, model))
        if record is None:
            return ''
        status, body = self.call(role, 'DELETE', f'model/{model}/{record}')
        return '' if self.refused(role, model, 'delete', status, body) \
            else 'd'

    def press(self, role, model, button):
        record = self.first.get((role, model))
        if record is None:
            return ''
        status, body = self.call(
            role, 'POST', f'model/{model}/{record}/{button}', {})
        return '' if self.refused(role, model, button, status, body) \
            else 'x'

    def answers(self, models=None):
        """{(model, button): {role: letters}}; deletes come last, so that
        every role reads, writes and presses on the same records"""
        models = models or self.models
        result = {(model, button): {role: '' for role in ROLES}
            for model in models
            for button in [None, *self.buttons.get(model, [])]}

        def each(probe, button=False):
            for model in models:
                for role in ROLES:
                    if button:
                        for name in self.buttons.get(model, []):
                            result[(model, name)][role] += self.ask(
                                probe, role, model, name)
                    else:
                        result[(model, None)][role] += self.ask(
                            probe, role, model)
        # Everything is read first, then changed, deletes last, so that
        # what one role changes does not change what another reads
        each(self.read)
        each(self.write)
        each(self.press, button=True)
        each(self.create)
        each(self.delete)
        return result

    def ask(self, probe, *args):
        try:
            return probe(*args)
        except AssertionError as problem:
            self.problems.append(str(problem))
            return '!'



def write_table(answers, out=sys.stdout):
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(['model', *ROLES])
    for (model, button), cells in sorted(
            answers.items(), key=lambda i: (i[0][0], i[0][1] or '')):
        writer.writerow([model + (f':{button}' if button else ''),
            *(''.join(sorted(cells[r], key='!rRcwdx'.index)) or '-'
                for r in ROLES)])


if __name__ == '__main__':
    import os
    from types import SimpleNamespace
    url, db, folder = sys.argv[1:4]
    site = SimpleNamespace(url=url, db=db, folder=folder,
        env=dict(os.environ))
    prober = Prober(site)
    write_table(prober.answers(sys.argv[4:] or None))
    for problem in prober.problems:
        print(problem, file=sys.stderr)
