"""The desk (sao served by trytond at /) in a real browser: log in as
admin with the demo password and find the City of Mons menu."""
import pytest

from desk import open_desk

pytestmark = pytest.mark.browser


def test_desk_login_shows_mons_menu(site, browser):
    context, page, menu, errors = open_desk(browser, site, 'admin',
        r'^\s*(Ville de Mons|City of Mons)\s*$')
    try:
        assert menu.is_visible()
        assert not errors, errors
    finally:
        context.close()
