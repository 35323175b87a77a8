"""The citizen portal in German, in Chromium: a browser set to German
(de-BE) gets the German pages, the header's switch goes to French and back
(by keyboard too), a form sent with bad values answers in German naming
the field, in the GOV.UK error pattern, and the German pages pass the same
axe-core audit as the French ones at 360 and 1280 px."""
import json

import pytest

from portal_checks import ISO_DATE, WIDTHS, audit, fits_width

pytestmark = pytest.mark.browser

PAGES = ['', 'compte/inscription', 'compte/connexion',
    'compte/mot-de-passe-oublie', 'accessibilite', 'vie-privee',
    'page-qui-nexiste-pas', 'listes/', 'urbanisme/demande', 'emplois',
    'donnees', 'donnees/tableau-de-bord', 'carte']


@pytest.fixture
def page(browser, request):
    context = browser.new_context(
        viewport={'width': getattr(request, 'param', 1280), 'height': 800},
        locale='de-BE')
    page = context.new_page()
    yield page
    context.close()


def assert_german_page(page):
    "German, the portal's layout, no horizontal scroll, no axe violation"
    assert page.get_attribute('html', 'lang') == 'de'
    assert page.locator('main#contenu').count() == 1
    assert page.locator('footer a',
        has_text='Barrierefreiheit: teilweise vereinbar').count() == 1
    assert page.locator('footer a', has_text='Datenschutz').count() == 1
    assert page.locator('nav[aria-label="Sprache"] a[lang="fr"]',
        has_text='Français').count() == 1
    assert fits_width(page), "horizontal scroll"
    assert not ISO_DATE.search(page.inner_text('body'))
    violations = audit(page)
    assert not violations, json.dumps(violations, indent=1,
        ensure_ascii=False)


@pytest.mark.parametrize('page', WIDTHS, indirect=True)
@pytest.mark.parametrize('path', PAGES)
def test_german_page_accessible(site, page, path):
    response = page.goto(f'{site.url}/{site.db}/portal/{path}')
    assert response.status == (404 if 'nexiste' in path else 200)
    page.wait_for_load_state('networkidle')
    assert_german_page(page)


def test_switch_to_french_and_back(site, page):
    base = f'{site.url}/{site.db}/portal/'
    page.goto(base)
    assert page.get_attribute('html', 'lang') == 'de'
    assert page.locator('h2#demarches-titre').inner_text() == \
        'Was Sie online erledigen können'
    current = page.locator('nav.lang-switch a[aria-current="true"]')
    assert current.inner_text() == 'Deutsch'
    assert current.get_attribute('hreflang') == 'de'
    page.click('nav.lang-switch a:has-text("Français")')
    page.wait_for_function("document.documentElement.lang === 'fr'")
    assert page.locator('h2#demarches-titre').inner_text() == \
        'Ce que vous pouvez faire en ligne'
    # the choice is kept from page to page, whatever the browser says
    page.goto(base + 'compte/connexion')
    assert page.get_attribute('html', 'lang') == 'fr'
    assert page.locator('h1').inner_text() == 'Se connecter'
    # back to German with the keyboard: the link is focusable and visible
    link = page.locator('nav.lang-switch a[lang="de"]')
    link.focus()
    assert page.evaluate(
        "getComputedStyle(document.activeElement).outlineStyle") != 'none'
    page.keyboard.press('Enter')
    page.wait_for_function("document.documentElement.lang === 'de'")
    assert page.locator('h1').inner_text() == 'Anmelden'
    assert 'lang=de' in page.url
    page.goto(base)
    assert page.get_attribute('html', 'lang') == 'de'


@pytest.mark.parametrize('page', WIDTHS, indirect=True)
def test_register_errors_in_german(site, page):
    "Bad values: German summary naming each field, German messages"
    page.goto(f'{site.url}/{site.db}/portal/compte/inscription')
    page.fill('#f-name', 'Anna Schmitz')
    page.fill('#f-email', 'anna schmitz@eupen.be')
    page.fill('#f-password', 'kurz')
    page.fill('#f-password_confirm', 'anders')
    page.click('main button[type=submit]')
    page.wait_for_selector('.error-summary')
    assert page.title().startswith('Fehler: '), page.title()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.classList"
        ".contains('error-summary')")
    summary = page.inner_text('.error-summary')
    assert 'Das Formular enthält 3 Fehler' in summary
    assert ('E-Mail-Adresse: Geben Sie eine gültige E-Mail-Adresse an'
        in summary), summary
    assert ('Passwortbestätigung: Die beiden Passwörter stimmen nicht '
        'überein.' in summary), summary
    # Tryton's own password rule, in German (the transaction's language)
    assert 'Passwort: ' in summary
    password_error = page.inner_text('#f-password-erreur')
    assert password_error.startswith('Fehler:'), password_error
    assert 'Das Passwort muss mindestens' in password_error, \
        password_error
    hrefs = page.eval_on_selector_all('.error-summary a',
        'links => links.map(a => a.getAttribute("href"))')
    assert sorted(hrefs) == ['#f-email', '#f-password',
        '#f-password_confirm']
    assert page.input_value('#f-name') == 'Anna Schmitz'
    assert page.locator('label[for="f-email"]').inner_text().startswith(
        'E-Mail-Adresse')
    page.click('.error-summary a >> nth=0')
    assert page.evaluate('document.activeElement.id') == hrefs[0][1:]
    assert_german_page(page)
