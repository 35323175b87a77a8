"""The portal pages of the other modules (open data, map) in Chromium:
French layout with the statements in the footer, no horizontal scroll and
no axe-core violation of any impact at 360 and 1280 px."""
import json
import re

import pytest

from portal_checks import (
    ISO_DATE, WIDTHS, assert_portal_page, audit, fits_width, new_page)

pytestmark = pytest.mark.browser


@pytest.fixture(params=WIDTHS)
def page(browser, request):
    context, page = new_page(browser, request.param)
    yield page
    context.close()


@pytest.mark.parametrize('path', ['donnees', 'donnees/tableau-de-bord',
        'carte', 'donnees/jeu-inconnu'])
def test_public_page_accessible(site, page, path):
    response = page.goto(f'{site.url}/{site.db}/portal/{path}')
    assert response.status == (404 if 'inconnu' in path else 200)
    page.wait_for_load_state('networkidle')
    assert_portal_page(page)


def test_dataset_pages_accessible(site, page):
    "Each published dataset's page (its preview may hold the data's dates)"
    page.goto(f'{site.url}/{site.db}/portal/donnees')
    links = sorted({href for href in page.eval_on_selector_all(
                'main a[href*="/portal/donnees/"]',
                'links => links.map(a => a.getAttribute("href"))')
            if re.search(r'/donnees/[^/?#]+$', href)
            and not href.endswith('/tableau-de-bord')})
    assert links
    for href in links:
        response = page.goto(site.url + href)
        assert response.status == 200, href
        page.wait_for_load_state('networkidle')
        assert page.get_attribute('html', 'lang') == 'fr'
        assert fits_width(page), href
        # Outside the data preview, dates are written in French
        assert not ISO_DATE.search(page.evaluate("""() => {
            const main = document.querySelector('main').cloneNode(true);
            main.querySelectorAll('table').forEach(t => t.remove());
            return main.innerText; }""")), href
        violations = audit(page)
        assert not violations, (href, json.dumps(violations, indent=1,
            ensure_ascii=False))
