# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""The logged-in citizen (web.user) of a portal request."""
import functools
import urllib.parse

from trytond.config import config

from .portal_csrf import _sign, _unsign
from .portal_urls import _cookie_path, redirect

SESSION_COOKIE = 'mons_portal_session'


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
