# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Citizen portal toolkit shared by every module.

Public API (see the module README):

- ``route(path, methods=None, defaults=None, readonly=None,
  max_request_size=None)`` registers ``/<database_name>/portal<path>``;
  the handler is called as ``handler(request, pool, **kw)`` inside a
  transaction run as root with ``language='fr'`` in the context;
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
"""
import base64
import functools
import hashlib
import hmac
import importlib.util
import inspect
import json
import logging
import mimetypes
import os
import posixpath
import re
import secrets
import urllib.parse
from collections import namedtuple

import jinja2
import puremagic
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound, RequestEntityTooLarge
from werkzeug.utils import redirect as _redirect
from werkzeug.utils import send_from_directory

from trytond.config import config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.pool import PoolMeta
from trytond.protocols.wrappers import (
    HTTPStatus, Response, abort, set_max_request_size, with_pool,
    with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

__all__ = [
    'route', 'render', 'register_link', 'check_csrf', 'check_upload',
    'csrf_token', 'redirect', 'portal_url', 'static_url', 'vendor_url',
    'Form', 'Upload', 'UploadError', 'login_required',
    'SESSION_COOKIE', 'CSRF_COOKIE', 'CSRF_FIELD']

logger = logging.getLogger(__name__)

SESSION_COOKIE = 'mons_portal_session'
CSRF_COOKIE = 'mons_csrf'
CSRF_FIELD = 'csrf_token'
CSRF_HEADER = 'X-CSRF-Token'
PORTAL_LANGUAGE = 'fr'

_MODULE_RE = re.compile(r'^[a-z][a-z0-9_]*$')
# Files of npm packages that a browser may need; anything else (sources,
# package.json, scripts) stays private.
_VENDOR_EXTENSIONS = {
    '.js', '.mjs', '.css', '.map', '.png', '.gif', '.svg', '.jpg', '.jpeg',
    '.webp', '.woff', '.woff2', '.ttf', '.eot'}
_CONTENT_TYPES = {
    '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.map': 'application/json; charset=utf-8',
    '.json': 'application/json; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.gif': 'image/gif',
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.webp': 'image/webp',
    '.ico': 'image/vnd.microsoft.icon',
    '.woff': 'font/woff',
    '.woff2': 'font/woff2',
    '.ttf': 'font/ttf',
    '.eot': 'application/vnd.ms-fontobject',
    '.html': 'text/html; charset=utf-8',
    '.txt': 'text/plain; charset=utf-8',
    '.geojson': 'application/geo+json',
    }
CACHE_IMMUTABLE = 365 * 24 * 60 * 60
CACHE_DEFAULT = 60 * 60


class UploadError(UserError):
    "An uploaded file is refused (size or type)"


Upload = namedtuple('Upload', ['filename', 'mimetype', 'data'])
Link = namedtuple(
    'Link', ['title', 'url', 'description', 'module', 'sequence', 'account'])
_links = []


# ---------------------------------------------------------------- modules

@functools.lru_cache(maxsize=None)
def _module_dir(module):
    if not _MODULE_RE.match(module or ''):
        return None
    try:
        spec = importlib.util.find_spec(f'trytond.modules.{module}')
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return list(spec.submodule_search_locations)[0]


def _caller_module(depth=2):
    frame = inspect.stack()[depth].frame
    name = frame.f_globals.get('__name__', '')
    parts = name.split('.')
    if len(parts) >= 3 and parts[:2] == ['trytond', 'modules']:
        return parts[2]
    return None


# ---------------------------------------------------------------- templates

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


# ---------------------------------------------------------------- URLs

def _database(request):
    return (request.view_args or {}).get('database_name') or ''


def portal_url(request, path=''):
    "URL of a portal page; path is relative to /<db>/portal/"
    if path.startswith(('http://', 'https://', '/')):
        return path
    return f'{request.script_root}/{_database(request)}/portal/{path}'


def _file_version(path):
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return hashlib.sha1(
        f'{stat.st_mtime_ns}:{stat.st_size}'.encode()).hexdigest()[:10]


def static_url(request, module, path):
    "URL of <module>/static/<path>, versioned so browsers may cache it"
    url = f'{portal_url(request)}static/{module}/{path}'
    directory = _module_dir(module)
    if directory:
        version = _file_version(os.path.join(directory, 'static', path))
        if version:
            url += f'?v={version}'
    return url


def vendor_url(request, path):
    "URL of a file of a whitelisted npm package, e.g. 'leaflet/dist/leaflet.js'"
    url = f'{portal_url(request)}vendor/{path}'
    root = node_modules()
    if root:
        version = _file_version(os.path.join(root, path))
        if version:
            url += f'?v={version}'
    return url


def redirect(request, path, code=HTTPStatus.SEE_OTHER):
    return _redirect(portal_url(request, path), code=code, Response=Response)


def _safe_next(request, value):
    "Keep only local portal paths to avoid open redirects"
    prefix = portal_url(request)
    if (value and value.startswith(prefix) and '//' not in value[1:]
            and '\\' not in value):
        return value
    return prefix


# ---------------------------------------------------------------- node_modules

def node_modules():
    "Root node_modules folder holding the npm packages of package.json"
    configured = config.get('portal', 'node_modules', default=None)
    if configured:
        return configured
    return _find_node_modules()


@functools.lru_cache(maxsize=1)
def _find_node_modules():
    starts = [os.path.dirname(os.path.abspath(__file__)), os.getcwd()]
    for start in starts:
        directory = start
        while True:
            candidate = os.path.join(directory, 'node_modules')
            if (os.path.isdir(candidate) and os.path.isfile(
                        os.path.join(directory, 'package.json'))):
                return candidate
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
    return None


def vendor_packages():
    "Names of the npm packages the portal may serve (package.json)"
    root = node_modules()
    if not root:
        return set()
    package_json = os.path.join(os.path.dirname(root), 'package.json')
    return _read_packages(package_json, _file_version(package_json))


@functools.lru_cache(maxsize=4)
def _read_packages(package_json, version):
    try:
        with open(package_json, encoding='utf-8') as fp:
            data = json.load(fp)
    except (OSError, ValueError):
        return frozenset()
    return frozenset(data.get('dependencies', {}))


def _send(request, directory, path, mimetype):
    response = send_from_directory(
        directory, path, request.environ, mimetype=mimetype,
        max_age=None, conditional=True, etag=True)
    # Versioned URLs (static()/vendor() add ?v=) never change
    if request.args.get('v'):
        response.cache_control.public = True
        response.cache_control.max_age = CACHE_IMMUTABLE
        response.cache_control.immutable = True
    else:
        response.cache_control.public = True
        response.cache_control.max_age = CACHE_DEFAULT
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


def _content_type(path):
    ext = posixpath.splitext(path)[1].lower()
    if ext in _CONTENT_TYPES:
        return _CONTENT_TYPES[ext]
    return mimetypes.guess_type(path)[0] or 'application/octet-stream'


@app.route('/<database_name>/portal/static/<module>/<path:path>',
    methods={'GET', 'HEAD'})
def serve_static(request, database_name, module, path):
    directory = _module_dir(module)
    if not directory:
        raise NotFound()
    return _send(request, os.path.join(directory, 'static'), path,
        _content_type(path))


@app.route('/<database_name>/portal/vendor/<path:path>',
    methods={'GET', 'HEAD'})
def serve_vendor(request, database_name, path):
    root = node_modules()
    parts = path.split('/')
    package = '/'.join(parts[:2]) if parts[0].startswith('@') else parts[0]
    if (not root or package not in vendor_packages()
            or posixpath.splitext(path)[1].lower()
            not in _VENDOR_EXTENSIONS):
        raise NotFound()
    return _send(request, root, path, _content_type(path))


# ---------------------------------------------------------------- CSRF

@functools.lru_cache(maxsize=1)
def _secret():
    """Key signing the portal cookies.

    ``[portal] secret`` in trytond.conf; otherwise a random key kept in the
    data folder (``[database] path``) that every process of a site shares.
    """
    configured = config.get('portal', 'secret', default=None)
    if configured:
        return configured.encode()
    path = os.path.join(
        config.get('database', 'path'), 'portal-secret.key')
    try:
        with open(path, 'rb') as fp:
            key = fp.read().strip()
            if key:
                return key
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    key = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, 'rb') as fp:
            return fp.read().strip()
    with os.fdopen(fd, 'wb') as fp:
        fp.write(key)
    return key


def _sign(value):
    mac = hmac.new(_secret(), value.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip('=')


def _unsign(signed):
    value, _, signature = (signed or '').rpartition('.')
    if value and hmac.compare_digest(_sign(value), signature):
        return value
    return None


def csrf_token(request):
    "The CSRF token of the request; a new one is set as cookie if missing"
    token = getattr(request, '_mons_csrf_token', None)
    if token is None:
        token = _unsign(request.cookies.get(CSRF_COOKIE))
        if token is None:
            token = secrets.token_urlsafe(32)
            request._mons_csrf_new = True
        request._mons_csrf_token = token
    return token


def check_csrf(request):
    """Abort with 400 unless the form (or X-CSRF-Token header) carries the
    token of the signed cookie"""
    expected = _unsign(request.cookies.get(CSRF_COOKIE))
    given = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if (not expected or not given
            or not hmac.compare_digest(expected, given)):
        response = render(
            request, 'mons_base/csrf_error.html',
            status=HTTPStatus.BAD_REQUEST)
        abort(HTTPStatus.BAD_REQUEST, response=response)


def _cookie_path(request):
    return f'{request.script_root}/{_database(request)}/portal'


def _finish(request, response):
    if isinstance(response, Response):
        already = any(value.startswith(CSRF_COOKIE + '=')
            for value in response.headers.getlist('Set-Cookie'))
        if getattr(request, '_mons_csrf_new', False) and not already:
            response.set_cookie(
                CSRF_COOKIE, f'{request._mons_csrf_token}.'
                f'{_sign(request._mons_csrf_token)}',
                path=_cookie_path(request), httponly=True,
                secure=request.is_secure, samesite='Lax')
    return response


# ---------------------------------------------------------------- web user

def _load_web_user(request, pool):
    request.web_user = None
    key = request.cookies.get(SESSION_COOKIE)
    if key:
        key = _unsign(key)
    if key:
        WebUser = pool.get('web.user')
        user = WebUser.get_user(key)
        if user and user.active:
            request.web_user = user
            request.web_session = key


def login(request, response, user):
    "Open a web.user.session for user and set its cookie on response"
    key = user.new_session()
    response.set_cookie(
        SESSION_COOKIE, f'{key}.{_sign(key)}',
        path=_cookie_path(request), httponly=True, secure=request.is_secure,
        samesite='Lax',
        max_age=config.getint(
            'session', 'web_timeout', default=30 * 24 * 60 * 60))
    return response


def logout(request, pool, response):
    key = getattr(request, 'web_session', None)
    if key:
        pool.get('web.user.session').remove(key)
    response.delete_cookie(
        SESSION_COOKIE, path=_cookie_path(request), httponly=True,
        secure=request.is_secure, samesite='Lax')
    return response


def login_required(func):
    "Redirect anonymous visitors to the login page"
    @functools.wraps(func)
    def wrapper(request, pool, *args, **kwargs):
        if request.web_user is None:
            next_ = urllib.parse.quote(
                request.script_root + request.full_path.rstrip('?'), safe='/')
            return redirect(request, f'compte/connexion?next={next_}')
        return func(request, pool, *args, **kwargs)
    return wrapper


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'

    @classmethod
    def _portal_absolute_url(cls, path):
        context = Transaction().context.get('_request') or {}
        host = context.get('http_host')
        if not host:
            return None
        scheme = context.get('scheme') or 'http'
        root = (context.get('root_path') or '').rstrip('/')
        database = Transaction().database.name
        return f'{scheme}://{host}{root}/{database}/portal/{path}'

    def get_email_validation_url(self, url=None):
        # Links of the emails sent by web_user lead to our portal pages
        # unless the site configures its own URL
        if url is None and not config.get('web', 'email_validation_url'):
            url = self._portal_absolute_url('compte/valider')
        return super().get_email_validation_url(url=url)

    def get_email_reset_password_url(self, url=None):
        if url is None and not config.get('web', 'reset_password_url'):
            url = self._portal_absolute_url('compte/nouveau-mot-de-passe')
        return super().get_email_reset_password_url(url=url)


# ---------------------------------------------------------------- routes

def route(path, methods=None, defaults=None, readonly=None,
        max_request_size=None):
    """Register handler(request, pool, **kw) at /<database_name>/portal<path>

    The handler runs in a transaction as root with French as language;
    request.web_user is the logged-in citizen or None. A UserError not
    handled by the handler rolls back and renders a 400 page with its
    message.
    """
    if not path.startswith('/'):
        path = '/' + path
    rule = '/<database_name>/portal' + path

    def decorator(func):
        @functools.wraps(func)
        def handler(request, pool, **kwargs):
            transaction = Transaction()
            _load_web_user(request, pool)
            try:
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


# ---------------------------------------------------------------- forms

class Form:
    """Values and errors of a submitted form

    errors maps a field name to a message or to a code (``required``,
    ``email``, ``mismatch``...) that ``mons_base/forms.html`` turns into
    French text.
    """

    def __init__(self, data=None):
        if data is None:
            data = MultiDict()
        elif not isinstance(data, MultiDict):
            data = MultiDict(data)
        self.data = data
        self.errors = {}

    def get(self, name, default=''):
        value = self.data.get(name, default)
        if isinstance(value, str):
            value = value.strip()
        return value

    def error(self, name, message):
        self.errors.setdefault(name, message)

    def require(self, *names):
        for name in names:
            if not self.get(name):
                self.error(name, 'required')

    @property
    def valid(self):
        return not self.errors


# ---------------------------------------------------------------- uploads

def human_size(size):
    "Size in French units (octets, Ko, Mo, Go)"
    size = float(size)
    for unit in ('octets', 'Ko', 'Mo'):
        if size < 1024:
            break
        size /= 1024
    else:
        unit = 'Go'
    if unit == 'octets':
        return f'{int(size)} {unit}'
    return f'{size:.1f} {unit}'.replace('.', ',').replace(',0 ', ' ')


_TEXT_TYPES = {
    'text/plain', 'text/csv', 'application/json', 'application/geo+json'}
_TEXT_EXTENSIONS = {
    'text/csv': {'.csv'}, 'application/json': {'.json'},
    'application/geo+json': {'.geojson', '.json'}, 'text/plain': None}


def _sniff(data, filename, allowed):
    "Types the content really has, from the bytes and not from the name"
    found = []
    try:
        for match in puremagic.magic_string(data):
            if match.mime_type and match.mime_type not in found:
                found.append(match.mime_type)
    except puremagic.PureError:
        pass
    if found:
        return found
    # Text formats have no signature: accept them only if they decode
    if b'\x00' in data[:8192]:
        return found
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError:
        return found
    ext = posixpath.splitext(filename or '')[1].lower()
    for mimetype in allowed:
        if mimetype not in _TEXT_TYPES:
            continue
        extensions = _TEXT_EXTENSIONS.get(mimetype)
        if extensions is not None and ext not in extensions:
            continue
        if mimetype in {'application/json', 'application/geo+json'}:
            try:
                json.loads(text)
            except ValueError:
                continue
        found.append(mimetype)
    return found


def check_upload(file, max_bytes, allowed_mimetypes):
    """Read a werkzeug FileStorage and return Upload(filename, mimetype, data)

    Raise UploadError (French, naming the file) when the file is larger
    than max_bytes or its content is not one of allowed_mimetypes.
    Return None when no file was chosen.
    """
    if file is None or not getattr(file, 'filename', None):
        return None
    filename = os.path.basename(file.filename.replace('\\', '/'))
    stream = file.stream
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        try:
            size = human_size(stream.seek(0, os.SEEK_END))
        except (OSError, AttributeError, ValueError):
            size = f'> {human_size(max_bytes)}'
        raise UploadError(gettext('mons_base.msg_upload_too_large',
                filename=filename, size=size, limit=human_size(max_bytes)))
    allowed = list(allowed_mimetypes)
    for mimetype in _sniff(data, filename, allowed) if data else []:
        if mimetype in allowed:
            return Upload(filename, mimetype, data)
    raise UploadError(gettext('mons_base.msg_upload_bad_type',
            filename=filename, allowed=', '.join(allowed)))
