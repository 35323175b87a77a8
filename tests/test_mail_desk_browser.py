"""The mail office in the desk (sao), in a real browser: the `courrier`
user opens the registration desk, fills an incoming letter as a person
would, presses Register and gets its number, which the REST API then
serves."""
import base64
import datetime as dt
import json
import re
import uuid

import pytest

from desk import open_desk

pytestmark = pytest.mark.browser

YEAR = dt.date.today().year


def domain(d):
    return base64.urlsafe_b64encode(json.dumps(d).encode()).decode()


def unique_rec_name(site, model, candidates):
    "The rec_name of the first record whose name matches only itself"
    for row in candidates:
        status, same = site.rest(f'model/{model}?f=id&d=' + domain(
                [['rec_name', 'ilike', row['rec_name']]]), login='courrier')
        assert status == 200, same
        if len(same) == 1:
            return row['rec_name']
    pytest.fail(f"no {model} with a unique name")


def fill_many2one(page, label, text, shown=None):
    """Type in the field and pick the record among the suggestions sao
    offers, as a user does"""
    shown = shown or text
    field = page.get_by_label(re.compile(rf'^{re.escape(label)}\W*$'))
    name = field.get_attribute('name')
    field.click()
    field.press_sequentially(text)
    suggestion = page.locator(
        f'.form .dropdown:has(input[name="{name}"]) .dropdown-menu li'
        ).filter(has_text=shown).first
    suggestion.wait_for(state='visible', timeout=30000)
    suggestion.click()
    page.wait_for_function(
        """([name, text]) => {
            const input = document.querySelector(
                '.form input[name="' + name + '"]');
            return input && input.value === text;
        }""", arg=[name, shown], timeout=30000)


def test_register_incoming_letter_in_desk(site, browser):
    status, parties = site.rest('model/party.party?f=rec_name&s=20&d='
        + domain([['addresses', '!=', None]]), login='courrier')
    assert status == 200, parties
    party = unique_rec_name(site, 'party.party', parties)
    status, services = site.rest('model/mons.service?f=rec_name&f=name&d='
        + domain([['code', '=', 'CULT']]), login='courrier')
    assert status == 200 and services, services
    service = services[0]
    subject = f"Demande de salle (desk {uuid.uuid4().hex[:8]})"

    context, page, menu, errors = open_desk(browser, site, 'courrier',
        r'^\s*Courrier\s*$')
    try:
        menu.click()
        entry = page.get_by_text("Guichet d'enregistrement", exact=True).first
        entry.wait_for(state='visible', timeout=30000)
        entry.click()
        # The registration desk opens on a new incoming draft
        subject_field = page.get_by_label(re.compile(r'^Objet\W*$'))
        subject_field.wait_for(state='visible', timeout=60000)
        # Typing before the defaults of the new record arrive would be
        # overwritten by them: the reception date is one of them
        page.wait_for_function(
            """() => {
                const input = document.querySelector(
                    '.form input[name="reception_date"]');
                return input && input.value !== '';
            }""", timeout=30000)
        assert page.locator('.form select[name="direction"] option:checked'
            ).inner_text().strip() == 'Entrant'
        fill_many2one(page, 'Contact', party)
        subject_field.fill(subject)
        page.get_by_label(re.compile(r'^Mots-clés\W*$')).fill(
            'salle, réservation')
        fill_many2one(page, 'Service traitant', service['name'],
            service['rec_name'])

        page.locator('.form button[name="register"]').click()
        number = page.locator('.form input[name="number"]')
        pattern = re.compile(rf'^E/{YEAR}/\d+$')
        page.wait_for_function(
            """(pattern) => {
                const input = document.querySelector(
                    '.form input[name="number"]');
                return input && new RegExp(pattern).test(input.value);
            }""", arg=pattern.pattern, timeout=60000)
        value = number.input_value()
        assert pattern.match(value), value
        # The state shown is the registered one, and no error dialog opened
        page.wait_for_function(
            """() => {
                const s = document.querySelector(
                    '.form select[name="state"] option:checked');
                return s && s.textContent.trim() === 'Enregistré';
            }""", timeout=30000)
        assert not page.locator('.modal.in, .modal.show').count()
        assert not errors, errors
    finally:
        context.close()

    status, rows = site.rest('model/mail.item?f=number&f=subject&f=state'
        '&f=party&f=service&d=' + domain([['number', '=', value]]),
        login='courrier')
    assert status == 200, rows
    assert len(rows) == 1, rows
    item = rows[0]
    assert item['subject'] == subject
    assert item['state'] == 'registered'
    status, record = site.rest(
        f'model/mail.item/{item["id"]}?f=party.rec_name&f=service.code'
        '&f=keywords', login='courrier')
    assert status == 200, record
    assert record['party']['rec_name'] == party
    assert record['service']['code'] == 'CULT'
    assert record['keywords'] == 'salle, réservation'
