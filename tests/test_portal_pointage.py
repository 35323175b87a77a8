"""The staff clocking pages (/<db>/portal/pointage) over HTTP and in a
real browser: one task per page, the GOV.UK error pattern on every form,
French dates, no citizen account links, no axe-core violation at 360 and
1280 px, and the employee's own rights (acting as the staff user)."""
import base64
import datetime as dt
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from portal_checks import (
    ISO_DATE, WIDTHS, assert_error_pattern, assert_portal_page, new_page)

LOGIN = 'employe'


def q(domain):
    return base64.urlsafe_b64encode(json.dumps(domain).encode()).decode()


def search(site, model, domain, fields, login='admin'):
    status, body = site.rest(
        f'model/{model}?d={q(domain)}' + ''.join(f'&f={f}' for f in fields)
        + '&s=1000', login=login)
    assert status == 200, body
    return body


def own_employee(site, login):
    return search(site, 'res.user', [['login', '=', login]],
        ['employee'])[0]['employee']


class Staff:
    "A phone browsing the staff pages without JavaScript (urllib)"

    def __init__(self, site):
        self.base = f'{site.url}/{site.db}/portal/pointage'
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path=''):
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, path, data, page=''):
        html = self.get(page)[1]
        token = re.search(r'name="csrf_token" value="([^"]+)"', html)[1]
        body = urllib.parse.urlencode(dict(data, csrf_token=token)).encode()
        try:
            with self.opener.open(self.base + path, data=body,
                    timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def _anomalies(html):
    "(anomaly id, link text) of the anomalies page"
    return [(int(i), name) for i, name in re.findall(
            r'href="[^"]*/pointage/correction\?anomalie=(\d+)">([^<]+)</a>',
            html)]


def test_pointage_login_and_clock(site):
    staff = Staff(site)
    status, html = staff.get()
    assert status == 200 and 'Identifiant' in html
    assert 'compte/connexion' not in html and 'compte/inscription' not in html
    status, html = staff.post('/connexion', {'login': LOGIN,
            'password': 'mauvais'})
    assert status == 400 and 'incorrect' in html
    assert '<title>Erreur : ' in html and 'href="#f-password"' in html
    assert f'value="{LOGIN}"' in html
    status, html = staff.post('/connexion', {'login': '', 'password': ''})
    assert status == 400
    assert 'href="#f-login"' in html and 'href="#f-password"' in html
    status, html = staff.post('/connexion', {'login': LOGIN,
            'password': site.password})
    assert status == 200 and 'Bonjour' in html
    # The first view is clocking; the rest is one link away
    assert "Pointer l'entrée" in html and 'Pointer la sortie' in html
    for link in ['pointage/anomalies', 'pointage/soldes', 'pointage/conge',
            'pointage/teletravail']:
        assert f'{link}"' in html, link
    assert 'Demander la correction' not in html
    assert 'compte/connexion' not in html and 'compte/inscription' not in html
    assert not ISO_DATE.search(html)
    status, html = staff.post('/pointer', {'direction': 'out'})
    assert status == 200 and 'Sortie pointée.' in html
    assert re.search(r'<td>\d\d:\d\d</td><td>Sortie</td>', html), html


def test_pointage_leave_errors(site):
    "The leave form keeps what was typed and says what is wrong where"
    staff = Staff(site)
    staff.post('/connexion', {'login': LOGIN, 'password': site.password})
    status, html = staff.get('/conge')
    assert status == 200 and 'novalidate' in html
    types = search(site, 'attendance.leave.type', [['code', '=', 'SICK']],
        ['id'])
    status, html = staff.post('/conge', {'type': types[0]['id'],
            'start': 'demain', 'reason': 'Rendez-vous'}, page='/conge')
    assert status == 400
    assert '<title>Erreur : Demander un congé' in html
    assert 'href="#f-start"' in html and 'id="f-start-erreur"' in html
    assert 'value="demain"' in html and '>Rendez-vous</textarea>' in html
    assert re.search(rf'<option value="{types[0]["id"]}" selected>', html)
    # A leave overlapping one already asked is refused next to its dates
    day = dt.date.today() + dt.timedelta(days=120)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    for expected in (200, 400):
        status, html = staff.post('/conge', {'type': types[0]['id'],
                'start': day.isoformat(), 'end': day.isoformat()},
            page='/conge')
        assert status == expected, html
    assert 'chevauche' in html and 'id="f-start-erreur"' in html
    status, html = staff.post('/conge', {'type': types[0]['id'],
            'start': day.isoformat(),
            'end': (day - dt.timedelta(days=2)).isoformat()}, page='/conge')
    assert status == 400 and 'id="f-end-erreur"' in html


def test_pointage_telework_errors(site):
    staff = Staff(site)
    staff.post('/connexion', {'login': LOGIN, 'password': site.password})
    status, html = staff.post('/teletravail', {'date': ''},
        page='/teletravail')
    assert status == 400 and 'href="#f-date"' in html
    assert 'Ce champ est obligatoire' in html


def test_pointage_correction(site):
    "The forgotten clock-out of the demo is corrected from the phone page"
    staff = Staff(site)
    staff.post('/connexion', {'login': LOGIN, 'password': site.password})
    status, html = staff.get('/anomalies')
    assert status == 200
    anomalies = _anomalies(html)
    assert anomalies, html
    names = [name for _, name in anomalies]
    # One button per anomaly, each with its own name, no ISO date
    assert len(set(names)) == len(names), names
    assert all(n.startswith('Demander la correction du ') for n in names)
    assert not ISO_DATE.search(html)
    missing = None
    for anomaly, _ in anomalies:
        status, html = staff.get(f'/correction?anomalie={anomaly}')
        if 'id="f-time"' in html:
            missing = anomaly
            break
    assert missing, "the demo has a forgotten clocking to correct"
    direction = 'out' if 'Heure de sortie' in html else 'in'
    page = f'/correction?anomalie={missing}'
    before = search(site, 'attendance.correction', [], ['id'], login=LOGIN)
    status, html = staff.post('/correction', {'anomalie': missing,
            'time': 'midi', 'reason': 'Oubli'}, page=page)
    assert status == 400 and 'href="#f-time"' in html
    assert 'value="midi"' in html and '>Oubli</textarea>' in html
    status, html = staff.post('/correction', {'anomalie': missing,
            'time': '17:00', 'reason': ''}, page=page)
    assert status == 400 and 'href="#f-reason"' in html
    assert 'value="17:00"' in html
    assert search(site, 'attendance.correction', [], ['id'],
        login=LOGIN) == before
    status, html = staff.post('/correction', {'anomalie': missing,
            'time': '17:00', 'reason': 'Oubli de badge'}, page=page)
    assert status == 200 and 'Demande de correction envoyée' in html, html
    assert missing not in [a for a, _ in _anomalies(html)]
    rows = search(site, 'attendance.correction',
        [['anomaly', '=', missing]], ['state', 'kind', 'direction'],
        login=LOGIN)
    assert [(r['state'], r['kind'], r['direction']) for r in rows] == [
        ('requested', 'add', direction)]
    # Asked already, or another employee's: refused, nothing recorded
    status, html = staff.post('/correction', {'anomalie': missing,
            'time': '17:00', 'reason': 'Encore'}, page='/anomalies')
    assert status == 400 and 'plus ouverte' in html
    others = search(site, 'attendance.anomaly', [['state', '=', 'open']],
        ['id', 'employee'], login='rh')
    mine = own_employee(site, LOGIN)
    other = next(a['id'] for a in others if a['employee'] != mine)
    status, html = staff.post('/correction', {'anomalie': other,
            'time': '17:00', 'reason': 'Pas à moi'}, page='/anomalies')
    assert status == 400 and 'plus ouverte' in html
    assert not search(site, 'attendance.correction',
        [['anomaly', '=', other], ['reason', '=', 'Pas à moi']], ['id'],
        login='rh')


# ------------------------------------------------------------ in Chromium

@pytest.fixture
def phone(browser, request):
    context, page = new_page(browser, getattr(request, 'param', 360))
    yield page
    context.close()


def _login(site, page):
    page.goto(f'{site.url}/{site.db}/portal/pointage')
    page.fill('#f-login', LOGIN)
    page.fill('#f-password', site.password)
    page.click('main button[type=submit]')
    page.wait_for_selector('text=Pointer la sortie')


@pytest.mark.browser
@pytest.mark.parametrize('phone', WIDTHS, indirect=True)
def test_pointage_login_accessible(site, phone):
    page = phone
    page.goto(f'{site.url}/{site.db}/portal/pointage')
    assert_portal_page(page)
    assert page.locator('a[href*="compte/"]').count() == 0
    page.click('main button[type=submit]')
    page.wait_for_selector('.error-summary')
    assert_error_pattern(page, ['f-login', 'f-password'])
    assert_portal_page(page)
    page.fill('#f-login', LOGIN)
    page.fill('#f-password', 'mauvais')
    page.click('main button[type=submit]')
    page.wait_for_selector('#f-password-erreur')
    assert_error_pattern(page, ['f-password'])
    assert page.input_value('#f-login') == LOGIN
    assert_portal_page(page)


@pytest.mark.browser
@pytest.mark.parametrize('phone', WIDTHS, indirect=True)
def test_pointage_pages_accessible(site, phone):
    "Every staff page, with its errors, at 360 and 1280 px"
    page = phone
    base = f'{site.url}/{site.db}/portal/pointage'
    _login(site, page)
    assert_portal_page(page)
    assert page.locator('a[href*="compte/"]').count() == 0
    if page.viewport_size['width'] == 360:
        # One task per view: clocking fits a phone's screens
        height = page.evaluate('document.documentElement.scrollHeight')
        assert height < 1600, height
    heading = page.inner_text('#aujourdhui')
    assert re.match(r"Aujourd'hui, (lundi|mardi|mercredi|jeudi|vendredi|"
        r"samedi|dimanche) \d{1,2}(er)? \w+ \d{4}$", heading), heading
    for path in ['/anomalies', '/soldes', '/conge', '/teletravail']:
        response = page.goto(base + path)
        assert response.status == 200, path
        assert_portal_page(page)
    page.goto(base + '/anomalies')
    buttons = page.get_by_role('link', name=re.compile(
            '^Demander la correction'))
    names = buttons.all_inner_texts()
    assert names and len(set(names)) == len(names), names
    buttons.first.click()
    page.wait_for_selector('form.form')
    assert_portal_page(page)
    page.fill('#f-reason', '')
    if page.locator('#f-time').count():
        page.fill('#f-time', '')
    page.click('main button[type=submit]')
    page.wait_for_selector('.error-summary')
    expected = ['f-reason'] + (['f-time'] if page.locator(
            '#f-time').count() else [])
    assert_error_pattern(page, expected)
    assert_portal_page(page)
    page.goto(base + '/conge')
    page.fill('#f-start', '')
    page.fill('#f-reason', 'Mariage')
    page.click('main button[type=submit]')
    page.wait_for_selector('.error-summary')
    assert_error_pattern(page, ['f-start'])
    assert page.input_value('#f-reason') == 'Mariage'
    assert_portal_page(page)
    page.goto(base + '/teletravail')
    page.click('main button[type=submit]')
    page.wait_for_selector('.error-summary')
    assert_error_pattern(page, ['f-date'])
    assert_portal_page(page)


@pytest.mark.browser
def test_pointage_phone_clock_in(site, phone):
    page = phone
    _login(site, page)
    page.click('button[value=in]')
    page.wait_for_selector('text=Entrée pointée.')
    assert re.search(r'\d\d:\d\d', page.inner_text('table.clockings'))
    assert_portal_page(page)
