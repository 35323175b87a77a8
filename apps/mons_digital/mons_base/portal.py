# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Citizen portal toolkit shared by every module.

Public API (see the module README):

- ``route(path, methods=None, defaults=None, readonly=None,
  max_request_size=None)`` registers ``/<database_name>/portal<path>``;
  the handler is called as ``handler(request, pool, **kw)`` inside a
  transaction run as root with the request's portal language (``fr`` or
  ``de``, see ``portal_i18n``) in the context;
  ``request.web_user`` is the logged-in citizen (``web.user``) or ``None``.
- ``render(request, template, status=200, headers=None, **ctx)`` renders
  ``<module>/templates/<name>`` (template name ``'<module>/<name>'``).
- ``register_link(title, url, description, sequence=100, account=False)``
  adds an entry on the portal home page (or on "my account" page).
- ``check_csrf(request)`` aborts with 400 and a French page when the form
  token does not match the signed cookie.
- ``check_upload(file, max_bytes, allowed_mimetypes)`` returns an
  ``Upload(filename, mimetype, data)`` or raises ``UploadError``.
- ``Form(data)`` collects values and per-field errors for the ``field``
  macro of ``mons_base/forms.html``.
- ``login_required`` (decorator under ``@route``) redirects anonymous
  visitors to the login page and back.

Template context: ``csrf_token``, ``web_user``, ``static(module, path)``,
``vendor(path)``, ``url(path)`` (portal URL), ``lang``, ``request`` and
the keyword arguments of ``render``. Example::

    {% extends 'mons_base/layout.html' %}
    {% import 'mons_base/forms.html' as forms with context %}
    {% block title %}Demande{% endblock %}
    {% block content %}
    {{ forms.errors_summary(form, labels={'piece': 'Plan'}) }}
    <form method="post" enctype="multipart/form-data" novalidate
        class="form">
      {{ forms.csrf() }}
      {{ forms.field(form, 'piece', 'Plan', type='file', required=True,
          accept='application/pdf', help="PDF, 10 Mo au plus.") }}
      <button type="submit" class="button">Envoyer</button>
    </form>
    {% endblock %}

The forms macros need ``with context`` (for the CSRF token).

The toolkit is split by concept: ``portal_files`` (static and npm files),
``portal_urls``, ``portal_csrf`` (signed cookies, CSRF), ``portal_render``
(templates), ``portal_session`` (the logged-in citizen), ``portal_forms``,
``portal_uploads`` and ``web_user`` (account e-mails); this module
registers the routes and home page links and re-exports the public API.
"""
import functools
import inspect
import logging
import uuid
from collections import namedtuple

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from trytond import backend
from trytond.exceptions import UserError, UserWarning
from trytond.protocols.wrappers import (
    HTTPStatus, set_max_request_size, with_pool, with_transaction)
from trytond.transaction import Transaction, TransactionError
from trytond.wsgi import app

from .portal_csrf import (  # noqa: F401
    CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, _finish, _sign, _unsign,
    check_csrf, csrf_token)
from .portal_files import (  # noqa: F401
    CACHE_DEFAULT, CACHE_IMMUTABLE, _module_dir, node_modules, serve_static,
    serve_vendor, vendor_packages)
from . import portal_i18n
from .portal_forms import Form
from .portal_render import PORTAL_LANGUAGE, render
from .portal_session import (  # noqa: F401
    SESSION_COOKIE, _load_web_user, login, login_required, logout)
from .portal_uploads import (  # noqa: F401
    Upload, UploadError, check_upload, human_size)
from .portal_urls import (  # noqa: F401
    _safe_next, portal_url, redirect, static_url, vendor_url)
from .web_user import WebUser, public_url  # noqa: F401

__all__ = [
    'route', 'render', 'register_link', 'check_csrf', 'check_upload',
    'csrf_token', 'redirect', 'portal_url', 'static_url', 'vendor_url',
    'Form', 'Upload', 'UploadError', 'login_required',
    'SESSION_COOKIE', 'CSRF_COOKIE', 'CSRF_FIELD']

Link = namedtuple(
    'Link', ['title', 'url', 'description', 'module', 'sequence', 'account'])
_links = []
logger = logging.getLogger(__name__)


def _caller_module(depth=2):
    frame = inspect.stack()[depth].frame
    name = frame.f_globals.get('__name__', '')
    parts = name.split('.')
    if len(parts) >= 3 and parts[:2] == ['trytond', 'modules']:
        return parts[2]
    return None


def route(path, methods=None, defaults=None, readonly=None,
        max_request_size=None):
    """Register handler(request, pool, **kw) at /<database_name>/portal<path>

    The handler runs in a transaction as root with the portal language of
    the request (French or German, see portal_i18n) in the context;
    request.web_user is the logged-in citizen or None. A UserError not
    handled by the handler rolls back and renders a 400 page with its
    message; any other fault rolls back, is logged with a reference and
    renders the French 500 page showing that reference.
    """
    if not path.startswith('/'):
        path = '/' + path
    rule = '/<database_name>/portal' + path

    def decorator(func):
        @functools.wraps(func)
        def handler(request, pool, **kwargs):
            transaction = Transaction()
            _load_web_user(request, pool)
            # Tryton's messages (UserError…) in the citizen's language
            lang = portal_i18n.language(request)
            try:
                with transaction.set_context(language=lang):
                    response = func(request, pool, **kwargs)
            except RequestEntityTooLarge:
                transaction.rollback()
                response = render(
                    request, 'mons_base/too_large.html',
                    status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                    limit=human_size(request.max_content_length or 0))
            except UserError as exception:
                transaction.rollback()
                response = render(
                    request, 'mons_base/error.html',
                    status=HTTPStatus.BAD_REQUEST,
                    message=exception.message,
                    description=exception.description)
            except (HTTPException, backend.DatabaseOperationalError,
                    UserWarning, TransactionError):
                # Answers already, or replayed by with_transaction (a
                # strict sequence asks for its records to be locked first)
                raise
            except Exception:
                # A real fault: logged with a reference the page shows
                transaction.rollback()
                reference = uuid.uuid4().hex[:12]
                logger.exception(
                    "portal fault %s on %s %s", reference, request.method,
                    request.path)
                response = render(
                    request, 'mons_base/server_error.html',
                    status=HTTPStatus.INTERNAL_SERVER_ERROR,
                    reference=reference)
            return _finish(request, response)

        endpoint = with_pool(with_transaction(
                readonly=readonly,
                context={'language': PORTAL_LANGUAGE})(handler))
        if max_request_size:
            endpoint = set_max_request_size(max_request_size)(endpoint)
        app.route(rule, methods=methods, defaults=defaults)(endpoint)
        return func
    return decorator


def register_link(title, url, description, sequence=100, account=False):
    """Show a link on the portal home page (or on "my account" page with
    account=True) while the calling module is activated"""
    module = _caller_module()
    link = Link(title, url, description, module, sequence, account)
    for i, other in enumerate(_links):
        if other.url == url and other.account == account:
            _links[i] = link
            break
    else:
        _links.append(link)
    return link


def links(request, pool, account=False):
    modules = {l.module for l in _links if l.module}
    if modules:
        Module = pool.get('ir.module')
        activated = {m.name for m in Module.search([
                    ('name', 'in', list(modules)),
                    ('state', '=', 'activated'),
                    ])}
    else:
        activated = set()
    result = []
    for link in sorted(_links, key=lambda l: (l.sequence, l.title)):
        if link.account != account:
            continue
        if link.module and link.module not in activated:
            continue
        result.append(link._replace(url=portal_url(request, link.url)))
    return result
