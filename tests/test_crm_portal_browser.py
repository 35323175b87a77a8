"""Mailing-list pages of the portal in a real browser: French, no
horizontal scroll at 360 px, no axe-core violation (with errors too), the
GOV.UK error pattern, subscription by a citizen."""
import uuid

import pytest

from portal_checks import (
    WIDTHS, assert_error_pattern, assert_portal_page, new_page)

pytestmark = pytest.mark.browser


@pytest.fixture(params=WIDTHS)
def page(browser, request):
    context, page = new_page(browser, request.param)
    yield page
    context.close()


def test_lists_page_subscribe(site, page):
    response = page.goto(f'{site.url}/{site.db}/portal/listes/')
    assert response.status == 200
    assert_portal_page(page)
    page.get_by_label("Saison culturelle").check()
    page.get_by_label("Adresse e-mail").fill(
        f'navigateur.{uuid.uuid4().hex[:8]}@example.be')
    page.get_by_role('button', name="S'abonner").click()
    assert "courriel de confirmation" in page.inner_text('main')
    assert_portal_page(page)


def test_lists_errors(site, page):
    "Errors link to real fields; the ticked lists and the address stay"
    page.goto(f'{site.url}/{site.db}/portal/listes/')
    first = page.locator('input[name=list]').first.get_attribute('id')
    page.get_by_label("Adresse e-mail").fill('marie dupont@skynet.be')
    page.get_by_role('button', name="S'abonner").click()
    page.wait_for_selector('.error-summary')
    # No list ticked: the summary leads to the first box of the group
    assert_error_pattern(page, [first, 'f-email'])
    assert page.input_value('#f-email') == 'marie dupont@skynet.be'
    assert_portal_page(page)
    page.get_by_label("Saison culturelle").check()
    page.get_by_role('button', name="S'abonner").click()
    page.wait_for_selector('#f-email-erreur')
    assert_error_pattern(page, ['f-email'])
    assert page.get_by_label("Saison culturelle").is_checked()
    assert 'adresse e-mail valide' in page.inner_text('#f-email-erreur')
    assert "courriel de confirmation" not in page.inner_text('main')
    assert_portal_page(page)


@pytest.mark.parametrize('path', ['listes/confirmer?token=faux',
        'listes/desabonner?token=faux', 'listes/preferences?token=faux'])
def test_list_links_not_valid(site, page, path):
    "A wrong e-mailed link answers a French page of the portal"
    response = page.goto(f'{site.url}/{site.db}/portal/{path}')
    assert response.status == 404
    assert 'Lien non valable' in page.inner_text('h1')
    assert_portal_page(page)
