"""Operations (issue 13): `mons start` on any folder never leaves a child
behind, `mons backup` / `mons restore` give back the records and their
attachments, a database that refuses to write says so (not "busy"), and
every request is logged with the id its answer shows.

The sites here are small (`mons init`: Tryton's base modules), built once
and copied, so that the server starts in seconds."""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse

import pytest

from conftest import free_port

MONS = str(pathlib.Path(sys.executable).parent / 'mons')
ROOT = pathlib.Path(__file__).resolve().parents[1]
PG_URI = os.environ.get('MONS_TEST_DATABASE_URI',
    'postgresql://mons:mons@127.0.0.1:5432/')
if not PG_URI.startswith('postgresql'):
    PG_URI = 'postgresql://mons:mons@127.0.0.1:5432/'


def environ(**extra):
    env = dict(os.environ, MONS_ROOT=str(ROOT), **extra)
    for name in ('TRYTOND_CONFIG', 'DB_NAME', 'TRYTOND_DATABASE__URI',
            'TRYTOND_DATABASE__PATH', 'TRYTOND_LOGGING_CONFIG'):
        if name not in extra:
            env.pop(name, None)
    return env


def mons(*args, env=None, cwd=None, check=True):
    result = subprocess.run([MONS, *args], capture_output=True, text=True,
        env=env or environ(), cwd=cwd, stdin=subprocess.DEVNULL)
    if check and result.returncode:
        raise AssertionError(f"mons {' '.join(args)} failed:\n"
            f"{result.stdout}\n{result.stderr}")
    return result


def write_conf(folder, database, port):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'trytond.conf').write_text(f"""[site]
database = {database}
smtp_sink = 127.0.0.1:{free_port()}

[database]
language = fr

[web]
listen = 127.0.0.1:{port}

[queue]
worker = True
""")


@pytest.fixture(scope='module')
def template(tmp_path_factory):
    "A SQLite site made by `mons init` (outside the repository)"
    folder = tmp_path_factory.mktemp('template') / 'site'
    write_conf(folder, 'ops', free_port())
    mons('init', '--site', str(folder), '--demo-password')
    return folder


def copy_site(template, folder):
    "A site of its own: the template's database, a free port"
    write_conf(folder, 'ops', free_port())
    shutil.copytree(template / 'db', folder / 'db')
    return folder


def site_url(folder):
    for line in (folder / 'trytond.conf').read_text().splitlines():
        if line.startswith('listen = '):
            return 'http://' + line.split(' = ', 1)[1]


def processes_of(folder):
    "Pids of every process started for the site (children, grandchildren)"
    conf = f"TRYTOND_CONFIG={folder / 'trytond.conf'}".encode()
    pids = []
    for proc in pathlib.Path('/proc').iterdir():
        if not proc.name.isdigit():
            continue
        try:
            env = (proc / 'environ').read_bytes().split(b'\0')
            state = (proc / 'stat').read_text().rsplit(')', 1)[1].split()[0]
        except OSError:
            continue
        if conf in env and state != 'Z':
            pids.append(int(proc.name))
    return pids


class Started:
    "`mons start` run from cwd, its output in a file"

    def __init__(self, folder, site_arg, cwd, env=None):
        self.folder = folder
        self.url = site_url(folder)
        self.output = folder.parent / f'{folder.name}-start.txt'
        with open(self.output, 'w') as out:
            self.process = subprocess.Popen(
                [MONS, 'start', '--site', site_arg], cwd=cwd,
                env=env or environ(), stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)

    def text(self):
        return self.output.read_text()

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f'{self.url}/ops/rest/model/x',
                    timeout=2)
            except urllib.error.HTTPError:
                return
            except OSError:
                if self.process.poll() is not None:
                    raise AssertionError(f"mons start ended:\n{self.text()}")
                if time.monotonic() > deadline:
                    raise AssertionError(f"not serving:\n{self.text()}")
                time.sleep(0.2)

    def wait_gone(self, timeout=20):
        "Whether every process of the site ended within timeout"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not processes_of(self.folder):
                return True
            time.sleep(0.2)
        return False

    def cleanup(self):
        for pid in processes_of(self.folder):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def call(url, path, method='GET', body=None, headers=None):
    request = urllib.request.Request(url + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={**({'Content-Type': 'application/json'}
                if body is not None else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, content, got = (response.status, response.read(),
                response.headers)
    except urllib.error.HTTPError as error:
        status, content, got = error.code, error.read(), error.headers
    if 'json' in got.get('Content-Type', ''):
        content = json.loads(content)
    return status, got, content


def test_start_serves_any_folder_logs_requests_stops_on_sigterm(
        template, tmp_path):
    folder = copy_site(template, tmp_path / 'ville')
    # The branch of the banner that crashed outside the repository
    mons('key', '--site', str(folder), '--write', 'admin')
    # A relative folder, run from outside the repository without MONS_ROOT
    env = environ()
    del env['MONS_ROOT']
    started = Started(folder, 'ville', cwd=tmp_path, env=env)
    try:
        started.wait_ready()
        output = started.text()
        assert 'Traceback' not in output, output
        assert f"REST key of admin: {folder / 'api-key'}" in output, output
        assert 'Stop with Ctrl+C.' in output
        children = processes_of(folder)
        # server, worker, cron, mail sink (and the watchdog)
        assert len(children) >= 5, children

        status, headers, _ = call(started.url, '/ops/rest/model/res.group',
            headers={'Authorization': 'bearer ' + (
                    folder / 'api-key').read_text().strip(),
                'X-Request-Id': 'ops-test-0001'})
        assert status == 200
        assert headers['X-Request-Id'] == 'ops-test-0001'

        # A restore while the site serves is refused
        archive = tmp_path / 'ville.tar.gz'
        mons('backup', '--site', str(folder), '--to', str(archive))
        refused = mons('restore', '--site', str(folder), str(archive),
            check=False)
        assert refused.returncode == 2
        assert "is running" in refused.stderr
        assert 'Traceback' not in refused.stderr

        started.process.send_signal(signal.SIGTERM)
        assert started.process.wait(20) == 0
        assert started.wait_gone(), processes_of(folder)
        log = (folder / 'logs' / 'server.log').read_text()
        line, = [line for line in log.splitlines()
            if 'id=ops-test-0001' in line]
        assert 'mons.request: GET /ops/rest/model/res.group 200' in line
        assert not (folder / '.state' / 'start.pid').exists()
    finally:
        started.cleanup()


def test_children_stop_when_start_is_killed(template, tmp_path):
    folder = copy_site(template, tmp_path / 'tue')
    started = Started(folder, str(folder), cwd='/')
    try:
        started.wait_ready()
        assert len(processes_of(folder)) >= 5
        # No handler runs on SIGKILL: the children learn it on their own
        started.process.kill()
        started.process.wait(5)
        assert started.wait_gone(), processes_of(folder)
    finally:
        started.cleanup()


def test_read_only_database_says_so_with_the_logged_request_id(
        template, tmp_path):
    folder = copy_site(template, tmp_path / 'lecture')
    key = mons('key', '--site', str(folder), 'admin').stdout.split()[-1]
    # As root a chmod does not stop writes: SQLite opens the file read-only
    started = Started(folder, str(folder), cwd=tmp_path,
        env=environ(TRYTOND_DATABASE__URI='sqlite://?mode=ro'))
    try:
        started.wait_ready()
        auth = {'Authorization': f'bearer {key}'}
        status, headers, body = call(started.url, '/ops/rest/model/res.group',
            headers=auth)
        assert status == 200, body  # reading still works

        status, headers, body = call(started.url, '/ops/rest/model/res.group',
            'POST', {'name': "Lecture seule"}, headers=auth)
        assert status == 503, body
        assert headers['Content-Type'].startswith('application/json')
        assert 'lecture seule' in body['message'], body
        assert 'occupé' not in body['message']
        request_id = headers['X-Request-Id']
        assert body['request_id'] == request_id
        assert request_id in body['message']

        # The desk (JSON-RPC) gets an error dialog, not a 503 it would retry
        status, headers, body = call(started.url, '/ops/rpc/', 'POST',
            {'id': 1, 'method': 'common.db.login',
                'params': ['admin', {'password': 'mons-demo-2026'}, 'fr']})
        assert status == 200
        kind, (text, *_) = body['error']
        assert kind == 'UserError' and 'lecture seule' in text, body
        desk_id = headers['X-Request-Id']

        started.process.send_signal(signal.SIGTERM)
        started.process.wait(20)
        log = (folder / 'logs' / 'server.log').read_text()
        errors = [line for line in log.splitlines()
            if f'(requête {request_id})' in line]
        assert errors and ' ERROR ' in errors[0], log
        assert 'lecture seule' in errors[0]
        assert f'503' in [line for line in log.splitlines()
            if f'id={request_id}' in line and 'mons.request' in line][0]
        assert any(f'(requête {desk_id})' in line and ' ERROR ' in line
            for line in log.splitlines()), log
    finally:
        started.cleanup()


# ---------------------------------------------------------------- backups

RECORDS = r'''
import json, sys
from mons_cli.site import Site
from mons_cli.runtime import transaction
site, action = Site(sys.argv[1]), sys.argv[2]
with transaction(site) as (pool, txn):
    Group = pool.get('res.group')
    Attachment = pool.get('ir.attachment')
    if action == 'create':
        group, = Group.create([{'name': "Archives 2026"}])
        Attachment.create([{'name': 'note.txt', 'resource': str(group),
            'data': b'contenu original \xc3\xa9'}])
        print(group.id)
    elif action == 'change':
        group = Group(int(sys.argv[3]))
        group.name = "Renommé"
        group.save()
        Attachment.delete(Attachment.search(
                [('resource', '=', str(group))]))
        Attachment.create([{'name': 'autre.txt', 'resource': str(group),
            'data': b'autre'}])
    else:
        group = Group(int(sys.argv[3]))
        print(json.dumps({'name': group.name, 'attachments': [
            [a.name, bytes(a.data).decode()] for a in Attachment.search(
                [('resource', '=', str(group))])]}))
'''


def records(folder, *args, env=None):
    result = subprocess.run([sys.executable, '-c', RECORDS, str(folder),
            *map(str, args)], capture_output=True, text=True,
        env=env or environ(), check=False, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1] if result.stdout else ''


def round_trip(folder, env, database='ops'):
    group = int(records(folder, 'create', env=env))
    archive = folder.parent / 'sauvegarde.tar.gz'
    out = mons('backup', '--site', str(folder), '--to', str(archive),
        env=env).stdout
    assert '1 attachment file(s)' in out, out
    manifest = json.loads(subprocess.run(['tar', 'xzf', str(archive), '-O',
                'manifest.json'], capture_output=True, check=True).stdout)
    assert manifest['database'] == database
    assert manifest['attachments'] == 1
    assert {'ir', 'res'} <= set(manifest['modules'])
    assert manifest['created']

    records(folder, 'change', group, env=env)
    assert json.loads(records(folder, 'read', group, env=env)) == {
        'name': "Renommé", 'attachments': [['autre.txt', 'autre']]}

    out = mons('restore', '--site', str(folder), str(archive), env=env)
    assert 'restored' in out.stdout
    assert json.loads(records(folder, 'read', group, env=env)) == {
        'name': "Archives 2026",
        'attachments': [['note.txt', 'contenu original é']]}
    store = folder / 'db' / database
    assert len([p for p in store.rglob('*') if p.is_file()]) == 1
    return archive


def test_backup_restore_round_trip_sqlite(template, tmp_path):
    folder = copy_site(template, tmp_path / 'sqlite')
    archive = round_trip(folder, environ())
    # Not a backup, or another kind of database: refused in one line
    bad = tmp_path / 'bad.tar.gz'
    bad.write_bytes(b'not an archive')
    result = mons('restore', '--site', str(folder), str(bad), check=False)
    assert result.returncode == 2 and 'not a tar.gz' in result.stderr
    pg = tmp_path / 'pg'
    write_conf(pg, 'ops', free_port())
    result = mons('restore', '--site', str(pg), str(archive), check=False,
        env=environ(TRYTOND_DATABASE__URI=PG_URI))
    assert result.returncode == 2, result.stderr
    assert 'restore it on a sqlite site' in result.stderr


def _postgresql_available():
    import psycopg
    parsed = urlparse(PG_URI)
    try:
        psycopg.connect(host=parsed.hostname, port=parsed.port,
            user=parsed.username, password=parsed.password,
            dbname='postgres', connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


@pytest.fixture(scope='module', autouse=True)
def postgresql_site(tmp_path_factory):
    """A PostgreSQL site, its `mons init` run while the SQLite tests run"""
    if not _postgresql_available():
        yield None
        return
    database = f'ops_backup_{os.getpid()}'
    folder = tmp_path_factory.mktemp('postgresql') / 'pg'
    write_conf(folder, database, free_port())
    env = environ(TRYTOND_DATABASE__URI=PG_URI)
    init = subprocess.Popen([MONS, 'init', '--site', str(folder),
            '--demo-password'], env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield init, folder, database, env
    finally:
        init.kill()
        init.wait()
        parsed = urlparse(PG_URI)
        subprocess.run(['dropdb', '-w', '--if-exists', '-h', parsed.hostname,
                '-p', str(parsed.port), '-U', parsed.username, database],
            env=dict(os.environ, PGPASSWORD=parsed.password or ''),
            stdin=subprocess.DEVNULL, capture_output=True)


def test_backup_restore_round_trip_postgresql(postgresql_site):
    if postgresql_site is None:
        pytest.skip(f"no PostgreSQL at {PG_URI}")
    init, folder, database, env = postgresql_site
    output, _ = init.communicate(timeout=180)
    assert init.returncode == 0, output
    round_trip(folder, env, database)


# ---------------------------------------------------------------- errors

@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_storage_faults_are_told_apart_from_locks():
    import errno
    import sqlite3

    import psycopg.errors
    from werkzeug.exceptions import ServiceUnavailable

    from trytond.modules.mons_base import errors

    def raised(error, wrapper):
        try:
            try:
                raise error
            except Exception:
                raise wrapper
        except Exception as exception:
            return exception

    def sqlite_error(*statements):
        conn = sqlite3.connect(':memory:')
        try:
            for statement in statements:
                conn.execute(statement)
        except sqlite3.OperationalError as exception:
            return exception
        finally:
            conn.close()
        raise AssertionError("no error")

    locked = sqlite3.OperationalError('database is locked')
    assert errors.storage_fault(locked) is None
    readonly = sqlite_error('PRAGMA query_only = 1', 'CREATE TABLE t (a)')
    # trytond's REST hides the database error under two others
    fault = errors.storage_fault(raised(readonly, ServiceUnavailable()))
    assert fault[:2] == ('database', 'readonly'), readonly
    assert fault.error is readonly
    full = sqlite_error('PRAGMA page_size = 512', 'CREATE TABLE t (a)',
        'PRAGMA max_page_count = 3',
        "INSERT INTO t VALUES (zeroblob(100000))")
    assert errors.storage_fault(raised(full, ServiceUnavailable()))[:2] == (
        'database', 'full'), full
    assert errors.storage_fault(psycopg.errors.DiskFull(
            'could not extend file'))[:2] == ('database', 'full')
    assert errors.storage_fault(psycopg.errors.LockNotAvailable()) is None
    assert errors.storage_fault(OSError(errno.ENOSPC, 'No space'))[:2] == (
        'files', 'full')
    assert errors.storage_fault(OSError(errno.EROFS, 'Read-only'))[:2] == (
        'files', 'readonly')
    if _postgresql_available():
        parsed = urlparse(PG_URI)
        with psycopg.connect(host=parsed.hostname, port=parsed.port,
                user=parsed.username, password=parsed.password,
                dbname='postgres') as conn:
            conn.execute('SET TRANSACTION READ ONLY')
            try:
                conn.execute('CREATE TEMPORARY SEQUENCE ops_probe')
            except psycopg.Error as exception:
                readonly = exception
            else:
                raise AssertionError("a read-only transaction wrote")
        assert errors.storage_fault(readonly)[:2] == (
            'database', 'readonly'), readonly
