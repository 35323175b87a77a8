# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Guard of Tryton's REST endpoints.

Malformed query parameters (``d``, ``o``, ``s``, ``p``, ``f``), headers and
unknown models answer 400/404 instead of the 500 Tryton would give, and an
error trytond hides as "Unable to get RPC method" gets its real answer.
"""
import binascii
import functools
import inspect
import json
import logging
from base64 import urlsafe_b64decode, urlsafe_b64encode

from werkzeug.exceptions import (
    BadRequest, HTTPException, InternalServerError, MethodNotAllowed,
    NotFound, ServiceUnavailable)

from trytond import backend
from trytond.model import ModelSQL, ModelStorage
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.protocols.jsonrpc import JSONDecoder, JSONEncoder
from trytond.protocols.wrappers import JSONBadRequest
from trytond.wsgi import app

from .caller import public_context

logger = logging.getLogger(__name__)

def _decode_b64_json(value, key):
    try:
        data = json.loads(
            urlsafe_b64decode(value).decode(),
            object_hook=JSONDecoder())
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadRequest(f"« {key} » doit être du JSON encodé en base64 "
            "URL-safe.")
    return data


def _decode_json_arg(request, key):
    data = _decode_b64_json(request.args[key], key)
    if not isinstance(data, list):
        raise BadRequest(f"Le paramètre « {key} » doit être une liste JSON.")
    return data


_OPERATORS = {
    '=', '!=', '<', '<=', '>', '>=', 'like', 'ilike', 'not like',
    'not ilike', 'in', 'not in', 'child_of', 'not child_of', 'parent_of',
    'not parent_of', 'where', 'not where'}


def _check_domain(Model, domain):
    "Reject domains Tryton would choke on with a 500"
    if not isinstance(domain, list):
        return False
    for i, clause in enumerate(domain):
        if isinstance(clause, str):
            if clause not in {'AND', 'OR'} or i:
                return False
        elif (isinstance(clause, list) and len(clause) in {3, 4}
                and isinstance(clause[0], str)
                and isinstance(clause[1], str)):
            field = clause[0].split('.', 1)[0]
            if field not in Model._fields and field != 'rec_name':
                return False
            if clause[1] not in _OPERATORS:
                return False
            if len(clause) == 4 and not isinstance(clause[3], str):
                return False
        elif isinstance(clause, list):
            if not _check_domain(Model, clause):
                return False
        else:
            return False
    return True


def _check_order(Model, order):
    for item in order:
        if (not isinstance(item, list) or len(item) not in {1, 2}
                or not isinstance(item[0], str)
                or item[0].split('.', 1)[0] not in Model._fields):
            return False
        if len(item) == 2 and not (
                isinstance(item[1], str) and item[1].upper() in {
                    'ASC', 'DESC', 'ASC NULLS FIRST', 'ASC NULLS LAST',
                    'DESC NULLS FIRST', 'DESC NULLS LAST', ''}):
            return False
    return True


def _restrict_context(request, context):
    """Keep only the context keys the desk's RPC would accept

    trytond's REST passes X-Tryton-Context as it is, while its RPC drops
    every private key: those switch off checks meant for server code
    (registration, inbound mail, companies…)."""
    if not isinstance(context, dict):
        raise BadRequest("« X-Tryton-Context » doit être un objet JSON.")
    allowed = public_context(context)
    if len(allowed) != len(context):
        request.environ['HTTP_X_TRYTON_CONTEXT'] = urlsafe_b64encode(
            json.dumps(allowed, cls=JSONEncoder).encode()).decode()


# Larger numbers overflow the database integers
_MAX_ID = 2 ** 63 - 1


def _check(request, database_name, kwargs):
    "Raise 400/404 on what Tryton would turn into a 500"
    name = kwargs.get('name')
    Model = None
    if database_name in Pool.database_list() and name is not None:
        pool = Pool(database_name)
        try:
            Model = pool.get(name, type=(
                    'report' if '/rest/report/' in request.path
                    else 'model'))
        except KeyError:
            raise NotFound()
        if ('/rest/model/' in request.path
                and not issubclass(Model, ModelStorage)):
            raise NotFound()
    if (Model is not None and '/rest/model/' in request.path
            and (not kwargs.get('action') or kwargs['action'] == 'copy')
            and request.method in {'POST', 'PUT', 'DELETE'}
            and _read_only(Model, request.method)):
        raise MethodNotAllowed(valid_methods=['GET'],
            description="Ces enregistrements sont calculés ou viennent du "
            "code des modules : ils ne se créent, ne se modifient ni ne se "
            "suppriment.")
    context = request.headers.get('X-Tryton-Context')
    if context is not None:
        _restrict_context(request,
            _decode_b64_json(context, 'X-Tryton-Context'))
    if kwargs.get('id') is not None and kwargs['id'] > _MAX_ID:
        raise NotFound()
    if '/rest/model/' in request.path:
        for key in ('s', 'p'):
            if key in request.args:
                try:
                    if not 0 <= int(request.args[key]) <= _MAX_ID:
                        raise ValueError
                except ValueError:
                    raise BadRequest(f"Le paramètre « {key} » doit être "
                        f"un entier entre 0 et {_MAX_ID}.")
        if 'd' in request.args:
            domain = _decode_json_arg(request, 'd')
            if Model is not None and not _check_domain(Model, domain):
                raise BadRequest("Domaine de recherche (d) invalide.")
        if 'o' in request.args:
            order = _decode_json_arg(request, 'o')
            if Model is not None and not _check_order(Model, order):
                raise BadRequest("Ordre de tri (o) invalide.")
        if Model is not None and request.method == 'POST' and kwargs.get(
                'action'):
            _check_arguments(request, Model, kwargs)
        if Model is not None:
            for path in request.args.getlist('f'):
                if path.split('.', 1)[0] not in Model._fields:
                    raise BadRequest(f"Champ inconnu « {path} ».")


# Registered from the modules' code at activation: a record made by hand
# means nothing to the framework (and trytond fails on an empty one)
_REGISTERED = {'ir.model', 'ir.model.field', 'ir.model.button',
    'ir.model.data'}


def _read_only(Model, method):
    "A SQL view, or a model the modules' code registers"
    if Model.__name__ in _REGISTERED:
        return True
    if not issubclass(Model, ModelSQL):
        return False
    if not callable(getattr(Model, 'table_query', None)):
        return False
    operation = {'POST': 'create', 'PUT': 'write', 'DELETE': 'delete'}[
        method]
    # A view may still implement its own create/write/delete
    return getattr(Model, operation).__func__ is getattr(
        ModelSQL, operation).__func__


def _check_arguments(request, Model, kwargs):
    "A method called with arguments it does not take answers 400, not 500"
    action = kwargs['action']
    if action not in Model.__rpc__:
        return  # trytond answers 403
    try:
        data = request.get_json(force=True, silent=False) \
            if request.get_data() else {}
    except Exception:
        raise BadRequest("Le corps de la requête doit être du JSON.")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadRequest("Le corps de la requête doit être un objet JSON "
            "des arguments de la méthode.")
    method = getattr(Model, action)
    try:
        signature = inspect.signature(method)
    except (TypeError, ValueError):
        return
    if kwargs.get('id') is not None:
        args = (None,)  # the record, or the list of records
    else:
        args = ()
    try:
        signature.bind(*args, **data)
    except TypeError:
        expected = [p for p in signature.parameters][len(args):]
        raise BadRequest(
            f"Arguments invalides pour « {action} » : "
            f"attendus {', '.join(expected) or 'aucun'}, "
            f"reçus {', '.join(data) or 'aucun'}.")


def _guard(func):
    "Answer 400/404 on input that Tryton's REST would turn into a 500"
    @functools.wraps(func)
    def wrapper(request, database_name, *args, **kwargs):
        try:
            _check(request, database_name, kwargs)
            return func(request, database_name, *args, **kwargs)
        except BadRequest as exception:
            raise (_hidden_error(exception) or _refusal(exception)
                or _as_json(exception))
        except HTTPException as exception:
            raise _as_json(exception)
    wrapper.__guarded__ = True
    return wrapper


class JSONForbidden(JSONBadRequest):
    code = 403


def _refusal(exception):
    """A refusal of the access rights answers 403, not trytond's 400

    trytond turns every UserError of a REST call into a 400, the
    AccessError of model access, field access and record rules included;
    a client must tell "you may not" from "your input is wrong"."""
    if (isinstance(exception, JSONBadRequest)
            and isinstance(exception.__context__,
                (AccessError, AccessButtonError))):
        return JSONForbidden(exception.__context__)
    return None


# What a client is told, in French, when trytond or werkzeug said nothing
_MESSAGES = {
    400: "Requête incorrecte.",
    401: "Clé d'API manquante ou invalide (en-tête « Authorization: bearer "
    "<clé> »).",
    403: "Vous n'êtes pas autorisé à effectuer cette opération.",
    404: "Ressource ou enregistrement introuvable.",
    405: "Méthode HTTP non permise pour cette ressource.",
    413: "Requête trop volumineuse.",
    415: "Type de contenu non pris en charge.",
    422: "Requête invalide.",
    429: "Trop de requêtes : réessayez dans un instant.",
    }


class JSONError(HTTPException):
    "An HTTP error answered as JSON {status, message, description}"

    def __init__(self, code, message, description=None, headers=None):
        super().__init__()
        self.code = code
        self.message = message
        self.description = description or message
        self._headers = headers or []

    def get_body(self, environ=None, scope=None):
        return json.dumps({'status': self.code, 'message': self.message,
                'description': self.description}, ensure_ascii=False)

    def get_headers(self, environ=None, scope=None):
        return [('Content-Type', 'application/json; charset=utf-8'),
            *self._headers]


def _as_json(exception):
    "exception as a JSON error with a French message"
    if isinstance(exception, (JSONBadRequest, JSONError)) or (
            exception.code is None or exception.code >= 500):
        return exception
    context = exception.__context__
    if isinstance(context, (AccessError, AccessButtonError)):
        message = context.message
    elif (exception.description
            and exception.description != type(exception).description):
        # Our own (French) description, or one trytond chose
        message = exception.description
    else:
        message = _MESSAGES.get(exception.code, _MESSAGES[400])
    headers = [(k, v) for k, v in exception.get_headers()
        if k.lower() not in {'content-type', 'content-length'}]
    return JSONError(exception.code, message, headers=headers)


def _hidden_error(exception):
    """The answer an error of a REST call should get, when trytond hid it

    trytond's with_pool asks the request for its JSON-RPC method to decide
    how to report an error; on a REST body that lookup fails and every
    error, a lock conflict left after the retries included, becomes a 400
    "Unable to get RPC method"."""
    if exception.description != "Unable to get RPC method":
        return None
    chain = []
    error = exception.__context__
    while error is not None:
        chain.append(error)
        error = error.__context__
    if len(chain) < 2:
        return None
    for error in chain:
        if isinstance(error, backend.DatabaseOperationalError):
            return ServiceUnavailable(
                "Le serveur est momentanément occupé par d'autres "
                "enregistrements : réessayez dans un instant.",
                retry_after=1)
    logger.error("REST call failed", exc_info=chain[1])
    return InternalServerError()


def _install_guard():
    url_map = app.url_map
    guarded = {}
    for rule in url_map.iter_rules():
        endpoint = rule.endpoint
        if (getattr(endpoint, '__module__', '') == 'trytond.protocols.rest'
                and not getattr(endpoint, '__guarded__', False)):
            if endpoint not in guarded:
                guarded[endpoint] = _guard(endpoint)
            rule.endpoint = guarded[endpoint]
    # werkzeug indexes the rules by endpoint (strict slashes redirects)
    by_endpoint = url_map._rules_by_endpoint
    for old, new in guarded.items():
        if old in by_endpoint:
            by_endpoint.setdefault(new, []).extend(by_endpoint.pop(old))


_install_guard()
