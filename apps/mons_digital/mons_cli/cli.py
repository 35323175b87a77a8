"""`mons`: the site tool of the Mons Digital Suite (what `bench` is to Frappe).

    mons init    --site dev [--reference FOLDER]
                                       create the database and its admin
                                       (a new site from a municipality's
                                       reference folder)
    mons update  --site dev [MODULE…]  activate/update modules, reference data, patches
    mons migrate --site dev            apply the pending patches only
    mons demo    --site dev            load the demo data (idempotent)
    mons start   --site dev            serve the desk, REST API and portal, with worker and cron
    mons backup  --site dev [--to F]   write the database and attachments to one archive
    mons restore --site dev FILE       put an archive back (the site stopped)
    mons key     --site dev LOGIN      print a new REST API key for a user
    mons worker  --site dev            run queued tasks (started by `start` on SQLite)
    mons po      MODULE                refresh locale/fr.po of a module
    mons portal-po [MODULE…]           refresh the portal's German catalogues (portal_locale/de.po)
    mons test    [--backend B] [--fast] run every test, ending with "N passed, N failed"
"""
import argparse
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time
import traceback

from .site import DEMO_PASSWORD, Site, SiteError, mons_modules


# The languages of every site: French, German for the portal
LANGUAGES = ('fr', 'de')


def _new_site(args):
    """The site of `mons init`: with --reference, a site folder that does
    not exist yet is created (a configuration like the dev site's) and the
    reference folder, checked first, is copied into it"""
    from . import reference
    from .site import repository_root
    if not args.reference:
        return Site(args.site)
    source = pathlib.Path(args.reference).resolve()
    data = reference.read(source)
    main = next(o for o in data['organisations']
        if o['code'] == data['municipality']['organisation'])
    root = repository_root()
    folder = (pathlib.Path(args.site) if os.sep in args.site
        else root / 'sites' / args.site)
    config = folder / 'trytond.conf'
    if not config.exists():
        folder.mkdir(parents=True, exist_ok=True)
        port = args.port or 8000
        # The municipality's own addresses unless told otherwise
        sender = args.sender or f"{main['name']} <{main['email']}>"
        config.write_text(SITE_CONFIG.format(name=folder.name,
                sender=sender, port=port, title=main['name'],
                url=args.url or f'http://127.0.0.1:{port}'),
            encoding='utf-8')
    target = folder / 'reference'
    if source != target.resolve():
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target)
    return Site(str(folder) if os.sep in args.site else args.site)


SITE_CONFIG = """# Site {name}: created by `mons init --reference`; its municipality is
# described by the files of reference/ (organisations, services, sections,
# holidays), reloaded by `mons update`.
[site]
database = {name}
# the desk's title
title = {title}

[database]
language = fr
retry = 20

[web]
listen = 127.0.0.1:{port}

[queue]
worker = True

[email]
from = {sender}

[portal]
# the public base URL of the portal, as citizens reach it (links in e-mails)
url = {url}

[session]
authentications = password
"""


def cmd_init(args):
    site = _new_site(args)
    if site.database_exists():
        print(f"Site '{site.name}': database '{site.database}' already "
            "exists, nothing to do.")
        return 0
    site.create_database()
    password = args.password or os.environ.get('MONS_ADMIN_PASSWORD')
    if not password:
        if site.name == 'dev' or args.demo_password:
            password = DEMO_PASSWORD
        else:
            raise SiteError("Give the admin password with --password or "
                "MONS_ADMIN_PASSWORD.")
    # German beside French: the portal answers German-speaking citizens
    # with Tryton's own messages (password policy…) in German too
    site.trytond_admin('--all', '-l', *LANGUAGES, '--email',
        args.email or _admin_email(site), password=password)
    # The admin lands on the home, not on Tryton's module configuration
    # wizard: what it asks is set up by `mons update` (and closed again
    # there for the modules it activates)
    from . import fixtures
    from .runtime import run
    run(site, lambda pool, txn: fixtures.close_config_wizard(pool))
    print(f"Site '{site.name}': database '{site.database}' created "
        f"({site.backend}).")
    return 0


def _admin_email(site):
    "The main organisation's address, as the administrator's default"
    from . import reference
    try:
        data = reference.read(site.reference_folder)
    except reference.ReferenceError:
        return 'admin@localhost'
    main = next(o for o in data['organisations']
        if o['code'] == data['municipality']['organisation'])
    return main['email']


def _require_database(site):
    if not site.database_exists():
        raise SiteError(f"Site '{site.name}' has no database "
            f"'{site.database}' yet: run `mons init --site {site.name}`.")


def _unchanged(site, step, args):
    "With --if-changed, whether the code and data did not move since"
    state = site.state_hash()
    path = site.folder / '.state' / f'{step}-{site.database}'
    if args.if_changed and path.exists() and path.read_text() == state:
        print(f"Site '{site.name}': {step} skipped, nothing changed.")
        return True, path, state
    return False, path, state


def cmd_update(args):
    from . import fixtures, patches
    from .runtime import run
    site = Site(args.site)
    _require_database(site)
    skip, state_path, state = _unchanged(site, 'update', args)
    if skip:
        return 0
    modules = args.modules or mons_modules()
    unknown = set(modules) - set(mons_modules())
    if unknown:
        raise SiteError(f"Unknown module(s): {', '.join(sorted(unknown))} "
            f"(installed: {', '.join(mons_modules())}).")
    if site.backend == 'postgresql':
        # Trigram indexes of the text searches (mail) need it
        site.create_extensions('pg_trgm')
    update = ['-u', *modules, '--activate-dependencies']
    if not set(LANGUAGES) <= site.translatable_languages():
        # A language new to the site (German came after the first sites)
        # needs every activated module's translations, Tryton's own too
        update.append('--all')
    site.trytond_admin(*update, '-l', *LANGUAGES)
    run(site, lambda pool, txn: fixtures.load_reference(site, pool))
    run(site, lambda pool, txn: patches.apply(site, pool, txn))
    print(f"Site '{site.name}': modules up to date: {', '.join(modules)}.")
    if not args.modules:
        state_path.parent.mkdir(exist_ok=True)
        state_path.write_text(state)
    return 0


def cmd_migrate(args):
    from . import patches
    from .runtime import run
    site = Site(args.site)
    _require_database(site)
    applied = run(site, lambda pool, txn: patches.apply(site, pool, txn))
    print(f"{len(applied)} patch(es) applied.")
    return 0


def _check_demo_reference(site):
    """The demo data are written for the dev site's municipality (its
    services, sections and streets): loaded into another municipality's
    site they would put a stranger's letters, staff and datasets on its
    portal, so they are refused there"""
    from . import reference
    demo_folder = site.root / 'sites' / 'dev' / 'reference'
    if site.reference_folder.resolve() == demo_folder.resolve():
        return
    ours = reference.read(site.reference_folder)['municipality']
    demo = reference.read(demo_folder)['municipality']
    if ours.get('nis') != demo.get('nis'):
        raise SiteError(f"The demo data describe {demo.get('name')} "
            f"(sites/dev/reference); site '{site.name}' is "
            f"{ours.get('name')} (NIS {ours.get('nis')}): its data come "
            "from its own imports (docs/nouvelle-commune.md), not from "
            "the demo.")


def cmd_demo(args):
    from . import demo, fixtures
    from .runtime import company_context, run
    site = Site(args.site)
    _require_database(site)
    skip, state_path, state = _unchanged(site, 'demo', args)
    if skip:
        return 0
    _check_demo_reference(site)
    start = time.monotonic()

    def load(pool, txn):
        companies = fixtures.load_reference(site, pool)
        with txn.set_context(company_context(pool)):
            demo.load_base(site, pool, companies)
    run(site, load)
    failed = []
    # One transaction per module: a failing demo keeps the others' data
    for module, module_demo in demo.module_demos():
        def load_module(pool, txn):
            with txn.set_context(company_context(pool)):
                demo.load_module(module, module_demo)
        try:
            run(site, load_module)
        except Exception:
            traceback.print_exc()
            failed.append(module)
    if failed:
        raise SiteError(f"The demo data of {', '.join(failed)} failed "
            "(see above); the rest is loaded.")
    print(f"Site '{site.name}': demo data loaded in "
        f"{time.monotonic() - start:.1f} s.")
    state_path.parent.mkdir(exist_ok=True)
    state_path.write_text(state)
    return 0


def create_key(site, login, name=None):
    from .runtime import transaction
    with transaction(site) as (pool, txn):
        User = pool.get('res.user')
        Application = pool.get('res.user.application')
        users = User.search([('login', '=', login)])
        if not users:
            raise SiteError(f"No user with login '{login}' on site "
                f"'{site.name}'.")
        application, = Application.create([{
                    'user': users[0].id, 'application': 'rest',
                    'state': 'validated'}])
        return application.key


def cmd_key(args):
    site = Site(args.site)
    _require_database(site)
    key = create_key(site, args.login)
    if args.write:
        path = site.folder / 'api-key'
        path.write_text(key + '\n')
        path.chmod(0o600)
    print(key)
    return 0


def print_banner(site):
    from .demo import ROLE_USERS
    print(f"""
Mons Digital Suite — site '{site.name}' ({site.backend}), {site.folder}
  Desk (Tryton web client): {site.url}/
  REST API:                 {site.url}/{site.database}/rest/
  OpenAPI description:      {site.url}/{site.database}/rest/openapi.json
  Citizen portal:           {site.url}/{site.database}/portal/
  Logs:                     {site.folder / 'logs' / 'server.log'}""",
        flush=True)
    # Only a site that holds the demo data has the demo users
    if (site.folder / '.state' / f'demo-{site.database}').exists():
        print(f"Demo logins (password: {DEMO_PASSWORD}):\n"
            "  admin (functional admin), " + ', '.join(
                login for login, *_ in ROLE_USERS), flush=True)
    key = site.folder / 'api-key'
    if key.exists():
        # The site may live anywhere, not only under the repository
        print(f"  REST key of admin: {site.display_path(key)}")
    print("Stop with Ctrl+C.", flush=True)


class _Stop(Exception):
    "SIGTERM or SIGINT reached `mons start`"


def cmd_start(args):
    from .logs import server_logging
    from .processes import Children
    site = Site(args.site)
    _require_database(site)
    site.check_port_free()
    env = site.environ()
    conf = str(site.config_file)
    worker = ([site.bin('trytond-worker'), '-c', conf, '-d', site.database]
        if site.backend == 'postgresql'
        else [site.bin('mons'), 'worker', '--site', str(site.folder)])
    commands = [
        # -d loads the database's pool before serving: the first requests
        # of a threaded server would otherwise race to load it
        [site.bin('trytond'), '-c', conf, '-d', site.database,
            '--logconf', str(server_logging(site))],
        worker,
        [site.bin('trytond-cron'), '-c', conf, '-d', site.database],
        ]
    smtp = site.parser.get('site', 'smtp_sink', fallback='')
    if smtp:
        maildir = site.folder / 'mail'
        for sub in ('cur', 'new', 'tmp'):
            (maildir / sub).mkdir(parents=True, exist_ok=True)
        commands.append([sys.executable, '-m', 'aiosmtpd', '-n',
                '-l', smtp, '-c', 'aiosmtpd.handlers.Mailbox', str(maildir)])

    def interrupted(*_):
        raise _Stop()
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    children = Children(env)
    code = 0
    site.write_pid()
    try:
        for command in commands:
            children.start(command)
        print_banner(site)
        while True:
            ended = children.ended()
            if ended:
                command, returncode = ended
                print(f"{os.path.basename(command[0])} stopped "
                    f"(exit code {returncode}); stopping the site.",
                    file=sys.stderr)
                code = 1
                break
            time.sleep(0.5)
    except _Stop:
        pass
    finally:
        # Whatever ended the loop (a signal, a child, a fault of ours),
        # no child is left behind
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        children.stop()
        site.remove_pid()
    return code


def cmd_backup(args):
    from .backup import backup
    site = Site(args.site)
    _require_database(site)
    path, info = backup(site, args.to)
    print(f"Site '{site.name}': {site.backend} database '{site.database}' "
        f"and {info['attachments']} attachment file(s) saved in {path}.")
    return 0


def cmd_restore(args):
    from .backup import differences, restore
    site = Site(args.site)
    info = restore(site, args.archive, force=args.force)
    print(f"Site '{site.name}': database '{site.database}' and "
        f"{info['attachments']} attachment file(s) restored from the backup "
        f"of {info['created']} (site '{info['site']}').")
    if changed := differences(info):
        print("Modules changed since the backup (" + ', '.join(
                f"{name} {old} → {new or 'absent'}"
                for name, (old, new) in sorted(changed.items()))
            + f"): run `mons update --site {args.site}`.")
    return 0


def cmd_worker(args):
    from .worker import work
    site = Site(args.site)
    _require_database(site)
    work(site)
    return 0


def cmd_po(args):
    from .i18n import update_po
    missing = update_po(args.module)
    print(f"{args.module}: locale/fr.po written, {missing} string(s) "
        "without French translation.")
    return 0


def cmd_portal_po(args):
    "Refresh the portal's German catalogues (<module>/portal_locale/de.po)"
    from trytond.modules.mons_base.portal_catalogue import (
        portal_modules, update)
    missing = 0
    for module in args.modules or portal_modules():
        untranslated = update(module, 'de')
        missing += len(untranslated)
        print(f"{module}: portal_locale/de.po written, {len(untranslated)} "
            "string(s) without German translation.")
    return 1 if missing else 0


def cmd_test(args):
    from .testrun import run
    return run(backend=args.backend, fast=args.fast, modules=args.modules,
        suite=not args.no_suite)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='mons', description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', required=True)

    def add(name, func, help):
        p = sub.add_parser(name, help=help)
        p.set_defaults(func=func)
        return p

    p = add('init', cmd_init, "create the database of a site and its admin")
    p.add_argument('--site', required=True)
    p.add_argument('--password', help="admin password")
    p.add_argument('--demo-password', action='store_true',
        help="use the demo password for admin")
    p.add_argument('--email', help="admin email")
    p.add_argument('--reference', metavar='FOLDER',
        help="the municipality's reference folder (organisations, "
        "services, sections, holidays), checked and copied into the site")
    p.add_argument('--sender', help="sender address of the site's e-mails "
        "(a new site)")
    p.add_argument('--port', type=int, help="web port (a new site)")
    p.add_argument('--url', help="public base URL of the portal, e.g. "
        "https://e-services.example.be (a new site)")
    p = add('update', cmd_update,
        "activate or update modules, load reference data, run patches")
    p.add_argument('--site', required=True)
    p.add_argument('--if-changed', action='store_true',
        help="skip when nothing changed since the last update")
    p.add_argument('modules', nargs='*')
    p = add('migrate', cmd_migrate, "apply pending patches")
    p.add_argument('--site', required=True)
    p = add('demo', cmd_demo, "load demo data (idempotent)")
    p.add_argument('--site', required=True)
    p.add_argument('--if-changed', action='store_true',
        help="skip when nothing changed since the last load")
    p = add('start', cmd_start, "serve the site with worker and cron")
    p.add_argument('--site', required=True)
    p = add('backup', cmd_backup,
        "save the database and the attachments in one archive")
    p.add_argument('--site', required=True)
    p.add_argument('--to', help="archive or folder to write to (default: "
        "<site>/backups/<site>-<date>.tar.gz)")
    p = add('restore', cmd_restore,
        "replace the database and the attachments by a backup's")
    p.add_argument('--site', required=True)
    p.add_argument('archive')
    p.add_argument('--force', action='store_true',
        help="restore even if the site's server seems to run")
    p = add('key', cmd_key, "create a REST API key for a user")
    p.add_argument('--site', required=True)
    p.add_argument('login')
    p.add_argument('--write', action='store_true',
        help="also write it to sites/<site>/api-key")
    p = add('worker', cmd_worker, "run queued tasks (SQLite sites)")
    p.add_argument('--site', required=True)
    p = add('po', cmd_po, "refresh the French translation file of a module")
    p.add_argument('module')
    p = add('portal-po', cmd_portal_po,
        "refresh the portal's German catalogues of modules (all by default)")
    p.add_argument('modules', nargs='*')
    p = add('test', cmd_test, "run all the tests")
    p.add_argument('--backend', choices=['sqlite', 'postgresql', 'both'],
        default='sqlite')
    p.add_argument('--fast', action='store_true',
        help="SQLite only, no browser tests")
    p.add_argument('--no-suite', action='store_true',
        help="module tests only")
    p.add_argument('modules', nargs='*')
    args = parser.parse_args(argv)
    from .reference import ReferenceError
    try:
        return args.func(args)
    except ReferenceError as exception:
        print("mons: les données de référence ne sont pas utilisables, rien "
            "n'a été écrit :", file=sys.stderr)
        for problem in exception.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    except SiteError as exception:
        print(f"mons: {exception}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as exception:
        print(f"mons: {os.path.basename(exception.cmd[0])} failed with exit "
            f"code {exception.returncode} (see above).", file=sys.stderr)
        return exception.returncode or 1


if __name__ == '__main__':
    sys.exit(main())
