"""The production profile started as a city would run it, for the tests:
PostgreSQL, trytond under gunicorn (2 workers), trytond-worker and
trytond-cron, nginx in front with bench_config/nginx.conf and a throw-away
certificate. The site is built from sites/production/trytond.conf; only
what names this machine (database, ports, folders, mail) is replaced."""
import configparser
import contextlib
import os
import pathlib
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request

from pg_template import build_database

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent


def _free_port():
    import socket
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def render_nginx(folder, http_port, https_port, upstream, certificate, key):
    """bench_config/nginx.conf for this machine: its names, ports and paths
    replaced, wrapped in a main configuration of its own (pid, logs,
    temporary files in the folder)"""
    text = (ROOT / 'bench_config' / 'nginx.conf').read_text()
    # IPv6 may be missing on a CI machine: the IPv4 listeners are the test
    text = '\n'.join(line for line in text.splitlines()
        if 'listen [::]' not in line)
    for old, new in [
            ('listen 80', f'listen 127.0.0.1:{http_port}'),
            ('listen 443', f'listen 127.0.0.1:{https_port}'),
            ('server_name suite.mons.be', 'server_name localhost'),
            ('/etc/ssl/mons/fullchain.pem', str(certificate)),
            ('/etc/ssl/mons/privkey.pem', str(key)),
            ('MONS_SAO', str(ROOT / '.sao' / 'package')),
            ('server 127.0.0.1:8000', f'server {upstream}')]:
        assert old in text, f"{old!r} no longer in bench_config/nginx.conf"
        text = text.replace(old, new)
    (folder / 'mons.conf').write_text(text)
    for sub in ('body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'logs'):
        (folder / sub).mkdir(exist_ok=True)
    main = folder / 'nginx.conf'
    main.write_text(f"""{'user root;' if os.geteuid() == 0 else ''}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder}/logs/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/mons.conf;
}}
""")
    return main


def site_config(folder, db, listen, smtp, public_url):
    "sites/production/trytond.conf with this machine's names"
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / 'sites' / 'production' / 'trytond.conf')
    parser['site']['database'] = db
    parser['site']['smtp_sink'] = f'127.0.0.1:{smtp}'
    parser.remove_option('database', 'uri')  # from the environment
    parser['database']['path'] = str(folder / 'filestore')
    parser['web']['listen'] = listen
    parser['web']['root'] = str(ROOT / '.sao' / 'package')
    parser['email']['uri'] = f'smtp://127.0.0.1:{smtp}'
    parser['portal']['url'] = public_url
    with open(folder / 'trytond.conf', 'w') as file:
        parser.write(file)
    return folder / 'trytond.conf'


def certificate(folder):
    cert, key = folder / 'fullchain.pem', folder / 'privkey.pem'
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048',
            '-nodes', '-days', '2', '-subj', '/CN=localhost',
            '-addext', 'subjectAltName=DNS:localhost',
            '-keyout', str(key), '-out', str(cert)],
        check=True, capture_output=True)
    return cert, key


def _wait(url, processes, context=None, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5, context=context)
            return
        except urllib.error.HTTPError:
            return  # the site answers
        except OSError:
            for process in processes:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{process.args[0]} stopped ({process.returncode})")
            if time.monotonic() > deadline:
                raise RuntimeError("the production profile did not start")
            time.sleep(0.5)


@contextlib.contextmanager
def production_site(tmp_path_factory, live_site_class, mons, password,
        state):
    uri = os.environ.get('MONS_TEST_DATABASE_URI', '')
    if not uri.startswith('postgresql'):
        raise RuntimeError(
            "the production profile runs on PostgreSQL: set "
            "MONS_TEST_DATABASE_URI")
    folder = tmp_path_factory.mktemp('production')
    db = f'mons_prod_{os.getpid()}'
    web, smtp = _free_port(), _free_port()
    http_port, https_port = _free_port(), _free_port()
    bind = f'127.0.0.1:{web}'
    conf = site_config(folder, db, bind, smtp,
        f'https://localhost:{https_port}')
    env = dict(os.environ, TRYTOND_DATABASE__URI=uri, TRYTOND_CONFIG=str(conf),
        MONS_ROOT=str(ROOT), MONS_BIND=bind, MONS_WORKERS='2')
    env.pop('DB_NAME', None)
    env.pop('TRYTOND_WEB__LISTEN', None)
    def build():
        for command in (['init', '--demo-password'], ['update'], ['demo']):
            subprocess.run([mons, *command, '--site', str(folder)],
                check=True, env=env)
    build_database(uri, db, env, state, build)
    cert, key = certificate(folder)
    nginx_folder = folder / 'nginx'
    nginx_folder.mkdir()
    nginx_conf = render_nginx(nginx_folder, http_port, https_port, bind,
        cert, key)
    maildir = folder / 'mail'
    for sub in ('cur', 'new', 'tmp'):
        (maildir / sub).mkdir(parents=True)
    logs = folder / 'logs'
    logs.mkdir()
    # bench_config/logging.conf: the request log with ids, in this folder
    logging_conf = folder / 'logging.conf'
    logging_conf.write_text((ROOT / 'bench_config' / 'logging.conf')
        .read_text().replace('/var/log/mons/server.log',
            str(logs / 'server.log')))
    env['TRYTOND_LOGGING_CONFIG'] = str(logging_conf)
    commands = {
        'gunicorn': [str(BIN / 'gunicorn'), '-c',
            str(ROOT / 'bench_config' / 'gunicorn.conf.py')],
        'worker': [str(BIN / 'trytond-worker'), '-c', str(conf), '-d', db],
        'cron': [str(BIN / 'trytond-cron'), '-c', str(conf), '-d', db],
        'smtp': [sys.executable, '-m', 'aiosmtpd', '-n', '-l',
            f'127.0.0.1:{smtp}', '-c', 'aiosmtpd.handlers.Mailbox',
            str(maildir)],
        'nginx': [shutil.which('nginx') or '/usr/sbin/nginx', '-p', str(nginx_folder), '-c', str(nginx_conf),
            '-g', 'daemon off;'],
        }
    processes = {}
    context = ssl.create_default_context(cafile=str(cert))
    try:
        for name, command in commands.items():
            processes[name] = subprocess.Popen(command, env=env, cwd=ROOT,
                stdout=open(logs / f'{name}.log', 'w'),
                stderr=subprocess.STDOUT, start_new_session=True)
        url = f'https://localhost:{https_port}'
        _wait(f'{url}/{db}/rest/model/x', processes.values(), context)
        live = live_site_class(folder, url, db)
        live.env = env
        live.http_url = f'http://localhost:{http_port}'
        live.cafile = str(cert)
        live.ssl_context = context
        live.processes = processes
        live.logs = logs
        # urllib's default context (every suite test's urlopen) trusts the
        # throw-away certificate through OpenSSL's SSL_CERT_FILE
        previous = os.environ.get('SSL_CERT_FILE')
        os.environ['SSL_CERT_FILE'] = str(cert)
        try:
            yield live
        finally:
            if previous is None:
                os.environ.pop('SSL_CERT_FILE', None)
            else:
                os.environ['SSL_CERT_FILE'] = previous
    finally:
        for process in processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        subprocess.run(['dropdb', '--if-exists', '--force',
                '--maintenance-db', uri + 'postgres', db], env=env)
