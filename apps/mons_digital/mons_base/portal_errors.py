# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""French answers for portal addresses that lead to no page.

Without this, trytond's catch-all ``/<path:path>`` rule (CORS preflight,
OPTIONS only) turns every unknown URL into Werkzeug's English "405 Method
Not Allowed". One rule catches every other path under ``/<db>/portal/``:
it answers 405 with an ``Allow`` header when another portal page exists at
that address for other methods, and the portal's 404 page otherwise.
"""
from werkzeug.exceptions import HTTPException

from trytond.protocols.wrappers import HTTPStatus
from trytond.wsgi import app

from .portal import route
from .portal_render import render

CATCH_ALL = '/<database_name>/portal/<path:path>'
# OPTIONS stays with trytond's CORS preflight rule
METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']


def allowed_methods(request):
    "Methods that another rule answers at the request's path"
    adapter = app.url_map.bind_to_environ(request.environ)
    allowed = set()
    for method in METHODS:
        try:
            rule, _ = adapter.match(method=method, return_rule=True)
        except HTTPException:
            continue
        if rule.rule != CATCH_ALL:
            allowed.add(method)
    return allowed


@route('/<path:path>', methods=METHODS, readonly=True)
def not_found(request, pool, path):
    allowed = allowed_methods(request)
    if allowed:
        return render(request, 'mons_base/method_not_allowed.html',
            status=HTTPStatus.METHOD_NOT_ALLOWED,
            headers={'Allow': ', '.join(sorted(allowed))},
            can_open="GET" in allowed)
    return render(request, 'mons_base/not_found.html',
        status=HTTPStatus.NOT_FOUND)
