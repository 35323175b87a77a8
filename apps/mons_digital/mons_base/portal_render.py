# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Portal pages rendered from the modules' Jinja templates."""
import functools
import os

import jinja2

from trytond.protocols.wrappers import HTTPStatus, Response

from .portal_csrf import CSRF_FIELD, _finish, csrf_token
from .portal_files import _module_dir
from .portal_uploads import human_size
from .portal_urls import _database, portal_url, static_url, vendor_url

PORTAL_LANGUAGE = 'fr'


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


@functools.lru_cache(maxsize=1)
def _environment():
    env = jinja2.Environment(
        loader=_ModuleLoader(),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=('html', 'xml'), default_for_string=True),
        trim_blocks=True, lstrip_blocks=True,
        extensions=['jinja2.ext.do'])
    env.filters['filesize'] = human_size
    return env


def render(request, template, status=HTTPStatus.OK, headers=None, **context):
    "Render <module>/templates/<name> into an HTML Response"
    env = _environment()
    values = {
        'request': request,
        'database': _database(request),
        'csrf_token': csrf_token(request),
        'csrf_field': CSRF_FIELD,
        'web_user': getattr(request, 'web_user', None),
        'lang': PORTAL_LANGUAGE,
        'url': functools.partial(portal_url, request),
        'static': functools.partial(static_url, request),
        'vendor': functools.partial(vendor_url, request),
        }
    values.update(context)
    body = env.get_template(template).render(values)
    response = Response(
        body, status=status, content_type='text/html; charset=utf-8')
    response.headers['Cache-Control'] = 'no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['X-Frame-Options'] = 'DENY'
    response.headers['Referrer-Policy'] = 'same-origin'
    response.headers['Content-Language'] = PORTAL_LANGUAGE
    if headers:
        response.headers.update(headers)
    return _finish(request, response)
