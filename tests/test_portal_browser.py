"""Citizen portal in a real browser: every page in French at 360 px and
1280 px with no axe-core violation, error states in the GOV.UK pattern,
the French 404 page, account registration and login."""
import uuid

import pytest

from portal_checks import (
    WIDTHS, assert_error_pattern, assert_portal_page, audit, new_page)

PAGES = ['', 'compte/inscription', 'compte/connexion',
    'compte/mot-de-passe-oublie', 'accessibilite', 'vie-privee',
    'compte/nouveau-mot-de-passe?token=abc&email=a%40example.be']
PASSWORD = 'Havre-Hyon-2026'

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, request):
    context, page = new_page(browser, getattr(request, 'param', 1280))
    yield page
    context.close()


@pytest.mark.parametrize('page', WIDTHS, indirect=True)
@pytest.mark.parametrize('path', PAGES)
def test_page_accessible(site, page, path):
    response = page.goto(f'{site.url}/{site.db}/portal/{path}')
    assert response.status == 200
    assert_portal_page(page)


@pytest.mark.parametrize('page', WIDTHS, indirect=True)
@pytest.mark.parametrize('path, status, title', [
        ('page-qui-nexiste-pas', 404, 'Page introuvable'),
        ('compte/connexion/en/trop', 404, 'Page introuvable'),
        ('compte/valider?token=faux', 404, "Confirmation de l'adresse"),
        ('compte/deconnexion', 405, 'Action non disponible'),
        ])
def test_error_pages_accessible(site, page, path, status, title):
    "Unknown addresses get the portal's French pages, not Werkzeug's"
    response = page.goto(f'{site.url}/{site.db}/portal/{path}')
    assert response.status == status
    assert page.title().startswith(title), page.title()
    assert 'Method Not Allowed' not in page.content()
    assert_portal_page(page)


def test_footer_links(site, page):
    "The statements are one click away from any page"
    page.goto(f'{site.url}/{site.db}/portal/compte/connexion')
    page.click('footer >> text=Accessibilité : partiellement conforme')
    page.wait_for_url('**/portal/accessibilite')
    text = page.inner_text('main')
    for part in ['partiellement conforme', 'Contenus non accessibles',
            'Cette déclaration a été établie le', 'axe-core',
            '360 pixels', 'Retour d\'information et coordonnées',
            'Procédure d\'application']:
        assert part in text, part
    page.click('footer >> text=Vie privée')
    page.wait_for_url('**/portal/vie-privee')
    text = page.inner_text('main')
    for part in ['Responsable du traitement',
            'Délégué à la protection des données', 'Base légale',
            'Durée', 'Vos droits', 'Autorité de protection des données']:
        assert part in text, part
    page.goto(f'{site.url}/{site.db}/portal/')
    # "introduire une demande" leads to the permit application form
    page.click('main a:has-text("introduire une demande")')
    page.wait_for_url('**/portal/urbanisme/demande')


@pytest.mark.parametrize('page', [360], indirect=True)
def test_skip_link_and_focus(site, page):
    page.goto(f'{site.url}/{site.db}/portal/')
    page.keyboard.press('Tab')
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == 'Aller au contenu principal'
    outline = page.evaluate(
        "getComputedStyle(document.activeElement).outlineStyle")
    assert outline != 'none'


@pytest.mark.parametrize('page', WIDTHS, indirect=True)
def test_register_errors(site, page):
    "Every field in error is listed, linked, explained; values are kept"
    page.goto(f'{site.url}/{site.db}/portal/compte/inscription')
    page.fill('#f-name', 'Marie Dupont')
    page.fill('#f-email', 'marie dupont@skynet.be')
    page.fill('#f-password', 'court')
    page.fill('#f-password_confirm', 'autre')
    page.click('main button[type=submit]')
    page.wait_for_selector('.error-summary')
    assert_error_pattern(page,
        ['f-email', 'f-password', 'f-password_confirm'])
    assert page.input_value('#f-name') == 'Marie Dupont'
    assert page.input_value('#f-email') == 'marie dupont@skynet.be'
    assert page.input_value('#f-password') == ''
    assert_portal_page(page)


@pytest.mark.parametrize('page', WIDTHS, indirect=True)
def test_login_errors(site, page):
    page.goto(f'{site.url}/{site.db}/portal/compte/connexion')
    page.click('main button[type=submit]')
    page.wait_for_selector('.error-summary')
    assert_error_pattern(page, ['f-email', 'f-password'])
    assert_portal_page(page)
    page.fill('#f-email', 'personne@example.be')
    page.fill('#f-password', 'mauvais-mot-de-passe')
    page.click('main button[type=submit]')
    page.wait_for_selector('#f-password-erreur')
    assert_error_pattern(page, ['f-password'])
    assert page.input_value('#f-email') == 'personne@example.be'
    assert_portal_page(page)


@pytest.mark.parametrize('page', WIDTHS, indirect=True)
def test_reset_errors(site, page):
    base = f'{site.url}/{site.db}/portal/'
    page.goto(base + 'compte/mot-de-passe-oublie')
    page.fill('#f-email', 'pas une adresse')
    page.click('main button[type=submit]')
    page.wait_for_selector('.error-summary')
    assert_error_pattern(page, ['f-email'])
    assert page.input_value('#f-email') == 'pas une adresse'
    assert_portal_page(page)
    page.goto(base + 'compte/nouveau-mot-de-passe?token=faux'
        '&email=a%40example.be')
    page.fill('#f-password', PASSWORD)
    page.fill('#f-password_confirm', PASSWORD + 'x')
    page.click('main button[type=submit]')
    page.wait_for_selector('.error-summary')
    assert_error_pattern(page, ['f-password_confirm'])
    assert_portal_page(page)
    # A wrong link: its error leads to where a new one is asked
    page.fill('#f-password', PASSWORD)
    page.fill('#f-password_confirm', PASSWORD)
    page.click('main button[type=submit]')
    page.wait_for_selector('.error-summary')
    assert page.title().startswith('Erreur : ')
    assert page.get_attribute('.error-summary a', 'href') == '#nouveau-lien'
    assert page.locator('#nouveau-lien').count() == 1
    assert_portal_page(page)


@pytest.mark.parametrize('page', WIDTHS, indirect=True)
def test_register_then_login(site, page):
    "A citizen creates an account, logs out and in again"
    address = f'citoyen-{uuid.uuid4().hex[:8]}@example.be'
    base = f'{site.url}/{site.db}/portal/'
    page.goto(base + 'compte/inscription')
    page.fill('#f-name', 'Jeanne Citoyenne')
    page.fill('#f-email', address)
    page.fill('#f-password', PASSWORD)
    page.fill('#f-password_confirm', PASSWORD)
    page.click('button[type=submit] >> text=Créer mon compte')
    page.wait_for_url('**/compte/?inscription=1')
    assert address in page.inner_text('main')
    assert 'Non confirmée' in page.inner_text('main')
    assert_portal_page(page)
    page.click('main button >> text=Se déconnecter')
    page.wait_for_url(base)
    page.goto(base + 'compte/connexion')
    page.fill('#f-email', address)
    page.fill('#f-password', PASSWORD)
    page.click('main button[type=submit]')
    page.wait_for_url('**/compte/')
    assert page.locator('h1').inner_text() == 'Mon compte'
    assert not audit(page)
