"""PostgreSQL sites of the suite-level tests are copies of one template.

Building a site (init, update with every module, demo data) takes minutes
on PostgreSQL; the first site of a code state is kept as the template
database `mons_tpl_<state>` and the next ones are made from it with
CREATE DATABASE ... TEMPLATE, in seconds. The SQLite sites do the same
with a copied file (conftest.live_site)."""
import subprocess


def _admin(uri):
    return uri + 'postgres'


def _exists(uri, env, name):
    result = subprocess.run(['psql', '-d', _admin(uri), '-tAc',
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip() == '1'


def build_database(uri, db, env, state, build):
    """Create the site's database `db`: a copy of the template of this code
    state if there is one, else build() it and keep it as the template"""
    template = f'mons_tpl_{state}'
    if _exists(uri, env, template):
        subprocess.run(['createdb', '--maintenance-db', _admin(uri),
                '-T', template, db], env=env, check=True)
        return
    build()
    # No session is left on the database just built: it can be copied.
    # Another run may have made the template meanwhile: keep theirs
    subprocess.run(['createdb', '--maintenance-db', _admin(uri),
            '-T', db, template], env=env, capture_output=True)
    # templates of earlier code states are dead weight
    stale = subprocess.run(['psql', '-d', _admin(uri), '-tAc',
            "SELECT datname FROM pg_database WHERE datname LIKE 'mons_tpl_%'"
            f" AND datname != '{template}'"],
        env=env, capture_output=True, text=True).stdout.split()
    for name in stale:
        subprocess.run(['dropdb', '--if-exists', '--maintenance-db',
                _admin(uri), name], env=env, capture_output=True)
