"""The mail in the desk (sao), in a real browser, as its users work: the
`courrier` user registers an incoming letter, prints its label, gets its scan
attached and assigns it; the Culture agent takes it, answers it (the draft
answer opens) and closes it."""
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


# A one-page PDF (with its cross-reference table: uploads must parse)
PDF = (b'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n'
    b'2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n'
    b'3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n'
    b'xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n'
    b'0000000052 00000 n \n0000000101 00000 n \n'
    b'trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n')


def wait_state(page, label):
    "The state shown in the visible form becomes label"
    page.wait_for_function(
        """(label) => [...document.querySelectorAll(
                '.form select[name="state"]')].some(
            s => s.offsetParent !== null && s.selectedOptions.length
                && s.selectedOptions[0].textContent.trim() === label)""",
        arg=label, timeout=60000)


def print_label(page):
    "Print menu of the form's toolbar, barcode label: sao hands a PDF"
    toolbar_print = page.locator('button#print:visible').first
    toolbar_print.click()
    entry = page.locator('.dropdown-menu:visible a, .dropdown-menu:visible li'
        ).filter(has_text='Étiquette code-barres').first
    entry.wait_for(state='visible', timeout=30000)
    with page.expect_download(timeout=60000) as download:
        entry.click()
        link = page.locator('.modal a[download]')
        try:
            link.first.wait_for(state='visible', timeout=20000)
            link.first.click()
        except Exception:
            pass  # the browser downloaded it without the dialog
    assert download.value.suggested_filename.endswith('.pdf'), \
        download.value.suggested_filename
    close = page.locator('.modal:visible button', has_text=re.compile(
            r'^\s*(Fermer|Close|Annuler)\s*$'))
    if close.count():
        close.first.click()


def open_menu(page, menu, entry_text):
    """Unfold the top menu entry and open one of its entries; the home tab
    that opens with the session may keep the first click from unfolding"""
    entry = page.locator('#menu').get_by_text(entry_text, exact=True).first
    # The top entry in the menu itself: the home board may show the same
    # word, and a click there opens another list over the one searched
    top = page.locator('#menu').get_by_text(
        menu.inner_text().strip(), exact=True).first
    for _ in range(10):
        if entry.is_visible():
            break
        top.click()
        try:
            entry.wait_for(state='visible', timeout=3000)
        except Exception:
            continue
    entry.wait_for(state='visible', timeout=30000)
    entry.click()


def open_in_list(page, menu, entry_text, subject, words):
    """Open a menu entry's list, search the letter by words as a user
    types them in the filter, then open its row in the form"""
    open_menu(page, menu, entry_text)
    # Act in the list's own tab once it is the active one (the home tab has
    # lists and filters too); the search reloads the list: type it again
    # until the list holds only the letter, so the double click cannot land
    # on another letter that a reload put under the mouse
    page.locator('#tablist li.active').filter(
        has_text=entry_text).wait_for(state='visible', timeout=60000)
    pane = page.locator('#tabcontent > .tab-pane.active')
    rows = pane.locator('.treeview tbody tr:visible')
    rows.first.wait_for(state='visible', timeout=60000)
    search = pane.locator('input[placeholder="Rechercher"]:visible').first
    for attempt in range(5):
        search.fill(words)
        search.press('Enter')
        try:
            page.wait_for_function(
                """(subject) => {
                    const rows = [...document.querySelectorAll(
                        '#tabcontent > .tab-pane.active .treeview tbody tr'
                        )].filter(r => r.offsetParent !== null);
                    return rows.length === 1
                        && rows[0].textContent.includes(subject);
                }""", arg=subject, timeout=15000)
            break
        except Exception:
            if attempt == 4:
                raise
    # On the subject's cell: the row's middle may be the contact's link,
    # which opens the contact instead of the letter
    rows.filter(has_text=subject).first.get_by_text(
        subject, exact=True).dblclick()
    page.locator('.form button[name="take"]:visible, '
        '.form button[name="close"]:visible').first.wait_for(
        state='visible', timeout=60000)


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
        open_menu(page, menu, "Courrier à enregistrer")
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
        # The button says what it does: not a second "Enregistrer"
        assert page.locator('.form button[name="register"]').inner_text(
            ).strip() in {'', 'Enregistrer le courrier'}

        # The barcode label of the registered letter
        print_label(page)

        # A scan is attached while the form is open (as the scanner's
        # drop folder or a colleague does), then Assign: the form's
        # timestamp must still hold
        status, rows = site.rest('model/mail.item?f=id&d='
            + domain([['number', '=', value]]), login='courrier')
        assert status == 200 and len(rows) == 1, rows
        item_id = rows[0]['id']
        status, body = site.rest('model/ir.attachment', 'POST',
            login='courrier', data={'resource': f'mail.item,{item_id}',
                'name': 'scan.pdf', 'data': {'__class__': 'bytes',
                    'base64': base64.b64encode(PDF).decode()}})
        assert status == 200, body
        page.locator('.form button[name="assign"]').click()
        wait_state(page, 'Attribué')
        # The button reloads the letter: its scan shows beside the form
        page.locator('.form .form-document object[data^="blob:"]'
            ).first.wait_for(state='visible', timeout=30000)
        assert not page.locator('.modal.in, .modal.show').count(), \
            page.locator('.modal').all_inner_texts()
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
    assert item['state'] == 'assigned'
    status, record = site.rest(
        f'model/mail.item/{item["id"]}?f=party.rec_name&f=service.code'
        '&f=keywords', login='courrier')
    assert status == 200, record
    assert record['party']['rec_name'] == party
    assert record['service']['code'] == 'CULT'
    assert record['keywords'] == 'salle, réservation'


def test_take_answer_and_close_in_desk(site, browser):
    """The Culture agent takes a letter assigned to the service, answers it
    (the draft answer opens in a form, a second click opens the same one)
    and closes it"""
    status, parties = site.rest('model/party.party?f=id&s=1&d='
        + domain([['addresses', '!=', None]]), login='courrier')
    status, services = site.rest('model/mons.service?f=id&d='
        + domain([['code', '=', 'CULT']]), login='courrier')
    word = uuid.uuid4().hex[:8]
    subject = f"Prêt du chapiteau (desk {word})"
    status, body = site.rest('model/mail.item', 'POST', login='courrier',
        data={'direction': 'incoming', 'party': parties[0]['id'],
            'subject': subject, 'service': services[0]['id']})
    assert status == 200, body
    item = body['id']
    for action in ['register', 'assign']:
        status, body = site.rest(f'model/mail.item/{item}/{action}', 'POST',
            login='courrier', data={})
        assert status == 200, body

    context, page, menu, errors = open_desk(browser, site, 'agent',
        r'^\s*Courrier\s*$')
    try:
        open_in_list(page, menu, 'Courrier en cours', subject, word)
        page.locator('.form button[name="take"]:visible').click()
        wait_state(page, 'En traitement')
        tabs = page.locator('#tablist > li')
        before = tabs.count()
        page.locator('.form button[name="reply"]:visible').click()
        # The draft answer opens in a new tab, in a form
        try:
            page.wait_for_function(
                """(subject) => [...document.querySelectorAll(
                        '.form input[name="subject"]')].some(i => {
                    if (i.offsetParent === null || i.value !== subject) {
                        return false;
                    }
                    const d = i.closest('.form').querySelector(
                        'select[name="direction"]');
                    return d && d.selectedOptions.length
                        && d.selectedOptions[0].textContent.trim()
                        === 'Sortant';
                    })""",
                arg=subject, timeout=60000)
        except Exception:
            page.screenshot(path='/tmp/mail_reply_failure.png')
            raise
        assert tabs.count() == before + 1
        wait_state(page, 'Brouillon')
        assert not page.locator('.modal.in, .modal.show').count()
        status, links = site.rest('model/mail.item.link?f=item&d='
            + domain([['target', '=', item], ['kind', '=', 'answer']]),
            login='agent')
        assert status == 200 and len(links) == 1, links
        draft = links[0]['item']
        letter_tab = tabs.filter(has_text='Courrier en cours').first
        # Back to the letter: a second click opens the same draft
        letter_tab.click()
        page.locator('.form button[name="reply"]:visible').click()
        page.wait_for_timeout(1000)
        page.wait_for_function(
            """() => !document.querySelector('.modal.in, .modal.show')""",
            timeout=60000)
        status, links = site.rest('model/mail.item.link?f=item&d='
            + domain([['target', '=', item], ['kind', '=', 'answer']]),
            login='agent')
        assert [link['item'] for link in links] == [draft], links
        # Close the letter (the button asks for a confirmation)
        letter_tab.click()
        page.locator('.form button[name="close"]:visible').click()
        confirm = page.locator('.modal:visible button', has_text=re.compile(
                r'^\s*(OK|Valider|Oui)\s*$'))
        confirm.first.wait_for(state='visible', timeout=30000)
        confirm.first.click()
        wait_state(page, 'Clôturé')
        assert not errors, errors
    finally:
        context.close()
    status, body = site.rest(f'model/mail.item/{item}?f=state&f=history',
        login='agent')
    assert status == 200 and body['state'] == 'closed', body
