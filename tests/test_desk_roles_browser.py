"""The desk as each role meets it in a real browser: the login asks no
database on this one-database site, the brand is the suite's, the user's
name comes without a currency, each role lands on its home with the counts
of what waits for it, and the self-service employee's menu is exactly its
own time, leave, requests and balances."""
import re
import time

import pytest

from desk import LOGIN_BUTTON, PASSWORD_BUTTON, open_desk
from test_menus_rpc import CAREER, CAREER_SELF, SELF_SERVICE, menu_xml_ids

pytestmark = pytest.mark.browser

BRAND = "Mons Digital"
COUNT = re.compile(r'^(.*?)\s+(\d+)(\+?)$')


def home_counts(page, tabs, timeout=60000):
    """{(panel title, tab name): count} of the home board once the given
    (panel title, tab name) show their counts"""
    board = page.locator('.tab-board:visible .board')
    board.wait_for(state='visible', timeout=timeout)
    for title, name in tabs:
        panel = board.locator('.board-action', has=page.locator(
                '.panel-heading', has_text=title))
        panel.wait_for(state='visible', timeout=timeout)
        # each tab's count arrives on its own, after the list: wait for
        # the number of this very tab
        panel.locator('.nav-tabs li').filter(has_text=re.compile(
                r'^\s*' + re.escape(name) + r'\s+\d+\+?\s*$')
            ).first.wait_for(timeout=timeout)
    # The board may draw its panels again (a reload of the home) between
    # the wait and the read: read until every asked tab has its count
    deadline = time.monotonic() + timeout / 1000
    while True:
        counts = {}
        for action in board.locator('.board-action').all():
            title = action.locator('.panel-heading').inner_text().strip()
            for tab in action.locator('.nav-tabs li').all_inner_texts():
                match = COUNT.match(' '.join(tab.split()))
                if match:
                    counts[(title, match.group(1))] = (
                        int(match.group(2)), bool(match.group(3)))
        if all(t in counts for t in tabs) or time.monotonic() > deadline:
            return counts
        page.wait_for_timeout(500)


def check_chrome(page, login):
    assert page.locator('#title').inner_text().strip() == BRAND, login
    assert 'Tryton' not in page.title(), (login, page.title())
    assert BRAND in page.title(), (login, page.title())
    user = page.locator('#user-preferences > a').inner_text()
    assert '[EUR]' not in user and '[' not in user, (login, user)


def own_employee(site, login):
    session = site.login(login)
    return session.context['employee']


def count(site, login, model, domain):
    return site.login(login)(f'model.{model}.search_count', domain)


def test_login_asks_no_database(browser, site):
    context = browser.new_context(
        viewport={'width': 1280, 'height': 900}, locale='fr-BE')
    page = context.new_page()
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    try:
        response = page.goto(f'{site.url}/')
        assert response.status == 200
        page.wait_for_selector('#login', state='visible', timeout=30000)
        assert page.url.endswith(f'#{site.db}'), page.url
        assert page.locator('#database:visible').count() == 0
        assert not page.get_by_text('Base de données').is_visible()
        assert page.locator('#title').inner_text().strip() == BRAND
        assert 'Tryton' not in page.title()
        page.fill('#login', 'employe')
        page.click(LOGIN_BUTTON)
        password = page.locator('.modal input[type=password]')
        password.wait_for(state='visible', timeout=30000)
        password.fill(site.password)
        page.click(PASSWORD_BUTTON)
        page.locator('#tablist', has_text='Accueil').wait_for(timeout=60000)
        check_chrome(page, 'employe')
        assert not errors, errors
    finally:
        context.close()


def test_self_service_home_and_menu(browser, site):
    ids = menu_xml_ids(site)
    admin = site.login('admin')
    # The time folder opened here; the careers folder stays closed (its
    # entries: test_menus_rpc)
    expected = {m['name'] for m in admin('model.ir.ui.menu.read',
            [ids[x] for x in SELF_SERVICE - (CAREER_SELF - {CAREER})],
            ['name'])}
    employee = own_employee(site, 'employe')
    to_correct = count(site, 'employe', 'attendance.anomaly',
        [('state', '=', 'open'), ('employee', '=', employee)])
    assert to_correct, "the demo employee has anomalies to correct"

    context, page, entry, errors = open_desk(
        browser, site, 'employe', r'^\s*Temps de travail\s*$')
    try:
        check_chrome(page, 'employe')
        counts = home_counts(page, [('Mes anomalies', 'À corriger')])
        assert counts[('Mes anomalies', 'À corriger')] == (
            min(to_correct, 99), to_correct > 99), counts

        rows = page.locator('#menu tbody tr')
        entry.click()
        # the folder opens: as many rows as the expected entries
        for _ in range(60):
            if rows.count() >= len(expected):
                break
            page.wait_for_timeout(500)
        page.wait_for_timeout(500)
        shown = {' '.join(t.split()) for t in rows.all_inner_texts()}
        shown.discard('')
        assert shown == expected, (
            sorted(shown - expected), sorted(expected - shown))
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize('login, ready, panel, tab, model, domain', [
    ('courrier', r'^\s*Courrier\s*$', 'Courrier à traiter', 'À attribuer',
        'mail.item', [('state', '=', 'registered')]),
    ('rh', r'^\s*Temps de travail\s*$', 'Congés à décider', 'À approuver',
        'attendance.leave', [('state', '=', 'requested')]),
    ('chef', r'^\s*Courrier\s*$', 'Mon courrier', 'Mes services',
        'mail.item', [('state', 'in',
                ['registered', 'assigned', 'in_treatment'])]),
    ('data', r'^\s*Données ouvertes\s*$', 'Jeux de données à traiter',
        'À valider', 'opendata.dataset', [('state', '=', 'draft')]),
    ])
def test_role_home_counts(browser, site, login, ready, panel, tab, model,
        domain):
    if model == 'attendance.leave':
        domain = [*domain, ('employee', '!=', own_employee(site, login))]
    expected = count(site, login, model, domain)
    context, page, entry, errors = open_desk(browser, site, login, ready)
    try:
        check_chrome(page, login)
        counts = home_counts(page, [(panel, tab)])
        assert counts[(panel, tab)] == (min(expected, 99), expected > 99), (
            login, counts, expected)
        assert not errors, errors
    finally:
        context.close()


def test_concurrency_message_in_french(browser, site):
    """A button or a save of several records that another user changed
    meanwhile: sao shows its "Concurrency Exception" untranslated; the
    desk says it in French"""
    ids = site.login('admin')('model.mons.service.search', [], 0, 2, None)
    assert len(ids) == 2
    context, page, entry, errors = open_desk(
        browser, site, 'admin', r'^\s*Courrier\s*$')
    try:
        # The timestamps the desk read are stale: the server refuses
        page.evaluate("""ids => {
            Sao.rpc({
                method: 'model.mons.service.write',
                params: [ids, {}, {_timestamp: Object.fromEntries(
                    ids.map(id => [`mons.service,${id}`, '1']))}],
            }, Sao.Session.current_session);
        }""", ids)
        message = page.locator('.message-dialog .modal-body')
        message.wait_for(state='visible', timeout=30000)
        text = message.inner_text()
        assert 'Concurrency' not in text, text
        assert "modifié cet enregistrement entre-temps" in text, text
        assert not errors, errors
    finally:
        context.close()
