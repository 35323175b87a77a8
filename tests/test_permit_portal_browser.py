"""The permit application in a real browser at 360 px, keyboard only: from
the portal home's "introduire une demande" through every step to the
acknowledgement, each page French and without axe-core violation (error
states too), the save-and-come-back link opened in another browser, the
acknowledgement e-mail, and a citizen's files page listing only theirs."""
import re
import uuid

import pytest

from portal_checks import assert_error_pattern, assert_portal_page, new_page
from test_permit_portal_http import (
    PDF, Visitor, body_of, documents_of, fill, mails_to)

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context, page = new_page(browser, 360)
    yield page
    context.close()


def tab_to(page, selector, limit=80):
    "Press Tab until the element matching selector has the focus"
    for _ in range(limit):
        page.keyboard.press('Tab')
        if page.evaluate('(s) => document.activeElement.matches(s)',
                selector):
            return
    raise AssertionError(f"{selector} never reached with Tab")


def type_in(page, selector, text):
    tab_to(page, selector)
    page.keyboard.press('Control+A')
    page.keyboard.type(text)


def press_button(page, name):
    tab_to(page, f'button[value="{name}"]')
    with page.expect_navigation():
        page.keyboard.press('Enter')


def test_keyboard_only_application(site, page, tmp_path):
    page.goto(f'{site.url}/{site.db}/portal/')
    tab_to(page, 'main a[href$="urbanisme/demande"]')
    with page.expect_navigation():
        page.keyboard.press('Enter')
    assert page.url.endswith('/portal/urbanisme/demande')
    assert_portal_page(page)

    # Step 1, no choice: the error pattern, then the type chosen with the
    # arrows of the radio group
    press_button(page, 'next')
    first = page.locator('input[name=procedure_type]').first.get_attribute(
        'id')
    assert_error_pattern(page, [first])
    assert_portal_page(page)
    tab_to(page, 'input[name=procedure_type]')
    label = page.evaluate(
        "document.querySelector('label[for=\"' + document.activeElement.id"
        " + '\"]').textContent")
    while 'sans architecte' not in label:
        page.keyboard.press('ArrowDown')
        label = page.evaluate(
            "document.querySelector('label[for=\"' + "
            "document.activeElement.id + '\"]').textContent")
    press_button(page, 'next')
    token = re.search(r'/demande/([^/]+)/pieces', page.url)[1]
    assert_portal_page(page)
    assert 'Les documents à joindre' in page.inner_text('main')
    press_button(page, 'next')

    # Applicant: errors named and kept, then corrected
    assert_portal_page(page)
    address = f'clavier.{uuid.uuid4().hex[:8]}@example.be'
    type_in(page, '#f-applicant_name', "Léa Delattre")
    type_in(page, '#f-applicant_street', "Rue des Capucins 8")
    type_in(page, '#f-applicant_postal_code', '700')
    type_in(page, '#f-applicant_city', 'Mons')
    type_in(page, '#f-applicant_email', 'lea delattre@example.be')
    press_button(page, 'next')
    assert_error_pattern(page, ['f-applicant_postal_code',
            'f-applicant_email'])
    assert page.input_value('#f-applicant_name') == "Léa Delattre"
    assert_portal_page(page)
    type_in(page, '#f-applicant_postal_code', '7000')
    type_in(page, '#f-applicant_email', address)
    # Save and come back: the link, and the same link by e-mail
    press_button(page, 'save')
    assert_portal_page(page)
    link = page.inner_text('#lien-reprise')
    assert token in link
    assert any(link in body_of(m) for m in mails_to(site, address))
    other, other_page = new_page(page.context.browser, 360)
    try:
        other_page.goto(link)
        assert 'Vérification et envoi' in other_page.inner_text('h1')
        assert address in other_page.inner_text('main')
    finally:
        other.close()
    page.goto(link.replace('/recapitulatif', '/lieu'))

    # Location: a malformed CaPaKey is named, the section by keyboard
    type_in(page, '#f-location_street', "Rue des Capucins 8")
    tab_to(page, '#f-section')
    page.keyboard.type('Mons')
    type_in(page, '#f-capakey', '53053A12')
    type_in(page, '#f-description', "Transformation d'une façade")
    press_button(page, 'next')
    assert_error_pattern(page, ['f-capakey'])
    assert page.input_value('#f-capakey') == '53053A12'
    assert_portal_page(page)
    type_in(page, '#f-capakey', '53053A0123/00B000')
    press_button(page, 'next')

    # Documents: each chosen with the keyboard (Space opens the chooser)
    assert_portal_page(page)
    for document in documents_of(site, 'PU_SANS_ARCHI'):
        path = tmp_path / f'piece-{document["id"]}.pdf'
        path.write_bytes(PDF)
        tab_to(page, f'#f-document_{document["id"]}')
        with page.expect_file_chooser() as chooser:
            page.keyboard.press('Space')
        chooser.value.set_files(str(path))
    press_button(page, 'next')

    # Review and submit
    assert 'Vérification et envoi' in page.inner_text('h1')
    assert_portal_page(page)
    press_button(page, 'next')
    reference = page.inner_text('#reference')
    assert_portal_page(page)
    acks = [m for m in mails_to(site, address)
        if reference in (m['Subject'] or '')]
    assert acks and reference in body_of(acks[0])


def test_citizen_files_page(site, page):
    "A citizen's page lists their files with state and next deadline"
    citizen = Visitor(site)
    email_address = citizen.register("Camille Henry")
    reference = fill(citizen, site, 'CU1')
    other = fill(Visitor(site), site, 'CU1')
    page.goto(f'{site.url}/{site.db}/portal/compte/connexion')
    type_in(page, '#f-email', email_address)
    type_in(page, '#f-password', 'Havre-Hyon-2026')
    tab_to(page, 'main button[type=submit]')
    with page.expect_navigation():
        page.keyboard.press('Enter')
    page.goto(f'{site.url}/{site.db}/portal/urbanisme/mes-dossiers')
    text = page.inner_text('main')
    assert reference in text and other not in text
    assert 'Déposé' in text and 'Prochaine échéance' in text
    assert_portal_page(page)
    page.click(f'text={reference}')
    assert reference in page.inner_text('h1')
    assert_portal_page(page)
