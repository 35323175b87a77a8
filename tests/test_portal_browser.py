"""Citizen portal in a real browser: French pages, 360 px and 1280 px
layouts, axe-core accessibility audit, account registration and login."""
import json
import pathlib
import uuid

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
AXE = ROOT / 'node_modules' / 'axe-core' / 'axe.min.js'
PAGES = ['', 'compte/inscription', 'compte/connexion',
    'compte/mot-de-passe-oublie']
WIDTHS = [360, 1280]

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, request):
    width = getattr(request, 'param', 1280)
    context = browser.new_context(
        viewport={'width': width, 'height': 800}, locale='fr-BE')
    page = context.new_page()
    yield page
    context.close()


def audit(page):
    "Run axe-core; return the serious and critical violations"
    assert AXE.exists(), "npm install at the repository root first"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
            help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v['impact'] in {'serious', 'critical'}]


def fits_width(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize('page', WIDTHS, indirect=True)
@pytest.mark.parametrize('path', PAGES)
def test_page_accessible(site, page, path):
    response = page.goto(f'{site.url}/{site.db}/portal/{path}')
    assert response.status == 200
    assert page.get_attribute('html', 'lang') == 'fr'
    assert 'Ville de Mons' in page.inner_text('header')
    assert page.locator('main#contenu').count() == 1
    assert fits_width(page), "horizontal scroll"
    violations = audit(page)
    assert not violations, json.dumps(violations, indent=1,
        ensure_ascii=False)


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
def test_form_errors_accessible(site, page):
    "Errors shown next to the fields still pass the audit"
    page.goto(f'{site.url}/{site.db}/portal/compte/inscription')
    page.fill('#f-email', 'pas-une-adresse')
    page.click('button[type=submit] >> text=Créer mon compte')
    page.wait_for_selector('.error-summary')
    assert page.locator('#f-email-erreur').is_visible()
    assert page.get_attribute('#f-email', 'aria-invalid') == 'true'
    assert 'f-email-erreur' in page.get_attribute(
        '#f-email', 'aria-describedby')
    assert fits_width(page)
    violations = audit(page)
    assert not violations, json.dumps(violations, indent=1,
        ensure_ascii=False)


@pytest.mark.parametrize('page', [360], indirect=True)
def test_register_then_login(site, page):
    "A citizen creates an account on a phone, logs out and in again"
    address = f'citoyen-{uuid.uuid4().hex[:8]}@example.be'
    password = 'Havre-Hyon-2026'
    base = f'{site.url}/{site.db}/portal/'
    page.goto(base + 'compte/inscription')
    page.fill('#f-name', 'Jeanne Citoyenne')
    page.fill('#f-email', address)
    page.fill('#f-password', password)
    page.fill('#f-password_confirm', password)
    page.click('button[type=submit] >> text=Créer mon compte')
    page.wait_for_url('**/compte/?inscription=1')
    assert address in page.inner_text('main')
    assert 'Non confirmée' in page.inner_text('main')
    assert not audit(page)
    page.click('main button >> text=Se déconnecter')
    page.wait_for_url(base)
    page.goto(base + 'compte/connexion')
    page.fill('#f-email', address)
    page.fill('#f-password', 'mauvais-mot-de-passe')
    page.click('main button[type=submit]')
    assert 'Adresse e-mail ou mot de passe incorrect' in page.inner_text(
        '#f-password-erreur')
    page.fill('#f-email', address)
    page.fill('#f-password', password)
    page.click('main button[type=submit]')
    page.wait_for_url('**/compte/')
    assert page.locator('h1').inner_text() == 'Mon compte'
