# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Portal pages rendered from the modules' Jinja templates."""
import functools
import logging
import os

import jinja2

from trytond.protocols.wrappers import HTTPStatus, Response

from . import portal_i18n
from .municipality import empty_identity, identity
from .portal_csrf import CSRF_FIELD, _finish, csrf_token
from .portal_files import _module_dir
from .portal_uploads import human_size
from .portal_urls import _database, portal_url, static_url, vendor_url

# The default language; a request may ask for German (portal_i18n)
PORTAL_LANGUAGE = portal_i18n.DEFAULT
logger = logging.getLogger(__name__)

# Dates as people read them in Belgium, never ISO: "mercredi 2 décembre
# 2026", "2 décembre", "08:05" (no locale data needed on the server)
_WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi',
    'dimanche']
_MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet',
    'août', 'septembre', 'octobre', 'novembre', 'décembre']


def date_fr(value, weekday=False, year=True):
    "'2 décembre 2026', with weekday=True 'mercredi 2 décembre 2026'"
    if not value:
        return ''
    day = '1er' if value.day == 1 else str(value.day)
    text = f'{day} {_MONTHS[value.month - 1]}'
    if year:
        text += f' {value.year}'
    if weekday:
        text = f'{_WEEKDAYS[value.weekday()]} {text}'
    return text


def local_date(value, lang=PORTAL_LANGUAGE, weekday=False, year=True):
    "A date written in lang (French unless German)"
    if lang == 'de':
        return portal_i18n.date_de(value, weekday=weekday, year=year)
    return date_fr(value, weekday=weekday, year=year)


def time_fr(value):
    "'08:05'"
    if not value:
        return ''
    return f'{value.hour:02d}:{value.minute:02d}'


class _ModuleLoader(jinja2.BaseLoader):
    "Load '<module>/<name>' from '<module>/templates/<name>'"

    def get_source(self, environment, template):
        module, _, name = template.partition('/')
        directory = _module_dir(module)
        if not directory or not name:
            raise jinja2.TemplateNotFound(template)
        root = os.path.join(directory, 'templates')
        pieces = jinja2.loaders.split_template_path(name)
        path = os.path.join(root, *pieces)
        if not os.path.isfile(path):
            raise jinja2.TemplateNotFound(template)
        with open(path, encoding='utf-8') as fp:
            source = fp.read()
        mtime = os.path.getmtime(path)

        def uptodate():
            try:
                return os.path.getmtime(path) == mtime
            except OSError:
                return False
        return source, path, uptodate


@functools.lru_cache(maxsize=len(portal_i18n.LANGUAGES))
def _environment(lang=PORTAL_LANGUAGE):
    "One environment per language: its gettext is the language's catalogue"
    env = jinja2.Environment(
        loader=_ModuleLoader(),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=('html', 'xml'), default_for_string=True),
        trim_blocks=True, lstrip_blocks=True,
        extensions=['jinja2.ext.do', 'jinja2.ext.i18n'])
    # {% trans %} blocks spread over lines give one-line msgids
    env.policies['ext.i18n.trimmed'] = True
    # newstyle: {{ _('… %(name)s', name=x) }} escapes and fills in one go
    env.install_gettext_translations(
        portal_i18n.translations(lang), newstyle=True)
    env.filters['filesize'] = human_size
    # a value that may be a French source string (a page title given by
    # the code): its translation, never %-formatted
    env.filters['translate'] = portal_i18n.translations(lang).gettext
    # date_fr writes the date in the page's language (German "2. Dezember
    # 2026" on a German page): templates need not know the language
    env.filters['date_fr'] = functools.partial(local_date, lang=lang)
    env.filters['local_date'] = functools.partial(local_date, lang=lang)
    env.filters['time_fr'] = time_fr
    return env


def _identity():
    """The municipality's identity; when the database cannot tell (the
    page says a fault happened), empty values rather than a second fault"""
    try:
        return identity()
    except Exception:
        logger.exception("municipality identity unreadable")
        return empty_identity()


def render(request, template, status=HTTPStatus.OK, headers=None, **context):
    "Render <module>/templates/<name> into an HTML Response"
    # Staff pages (clocking phones) stay French, without the switch
    french_only = template.split('/')[0] in portal_i18n.FRENCH_ONLY
    lang = PORTAL_LANGUAGE if french_only else portal_i18n.language(request)
    env = _environment(lang)
    values = {
        'request': request,
        'database': _database(request),
        'csrf_token': csrf_token(request),
        'csrf_field': CSRF_FIELD,
        'web_user': getattr(request, 'web_user', None),
        'lang': lang,
        # the header's language switch: (code, name, URL of this page)
        'languages': [(code, portal_i18n.NAMES[code],
                portal_i18n.switch_url(request, code))
            for code in portal_i18n.LANGUAGES] if not french_only else [],
        'url': functools.partial(portal_url, request),
        'static': functools.partial(static_url, request),
        'vendor': functools.partial(vendor_url, request),
        # who the local authority is: every name, address and colour
        'municipality': _identity(),
        }
    values.update(context)
    # "Erreur : " opens the title of a page showing form errors
    values.setdefault('has_errors',
        bool(getattr(context.get('form'), 'errors', None)))
    body = env.get_template(template).render(values)
    response = Response(
        body, status=status, content_type='text/html; charset=utf-8')
    response.headers['Cache-Control'] = 'no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['X-Frame-Options'] = 'DENY'
    response.headers['Referrer-Policy'] = 'same-origin'
    response.headers['Content-Language'] = lang
    # the same address answers in French or German
    response.vary.add('Accept-Language')
    response.vary.add('Cookie')
    if headers:
        response.headers.update(headers)
    return _finish(request, portal_i18n.remember(request, response))
