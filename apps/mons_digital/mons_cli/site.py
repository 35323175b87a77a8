"""A site: a folder under sites/ holding trytond.conf and, for SQLite, the
database file and the file store."""
import configparser
import contextlib
import os
import pathlib
import socket
import subprocess
import sys
from urllib.parse import urlparse

DEMO_PASSWORD = 'mons-demo-2026'


class SiteError(Exception):
    "An error reported to the user in one line, without a traceback"


def repository_root():
    if root := os.environ.get('MONS_ROOT'):
        return pathlib.Path(root).resolve()
    cwd = pathlib.Path.cwd()
    for folder in [cwd, *cwd.parents]:
        if (folder / 'sites').is_dir() and (folder / 'apps').is_dir():
            return folder
    return pathlib.Path(__file__).resolve().parents[3]


def mons_modules():
    "Names of the installed suite modules, from the trytond.modules entry points"
    from importlib.metadata import entry_points
    return sorted(ep.name for ep in entry_points(group='trytond.modules')
        if ep.name.startswith('mons_'))


class Site:

    def __init__(self, name, root=None, config_file=None):
        self.root = pathlib.Path(root) if root else repository_root()
        if (os.sep not in name and not (self.root / 'sites' / name).is_dir()
                and (pathlib.Path(name) / 'trytond.conf').is_file()):
            # A folder of the current directory, not a site under sites/
            name = os.path.join('.', name)
        if os.sep in name:
            # A path: a site kept outside sites/, e.g. by the test suite
            self.folder = pathlib.Path(name).resolve()
            name = self.folder.name
        else:
            self.folder = self.root / 'sites' / name
        self.name = name
        if not self.folder.is_dir():
            if os.sep in str(name) or not (self.root / 'sites').is_dir():
                raise SiteError(f"Site folder {self.folder} not found.")
            available = ', '.join(sorted(
                    p.name for p in (self.root / 'sites').iterdir()
                    if (p / 'trytond.conf').exists())) or 'none'
            raise SiteError(
                f"Site '{name}' not found: no folder {self.folder} "
                f"(sites available: {available}).")
        self.config_file = pathlib.Path(config_file) if config_file else (
            self.folder / 'trytond.conf')
        if not self.config_file.exists():
            raise SiteError(f"Site '{name}' has no {self.config_file}.")
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(self.config_file)
        self.parser = parser
        self.database = os.environ.get('MONS_DATABASE') or parser.get(
            'site', 'database', fallback='mons')
        self.uri = (os.environ.get('TRYTOND_DATABASE__URI')
            or parser.get('database', 'uri', fallback='sqlite://'))
        self.listen = (os.environ.get('TRYTOND_WEB__LISTEN')
            or parser.get('web', 'listen', fallback='127.0.0.1:8000'))
        self.check_uri()

    @property
    def backend(self):
        return urlparse(self.uri).scheme.split('+')[0]

    @property
    def reference_folder(self):
        """The municipality's reference data: `[site] reference` (relative
        to the site's folder), else the site's own reference/ folder, else
        the dev site's reference"""
        configured = self.parser.get('site', 'reference', fallback=None)
        if configured:
            return (self.folder / configured).resolve()
        own = self.folder / 'reference'
        if own.is_dir():
            return own
        return self.root / 'sites' / 'dev' / 'reference'

    @property
    def data_folder(self):
        return self.folder / 'db'

    @property
    def filestore_root(self):
        "Folder of trytond's file store and SQLite files (database path)"
        path = (os.environ.get('TRYTOND_DATABASE__PATH')
            or self.parser.get('database', 'path', fallback=None))
        return pathlib.Path(path) if path else self.data_folder

    @property
    def attachments_folder(self):
        "The attachments store: the file store's folder of the database"
        return self.filestore_root / self.database

    @property
    def sqlite_file(self):
        return self.filestore_root / f'{self.database}.sqlite'

    def display_path(self, path):
        "path relative to the repository when inside it, else absolute"
        path = pathlib.Path(path).resolve()
        try:
            return path.relative_to(self.root.resolve())
        except ValueError:
            return path

    @property
    def pid_file(self):
        return self.folder / '.state' / 'start.pid'

    def write_pid(self):
        self.pid_file.parent.mkdir(exist_ok=True)
        self.pid_file.write_text(f'{os.getpid()}\n')

    def remove_pid(self):
        try:
            if self.pid_file.read_text().strip() == str(os.getpid()):
                self.pid_file.unlink()
        except FileNotFoundError:
            pass

    def running_pid(self):
        "Pid of the `mons start` serving this site, or None"
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            cmdline = pathlib.Path(f'/proc/{pid}/cmdline').read_bytes()
        except OSError:
            try:
                os.kill(pid, 0)
            except (ProcessLookupError, PermissionError):
                return None
            return pid
        # A pid file left by a killed `mons start`, its pid reused since
        return pid if b'start' in cmdline and b'mons' in cmdline else None

    def connection_uri(self, database=None):
        "libpq URI of a PostgreSQL database of the site"
        parsed = urlparse(self.uri)
        return parsed._replace(scheme='postgresql',
            path='/' + (database or self.database)).geturl()

    @property
    def url(self):
        host, port = self.listen.rsplit(':', 1)
        return f'http://{host}:{port}'

    def check_uri(self):
        if self.backend not in {'sqlite', 'postgresql'}:
            raise SiteError(
                f"Wrong database URI '{self.uri}' in {self.config_file}: "
                "use sqlite:// or postgresql://user:password@host:port/.")

    def environ(self):
        "Environment for trytond processes of this site"
        env = dict(os.environ)
        env['TRYTOND_CONFIG'] = str(self.config_file)
        env['TRYTOND_DATABASE__URI'] = self.uri
        env['TRYTOND_WEB__LISTEN'] = self.listen
        if not self.parser.has_option('database', 'path'):
            env['TRYTOND_DATABASE__PATH'] = str(self.data_folder)
        sao = self.root / '.sao' / 'package'
        if not self.parser.has_option('web', 'root') and sao.exists():
            env['TRYTOND_WEB__ROOT'] = str(sao)
        env['MONS_ROOT'] = str(self.root)
        return env

    def apply_environ(self):
        "Configure trytond of this process for the site"
        os.environ.update(self.environ())
        from trytond import config
        config.update_etc(str(self.config_file))
        # The file must not override what the environment sets
        config._config.update_environ()
        config._cache_clear()

    def pg_connect(self, dbname, **kwargs):
        "A psycopg connection to dbname of the site's PostgreSQL server"
        import psycopg
        parsed = urlparse(self.uri)
        return psycopg.connect(
            host=parsed.hostname or None, port=parsed.port or None,
            user=parsed.username or None, password=parsed.password or None,
            dbname=dbname, **kwargs)

    def check_connection(self):
        if self.backend == 'sqlite':
            self.data_folder.mkdir(parents=True, exist_ok=True)
            return
        import psycopg
        try:
            self.pg_connect('postgres', connect_timeout=5).close()
        except psycopg.Error as exception:
            raise SiteError(
                f"Cannot connect to PostgreSQL with '{self.uri}': "
                f"{str(exception).strip().splitlines()[0]}")

    def database_exists(self):
        self.check_connection()
        if self.backend == 'sqlite':
            return (self.data_folder / f'{self.database}.sqlite').exists()
        with self.pg_connect('postgres') as conn:
            cur = conn.execute(
                'SELECT 1 FROM pg_database WHERE datname = %s',
                (self.database,))
            return cur.fetchone() is not None

    def translatable_languages(self):
        "Codes of the languages the site's database is translated into"
        sql = 'SELECT code FROM ir_lang WHERE translatable'
        if self.backend == 'sqlite':
            import sqlite3
            path = self.filestore_root / f'{self.database}.sqlite'
            with contextlib.closing(sqlite3.connect(
                        f'file:{path}?mode=ro', uri=True)) as db:
                return {code for code, in db.execute(sql)}
        with self.pg_connect(self.database) as conn:
            return {code for code, in conn.execute(sql)}

    def create_database(self):
        if self.backend == 'sqlite':
            import sqlite3
            self.data_folder.mkdir(parents=True, exist_ok=True)
            sqlite3.connect(
                self.data_folder / f'{self.database}.sqlite').close()
            return
        with self.pg_connect('postgres', autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}" '
                "ENCODING 'UTF8' TEMPLATE template0")

    def create_extensions(self, *names):
        with self.pg_connect(self.database, autocommit=True) as conn:
            for name in names:
                conn.execute(f'CREATE EXTENSION IF NOT EXISTS "{name}"')

    def check_port_free(self):
        host, port = self.listen.rsplit(':', 1)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, int(port)))
            except OSError:
                raise SiteError(
                    f"Port {port} on {host} is already in use: stop the other "
                    f"server or set another address with "
                    f"TRYTOND_WEB__LISTEN=127.0.0.1:8001.")

    def trytond_admin(self, *args, password=None, check=True):
        env = self.environ()
        passfile = None
        if password is not None:
            passfile = self.folder / '.adminpass'
            passfile.write_text(password)
            passfile.chmod(0o600)
            env['TRYTONPASSFILE'] = str(passfile)
        try:
            return subprocess.run(
                [self.bin('trytond-admin'), '-c', str(self.config_file),
                    '-d', self.database, *args],
                env=env, check=check)
        finally:
            if passfile:
                passfile.unlink(missing_ok=True)

    def state_hash(self):
        "Hash of the code, fixtures and patches the site was built from"
        import hashlib
        digest = hashlib.sha1(' '.join(mons_modules()).encode())
        for folder in (self.root / 'apps', self.reference_folder,
                self.root / 'patches'):
            for path in sorted(folder.rglob('*')):
                if path.is_file() and '__pycache__' not in path.parts \
                        and 'egg-info' not in str(path):
                    digest.update(str(path.relative_to(folder.parent)
                            ).encode())
                    digest.update(path.read_bytes())
        return digest.hexdigest()

    @staticmethod
    def bin(name):
        return str(pathlib.Path(sys.executable).parent / name)
