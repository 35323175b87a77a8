"""Suite-level tests run against a real site: trytond, its worker and cron
serving a fresh SQLite database (or PostgreSQL with MONS_TEST_DATABASE_URI)
with every module activated and the demo data loaded."""
import base64
import contextlib
import hashlib
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import pytest

from pg_template import build_database

ROOT = pathlib.Path(__file__).resolve().parents[1]
MONS = str(pathlib.Path(sys.executable).parent / 'mons')
PASSWORD = 'mons-demo-2026'


def pytest_configure(config):
    config.addinivalue_line('markers',
        'browser: needs Chromium (skipped with FAST=1)')


def pytest_collection_modifyitems(config, items):
    if os.environ.get('FAST', '') not in ('', '0'):
        skip = pytest.mark.skip(reason="FAST=1: no browser tests")
        for item in items:
            if 'browser' in item.keywords:
                item.add_marker(skip)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _state_hash():
    digest = hashlib.sha1()
    for folder in ('apps', 'sites/dev/reference', 'patches'):
        for path in sorted((ROOT / folder).rglob('*')):
            if path.is_file() and '__pycache__' not in path.parts:
                digest.update(str(path).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class RPC:
    "A desk (JSON-RPC) session, as sao opens one"

    def __init__(self, site, login, password=PASSWORD):
        self.url = f'{site.url}/{site.db}/rpc/'
        self.login = login
        user_id, session = self._call(None, 'common.db.login',
            [login, {'password': password}, 'fr'])[:2]
        token = base64.b64encode(
            f'{login}:{user_id}:{session}'.encode()).decode()
        self.auth = f'Session {token}'
        self.user_id = user_id
        self.context = self('model.res.user.get_preferences', True)

    def _call(self, auth, method, params):
        request = urllib.request.Request(self.url, method='POST',
            data=json.dumps({'id': 1, 'method': method,
                    'params': params}).encode(),
            headers={'Content-Type': 'application/json',
                **({'Authorization': auth} if auth else {})})
        with urllib.request.urlopen(request, timeout=60) as response:
            body = json.loads(response.read())
        if body.get('error'):
            raise RPCError(body['error'])
        return body['result']

    def __call__(self, method, *params):
        if method.startswith('model.') and not params[-1:] == [True]:
            params = (*params, getattr(self, 'context', {}))
        return self._call(self.auth, method, list(params))


class RPCError(Exception):
    pass


class LiveSite:

    def __init__(self, folder, url, db='mons'):
        self.folder = folder
        self.url = url
        self.db = db
        self.password = PASSWORD
        self._keys = {}

    def api_key(self, login):
        if login not in self._keys:
            # On SQLite the key is written while the server, worker and cron
            # may hold the database: a busy moment is retried, a real error
            # is shown with what the tool said
            for attempt in range(4):
                result = subprocess.run(
                    [MONS, 'key', '--site', str(self.folder), login],
                    capture_output=True, text=True, env=self.env)
                if result.returncode == 0:
                    break
                time.sleep(2 * (attempt + 1))
            else:
                raise RuntimeError(f"mons key {login} failed: "
                    f"{result.stderr[-2000:]}")
            self._keys[login] = result.stdout.strip().splitlines()[-1]
        return self._keys[login]

    def login(self, login, password=PASSWORD):
        return RPC(self, login, password)

    def rest(self, path, method='GET', key=None, login='admin', data=None,
            headers=None):
        "Call the REST API; returns (status, decoded JSON or bytes)"
        key = key or self.api_key(login)
        request = urllib.request.Request(
            f'{self.url}/{self.db}/rest/{path.lstrip("/")}', method=method,
            data=json.dumps(data).encode() if data is not None else None,
            headers={'Authorization': f'bearer {key}',
                **({'Content-Type': 'application/json'}
                    if data is not None else {}),
                **(headers or {})})
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


@pytest.fixture(scope='session')
def site(tmp_path_factory):
    """The site every suite test shares; with MONS_TEST_PRODUCTION=1 the
    production profile (gunicorn, worker, cron, nginx over HTTPS)"""
    if os.environ.get('MONS_TEST_PRODUCTION'):
        with production_site(tmp_path_factory) as live:
            yield live
        return
    with live_site(tmp_path_factory) as live:
        yield live


def production_site(tmp_path_factory):
    from production import production_site as start
    return start(tmp_path_factory, LiveSite, MONS, PASSWORD, _state_hash())


@contextlib.contextmanager
def live_site(tmp_path_factory, name='site'):
    """A started site with every module and the demo data; on SQLite a copy
    of the cached database, so a test may have one of its own to change"""
    folder = tmp_path_factory.mktemp(name)
    port, smtp = free_port(), free_port()
    uri = os.environ.get('MONS_TEST_DATABASE_URI', 'sqlite://')
    db = 'mons' if uri.startswith('sqlite') else f'mons_test_{os.getpid()}' + (
        '' if name == 'site' else f'_{name}')
    (folder / 'trytond.conf').write_text(f"""[site]
database = {db}
title = Mons Digital
smtp_sink = 127.0.0.1:{smtp}

[database]
language = fr
retry = 20

[queue]
worker = True

[email]
uri = smtp://127.0.0.1:{smtp}
from = Ville de Mons <noreply@mons.be>

[session]
authentications = password
""")
    env = dict(os.environ, TRYTOND_DATABASE__URI=uri,
        TRYTOND_WEB__LISTEN=f'127.0.0.1:{port}', MONS_ROOT=str(ROOT))
    env.pop('TRYTOND_CONFIG', None)
    env.pop('DB_NAME', None)

    def mons(*args):
        subprocess.run([MONS, *args, '--site', str(folder)], check=True,
            env=env)
    def build():
        mons('init', '--demo-password')
        mons('update')
        mons('demo')
    cache = ROOT / '.test-cache' / f'site-{_state_hash()}.sqlite'
    if not uri.startswith('sqlite'):
        build_database(uri, db, env, _state_hash(), build)
    elif cache.exists():
        (folder / 'db').mkdir()
        shutil.copy(cache, folder / 'db' / f'{db}.sqlite')
    else:
        build()
        cache.parent.mkdir(exist_ok=True)
        shutil.copy(folder / 'db' / f'{db}.sqlite', cache)
    process = subprocess.Popen([MONS, 'start', '--site', str(folder)],
        env=env, start_new_session=True)
    url = f'http://127.0.0.1:{port}'
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f'{url}/{db}/rest/model/x', timeout=2)
        except urllib.error.HTTPError:
            break  # the server answers
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the site did not start")
            time.sleep(0.5)
    live = LiveSite(folder, url, db)
    live.env = env
    try:
        yield live
    finally:
        _stop(process, uri, db, env)


def _stop(process, uri, db, env):
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    if not uri.startswith('sqlite'):
        subprocess.run(['dropdb', '--if-exists', '--force',
                '--maintenance-db', uri + 'postgres', db], env=env)


@pytest.fixture(scope='session')
def browser():
    playwright = pytest.importorskip('playwright.sync_api')
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path='/usr/bin/chromium',
            args=['--no-sandbox', '--disable-gpu',
                '--disable-background-networking'])
        yield chromium
        chromium.close()
