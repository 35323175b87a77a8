"""The desk (sao served by trytond at /) in a real browser: log in as
admin with the demo password and find the City of Mons menu."""
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

pytestmark = pytest.mark.browser


def test_desk_login_shows_mons_menu(site, browser):
    context = browser.new_context(
        viewport={'width': 1280, 'height': 900}, locale='fr-BE')
    page = context.new_page()
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    try:
        response = page.goto(f'{site.url}/#{site.db}')
        assert response.status == 200
        page.wait_for_selector('#login', state='visible', timeout=30000)
        page.fill('#login', 'admin')
        page.keyboard.press('Enter')
        password = page.locator('.modal input[type=password]')
        password.wait_for(state='visible', timeout=30000)
        password.fill(site.password)
        page.keyboard.press('Enter')
        menu = page.get_by_text(
            re.compile(r'^\s*(Ville de Mons|City of Mons)\s*$')).first
        # A fresh site opens the module configuration wizard first
        cancel = page.locator('button', has_text=re.compile(
                r'^\s*(Annuler|Cancel)\s*$', re.I))
        for _ in range(120):
            if menu.is_visible():
                break
            if cancel.count() and cancel.first.is_visible():
                try:
                    cancel.first.click(timeout=2000)
                except PlaywrightTimeoutError:
                    pass  # the dialog closed meanwhile
            page.wait_for_timeout(500)
        menu.wait_for(state='visible', timeout=30000)
        assert menu.is_visible()
        assert not errors, errors
    finally:
        context.close()
