# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Languages of the citizen portal: French (the source strings) and German
for the German-speaking municipalities of Wallonia.

The language of a request is, in this order: ``?lang=`` in the address (a
choice remembered in a cookie), the cookie of an earlier choice, the
browser's Accept-Language (``de``, ``de-BE``, ``de-DE``… give German),
French otherwise. Templates mark their text with ``{% trans %}`` / ``_()``
and Python code with ``gettext`` of this module; the German of each module
is ``<module>/portal_locale/de.po`` (Tryton's ``locale/`` folder holds the
desk's translations, in its own format), compiled when first used so that
no build step can be forgotten. ``mons portal-po`` extracts the strings
(portal_catalogue) and refreshes the catalogues.
"""
import functools
import gettext as gettext_
import io
import os
from urllib.parse import urlencode

from trytond.transaction import Transaction

from .portal_files import _module_dir
from .portal_urls import _cookie_path

DEFAULT = 'fr'
LANGUAGES = ('fr', 'de')
# The switch shows each language in its own name
NAMES = {'fr': 'Français', 'de': 'Deutsch'}
COOKIE = 'mons_portal_lang'
PARAMETER = 'lang'
CATALOGUE = 'portal_locale'
# A page's script marks its words t('…'): script_words gives their German
SCRIPT_KEYWORDS = {'t': None}
# Modules whose pages are for staff, not citizens: always French
FRENCH_ONLY = ('mons_hr_time',)

# German dates as people write them: "Mittwoch, 2. Dezember 2026"
_WEEKDAYS_DE = ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag',
    'Samstag', 'Sonntag']
_MONTHS_DE = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli',
    'August', 'September', 'Oktober', 'November', 'Dezember']


def negotiate(request):
    """The portal language of the request: explicit choice, then the
    browser's preference, then French"""
    chosen = request.args.get(PARAMETER, '')
    if chosen in LANGUAGES:
        return chosen
    remembered = request.cookies.get(COOKIE, '')
    if remembered in LANGUAGES:
        return remembered
    # Ordered by quality; "de-BE" counts as "de", "*" says nothing
    for value, quality in request.accept_languages:
        primary = value.split('-')[0].split('_')[0].lower()
        if quality > 0 and primary in LANGUAGES:
            return primary
    return DEFAULT


def language(request):
    "The language negotiated once per request"
    lang = getattr(request, '_mons_portal_lang', None)
    if lang is None:
        lang = negotiate(request)
        request._mons_portal_lang = lang
    return lang


def remember(request, response):
    "Keep an explicit ?lang= choice for the next pages (one year)"
    chosen = request.args.get(PARAMETER, '')
    if (chosen in LANGUAGES and chosen != request.cookies.get(COOKIE)
            and hasattr(response, 'set_cookie')):
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600,
            path=_cookie_path(request), secure=request.is_secure,
            samesite='Lax')
    return response


def switch_url(request, lang):
    "The current page in another language (its query string kept)"
    args = request.args.copy()
    args[PARAMETER] = lang
    return (request.script_root + request.path + '?'
        + urlencode(list(args.items(multi=True))))


def _compile(path):
    "A .po file as gettext translations (Babel writes the .mo in memory)"
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    with open(path, 'rb') as fp:
        catalog = read_po(fp)
    buffer = io.BytesIO()
    # Fuzzy entries are guesses: they are not shown to citizens
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext_.GNUTranslations(buffer)


def catalogue_paths(lang):
    "Every module's <module>/portal_locale/<lang>.po"
    from trytond.modules import get_modules
    paths = []
    for module in sorted(get_modules()):
        directory = _module_dir(module)
        if not directory:
            continue
        path = os.path.join(directory, CATALOGUE, f'{lang}.po')
        if os.path.isfile(path):
            paths.append(path)
    return paths


@functools.lru_cache(maxsize=None)
def translations(lang):
    "The merged portal catalogues of every module for lang"
    if lang == DEFAULT or lang not in LANGUAGES:
        return gettext_.NullTranslations()
    result = None
    for path in catalogue_paths(lang):
        catalogue = _compile(path)
        if result is None:
            result = catalogue
        else:
            result._catalog.update(catalogue._catalog)
    return result or gettext_.NullTranslations()


@functools.lru_cache(maxsize=None)
def script_words(module, lang):
    """The words of <module>/static/*.js (marked t('…') there) in lang,
    for the page to hand to its script as JSON"""
    if lang == DEFAULT or lang not in LANGUAGES:
        return {}
    from babel.messages.extract import extract_from_dir
    directory = _module_dir(module)
    translated = translations(lang)
    words = {}
    for filename, lineno, message, comments, context in extract_from_dir(
            os.path.join(directory, 'static'), [('**.js', 'javascript')],
            keywords=SCRIPT_KEYWORDS):
        words[message] = translated.gettext(message)
    return words


def current_language():
    """The language of the running portal request (the transaction's
    context carries it), French outside one"""
    try:
        lang = Transaction().context.get('language')
    except Exception:
        lang = None
    return lang if lang in LANGUAGES else DEFAULT


def gettext(message, **variables):
    """message (French) in the language of the running request;
    %(name)s placeholders are filled from variables"""
    text = translations(current_language()).gettext(message)
    return text % variables if variables else text


def ngettext(singular, plural, n, **variables):
    text = translations(current_language()).ngettext(singular, plural, n)
    variables.setdefault('num', n)
    return text % variables


# The markers the extraction knows (portal_catalogue): _ in Python code is
# this module's gettext; N_ marks a string translated later (a home page
# link registered at import time, translated when the page is drawn)
_ = gettext
ngettext_ = ngettext


def N_(message):
    return message


def date_de(value, weekday=False, year=True):
    "'2. Dezember 2026', with weekday=True 'Mittwoch, 2. Dezember 2026'"
    if not value:
        return ''
    text = f'{value.day}. {_MONTHS_DE[value.month - 1]}'
    if year:
        text += f' {value.year}'
    if weekday:
        text = f'{_WEEKDAYS_DE[value.weekday()]}, {text}'
    return text
