"""Job openings and the application form in a real browser, on a phone's
width: French, no horizontal scroll, no axe-core violation (errors shown
too), the form completed with the keyboard alone, saved, reopened from
its secret link in another browser, and sent."""
import re

import pytest

from portal_checks import (
    WIDTHS, assert_error_pattern, assert_portal_page, new_page)

pytestmark = pytest.mark.browser


@pytest.fixture(params=WIDTHS)
def page(browser, request):
    context, page = new_page(browser, request.param)
    yield page
    context.close()


def tab_to(page, element_id, limit=40, key='Tab'):
    "Press Tab until the element has the focus (as a keyboard user does)"
    for _ in range(limit):
        if page.evaluate('document.activeElement && '
                'document.activeElement.id') == element_id:
            return
        page.keyboard.press(key)
    raise AssertionError(f"#{element_id} never got the focus")


def tab_to_button(page, text, limit=40):
    for _ in range(limit):
        current = page.evaluate('document.activeElement && '
            'document.activeElement.tagName === "BUTTON" && '
            'document.activeElement.innerText')
        if current and text in current:
            return
        page.keyboard.press('Tab')
    raise AssertionError(f"button {text!r} never got the focus")


def test_openings_pages(site, page):
    response = page.goto(f'{site.url}/{site.db}/portal/emplois')
    assert response.status == 200
    assert_portal_page(page)
    assert page.locator('h1').inner_text() == "Offres d'emploi"
    page.get_by_label("Rechercher un emploi").fill("voirie")
    page.get_by_role('button', name="Rechercher").click()
    page.wait_for_url(re.compile(r'q=voirie'))
    link = page.get_by_role('link', name="Ouvrier ou ouvrière de voirie")
    link.click()
    page.wait_for_selector('text=Le travail')
    assert_portal_page(page)
    page.get_by_role('link', name="Postuler à cette offre").click()
    page.wait_for_selector('#f-name')
    assert_portal_page(page)


def test_keyboard_only_save_come_back_and_send(site, browser):
    "At 360 px, with the keyboard alone: save, come back by the link, send"
    context, page = new_page(browser, 360)
    page.goto(f'{site.url}/{site.db}/portal/emplois')
    # To the opening, then to the form, by keyboard
    tab_to_link(page, "Ouvrier ou ouvrière de voirie")
    page.keyboard.press('Enter')
    page.wait_for_selector('text=Le travail')
    tab_to_link(page, "Postuler à cette offre")
    page.keyboard.press('Enter')
    page.wait_for_selector('#f-name')
    assert_portal_page(page)

    tab_to(page, 'f-name')
    page.keyboard.type("Fatima El Amrani")
    tab_to(page, 'f-experience_text')
    page.keyboard.type("J'ai nettoyé des bureaux pendant trois ans.")
    page.keyboard.press('Enter')
    page.keyboard.type("Je suis disponible le matin.")
    tab_to_button(page, "Enregistrer et terminer plus tard")
    page.keyboard.press('Enter')
    page.wait_for_selector('.link-box a')
    assert "Votre candidature est enregistrée" in page.inner_text('main')
    assert_portal_page(page)
    link = page.locator('.link-box a').inner_text().strip()
    assert '/portal/emplois/candidature/' in link
    context.close()

    # Later, on another phone: the link brings back what was typed
    context, page = new_page(browser, 360)
    page.goto(link)
    page.wait_for_selector('#f-name')
    assert page.input_value('#f-name') == "Fatima El Amrani"
    assert "trois ans" in page.input_value('#f-experience_text')
    assert_portal_page(page)
    # Sent without a way to reach her: the error names the field
    tab_to_button(page, "Envoyer ma candidature")
    page.keyboard.press('Enter')
    page.wait_for_selector('.error-summary')
    assert_error_pattern(page, ['f-phone'])
    assert "Indiquez un numéro de téléphone ou une adresse e-mail" in \
        page.inner_text('#f-phone-erreur')
    assert page.input_value('#f-name') == "Fatima El Amrani"
    assert_portal_page(page)
    # assert_error_pattern moved the focus to the phone field
    assert page.evaluate('document.activeElement.id') == 'f-phone'
    page.keyboard.type("0470 12 34 56")
    tab_to_button(page, "Envoyer ma candidature")
    page.keyboard.press('Enter')
    page.wait_for_selector('#sms')
    assert "Merci ! Votre candidature est envoyée." in page.inner_text('main')
    sms = page.inner_text('#sms')
    assert len(sms) <= 160 and 'CAND-' in sms
    assert_portal_page(page)
    context.close()


def tab_to_link(page, text, limit=60):
    for _ in range(limit):
        current = page.evaluate('document.activeElement && '
            'document.activeElement.tagName === "A" && '
            'document.activeElement.innerText')
        if current and current.strip() == text:
            return
        page.keyboard.press('Tab')
    raise AssertionError(f"link {text!r} never got the focus")
