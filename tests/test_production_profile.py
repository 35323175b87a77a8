"""The production profile as deployed (tests/production.py starts it:
PostgreSQL, gunicorn with 2 workers, trytond-worker, trytond-cron, nginx
with bench_config/nginx.conf and a throw-away certificate), tried from the
outside as a browser, an integrator and an attacker would.
Run with MONS_TEST_PRODUCTION=1 and MONS_TEST_DATABASE_URI (PostgreSQL);
`mons test --backend both` does."""
import http.client
import json
import os
import pathlib
import re
import signal
import socket
import ssl
import time
import urllib.error
import urllib.request

import pytest

from test_carto_import_http import start_import, wait

pytestmark = pytest.mark.skipif(not os.environ.get('MONS_TEST_PRODUCTION'),
    reason="MONS_TEST_PRODUCTION=1: the production profile on PostgreSQL")


def port(url):
    return int(url.rsplit(':', 1)[1])


def fetch(site, path, headers=None, method='GET', data=None):
    request = urllib.request.Request(f'{site.url}/{path}', method=method,
        headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request, timeout=60,
                context=site.ssl_context) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def children(pid):
    "Process ids whose parent is pid"
    found = []
    for stat in pathlib.Path('/proc').glob('[0-9]*/stat'):
        try:
            fields = stat.read_text().rsplit(')', 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_processes(site):
    "gunicorn runs 2 WSGI workers; worker, cron and nginx are up"
    for name in ('gunicorn', 'worker', 'cron', 'nginx'):
        assert site.processes[name].poll() is None, name
    assert len(children(site.processes['gunicorn'].pid)) == 2
    conf = (site.folder / 'trytond.conf').read_text()
    assert re.search(r'num_proxies\s*=\s*1', conf)


def test_http_redirects_to_https(site):
    connection = http.client.HTTPConnection('localhost', port(site.http_url),
        timeout=30)
    connection.request('GET', f'/{site.db}/portal/?a=1',
        headers={'Host': 'localhost'})
    response = connection.getresponse()
    assert response.status == 301
    assert response.headers['Location'] == \
        f'https://localhost/{site.db}/portal/?a=1'
    connection.close()


def test_unknown_host_refused(site):
    # Plain HTTP: nginx closes the connection without an answer (444)
    connection = http.client.HTTPConnection('127.0.0.1', port(site.http_url),
        timeout=30)
    connection.request('GET', f'/{site.db}/portal/',
        headers={'Host': 'evil.example'})
    with pytest.raises((http.client.RemoteDisconnected,
            ConnectionResetError)):
        connection.getresponse()
    connection.close()
    # HTTPS: no certificate is shown for another name
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(('127.0.0.1', port(site.url)),
            timeout=30) as sock:
        with pytest.raises(ssl.SSLError):
            with context.wrap_socket(sock, server_hostname='evil.example'):
                pass
    # The right name, with a Host header naming another site: refused too
    connection = http.client.HTTPSConnection('localhost', port(site.url),
        timeout=30, context=site.ssl_context)
    connection.request('GET', f'/{site.db}/portal/',
        headers={'Host': 'evil.example'})
    with pytest.raises((http.client.RemoteDisconnected,
            ConnectionResetError)):
        connection.getresponse()
    connection.close()


def test_https_headers(site):
    status, headers, body = fetch(site, f'{site.db}/portal/')
    assert status == 200
    hsts = headers['Strict-Transport-Security']
    assert 'includeSubDomains' in hsts
    assert int(re.search(r'max-age=(\d+)', hsts).group(1)) >= 31536000
    # nginx names itself, with no version; trytond's banner never passes
    assert headers.get('Server') in {None, 'nginx'}, headers['Server']
    assert headers['X-Content-Type-Options'] == 'nosniff'
    assert "script-src 'self'" in headers['Content-Security-Policy']
    # nginx's own pages show no version either
    status, headers, body = fetch(site, 'dist/pas-un-fichier.js')
    assert status == 404
    assert headers.get('Server') == 'nginx'
    assert not re.search(rb'nginx/\d', body)
    # Links the portal builds point to the public HTTPS address
    assert b'http://localhost' not in body


def test_portal_cookies_secure_behind_proxy(site):
    status, headers, _ = fetch(site, f'{site.db}/portal/compte/connexion')
    assert status == 200
    cookies = headers.get_all('Set-Cookie')
    assert cookies
    for cookie in cookies:
        assert re.search(r';\s*Secure', cookie), cookie
        assert 'HttpOnly' in cookie, cookie
        assert re.search(r'SameSite=(Lax|Strict)', cookie), cookie


def test_static_sao_files_from_nginx(site):
    status, headers, body = fetch(site, 'dist/tryton-sao.js')
    assert status == 200, status
    assert len(body) > 10000
    assert 'Strict-Transport-Security' in headers
    # Served by nginx itself: no header trytond adds to its answers
    assert 'Content-Security-Policy' not in headers
    assert 'max-age=604800' in headers.get('Cache-Control', '')


def test_rest_with_role_key_and_openapi(site):
    status, body = site.rest('model/party.party?s=2', login='agent')
    assert status == 200, body
    assert isinstance(body, list) and body
    # Without a key: refused in French JSON, through nginx
    status, headers, body = fetch(site, f'{site.db}/rest/model/party.party')
    assert status in {401, 403}
    assert 'json' in headers['Content-Type']
    status, headers, body = fetch(site, f'{site.db}/rest/openapi.json')
    assert status == 200
    spec = json.loads(body)
    assert spec['openapi'].startswith('3.')
    assert len(spec['paths']) > 10
    # The description names the public HTTPS address the proxy is reached at
    servers = [s['url'] for s in spec.get('servers', [])]
    assert not any(s.startswith('http://') for s in servers), servers


def test_queued_task_run_by_worker(site):
    "trytond-worker (LISTEN/NOTIFY on PostgreSQL) runs a queued import"
    status, layer = site.rest('model/carto.layer?f=id', method='POST',
        login='sig', data={'name': "Arbres (production)",
            'code': f'arbres-prod-{os.getpid()}',
            'geometry_type': 'point', 'source_crs': 'EPSG:31370',
            'public': False})
    assert status == 200, layer
    data = b'nom;x;y\nChene;120426,7;127122,3\nHetre;120500,1;127100,2\n'
    status, result = start_import(site, layer['id'], data, 'arbres.csv')
    assert status == 200, result
    assert result['state'] == 'queued'
    done = wait(site, result['id'], timeout=60)
    assert done['state'] == 'done', done
    assert done['features_created'] == 2


def test_fresh_processes_check_their_first_request(site):
    """A WSGI process that gunicorn starts (after a reload, max_requests or
    a crash) refuses a bad body from its first request on: the database's
    pool, with the suite's checks, is loaded before it serves"""
    master = site.processes['gunicorn'].pid
    before = set(children(master))
    os.kill(master, signal.SIGHUP)
    deadline = time.monotonic() + 90
    while True:
        now = set(children(master))
        if len(now) == 2 and not now & before:
            break
        assert time.monotonic() < deadline, (before, now)
        time.sleep(0.2)
    for _ in range(4):
        status, body = site.rest('model/party.contact_mechanism',
            method='POST', login='agent', data={'type': 'email',
                'value': 'a@b.be', 'party': 'Ville de Mons'})
        assert status == 400, body
        assert body['field'] == 'party', body


def test_sign_in_rate_limit(site):
    "Past the burst, nginx answers 429 on the sign-in forms only (last test:"
    " the address stays limited for a while)"
    statuses = [fetch(site, f'{site.db}/portal/compte/connexion')[0]
        for _ in range(12)]
    assert 429 in statuses, statuses
    assert statuses.count(200) <= 6, statuses
    # Other pages still answer
    status, _, _ = fetch(site, f'{site.db}/portal/')
    assert status == 200
