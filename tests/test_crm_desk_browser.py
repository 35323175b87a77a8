"""Contacts in the desk (sao), in a real browser: the Culture service agent
builds a list of the Dutch-speaking contacts from a saved filter, writes a
mass email from a template and sends it; the worker delivers it."""
import base64
import json
import time
import uuid

import pytest

from desk import RECORD_SAVED, open_desk, wait_idle

pytestmark = pytest.mark.browser


def domain(d):
    return base64.urlsafe_b64encode(json.dumps(d).encode()).decode()


def open_entry(page, name):
    """Open the menu entry name; returns the pane of its tab once it is the
    tab shown"""
    entry = page.get_by_text(name, exact=True).first
    entry.wait_for(state='visible', timeout=30000)
    entry.click()
    tab = page.locator('#tablist li.active a', has_text=name)
    tab.wait_for(state='visible', timeout=60000)
    return page.locator(tab.get_attribute('href'))


def toolbar(pane, button):
    "A button of the toolbar of a tab (each tab has its own)"
    return pane.locator(f'button#{button}')


def wait_form(page, field):
    "The field once the form shows it, filled with its defaults"
    locator = page.locator(f'.form [name="{field}"]').first
    locator.wait_for(state='visible', timeout=60000)
    wait_idle(page)
    return locator


def fill_many2one(page, name, text):
    """Type in the field and pick the record among the suggestions sao
    offers, as a user does"""
    field = page.locator(f'.form input[name="{name}"]').first
    field.click()
    field.press_sequentially(text)
    suggestion = page.locator(
        f'.form .dropdown:has(input[name="{name}"]) .dropdown-menu li'
        ).filter(has_text=text).first
    suggestion.wait_for(state='visible', timeout=30000)
    suggestion.click()
    page.wait_for_function(
        """([name, text]) => {
            const input = document.querySelector(
                '.form input[name="' + name + '"]');
            return input && input.value === text;
        }""", arg=[name, text], timeout=30000)


def save(page, pane):
    "Leave the field typed in, save, and wait until the record is stored"
    page.keyboard.press('Tab')
    wait_idle(page)
    toolbar(pane, 'save').click()
    page.wait_for_function(RECORD_SAVED, timeout=60000)
    assert not page.locator('.form .has-error').count()


def test_build_list_and_send_mailing(site, browser):
    name = f"Néerlandophones {uuid.uuid4().hex[:6]}"
    status, templates = site.rest('model/mons.crm.email.template?f=name&d='
        + domain([['name', '=', "Programme du Doudou"]]), login='agent')
    assert status == 200 and templates, templates
    context, page, menu, errors = open_desk(browser, site, 'agent',
        r'^\s*Contacts\s*$')
    try:
        menu.click()
        # The list, built from a saved filter on the language
        pane = open_entry(page, 'Listes')
        toolbar(pane, 'new_').wait_for(state='visible', timeout=60000)
        toolbar(pane, 'new_').click()
        wait_form(page, 'name').fill(name)
        wait_idle(page)
        page.locator('.form [role=tab]:visible').filter(
            has_text='Filtre enregistré').first.click()
        languages = page.locator(
            '.form select[name="filter_languages"]:visible').first
        languages.wait_for(state='visible', timeout=30000)
        languages.select_option(label='Néerlandais')
        save(page, pane)
        page.locator('.form button[name="build_from_filters"]').click()
        deadline = time.monotonic() + 60
        while True:
            status, lists = site.rest('model/marketing.email.list'
                '?f=filter_owner&f=service.code&d=' + domain(
                    [['name', '=', name]]), login='agent')
            assert status == 200, lists
            if lists:
                status, subs = site.rest('model/marketing.email?f=source'
                    '&s=500&d=' + domain([['list_', '=', lists[0]['id']]]),
                    login='agent')
                if subs:
                    break
            assert time.monotonic() < deadline, "no subscription built"
            page.wait_for_timeout(500)
        assert lists[0]['service']['code'] == 'CULT', lists
        assert {s['source'] for s in subs} == {'filter'}
        list_id = lists[0]['id']

        # The mass email, from the template, sent to the list
        if not page.get_by_text('Envois groupés', exact=True).first\
                .is_visible():
            menu.click()
        pane = open_entry(page, 'Envois groupés')
        pane.locator('th', has_text='Progression').first.wait_for(
            state='visible', timeout=60000)
        toolbar(pane, 'new_').click()
        wait_form(page, 'title')
        fill_many2one(page, 'list_', name)
        fill_many2one(page, 'template', "Programme du Doudou")
        page.wait_for_function(
            """() => {
                const input = document.querySelector(
                    '.form input[name="title"]');
                return input && input.value !== '';
            }""", timeout=30000)
        save(page, pane)
        wait_idle(page)
        page.locator('.form button[name="send"]:visible').first.click()
        page.wait_for_function(
            """() => {
                const s = document.querySelector(
                    '.form select[name="state"] option:checked');
                return s && s.textContent.trim() !== 'Brouillon';
            }""", timeout=60000)
        assert not page.locator('.modal.in, .modal.show').count()
        assert not errors, errors
    finally:
        context.close()

    status, messages = site.rest('model/marketing.email.message?f=state'
        '&f=count_total&d=' + domain([['list_', '=', list_id]]),
        login='agent')
    assert status == 200 and len(messages) == 1, messages
    message = messages[0]
    assert message['count_total'] == len(subs), message
    # The worker delivers the batch to the mail server
    deadline = time.monotonic() + 120
    while message['state'] != 'sent':
        assert time.monotonic() < deadline, message
        time.sleep(2)
        status, message = site.rest(
            f'model/marketing.email.message/{message["id"]}?f=state'
            '&f=count_sent&f=count_total', login='agent')
    assert message['count_sent'] == message['count_total'], message
