"""`mons test`: every module's tests on SQLite (and PostgreSQL), then the
suite-level tests (REST over HTTP, browsers) with pytest; ends with the line
`N passed, N failed`."""
import hashlib
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

from .site import mons_modules, repository_root

PG_URI = os.environ.get(
    'MONS_TEST_POSTGRESQL_URI', 'postgresql://mons:mons@127.0.0.1:5432/')


def _code_hash(root):
    "Test databases are cached per state of the modules' code"
    digest = hashlib.sha1()
    for path in sorted((root / 'apps').rglob('*')):
        if path.suffix in {'.py', '.xml', '.cfg', '.po'} and \
                '__pycache__' not in path.parts:
            digest.update(str(path).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _run_module(module, backend, root, cache, results):
    env = dict(os.environ)
    env.pop('TRYTOND_CONFIG', None)
    env['DB_CACHE'] = str(cache / backend)
    if backend == 'sqlite':
        env['TRYTOND_DATABASE__URI'] = 'sqlite://'
        env['DB_NAME'] = ':memory:'
    else:
        env['TRYTOND_DATABASE__URI'] = PG_URI
        env['DB_NAME'] = f'test_{module}'
    result_file = results / f'{backend}-{module}.json'
    log_file = results / f'{backend}-{module}.log'
    start = time.monotonic()
    with open(log_file, 'w') as log:
        subprocess.run([sys.executable, '-m', 'mons_cli.unitrun',
                f'trytond.modules.{module}.tests', str(result_file)],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    try:
        counts = json.loads(result_file.read_text())
    except (OSError, ValueError):
        counts = {'run': 1, 'failed': 1, 'skipped': 0}
    counts['seconds'] = time.monotonic() - start
    counts['log'] = log_file
    return counts


# Suite-level tests that run on PostgreSQL as well
PG_SUITE_TESTS = ['test_access_matrix.py']

# Suite-level HTTP tests run against the production profile (gunicorn with
# 2 workers, trytond-worker, trytond-cron on PostgreSQL, nginx over HTTPS:
# tests/production.py)
PRODUCTION_TESTS = ['test_api_errors_http.py', 'test_security_headers_http.py',
    # last: it leaves the address rate-limited on the sign-in forms
    'test_production_profile.py']
# Checks of the development server's own answers, which nginx changes on
# purpose (its Server name without version, HSTS on every HTTPS answer):
# test_production_profile.py checks the production ones
PRODUCTION_DESELECT = [
    'test_security_headers_http.py::test_no_server_banner',
    'test_security_headers_http.py::test_api_answers_run_nothing']


def _run_suite(root, results, fast, backend='sqlite', tests=None,
        production=False):
    junit = results / (f'suite-{backend}' + (
        '-production' if production else '') + '.xml')
    command = [sys.executable, '-m', 'pytest',
        *([str(root / 'tests' / t) for t in tests] if tests
            else [str(root / 'tests')]),
        '-p', 'no:cacheprovider', '-q', f'--junitxml={junit}',
        # where the time goes, for whoever keeps the run under its budget
        '--durations=15']
    if fast:
        command += ['-m', 'not browser']
    env = dict(os.environ)
    if backend == 'postgresql':
        env['MONS_TEST_DATABASE_URI'] = PG_URI
    if production:
        env['MONS_TEST_PRODUCTION'] = '1'
        for test in PRODUCTION_DESELECT:
            command += ['--deselect', f'tests/{test}']
    process = subprocess.run(command, cwd=root, env=env)
    if not junit.exists():
        return {'run': 1, 'failed': 1, 'skipped': 0}
    suite = ET.parse(junit).getroot()
    suites = [suite] if suite.tag == 'testsuite' else list(suite)
    counts = {'run': 0, 'failed': 0, 'skipped': 0}
    for s in suites:
        counts['run'] += int(s.get('tests', 0))
        counts['failed'] += int(s.get('failures', 0)) + int(
            s.get('errors', 0))
        counts['skipped'] += int(s.get('skipped', 0))
    if process.returncode not in {0, 1, 5} and not counts['failed']:
        counts['failed'] = 1  # pytest itself broke
    return counts


def run(backend='sqlite', fast=False, modules=None, suite=True):
    root = repository_root()
    modules = modules or mons_modules()
    backends = ['sqlite'] if fast or backend == 'sqlite' else (
        ['postgresql'] if backend == 'postgresql'
        else ['sqlite', 'postgresql'])
    cache = root / '.test-cache' / _code_hash(root)
    results = pathlib.Path(tempfile.mkdtemp(prefix='mons-test-'))
    totals = {'run': 0, 'failed': 0, 'skipped': 0}
    failed_logs = []
    for backend_ in backends:
        jobs = 1 if backend_ == 'sqlite' and len(modules) == 1 else 2
        with ThreadPoolExecutor(jobs) as executor:
            outcomes = list(executor.map(
                    lambda m: (m, _run_module(
                            m, backend_, root, cache, results)), modules))
        for module, counts in outcomes:
            print(f"{backend_:10} {module:15} {counts['run']:4} run, "
                f"{counts['failed']:3} failed, {counts['skipped']:3} skipped"
                f" ({counts['seconds']:.0f} s)", flush=True)
            if counts['failed']:
                failed_logs.append(counts['log'])
            for key in totals:
                totals[key] += counts[key]
    for log in failed_logs:
        print(f"\n===== {log.name} =====")
        print(log.read_text()[-20000:])
    if suite:
        counts = _run_suite(root, results, fast)
        print(f"suite-level tests: {counts['run']} run, "
            f"{counts['failed']} failed, {counts['skipped']} skipped")
        for key in totals:
            totals[key] += counts[key]
        if 'postgresql' in backends:
            # The rights must hold on the production database too
            counts = _run_suite(root, results, fast, backend='postgresql',
                tests=PG_SUITE_TESTS)
            print(f"suite-level tests on PostgreSQL: {counts['run']} run, "
                f"{counts['failed']} failed, {counts['skipped']} skipped")
            for key in totals:
                totals[key] += counts[key]
            counts = _run_suite(root, results, fast, backend='postgresql',
                tests=PRODUCTION_TESTS, production=True)
            print(f"suite-level tests on the production profile: "
                f"{counts['run']} run, {counts['failed']} failed, "
                f"{counts['skipped']} skipped")
            for key in totals:
                totals[key] += counts[key]
    passed = totals['run'] - totals['failed'] - totals['skipped']
    print(f"({totals['skipped']} skipped)")
    print(f"{passed} passed, {totals['failed']} failed")
    return 1 if totals['failed'] else 0
