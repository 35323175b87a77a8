"""Security headers of the site as a browser and an attacker receive them:
over HTTP from the started site (trytond's server, as `mons start` runs
it)."""
import re
import urllib.error
import urllib.request

import pytest


def fetch(url, headers=None, method='GET'):
    request = urllib.request.Request(url, headers=headers or {},
        method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def directives(policy):
    return {part.split()[0]: part.split()[1:]
        for part in (p.strip() for p in policy.split(';')) if part}


@pytest.mark.parametrize('path', ['', '{db}/portal/', '{db}/portal/nulle-part',
        '{db}/rest/model/res.user', '{db}/portal/compte/connexion'])
def test_no_server_banner(site, path):
    status, headers, _ = fetch(f'{site.url}/' + path.format(db=site.db))
    assert status < 500
    assert 'Server' not in headers, headers['Server']
    assert headers['X-Content-Type-Options'] == 'nosniff'
    assert headers['Referrer-Policy'] == 'same-origin'


def test_portal_policy(site):
    status, headers, body = fetch(f'{site.url}/{site.db}/portal/')
    assert status == 200
    policy = directives(headers['Content-Security-Policy'])
    assert policy['script-src'] == ["'self'"]
    assert policy['frame-ancestors'] == ["'none'"]
    assert policy['object-src'] == ["'none'"]
    assert headers['X-Frame-Options'] == 'DENY'
    # The pages run no inline script the policy would block
    assert not re.search(rb'<script(?![^>]*\bsrc=)(?![^>]*application/json)',
        body)


def test_desk_policy_allows_its_inline_script(site):
    status, headers, body = fetch(f'{site.url}/')
    assert status == 200
    policy = directives(headers['Content-Security-Policy'])
    assert any(s.startswith("'sha256-") for s in policy['script-src']), \
        policy
    assert "'unsafe-inline'" not in policy['script-src']
    assert policy['frame-ancestors'] == ["'self'"]


def test_api_answers_run_nothing(site):
    status, headers, _ = fetch(f'{site.url}/{site.db}/rest/model/res.user')
    assert status in {401, 403}
    assert headers['Content-Security-Policy'].startswith("default-src 'none'")
    # No HSTS over plain HTTP (a browser would ignore it, and the
    # development site has no certificate)
    assert 'Strict-Transport-Security' not in headers


def test_portal_cookies_flags(site):
    status, headers, _ = fetch(f'{site.url}/{site.db}/portal/compte/connexion')
    assert status == 200
    cookies = headers.get_all('Set-Cookie')
    assert cookies
    for cookie in cookies:
        assert 'HttpOnly' in cookie, cookie
        assert re.search(r'SameSite=(Lax|Strict)', cookie), cookie


def test_sign_in_answers_are_not_faults(site):
    "The desk's password prompt and a wrong password are logged as answers"
    import time
    log = site.folder / 'logs' / 'server.log'
    for params in (['agent', {}, 'fr'], ['agent', {'password': 'faux'}, 'fr']):
        status, _, _ = fetch_json(f'{site.url}/{site.db}/session/login',
            {'method': 'common.db.login', 'params': params})
        assert 400 <= status < 500, status
    time.sleep(0.5)
    assert log.exists()
    faults = [line for line in log.read_text().splitlines()
        if 'Erreur serveur' in line and '/session/login' in line]
    assert not faults, faults


def fetch_json(url, body):
    import json
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
        headers={'Content-Type': 'application/json'}, method='POST')
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_request_log_names_the_rest_key_user(site):
    "A REST call is logged once with its id and the key's user"
    import time
    status, body = site.rest('model/party.party?s=1', login='agent')
    assert status == 200, body
    status, users = site.rest(
        'model/res.user?f=login&d=' + _domain([['login', '=', 'agent']]),
        login='admin')
    assert status == 200, users
    time.sleep(0.5)
    lines = [line for line in (site.folder / 'logs' / 'server.log')
        .read_text().splitlines()
        if f'GET /{site.db}/rest/model/party.party' in line]
    assert lines and lines[-1].endswith(f"user={users[0]['id']}"), lines[-3:]


def _domain(value):
    import base64
    import json
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()
