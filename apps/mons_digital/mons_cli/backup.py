"""`mons backup` and `mons restore`: a site's database and attachments store
in one archive, and back.

The archive (tar.gz) holds:

- ``manifest.json``: format, date, site, database name and kind, trytond
  and modules' versions, applied patches, number of attachment files;
- ``database.sqlite`` (SQLite's online backup API: a consistent copy even
  while the site serves) or ``database.dump`` (``pg_dump -Fc``);
- ``attachments/``: the site's folder of trytond's file store (scans,
  imported files, attachments), copied after the database: the store
  never changes a file it wrote, so every file the copied database names
  is there (a file written later is only an unused extra).

A restore refuses a site whose server runs (unless ``--force``), restores
PostgreSQL into a new database renamed over the old one only once
pg_restore succeeded, and swaps the attachments folder whole.
"""
import datetime as dt
import json
import os
import pathlib
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from urllib.parse import urlparse

from .site import SiteError

FORMAT = 1
MANIFEST = 'manifest.json'
ATTACHMENTS = 'attachments'


# ---------------------------------------------------------------- PostgreSQL

def _pg(site):
    "(connection keywords, environment) for the PostgreSQL tools"
    parsed = urlparse(site.uri)
    env = dict(os.environ)
    # The password goes through the environment, never a command line
    if parsed.password:
        env['PGPASSWORD'] = parsed.password
    # -w: fail rather than ask a password on the terminal
    args = ['-w']
    if parsed.hostname:
        args += ['-h', parsed.hostname]
    if parsed.port:
        args += ['-p', str(parsed.port)]
    if parsed.username:
        args += ['-U', parsed.username]
    return args, env


def _run(command, env):
    try:
        result = subprocess.run(command, env=env, capture_output=True,
            text=True, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise SiteError(f"{command[0]} not found: install the PostgreSQL "
            "client (Debian package postgresql-client) of the server's "
            "version.")
    if result.returncode:
        raise SiteError(f"{os.path.basename(command[0])} failed: "
            f"{(result.stderr or result.stdout).strip()[:2000]}")
    return result


def _pg_dump(site, path):
    args, env = _pg(site)
    _run(['pg_dump', *args, '-Fc', '--no-owner', '--no-acl', '-f', str(path),
            site.database], env)


def _pg_restore(site, path):
    args, env = _pg(site)
    temporary = f'{site.database}_restore_{os.getpid()}'
    with site.pg_connect('postgres', autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{temporary}"')
        conn.execute(f'CREATE DATABASE "{temporary}" '
            "ENCODING 'UTF8' TEMPLATE template0")
    try:
        _run(['pg_restore', *args, '--no-owner', '--no-acl',
                '--exit-on-error', '-d', temporary, str(path)], env)
    except SiteError:
        with site.pg_connect('postgres', autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{temporary}"')
        raise
    # The site keeps its database until the restored one is complete
    with site.pg_connect('postgres', autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{site.database}" '
            'WITH (FORCE)')
        conn.execute(
            f'ALTER DATABASE "{temporary}" RENAME TO "{site.database}"')


# ---------------------------------------------------------------- SQLite

def _sqlite_backup(source, target):
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _sqlite_restore(site, path):
    target = site.sqlite_file
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f'.{target.name}.restoring')
    shutil.copyfile(path, part)
    with sqlite3.connect(part) as conn:
        if conn.execute('PRAGMA integrity_check').fetchone()[0] != 'ok':
            part.unlink()
            raise SiteError("The archive's SQLite database is damaged.")
    conn.close()
    # A write-ahead log of the old database must not be replayed on the
    # restored one
    for suffix in ('-wal', '-shm', '-journal'):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    os.replace(part, target)


# ---------------------------------------------------------------- manifest

def _database_facts(site, dump_path):
    "(activated modules, applied patches) read from the database copy"
    if site.backend == 'sqlite':
        with sqlite3.connect(dump_path) as conn:
            modules = [r[0] for r in conn.execute(
                    "SELECT name FROM ir_module WHERE state = 'activated' "
                    "ORDER BY name")]
            try:
                patches = [r[0] for r in conn.execute(
                        'SELECT name FROM mons_site_patch ORDER BY name')]
            except sqlite3.OperationalError:
                patches = []
        conn.close()
        return modules, patches
    import psycopg
    with site.pg_connect(site.database) as conn:
        modules = [r[0] for r in conn.execute(
                "SELECT name FROM ir_module WHERE state = 'activated' "
                "ORDER BY name")]
        try:
            patches = [r[0] for r in conn.execute(
                    'SELECT name FROM mons_site_patch ORDER BY name')]
        except psycopg.Error:
            patches = []
    return modules, patches


def _module_versions(names):
    import trytond
    from trytond.modules import get_module_info
    versions = {}
    for name in names:
        if name in {'ir', 'res'}:
            versions[name] = trytond.__version__
            continue
        try:
            versions[name] = get_module_info(name).get('version')
        except Exception:
            versions[name] = None  # not installed here
    return versions


def manifest(site, dump_path, files):
    import trytond
    modules, patches = _database_facts(site, dump_path)
    return {
        'format': FORMAT,
        'created': dt.datetime.now(dt.timezone.utc).isoformat(
            timespec='seconds'),
        'site': site.name,
        'database': site.database,
        'backend': site.backend,
        'trytond': trytond.__version__,
        'modules': _module_versions(modules),
        'patches': patches,
        'attachments': files,
        }


# ---------------------------------------------------------------- commands

def backup(site, target=None):
    "Write the site's archive; return (path, manifest)"
    stamp = dt.datetime.now().strftime('%Y%m%d-%H%M%S')
    name = f'{site.name}-{stamp}.tar.gz'
    if target is None:
        target = site.folder / 'backups' / name
    elif pathlib.Path(target).is_dir():
        target = pathlib.Path(target) / name
    target = pathlib.Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent,
            prefix='.mons-backup-') as tmp:
        tmp = pathlib.Path(tmp)
        if site.backend == 'sqlite':
            dump = tmp / 'database.sqlite'
            _sqlite_backup(site.sqlite_file, dump)
        else:
            dump = tmp / 'database.dump'
            _pg_dump(site, dump)
        attachments = site.attachments_folder
        files = ([p for p in attachments.rglob('*') if p.is_file()]
            if attachments.is_dir() else [])
        info = manifest(site, dump, len(files))
        (tmp / MANIFEST).write_text(json.dumps(info, indent=2,
                ensure_ascii=False) + '\n')
        part = tmp / 'archive.tar.gz'
        with tarfile.open(part, 'w:gz') as tar:
            tar.add(tmp / MANIFEST, MANIFEST)
            tar.add(dump, dump.name)
            tar.add(attachments if attachments.is_dir() else tmp,
                ATTACHMENTS, recursive=False)
            for path in files:
                tar.add(path, f'{ATTACHMENTS}/'
                    f'{path.relative_to(attachments).as_posix()}')
        os.replace(part, target)
    target.chmod(0o600)  # personal data of citizens and staff
    return target, info


def read_manifest(tar):
    try:
        info = json.load(tar.extractfile(MANIFEST))
    except (KeyError, ValueError, AttributeError):
        raise SiteError("Not a backup of `mons backup`: no readable "
            f"{MANIFEST} in the archive.")
    if info.get('format') != FORMAT:
        raise SiteError(f"Backup format {info.get('format')} is not "
            f"supported (this version reads format {FORMAT}).")
    return info


def check_stopped(site):
    if pid := site.running_pid():
        raise SiteError(f"Site '{site.name}' is running (`mons start`, "
            f"pid {pid}): stop it before restoring, or give --force.")
    try:
        site.check_port_free()
    except SiteError:
        raise SiteError(f"Something serves {site.listen}, the address of "
            f"site '{site.name}': stop its server before restoring, or "
            "give --force.")


def restore(site, archive, force=False):
    "Put the archive back in place of the site's database and attachments"
    archive = pathlib.Path(archive)
    if not archive.is_file():
        raise SiteError(f"No backup file {archive}.")
    if not force:
        check_stopped(site)
    try:
        tar = tarfile.open(archive, 'r:gz')
    except (tarfile.TarError, OSError) as exception:
        raise SiteError(f"{archive} is not a tar.gz archive: {exception}")
    with tar:
        info = read_manifest(tar)
        if info['backend'] != site.backend:
            raise SiteError(f"The backup is of a {info['backend']} database "
                f"and site '{site.name}' uses {site.backend}: restore it on "
                f"a {info['backend']} site.")
        site.check_connection()
        root = site.filestore_root
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=root,
                prefix='.mons-restore-') as tmp:
            tmp = pathlib.Path(tmp)
            # The 'data' filter refuses absolute paths, links out of the
            # folder and device files
            tar.extractall(tmp, filter='data')
            dump = tmp / ('database.sqlite' if site.backend == 'sqlite'
                else 'database.dump')
            if not dump.is_file():
                raise SiteError(f"The archive has no {dump.name}.")
            if site.backend == 'sqlite':
                _sqlite_restore(site, dump)
            else:
                _pg_restore(site, dump)
            _swap_attachments(site, tmp / ATTACHMENTS)
    return info


def _swap_attachments(site, restored):
    current = site.attachments_folder
    old = current.with_name(f'.{current.name}.before-restore')
    if old.exists():
        shutil.rmtree(old)
    if current.exists():
        os.replace(current, old)
    if restored.is_dir():
        os.replace(restored, current)
    if old.exists():
        shutil.rmtree(old)


def differences(info):
    "Modules whose version here differs from the backup's"
    here = _module_versions(info.get('modules', {}))
    return {name: (version, here[name])
        for name, version in info.get('modules', {}).items()
        if here[name] != version}
