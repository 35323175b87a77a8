# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""The portal's translatable strings of a module and its German catalogue.

``strings(module)`` extracts (with Babel) the French source strings a
citizen can see: ``{% trans %}`` blocks and ``_()`` of the module's
templates, ``_()`` and ``N_()`` of its Python code (the portal's gettext,
never Tryton's ``gettext('module.msg_id')``). ``update(module, lang)``
writes ``<module>/portal_locale/messages.pot`` and refreshes
``<lang>.po``, keeping every translation and adding new strings with an
empty translation (the catalogue test then fails until they are written).
Run through ``mons portal-po MODULE`` or ``make portal-po``.
"""
import os

from .portal_i18n import (
    CATALOGUE, DEFAULT, FRENCH_ONLY, LANGUAGES, SCRIPT_KEYWORDS)
from .portal_files import _module_dir

# Jinja's own Babel extractor, with the environment's options
JINJA_OPTIONS = {
    'extensions': 'jinja2.ext.do,jinja2.ext.i18n',
    'trimmed': 'true', 'newstyle_gettext': 'true',
    'trim_blocks': 'true', 'lstrip_blocks': 'true', 'silent': 'false',
    }
# Only the portal's markers: Tryton's gettext takes message ids
TEMPLATE_KEYWORDS = {'_': None, 'gettext': None, 'ngettext': (1, 2)}
PYTHON_KEYWORDS = {'_': None, 'N_': None, 'ngettext_': (1, 2)}


def portal_modules():
    "Modules whose portal pages are translated"
    from trytond.modules import get_modules
    result = []
    for module in sorted(get_modules()):
        directory = _module_dir(module)
        if (directory and module not in FRENCH_ONLY
                and os.path.isdir(os.path.join(directory, 'templates'))):
            result.append(module)
    return result


def strings(module):
    "A Babel catalogue of the module's portal strings"
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    directory = _module_dir(module)
    catalog = Catalog(project=module, locale=None, charset='utf-8')
    # Templates: Jinja reports {% trans %} as gettext/ngettext, _() as _
    templates = (
        [('templates/**.html', 'jinja2.ext:babel_extract'),
            ('templates/**.xml', 'jinja2.ext:babel_extract')],
        {'templates/**.html': JINJA_OPTIONS,
            'templates/**.xml': JINJA_OPTIONS},
        {**TEMPLATE_KEYWORDS})
    # Python: only the portal's markers, never Tryton's gettext(msg_id)
    python = ([('tests/**', 'ignore'), ('**.py', 'python')], {},
        PYTHON_KEYWORDS)
    # Scripts of the pages: their t('…'), handed over by script_words
    scripts = ([('static/**.js', 'javascript')], {}, SCRIPT_KEYWORDS)
    for method_map, options_map, keywords in [templates, python, scripts]:
        for filename, lineno, message, comments, context in (
                extract_from_dir(directory, method_map, options_map,
                    keywords=keywords, strip_comment_tags=True)):
            catalog.add(message, None, [(filename, lineno)],
                auto_comments=comments, context=context)
    return catalog


def update(module, lang='de'):
    """Write messages.pot and refresh <lang>.po; returns the msgids
    without translation"""
    from babel.messages.pofile import read_po, write_po
    assert lang in LANGUAGES and lang != DEFAULT
    template = strings(module)
    folder = os.path.join(_module_dir(module), CATALOGUE)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'messages.pot'), 'wb') as fp:
        write_po(fp, template, width=79, omit_header=True)
    path = os.path.join(folder, f'{lang}.po')
    if os.path.exists(path):
        with open(path, 'rb') as fp:
            catalog = read_po(fp, locale=lang)
    else:
        from babel.messages.catalog import Catalog
        catalog = Catalog(locale=lang, project=module, charset='utf-8')
    # Only the strings make a change: the header's date stays
    created = catalog.creation_date
    catalog.update(template, no_fuzzy_matching=True)
    catalog.creation_date = created
    with open(path, 'wb') as fp:
        write_po(fp, catalog, width=79, omit_header=False,
            ignore_obsolete=True, include_previous=False)
    return [m.id for m in catalog if m.id and not m.string]
