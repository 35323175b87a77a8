# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Error answers of every web route, in one place.

- Each request gets an id (``X-Request-Id``, kept when a proxy sent a sane
  one): it is in every answer's headers, in the body of every 5xx and in
  the log line of the fault, so that a user's report finds its traceback.
- APIs (trytond's REST, the open-data and map APIs: ``API_PREFIXES``)
  answer every error as JSON ``{"status", "message", "field"?,
  "request_id"?}`` in French; the portal and the other pages a French HTML
  page instead of werkzeug's English one.
- A 5xx is a real fault: logged with its traceback and the request id; the
  answer never shows the internal message.
- A database (or attachments store) that refuses to write, read-only or
  full, answers a 503 saying so, not the "busy, retry" of a lock; it is
  logged at error level with the request id (``storage_fault``).
- Every request is logged once on the ``mons.request`` logger (method,
  path, status, duration, request id, user id when known).
- Paths that lead nowhere answer 404, not the 405 of trytond's catch-all
  CORS preflight rule; a foreign ``Origin`` on a public API is allowed
  (its routes send ``Access-Control-Allow-Origin: *``), elsewhere it is a
  403 instead of the 500 trytond's abort outside its dispatch gives.

Installed with trytond's public extension points only: ``app.wsgi_app``
wrapped by a middleware (as trytond's ``[wsgi middleware]`` does) and
``app.url_map`` replaced by a ``werkzeug.routing.Map`` subclass holding
copies of the same rules (``Rule.empty()``), whose adapter wraps the
matched endpoint.
"""
import errno
import functools
import html
import json
import logging
import re
import sqlite3
import threading
import time
import uuid
from typing import NamedTuple

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule

from trytond.exceptions import TrytonException
from trytond.wsgi import app

logger = logging.getLogger(__name__)
# One line per request: a deployment keeps it at INFO (mons start does)
request_logger = logging.getLogger('mons.request')

REQUEST_ID = 'mons.request_id'
USER_ID = 'mons.user_id'
FAULT_MESSAGE = 'mons.fault_message'
_REQUEST_ID_RE = re.compile(r'^[A-Za-z0-9._-]{8,64}$')

# Second path segment (after the database name) of the JSON APIs; True:
# public, any web site may call it from a browser (CORS)
API_PREFIXES = {'rest': False, 'opendata': True, 'carto': True}
# Pages of these prefixes are HTML even under an API prefix
HTML_PREFIXES = {'portal'}

MESSAGES = {
    400: "Requête incorrecte.",
    401: "Clé d'API ou session manquante ou invalide (en-tête "
    "« Authorization: bearer <clé> »).",
    403: "Vous n'êtes pas autorisé à effectuer cette opération.",
    404: "Ressource ou enregistrement introuvable.",
    405: "Méthode HTTP non permise pour cette ressource.",
    406: "Format de réponse demandé (en-tête « Accept ») non disponible.",
    408: "La requête a pris trop de temps.",
    409: "Conflit avec l'état de la ressource.",
    411: "En-tête « Content-Length » requis.",
    413: "Requête trop volumineuse.",
    414: "Adresse trop longue.",
    415: "Type de contenu non pris en charge.",
    416: "Plage demandée (en-tête « Range ») invalide.",
    422: "Requête invalide.",
    429: "Trop de requêtes : réessayez dans un instant.",
    431: "En-têtes de la requête trop volumineux.",
    500: "Erreur interne du serveur. Elle est enregistrée : donnez la "
    "référence {request_id} si vous la signalez.",
    501: "Opération non prise en charge.",
    502: "Service indisponible, réessayez dans un instant.",
    503: "Le serveur est momentanément occupé : réessayez dans un instant "
    "(référence {request_id}).",
    504: "Le serveur a mis trop de temps à répondre (référence "
    "{request_id}).",
    }
# What an administrator must fix, not a lock to wait for
STORAGE_MESSAGES = {
    ('database', 'readonly'): "La base de données est en lecture seule : "
    "aucune modification n'est possible. Contactez l'administrateur du "
    "site (référence {request_id}).",
    ('database', 'full'): "La base de données est pleine (espace disque "
    "épuisé) : aucune modification n'est possible. Contactez "
    "l'administrateur du site (référence {request_id}).",
    ('files', 'readonly'): "Le dossier des pièces jointes est en lecture "
    "seule : aucun fichier ne peut être enregistré. Contactez "
    "l'administrateur du site (référence {request_id}).",
    ('files', 'full'): "Le disque des pièces jointes est plein : aucun "
    "fichier ne peut être enregistré. Contactez l'administrateur du site "
    "(référence {request_id}).",
    }
STORAGE_LOG = {
    ('database', 'readonly'): "Base de données en lecture seule",
    ('database', 'full'): "Base de données pleine (espace disque épuisé)",
    ('files', 'readonly'): "Dossier des pièces jointes en lecture seule",
    ('files', 'full'): "Disque des pièces jointes plein",
    }
FORBIDDEN_ORIGIN = ("Origine « {origin} » non autorisée à appeler cette "
    "adresse depuis un navigateur.")


def request_id(environ):
    "The id of the request, as its answer and the log show it"
    return environ.get(REQUEST_ID, '')


def message(code, environ=None):
    environ = environ or {}
    text = environ.get(FAULT_MESSAGE) if code >= 500 else None
    text = text or MESSAGES.get(code) or MESSAGES[500 if code >= 500 else 400]
    return text.format(request_id=request_id(environ))


def note_user(environ, user_id):
    "Record the user a route identified, for the request's log line"
    if user_id:
        environ[USER_ID] = user_id


def error_body(code, text, field=None, environ=None, **extra):
    "The JSON body of an API error"
    body = {'status': code, 'message': text}
    if field:
        body['field'] = field
    if code >= 500 and environ is not None:
        body['request_id'] = request_id(environ)
    body.update(extra)
    return body


def _kind(path):
    "'api', 'public-api', 'page' or None (desk, RPC, static files)"
    parts = path.split('/', 3)
    if len(parts) < 3:
        return None
    prefix = parts[2]
    if prefix in HTML_PREFIXES:
        return 'page'
    if prefix in API_PREFIXES:
        return 'public-api' if API_PREFIXES[prefix] else 'api'
    return None


def log_fault(environ, exception=None):
    "Log a real fault of the request with its id and its traceback"
    exc_info = None
    if exception is not None:
        exc_info = (type(exception), exception, exception.__traceback__)
    logger.error("Erreur serveur sur %s %s (requête %s)",
        environ.get('REQUEST_METHOD'), environ.get('PATH_INFO'),
        request_id(environ), exc_info=exc_info)
    environ['mons.fault_logged'] = True


def _cause(exception):
    "The error an HTTP 5xx was made from, when there is one"
    original = getattr(exception, 'original_exception', None)
    if isinstance(original, BaseException):
        return original
    description = getattr(exception, 'description', None)
    if isinstance(description, BaseException):
        return description
    return exception.__cause__ or exception.__context__ or exception


# Storage that refuses to write: SQLite result codes, PostgreSQL SQLSTATEs
_SQLITE_READONLY, _SQLITE_FULL = 8, 13
_PG_STATES = {'25006': 'readonly', '53100': 'full'}


def _storage_kind(exception):
    "(where, kind) when this very exception is a refused write, else None"
    if isinstance(exception, sqlite3.Error):
        code = (getattr(exception, 'sqlite_errorcode', None) or 0) & 0xff
        text = str(exception).lower()
        if code == _SQLITE_READONLY or 'readonly database' in text:
            return 'database', 'readonly'
        if code == _SQLITE_FULL or 'database or disk is full' in text:
            return 'database', 'full'
        return None
    sqlstate = getattr(exception, 'sqlstate', None)
    if sqlstate and type(exception).__module__.startswith('psycopg'):
        if sqlstate in _PG_STATES:
            return 'database', _PG_STATES[sqlstate]
        if 'could not extend file' in str(exception):
            return 'database', 'full'
        return None
    if isinstance(exception, OSError):
        # The attachments store (trytond's filestore) on its disk
        if exception.errno == errno.EROFS:
            return 'files', 'readonly'
        if exception.errno in {errno.ENOSPC, errno.EDQUOT}:
            return 'files', 'full'
    return None


class StorageFault(NamedTuple):
    where: str  # 'database' or 'files'
    kind: str  # 'readonly' or 'full'
    error: BaseException


def storage_fault(exception):
    """StorageFault if exception or one it was raised from is a write the
    database or the attachments store refused, read-only or full"""
    pending, seen = [exception], set()
    while pending:
        error = pending.pop()
        if error is None or id(error) in seen or len(seen) > 50:
            continue
        seen.add(id(error))
        if fault := _storage_kind(error):
            return StorageFault(*fault, error)
        pending.extend([error.__cause__, error.__context__,
                getattr(error, 'original_exception', None)])
        if isinstance(getattr(error, 'description', None), BaseException):
            pending.append(error.description)
    return None


def storage_unavailable(environ, fault):
    """Log a refused write at error level with the request id and give the
    message that says what is wrong"""
    where, kind, error = fault
    text = STORAGE_MESSAGES[where, kind]
    environ[FAULT_MESSAGE] = text
    logger.error("%s sur %s %s (requête %s) : %s", STORAGE_LOG[where, kind],
        environ.get('REQUEST_METHOD'), environ.get('PATH_INFO'),
        request_id(environ), error)
    environ['mons.fault_logged'] = True
    return text.format(request_id=request_id(environ))


def _json_rpc(request):
    "Whether request is a JSON-RPC call of the desk"
    from trytond.protocols.jsonrpc import JSONRequest
    if not isinstance(request, JSONRequest):
        return False
    try:
        data = request.parsed_data
    except Exception:
        return False
    return isinstance(data, dict) and set(data) == {'id', 'method', 'params'}


def _storage_answer(request, fault, exception):
    """What an endpoint answers for a refused write: the desk shows a
    Tryton error dialog (it would retry a 503 and hang), the others a 503"""
    from werkzeug.exceptions import ServiceUnavailable

    from trytond.exceptions import UserError
    text = storage_unavailable(request.environ, fault)
    if _json_rpc(request):
        return UserError(text)
    raise ServiceUnavailable(text) from exception


# The user of a REST key, learnt by res.user.application.check in the
# request's thread (user_application.py)
_application = threading.local()


def note_application_user(user_id):
    _application.user_id = user_id


def _note_request_user(request):
    # Only what the request already learnt: never a database call here
    user_id = (request.__dict__.get('user_id')
        or getattr(_application, 'user_id', None))
    _application.user_id = None
    if user_id:
        note_user(request.environ, user_id)


# ---------------------------------------------------------------- endpoints

_endpoint_guards = []


def register_endpoint_guard(guard):
    """guard(endpoint) returns the endpoint to call instead (or the same);
    rest_guard registers the checks of trytond's REST endpoints"""
    _endpoint_guards.append(guard)
    _wrapped.clear()


_wrapped = {}


def _answering(endpoint):
    "endpoint, logging its real faults with the request id"
    target = endpoint
    for guard in _endpoint_guards:
        target = guard(target)

    @functools.wraps(endpoint)
    def wrapper(request, *args, **kwargs):
        _application.user_id = None
        try:
            return target(request, *args, **kwargs)
        except HTTPException as exception:
            # trytond turns some (the desk's login) into a 404
            if fault := storage_fault(exception):
                return _storage_answer(request, fault, exception)
            if ((exception.code or 0) >= 500 and exception.code != 503
                    and not request.environ.get('mons.fault_logged')):
                log_fault(request.environ, _cause(exception))
            raise
        except Exception as exception:
            if fault := storage_fault(exception):
                return _storage_answer(request, fault, exception)
            # Tryton's own exceptions are answers (the desk's password
            # prompt, a user error, a throttled sign-in), not faults
            if (not isinstance(exception, TrytonException)
                    and not request.environ.get('mons.fault_logged')):
                log_fault(request.environ, exception)
            raise
        finally:
            _note_request_user(request)
    wrapper.__wrapped_endpoint__ = endpoint
    return wrapper


def wrapped_endpoint(endpoint):
    try:
        return _wrapped[endpoint]
    except KeyError:
        return _wrapped.setdefault(endpoint, _answering(endpoint))
    except TypeError:  # not hashable
        return _answering(endpoint)


class _Adapter:
    "A werkzeug MapAdapter whose match() gives the wrapped endpoint"

    def __init__(self, adapter):
        self.adapter = adapter

    def __getattr__(self, name):
        return getattr(self.adapter, name)

    def match(self, *args, **kwargs):
        try:
            endpoint, values = self.adapter.match(*args, **kwargs)
        except MethodNotAllowed as exception:
            # trytond answers OPTIONS (CORS preflight) at every path: a
            # path only it knows leads nowhere
            if set(exception.valid_methods or []) <= {'OPTIONS', 'HEAD'}:
                raise NotFound()
            raise
        if isinstance(endpoint, Rule):
            return endpoint, values
        return wrapped_endpoint(endpoint), values


class ErrorMap(Map):
    def bind_to_environ(self, *args, **kwargs):
        return _Adapter(super().bind_to_environ(*args, **kwargs))

    def bind(self, *args, **kwargs):
        return _Adapter(super().bind(*args, **kwargs))


def _copy_map(old):
    return ErrorMap([rule.empty() for rule in old.iter_rules()],
        default_subdomain=old.default_subdomain,
        strict_slashes=old.strict_slashes,
        merge_slashes=old.merge_slashes,
        redirect_defaults=old.redirect_defaults,
        converters=old.converters,
        sort_parameters=old.sort_parameters,
        sort_key=old.sort_key,
        host_matching=old.host_matching)


# ---------------------------------------------------------------- answers

_PAGE = """<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto;">
<h1>{title}</h1>
<p>{message}</p>
</body>
</html>
"""
_TITLES = {400: "Requête incorrecte", 401: "Connexion requise",
    403: "Accès refusé", 404: "Page introuvable",
    405: "Méthode non permise", 413: "Envoi trop volumineux",
    429: "Trop de requêtes"}


def _json_answer(environ, code, text, field=None, headers=()):
    body = json.dumps(error_body(code, text, field, environ),
        ensure_ascii=False).encode('utf-8')
    return body, [('Content-Type', 'application/json; charset=utf-8'),
        *headers]


def _html_answer(environ, code, text, headers=()):
    title = _TITLES.get(code) or (
        "Erreur du serveur" if code >= 500 else "Erreur")
    body = _PAGE.format(title=html.escape(title),
        message=html.escape(text)).encode('utf-8')
    return body, [('Content-Type', 'text/html; charset=utf-8'), *headers]


_KEPT_HEADERS = {'allow', 'retry-after', 'www-authenticate',
    'access-control-allow-origin', 'vary', 'content-range'}


def _status_line(code):
    from http import HTTPStatus
    try:
        return f'{code} {HTTPStatus(code).phrase}'
    except ValueError:
        return f'{code} Error'


def _is_werkzeug_page(body):
    # werkzeug's default error pages, the only English HTML we answer
    return body.lstrip().startswith(b'<!doctype html>\n<html lang=en>')


def log_request(environ, status, duration):
    "The one log line of a request, with the id its answer carries"
    code = int(str(status).split(' ', 1)[0] or 500)
    path = environ.get('PATH_INFO', '')
    request_logger.log(logging.WARNING if code >= 500 else logging.INFO,
        "%s %s %s %.0f ms id=%s user=%s",
        environ.get('REQUEST_METHOD'), path, code, duration * 1000,
        request_id(environ), environ.get(USER_ID) or '-')


class ErrorAnswers:
    "WSGI middleware: request ids, French error answers, faults logged"

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        incoming = environ.get('HTTP_X_REQUEST_ID', '')
        environ[REQUEST_ID] = (incoming if _REQUEST_ID_RE.match(incoming)
            else uuid.uuid4().hex[:16])
        started = time.monotonic()
        status = []

        def answering(line, headers, exc_info=None):
            status[:] = [line]
            return start_response(line, headers, exc_info)
        try:
            return self._answer(environ, answering)
        finally:
            log_request(environ, status[0] if status else '500',
                time.monotonic() - started)

    def _answer(self, environ, start_response):
        path = environ.get('PATH_INFO', '')
        kind = _kind(path)
        origin = environ.get('HTTP_ORIGIN')
        if kind == 'public-api' and origin:
            if (environ.get('REQUEST_METHOD') == 'OPTIONS'
                    and environ.get('HTTP_ACCESS_CONTROL_REQUEST_METHOD')):
                return self._preflight(environ, start_response)
            # Anyone may reuse open data from a browser: the route sends
            # "Access-Control-Allow-Origin: *" and trytond need not check
            del environ['HTTP_ORIGIN']
        captured = {}

        def capture(status, headers, exc_info=None):
            captured['status'] = status
            captured['headers'] = headers
            return lambda data: captured.setdefault('written', []).append(
                data)
        try:
            result = self.application(environ, capture)
        except HTTPException as exception:
            # trytond aborts outside its dispatch (CORS) and the server
            # would turn it into a 500
            text = (FORBIDDEN_ORIGIN.format(origin=origin)
                if exception.code == 403 and origin else None)
            return self._error(environ, start_response, kind,
                exception.code or 500, text,
                headers=exception.get_headers(environ))
        except Exception as exception:
            if fault := storage_fault(exception):
                storage_unavailable(environ, fault)
                return self._error(environ, start_response, kind, 503)
            log_fault(environ, exception)
            return self._error(environ, start_response, kind, 500)
        code = int(captured['status'].split(' ', 1)[0])
        headers = list(captured['headers'])
        content_type = next((v for k, v in headers
                if k.lower() == 'content-type'), '')
        replace = False
        if code >= 400 and kind in {'api', 'public-api'}:
            replace = code >= 500 or 'json' not in content_type
        elif code >= 400 and 'html' in content_type:
            # the portal's own pages stay; werkzeug's English ones go
            body = b''.join(result)
            if hasattr(result, 'close'):
                result.close()
            result = [body]
            replace = _is_werkzeug_page(body)
        if not replace:
            start_response(captured['status'],
                headers + [('X-Request-Id', request_id(environ))])
            if captured.get('written'):
                return [*captured['written'], *result]
            return result
        if hasattr(result, 'close'):
            result.close()
        if code >= 500 and code != 503 and not environ.get(
                'mons.fault_logged'):
            log_fault(environ)
        return self._error(environ, start_response, kind, code,
            headers=headers)

    def _error(self, environ, start_response, kind, code, text=None,
            headers=()):
        text = text or message(code, environ)
        kept = [(k, v) for k, v in headers if k.lower() in _KEPT_HEADERS]
        if kind in {'api', 'public-api'}:
            body, headers = _json_answer(environ, code, text, headers=kept)
        else:
            body, headers = _html_answer(environ, code, text, headers=kept)
        start_response(_status_line(code), headers + [
                ('Content-Length', str(len(body))),
                ('X-Request-Id', request_id(environ))])
        return [body]

    def _preflight(self, environ, start_response):
        start_response('204 No Content', [
                ('Access-Control-Allow-Origin', '*'),
                ('Access-Control-Allow-Methods', 'GET, POST, OPTIONS'),
                ('Access-Control-Allow-Headers',
                    'Authorization, Content-Type, Accept-Language'),
                ('Access-Control-Max-Age', '3600'),
                ('X-Request-Id', request_id(environ))])
        return [b'']


def install():
    "Put the error answers in front of trytond's application (once)"
    if not isinstance(app.url_map, ErrorMap):
        app.url_map = _copy_map(app.url_map)
    if not isinstance(app.wsgi_app, ErrorAnswers):
        app.wsgi_app = ErrorAnswers(app.wsgi_app)
