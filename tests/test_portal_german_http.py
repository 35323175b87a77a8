"""German beside French on the citizen portal, without a browser.

Every French string of the portal's templates and routes has its German
translation (a French string added without its German fails here, with
the module and the string); placeholders are the same in both languages;
the site answers German to a German browser, French to a French one or to
any other language, and an explicit choice (?lang=, then its cookie) wins
over the browser."""
import datetime as dt
import html as html_lib
import http.cookiejar
import re
import urllib.error
import urllib.request

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from trytond.modules.mons_base import portal_catalogue
from trytond.modules.mons_base.portal_files import _module_dir
from trytond.modules.mons_base.portal_i18n import CATALOGUE

PLACEHOLDER = re.compile(r'%\((\w+)\)s')
MODULES = portal_catalogue.portal_modules()


def test_portal_modules():
    "The modules with citizen pages are all checked (hr_time stays French)"
    for module in ['mons_base', 'mons_crm', 'mons_permit', 'mons_opendata',
            'mons_hr_career', 'mons_carto']:
        assert module in MODULES, module
    assert 'mons_hr_time' not in MODULES


@pytest.mark.parametrize('module', MODULES)
def test_every_string_has_german(module):
    source = portal_catalogue.strings(module)
    path = f'{_module_dir(module)}/{CATALOGUE}/de.po'
    try:
        with open(path, 'rb') as fp:
            german = read_po(fp, locale='de')
    except FileNotFoundError:
        german = Catalog(locale='de')
    missing, broken = [], []
    for message in source:
        if not message.id:
            continue
        translated = german.get(message.id)
        strings = ([] if translated is None else
            [translated.string] if isinstance(translated.string, str)
            else list(translated.string))
        if (translated is None or translated.fuzzy or not strings
                or not all(strings)):
            missing.append(message.id)
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != wanted:
                broken.append((message.id, text))
    assert not missing, (f"{module}: French strings without German in "
        f"{CATALOGUE}/de.po (run `mons portal-po {module}`): {missing}")
    assert not broken, f"{module}: placeholders differ: {broken}"


def _get(site, path, language=None, cookies=None):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(cookies)
        if cookies is not None else urllib.request.BaseHandler())
    request = urllib.request.Request(f'{site.url}/{site.db}/portal/{path}',
        headers={'Accept-Language': language} if language else {})
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def _lang(body):
    return re.search(r'<html lang="(\w+)"', body).group(1)


@pytest.mark.parametrize('language, expected', [
        ('de', 'de'), ('de-BE', 'de'), ('de-DE,de;q=0.9,en;q=0.5', 'de'),
        ('fr', 'fr'), ('fr-BE,fr;q=0.9,de;q=0.5', 'fr'),
        ('nl-BE,en;q=0.5', 'fr'), ('en-US', 'fr'), ('*', 'fr'), (None, 'fr'),
        ])
def test_language_from_browser(site, language, expected):
    status, headers, body = _get(site, '', language)
    assert status == 200
    assert _lang(body) == expected
    assert headers['Content-Language'] == expected
    assert 'Accept-Language' in headers['Vary']
    if expected == 'de':
        assert '<title>Startseite' in body
        assert 'Zum Hauptinhalt springen' in body
        assert 'Barrierefreiheit: teilweise vereinbar' in body
        assert 'Accueil' not in body
    else:
        assert '<title>Accueil' in body
        assert 'Aller au contenu principal' in body
    # the switch names each language in itself, marked with its language
    assert re.search(r'<a href="[^"]*\?lang=de" lang="de" hreflang="de"'
        r'[^>]*>Deutsch</a>', body)
    assert re.search(r'<a href="[^"]*\?lang=fr" lang="fr" hreflang="fr"'
        r'[^>]*>Français</a>', body)


def test_choice_wins_and_is_remembered(site):
    "?lang= beats the browser, and its cookie keeps the choice"
    jar = http.cookiejar.CookieJar()
    status, headers, body = _get(site, 'compte/connexion?lang=de', 'fr-BE',
        jar)
    assert status == 200 and _lang(body) == 'de'
    assert '<h1>Anmelden</h1>' in body
    assert any(c.name == 'mons_portal_lang' and c.value == 'de' for c in jar)
    status, headers, body = _get(site, 'compte/inscription', 'fr-BE', jar)
    assert _lang(body) == 'de' and '<h1>Konto erstellen</h1>' in body
    status, headers, body = _get(site, '?lang=fr', 'de-BE', jar)
    assert _lang(body) == 'fr'
    status, headers, body = _get(site, 'vie-privee', 'de-BE', jar)
    assert _lang(body) == 'fr' and 'Responsable du traitement' in body
    # an unknown value is no choice: the browser decides
    status, headers, body = _get(site, '?lang=xx', 'de-BE')
    assert _lang(body) == 'de'


def test_german_error_pages(site):
    status, headers, body = _get(site, 'page-qui-nexiste-pas', 'de-BE')
    assert status == 404
    assert '<h1>Seite nicht gefunden</h1>' in body
    status, headers, body = _get(site, 'compte/valider?token=faux', 'de')
    assert status == 404
    assert 'Bestätigungslink ungültig' in body


def test_staff_pages_stay_french(site):
    "The clocking pages of the staff are French, without the switch"
    status, headers, body = _get(site, 'pointage', 'de-BE')
    assert _lang(body) == 'fr'
    assert 'lang-switch' not in body


def test_dates_in_the_page_language():
    from trytond.modules.mons_base.portal_render import local_date
    day = dt.date(2026, 12, 2)
    assert local_date(day, 'de') == '2. Dezember 2026'
    assert local_date(day, 'de', weekday=True) == 'Mittwoch, 2. Dezember 2026'
    assert local_date(day, 'fr') == '2 décembre 2026'
    assert local_date(dt.date(2026, 3, 1), 'fr') == '1er mars 2026'


def test_permit_errors_in_german(site):
    """The permit form's errors come from Tryton's messages (mons_permit's
    locale/de.po) with the field named as the German page names it"""
    from test_permit_portal_http import Visitor, procedure_type
    visitor = Visitor(site)
    status, body, _ = visitor.get('urbanisme/demande?lang=de')
    assert status == 200 and _lang(body) == 'de'
    assert 'Schritt 1 von 6' in body and 'Art des Antrags' in body
    visitor.start(procedure_type(site, 'PU')['id'])
    status, body, _ = visitor.post(visitor.step('demandeur'), {
            'applicant_name': 'Anna Schmitz',
            'applicant_street': 'Klötzerbahn 32',
            'applicant_postal_code': '47OO',
            'applicant_city': 'Eupen',
            'applicant_email': 'anna schmitz@eupen.be',
            'action': 'next'})
    assert status == 400, body[:2000]
    assert _lang(body) == 'de'
    text = html_lib.unescape(re.sub(r'<[^>]+>', ' ', body))
    assert 'Das Formular enthält 2 Fehler' in text, text[:3000]
    assert ('Geben Sie in „Postleitzahl“ eine belgische Postleitzahl mit '
        '4 Ziffern an' in text), text[:3000]
    assert 'Geben Sie in „E-Mail-Adresse“ eine gültige E-Mail-Adresse an' \
        in text, text[:3000]
    # the values typed are kept
    assert 'value="47OO"' in body
