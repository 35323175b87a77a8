# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Web routes of the maps: how they are registered, know their caller and
answer errors (the routes themselves: routes_ogc.py, routes_download.py,
routes_map.py).

    /<db>/carto/ogc/...                      OGC API Features
    /<db>/carto/download/<code>.geojson|csv  whole layer
    /<db>/carto/map/layers                   layers and styles of the viewer
    /<db>/carto/map/data/<code>              features of a view (bbox, zoom)
    /<db>/carto/map/search?q=                search in the layers

Who is asking is known through mons_base's caller (a REST bearer key, a
desk session, or else the anonymous visitor) and every handler runs as
that user under Tryton's checks: the record rules of carto.layer and
carto.feature decide which layers exist for them (an internal layer is
answered as unknown), never a second copy of the rule here. A layer read
from a model reads it as its responsible user (carto.layer.as_owner).
A key or session that is given but not valid is a 401, never downgraded to
an anonymous visit.
"""
import functools
import json
import logging

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.modules.mons_base.caller import (
    InvalidCredentials, acting_as, identify, session_user)
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app

from . import ogc

logger = logging.getLogger(__name__)

PREFIX = '/<database_name>/carto'


def _json_response(data, status=200, content_type=ogc.JSON, headers=None):
    if not isinstance(data, str):
        data = json.dumps(data, ensure_ascii=False, default=str)
    # The media type exactly as registered: JSON is UTF-8 by definition
    # (RFC 8259) and clients comparing the type read "; charset" as another
    response = Response(data, status=status, content_type=content_type)
    # Public geographic data: any web site may read it from a browser
    # (mons_base.errors answers the preflight)
    response.headers['Access-Control-Allow-Origin'] = '*'
    if headers:
        response.headers.update(headers)
    return response


def _error_response(error):
    return _json_response(error.to_dict(), status=error.status)


def _language(request):
    for language in request.accept_languages.values():
        if language.lower().startswith('en'):
            return 'en'
        if language.lower().startswith('fr'):
            return 'fr'
    return 'fr'


def _unauthorized():
    return ogc.ApiError(401, 'Unauthorized',
        gettext('mons_carto.msg_api_unauthorized'))


def endpoint(path, methods=('GET',)):
    "Register a carto route: run as its caller, errors answered as JSON"
    def decorator(func):
        @functools.wraps(func)
        def inner(request, pool, **kwargs):
            try:
                with Transaction().set_context(
                        language=_language(request)):
                    if request.carto_session is InvalidCredentials:
                        raise _unauthorized()
                    try:
                        caller = identify(
                            request, pool, request.carto_session)
                    except InvalidCredentials:
                        raise _unauthorized()
                    request.carto_caller = caller
                    with acting_as(pool, caller.user_id):
                        return func(request, pool, **kwargs)
            except ogc.ApiError as error:
                return _error_response(error)
            except AccessError as error:
                return _error_response(ogc.ApiError(403, 'Forbidden',
                        error.message))
            except UserError as error:
                return _error_response(ogc.ApiError(400,
                        'InvalidParameterValue', error.message))

        transactional = with_transaction(readonly=True)(inner)

        @functools.wraps(func)
        def outer(request, pool, **kwargs):
            # trytond checks a session in a transaction of its own, so
            # before ours
            try:
                request.carto_session = session_user(request)
            except InvalidCredentials:
                request.carto_session = InvalidCredentials
            return transactional(request, pool, **kwargs)

        app.route(PREFIX + path, methods=list(methods))(with_pool(outer))
        return func
    return decorator


def _base(request):
    database = request.view_args['database_name']
    return '%s%s/carto/ogc' % (request.host_url.rstrip('/') + (
            request.script_root or ''), '/' + database)


def _format(request, allowed=('json', 'html')):
    value = request.args.get('f')
    if value is not None:
        if value not in allowed and not (
                value == 'geojson' and 'json' in allowed):
            raise ogc.bad_request('msg_api_format_unknown', field='f',
                format=value)
        return 'html' if value == 'html' else 'json'
    best = request.accept_mimetypes.best_match(
        [ogc.JSON, ogc.GEOJSON, ogc.HTML], default=ogc.JSON)
    return 'html' if best == ogc.HTML else 'json'


def _html(request, title, template='mons_carto/ogc.html', **context):
    from trytond.modules.mons_base.portal import render
    return render(request, template, title=title, **context)


def _visible(pool, code=None):
    "The layers the caller may see (the record rules decide)"
    Layer = pool.get('carto.layer')
    domain = [] if code is None else [('code', '=', code)]
    return Layer.search(domain)


def _layer(pool, request, code):
    layers = _visible(pool, code)
    if not layers:
        # Internal layers are answered as unknown ones: their existence
        # is not disclosed either
        raise ogc.not_found('msg_api_collection_unknown', collection=code)
    return layers[0]


# --- paths that lead nowhere ---------------------------------------------

_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']


def _nowhere(request, pool, rest):
    """Any other path under the prefix: an OGC exception in JSON (404, or
    405 when the path exists for other methods), never an HTML page"""
    from werkzeug.exceptions import HTTPException
    path = request.path
    allowed = []
    adapter = app.url_map.bind_to_environ(request.environ)
    for method in ['GET', 'POST']:
        if method == request.method:
            continue
        try:
            endpoint, _ = adapter.match(path, method=method)
        except HTTPException:
            continue
        if getattr(endpoint, '__wrapped_endpoint__', endpoint) is not (
                _nowhere_route):
            allowed.append(method)
    with Transaction().set_context(language=_language(request)):
        if allowed:
            allowed += ['HEAD'] if 'GET' in allowed else []
            error = ogc.ApiError(405, 'MethodNotAllowed', gettext(
                    'mons_carto.msg_api_method_not_allowed',
                    method=request.method, path=path,
                    allowed=', '.join(allowed)))
            return _json_response(error.to_dict(), status=405,
                headers={'Allow': ', '.join(allowed)})
        error = ogc.ApiError(404, 'NotFound', gettext(
                'mons_carto.msg_api_path_unknown', path=path))
    return _json_response(error.to_dict(), status=404)


_nowhere_route = with_pool(with_transaction(readonly=True)(_nowhere))
app.route(PREFIX + '/<path:rest>', methods=_METHODS)(_nowhere_route)
