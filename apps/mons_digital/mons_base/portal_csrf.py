# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Signed cookies and the CSRF token of portal forms."""
import base64
import functools
import hashlib
import hmac
import os
import secrets

from trytond.config import config
from trytond.protocols.wrappers import HTTPStatus, Response, abort

from .portal_urls import _cookie_path

CSRF_COOKIE = 'mons_csrf'
CSRF_FIELD = 'csrf_token'
CSRF_HEADER = 'X-CSRF-Token'


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
        from .portal_render import render
        response = render(
            request, 'mons_base/csrf_error.html',
            status=HTTPStatus.BAD_REQUEST)
        abort(HTTPStatus.BAD_REQUEST, response=response)


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
