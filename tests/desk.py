"""Signing in to the desk (sao) in a real browser, shared by the desk
tests."""
import re

LOGIN_BUTTON = '.login-dialog button[type=submit]'
PASSWORD_BUTTON = '.ask-dialog .modal-footer .btn-primary'


def open_desk(browser, site, login, ready):
    """A new page signed in as login, once the menu entry matching the
    regular expression ready shows and the role's home tab is drawn;
    returns (context, page, entry, errors) where errors collects the page's
    JavaScript errors"""
    context = browser.new_context(
        viewport={'width': 1280, 'height': 900}, locale='fr-BE')
    page = context.new_page()
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    response = page.goto(f'{site.url}/#{site.db}')
    assert response.status == 200
    page.wait_for_selector('#login', state='visible', timeout=30000)
    page.fill('#login', login)
    # Buttons, not Enter: Bootstrap moves the focus to the dialog itself once
    # its fade-in ends, and an Enter typed before that is lost
    page.click(LOGIN_BUTTON)
    password = page.locator('.modal input[type=password]')
    password.wait_for(state='visible', timeout=30000)
    password.fill(site.password)
    page.click(PASSWORD_BUTTON)
    entry = page.get_by_text(re.compile(ready)).first
    entry.wait_for(state='visible', timeout=60000)
    # Every role lands on its home (mons init/update close Tryton's module
    # configuration wizard): clicks before it is drawn would race it
    page.wait_for_function(HOME_DRAWN, timeout=60000, polling=100)
    return context, page, entry, errors


# The role's home is drawn: a board tab whose every list shows its view and
# no call is pending long enough for "Traitement en cours"
HOME_DRAWN = """() => {
    if (!(window.Sao && Sao.Tab && Sao.Tab.tabs)) {
        return false;
    }
    const home = Sao.Tab.tabs.find(tab => tab.class_ == 'tab-board');
    if (!home || !home.board || !jQuery.contains(document, home.el[0])) {
        return false;
    }
    return home.board.actions.every(action => action.screen
            && action.screen.current_view
            && jQuery.contains(document, action.screen.current_view.el[0]))
        && !jQuery('#processing:visible').length;
}"""


# The menu is drawn: sao has read the user's top menu entries
MENU_DRAWN = """() => !!(window.Sao && Sao.main_menu_screen
    && Sao.main_menu_screen.current_view
    && Sao.main_menu_screen.current_view.rows
    && Sao.main_menu_screen.current_view.rows.length)"""


async def sign_in(browser, site, login, init_script=None):
    """With Playwright's asyncio API: a new page signed in as login, once its
    menu is drawn (what opens with it, such as a home tab, may still be
    loading); returns (context, page, errors) where errors collects the
    page's JavaScript and console errors as they come. init_script runs in
    every page load before sao."""
    context = await browser.new_context(
        viewport={'width': 1280, 'height': 900}, locale='fr-BE')
    if init_script:
        await context.add_init_script(init_script)
    page = await context.new_page()
    errors = []
    page.on('pageerror', lambda error: errors.append(
            f'erreur JavaScript : {error}'))

    def console(message):
        if message.type == 'error':
            url = message.location.get('url') or ''
            errors.append(f'erreur console : {message.text}'
                + (f' ({url})' if url else ''))
    page.on('console', console)
    try:
        response = await page.goto(f'{site.url}/#{site.db}')
        assert response.status == 200
        await page.wait_for_selector('#login', state='visible',
            timeout=30000)
        await page.fill('#login', login)
        await page.click(LOGIN_BUTTON)
        password = page.locator('.modal input[type=password]')
        await password.wait_for(state='visible', timeout=30000)
        await password.fill(site.password)
        await page.click(PASSWORD_BUTTON)
        await page.wait_for_function(MENU_DRAWN, timeout=60000)
    except BaseException:
        await context.close()
        raise
    return context, page, errors


# The current tab's record is stored and unchanged, as after a save
RECORD_SAVED = """() => {
    const tab = Sao.Tab.tabs.find(tab => tab.el && tab.el.is(':visible'));
    const record = tab && tab.screen && tab.screen.current_record;
    return !!record && record.id >= 0 && !record.modified
        && !jQuery('#processing:visible').length;
}"""


# No call of sao to the server is under way
IDLE = "() => jQuery.active === 0 && !jQuery('#processing:visible').length"


def wait_idle(page, timeout=60000):
    """Wait until the desk has the answers to all its calls, as a person
    does before typing in a form that is being filled (defaults, on_change):
    an answer arriving after a keystroke redraws the field it changes"""
    page.wait_for_function(IDLE, timeout=timeout, polling=50)
    # A call's answer may start another one (an on_change after defaults)
    page.wait_for_timeout(100)
    page.wait_for_function(IDLE, timeout=timeout, polling=50)


def save_record(page, timeout=60000):
    """Save the record of the current tab as a user does: leave the field
    being typed in (sao takes its value on leaving it), then press Save and
    wait until the record is stored"""
    page.keyboard.press('Tab')
    wait_idle(page, timeout)
    page.locator('button#save:visible').first.click()
    page.wait_for_function(RECORD_SAVED, timeout=timeout)
