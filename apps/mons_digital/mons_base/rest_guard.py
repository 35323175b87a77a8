# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Guard of Tryton's REST endpoints.

Malformed query parameters (``d``, ``o``, ``s``, ``p``, ``f``), headers
(``Range``, ``Accept-Language``, ``X-Tryton-Context``), bodies
(rest_values) and unknown models answer a JSON 4xx naming the parameter
or field instead of the 500 Tryton would give; searches are capped
(``MAX_LIMIT``, ``MAX_OFFSET``); an error trytond hides as "Unable to get
RPC method" gets its real answer. errors.py calls ``guard_rest`` on every
trytond REST endpoint it dispatches.
"""
import decimal
import functools
import inspect
import json
import logging
import re
import time
from base64 import urlsafe_b64decode, urlsafe_b64encode

from werkzeug.exceptions import (
    BadRequest, HTTPException, InternalServerError, MethodNotAllowed,
    NotFound, ServiceUnavailable)

from trytond import backend
from trytond.model import ModelSQL, ModelStorage
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access
from trytond.protocols.jsonrpc import JSONDecoder, JSONEncoder
from trytond.protocols.wrappers import (
    JSONBadRequest, parse_authorization_header)

from . import errors
from .caller import public_context
from .rest_values import check_body

logger = logging.getLogger(__name__)

def printable_report_names(pool):
    """Reports a record prints (its model's Print menu, keyword form_print);
    the others need a wizard's data or are e-mail templates. Call inside a
    transaction."""
    Keyword = pool.get('ir.action.keyword')
    Report = pool.get('ir.action.report')
    with without_check_access():
        actions = {k.action.id for k in Keyword.search(
                [('keyword', '=', 'form_print')])}
        return {r.report_name for r in Report.search(
                [('action', 'in', list(actions))])}


_printable = {}
_PRINTABLE_TTL = 60


def _printable_reports(database_name):
    cached = _printable.get(database_name)
    if cached and time.monotonic() - cached[0] < _PRINTABLE_TTL:
        return cached[1]
    with Transaction(new=True).start(database_name, 0, readonly=True):
        names = printable_report_names(Pool(database_name))
    _printable[database_name] = (time.monotonic(), names)
    return names


# A search answers at most MAX_LIMIT records (also without ``s``) and
# skips at most MAX_OFFSET: past them, page with a domain on the id
MAX_LIMIT = 10000
MAX_OFFSET = 1000000


def _decode_b64_json(value, key):
    try:
        data = json.loads(
            urlsafe_b64decode(value).decode(),
            object_hook=JSONDecoder())
    except Exception:
        # the decoder's hook raises anything on a malformed tagged value
        raise JSONError(400, f"« {key} » doit être du JSON encodé en "
            "base64 URL-safe.", field=key)
    return data


def _decode_json_arg(request, key):
    data = _decode_b64_json(request.args[key], key)
    if not isinstance(data, list):
        raise JSONError(400, f"Le paramètre « {key} » doit être une liste "
            "JSON.", field=key)
    return data


def _check_languages(header):
    "Accept-Language as trytond's REST parses it: language[;q=number]"
    for item in header.split(','):
        language, _, quality = item.partition(';')
        if not language.strip():
            return False
        if quality:
            name, _, value = quality.partition('=')
            try:
                if name.strip() != 'q' or not 0 <= float(value) <= 1:
                    return False
            except ValueError:
                return False
    return True


def _range(header):
    """Range: records=<start>-[<end>] as (start, end or None), capped like
    s and p; trytond would answer every record to any other form"""
    unit, sep, value = header.partition('=')
    start, dash, end = value.partition('-')
    try:
        if unit.strip() != 'records' or not sep or not dash:
            raise ValueError
        start = int(start)
        end = int(end) if end.strip() else None
    except ValueError:
        raise JSONError(400, "En-tête « Range » invalide : attendu "
            "« records=<début>-<fin> ».", field='Range')
    if not 0 <= start <= MAX_OFFSET or (end is not None and (
                end < start or end - start > MAX_LIMIT)):
        raise JSONError(400, f"En-tête « Range » hors limites : au plus "
            f"{MAX_LIMIT} enregistrements à partir d'au plus {MAX_OFFSET}.",
            field='Range')
    return start, end


def _check_search(request):
    "s, p and Range within the caps; a search without s gets MAX_LIMIT"
    for key, maximum in (('s', MAX_LIMIT), ('p', MAX_OFFSET)):
        if key in request.args:
            try:
                value = int(request.args[key])
            except ValueError:
                value = None
            if value is None or not 0 <= value <= maximum:
                raise JSONError(400, f"Le paramètre « {key} » doit être un "
                    f"entier entre 0 et {maximum}.", field=key)
    if 'Range' in request.headers:
        start, end = _range(request.headers['Range'])
        if end is None:
            request.environ['HTTP_RANGE'] = (
                f'records={start}-{start + MAX_LIMIT}')
    elif 's' not in request.args:
        args = request.args.copy()
        args['s'] = str(MAX_LIMIT)
        request.args = args


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
        raise JSONError(400, "« X-Tryton-Context » doit être un objet "
            "JSON.", field='X-Tryton-Context')
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
    languages = request.headers.get('Accept-Language')
    if languages is not None and not _check_languages(languages):
        raise JSONError(400, "En-tête « Accept-Language » invalide : "
            "attendu par exemple « fr, en;q=0.5 ».", field='Accept-Language')
    if kwargs.get('id') is not None and kwargs['id'] > _MAX_ID:
        raise NotFound()
    if '/rest/model/' in request.path:
        if request.method == 'GET' and kwargs.get('id') is None:
            _check_search(request)
        if 'd' in request.args:
            domain = _decode_json_arg(request, 'd')
            if Model is not None and not _check_domain(Model, domain):
                raise JSONError(400, "Domaine de recherche (d) invalide.",
                    field='d')
        if 'o' in request.args:
            order = _decode_json_arg(request, 'o')
            if Model is not None and not _check_order(Model, order):
                raise JSONError(400, "Ordre de tri (o) invalide.",
                    field='o')
        if Model is not None and request.method == 'POST' and kwargs.get(
                'action'):
            _check_arguments(request, Model, kwargs)
        elif Model is not None and request.method in {'POST', 'PUT'}:
            check_body(request, pool, Model)
        if Model is not None:
            for path in request.args.getlist('f'):
                if path.split('.', 1)[0] not in Model._fields:
                    raise JSONError(400, f"Champ inconnu « {path} ».",
                        field='f')


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
        data = json.loads(request.get_data(), object_hook=JSONDecoder()) \
            if request.get_data() else {}
    except Exception:
        raise JSONError(400, "Le corps de la requête doit être du JSON.")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise JSONError(400, "Le corps de la requête doit être un objet "
            "JSON des arguments de la méthode.")
    if data and 'json' not in request.environ.get('CONTENT_TYPE', ''):
        raise JSONError(415, "Le corps de la requête doit être du JSON "
            "(en-tête « Content-Type: application/json »).")
    method = getattr(Model, action)
    try:
        signature = inspect.signature(method)
    except (TypeError, ValueError):
        return
    parameters = list(signature.parameters.values())
    if parameters and parameters[0].name in {'cls', 'self'}:
        # A decorated classmethod shows the function it wraps
        signature = signature.replace(parameters=parameters[1:])
    if kwargs.get('id') is not None:
        args = (None,)  # the record, or the list of records
    else:
        args = ()
    try:
        signature.bind(*args, **data)
    except TypeError:
        expected = [p for p in signature.parameters][len(args):]
        unexpected = [k for k in data if k not in expected]
        raise JSONError(400,
            f"Arguments invalides pour « {action} » : "
            f"attendus {', '.join(expected) or 'aucun'}, "
            f"reçus {', '.join(data) or 'aucun'}.",
            field=(unexpected or [None])[0])


def _guard(func):
    "Answer 400/404 on input that Tryton's REST would turn into a 500"
    @functools.wraps(func)
    def wrapper(request, database_name, *args, **kwargs):
        try:
            try:
                _check(request, database_name, kwargs)
            except JSONError as exception:
                if (exception.code in {400, 405, 415}
                        and not _authenticated(request, database_name)):
                    # Who may not call learns nothing about the input
                    raise JSONError(401, errors.message(401))
                raise
            return func(request, database_name, *args, **kwargs)
        except BadRequest as exception:
            raise (_hidden_error(exception, request, kwargs)
                or _refusal(exception, database_name, kwargs)
                or _as_json(exception))
        except HTTPException as exception:
            if (exception.code or 0) >= 500:
                raise (_fault(request, kwargs, errors._cause(exception))
                    or exception)
            raise _as_json(exception)
    wrapper.__guarded__ = True
    return wrapper


def _authenticated(request, database_name):
    "Whether the request carries a valid REST key (checked as trytond does)"
    authorization = request.authorization
    if authorization is None:
        authorization = parse_authorization_header(
            request.headers.get('Authorization'))
    if authorization is None:
        return False
    if authorization.type == 'bearer':
        token = getattr(authorization, 'token', '')
    elif authorization.type == 'basic':
        token = authorization.get('password')
    else:
        return False
    if not token or database_name not in Pool.database_list():
        return False
    with Transaction(new=True).start(database_name, 0, readonly=True):
        Application = Pool(database_name).get('res.user.application')
        return bool(Application.check(token, 'rest'))


class JSONForbidden(JSONBadRequest):
    code = 403


def _refusal(exception, database_name=None, kwargs=None):
    """A refusal of the access rights answers 403, not trytond's 400

    trytond turns every UserError of a REST call into a 400, the
    AccessError of model access, field access and record rules included;
    a client must tell "you may not" from "your input is wrong"."""
    if (isinstance(exception, JSONBadRequest)
            and isinstance(exception.__context__,
                (AccessError, AccessButtonError))):
        context = exception.__context__
        if (isinstance(context, AccessButtonError) and kwargs
                and kwargs.get('action')):
            # Whether its groups or the record's state refuse it, the
            # button is named as the desk shows it
            action = kwargs['action']
            label = _button_label(database_name, kwargs.get('name'), action)
            # French quotes hold the name with (non-breaking) spaces
            technical = re.compile(r'«\s*' + re.escape(action) + r'\s*»')
            if label and technical.search(context.message):
                return JSONError(403, technical.sub(
                        lambda _: f'«\xa0{label}\xa0» ({action})',
                        context.message, count=1))
        return JSONForbidden(context)
    return None


def _button_label(database_name, model, name):
    """The French label of a model's button, as the desk shows it (trytond
    names the button by its method in the refusal)"""
    try:
        with Transaction().start(database_name, 0, readonly=True,
                context={'language': 'fr'}):
            Button = Pool(database_name).get('ir.model.button')
            buttons = Button.search([
                    ('model', '=', model),
                    ('name', '=', name),
                    ], limit=1)
            return buttons[0].string if buttons else None
    except Exception:
        logger.warning("label of button %s.%s", model, name, exc_info=True)
        return None


class JSONError(HTTPException):
    "An HTTP error answered as JSON {status, message, field, description}"

    def __init__(self, code, message, description=None, headers=None,
            field=None):
        super().__init__()
        self.code = code
        self.message = message
        self.field = field
        self.description = description or message
        self._headers = headers or []

    def get_body(self, environ=None, scope=None):
        return json.dumps(errors.error_body(self.code, self.message,
                self.field, description=self.description),
            ensure_ascii=False)

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
        message = errors.message(exception.code)
    headers = [(k, v) for k, v in exception.get_headers()
        if k.lower() not in {'content-type', 'content-length'}]
    return JSONError(exception.code, message, headers=headers)


# Raised by a method given arguments of the wrong type or shape: the
# client's input, not the server, is wrong
_ARGUMENT_ERRORS = (TypeError, ValueError, KeyError, IndexError,
    AttributeError)


def _fault(request, kwargs, error):
    "400 for a method's arguments of the wrong kind, else None (a fault)"
    if '/rest/report/' in request.path:
        if isinstance(error, AssertionError):
            # Report.execute asserts that the caller sees the report's
            # action, which the action's groups may hide
            return JSONError(403, "Vous n'êtes pas autorisé à imprimer ce "
                "document.")
        if isinstance(error, ImportError):
            logger.warning("report %s: %s", kwargs.get('name'), error)
            return JSONError(404, "Ce document n'est pas disponible sur ce "
                "serveur (un composant manque).")
    if (kwargs.get('name') and not kwargs.get('action')
            and request.method in {'POST', 'PUT'}
            and isinstance(error, (OverflowError, ZeroDivisionError,
                    decimal.InvalidOperation))):
        # The body passed rest_values: a number the model's computations
        # cannot use (1e-308 as a rounding, 1e300 as a quantity)
        logger.warning("REST %s: value refused (%s: %s)",
            kwargs.get('name'), type(error).__name__, error)
        return JSONError(400, "Une valeur numérique est hors des limites "
            "que le serveur peut calculer.")
    if (kwargs.get('action') and isinstance(error, _ARGUMENT_ERRORS)
            and request.get_data()):
        logger.warning("REST %s: arguments refused (%s: %s)",
            kwargs['action'], type(error).__name__, error)
        return JSONError(400, f"Arguments invalides pour "
            f"« {kwargs['action']} » : {type(error).__name__}.")
    return None


def _hidden_error(exception, request=None, kwargs=None):
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
    if request is not None and (
            rejected := _fault(request, kwargs or {}, chain[1])):
        return rejected
    if request is not None:
        errors.log_fault(request.environ, chain[1])
    else:
        logger.error("REST call failed", exc_info=chain[1])
    return InternalServerError()


def guard_rest(endpoint):
    "The checked version of a trytond REST endpoint (errors.py calls it)"
    if (getattr(endpoint, '__module__', '') == 'trytond.protocols.rest'
            and not getattr(endpoint, '__guarded__', False)):
        return _guard(endpoint)
    return endpoint


errors.register_endpoint_guard(guard_rest)
