"""Mailing-list pages of the portal in a real browser: French, no horizontal
scroll at 360 px, no serious axe-core violation, subscription by a citizen."""
import json
import pathlib
import uuid

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
AXE = ROOT / 'node_modules' / 'axe-core' / 'axe.min.js'

pytestmark = pytest.mark.browser


@pytest.fixture(params=[360, 1280])
def page(browser, request):
    context = browser.new_context(
        viewport={'width': request.param, 'height': 800}, locale='fr-BE')
    page = context.new_page()
    yield page
    context.close()


def serious_violations(page):
    assert AXE.exists(), "npm install at the repository root first"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v['impact'] in {'serious', 'critical'}]


def test_lists_page_subscribe(site, page):
    response = page.goto(f'{site.url}/{site.db}/portal/listes/')
    assert response.status == 200
    assert page.get_attribute('html', 'lang') == 'fr'
    assert page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth")
    violations = serious_violations(page)
    assert not violations, json.dumps(violations, indent=1)
    page.get_by_label("Saison culturelle").check()
    page.get_by_label("Adresse e-mail").fill(
        f'navigateur.{uuid.uuid4().hex[:8]}@example.be')
    page.get_by_role('button', name="S'abonner").click()
    assert "courriel de confirmation" in page.inner_text('main')
