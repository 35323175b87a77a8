# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Security headers on every answer of the site: portal, desk and APIs.

A Content-Security-Policy per kind of page (the portal runs only its own
scripts; the desk, sao, needs its index's inline script, by hash, and
``'unsafe-eval'`` for gettext.js's plural forms), ``nosniff``, a referrer
policy, framing refused (the desk may frame itself), and HSTS on HTTPS
answers (behind the TLS proxy when ``[web] num_proxies`` is set). A header
a route sets itself is kept. trytond's development server no longer names
itself and its Python on every answer (``Server``); in production nginx
answers (``server_tokens off``).

Installed with trytond's public extension point ``app.wsgi_app``.
"""
import base64
import functools
import hashlib
import os
import re

from trytond.config import config
from trytond.wsgi import app

HSTS = 'max-age=31536000; includeSubDomains'

COMMON = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': (
        'camera=(), microphone=(), payment=(), usb=(), geolocation=(self)'),
    }

# The portal's pages: own scripts only; inline styles for map symbols
# coloured per layer; map tiles from the configured (HTTPS) basemap
PORTAL_CSP = '; '.join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        ])

# Data answers (JSON, XML, CSV…): nothing to run or frame; files such as
# PDFs keep the browser's own viewer
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
DATA_TYPES = ('application/json', 'application/geo+json',
    'application/ld+json', 'application/problem+json', 'application/xml',
    'text/plain', 'text/csv', 'text/xml', 'application/rdf+xml',
    'text/turtle')

_INLINE_SCRIPT = re.compile(
    rb'<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>', re.S | re.I)


@functools.lru_cache(maxsize=1)
def desk_csp():
    "The desk's policy, with the hashes of sao's inline scripts"
    hashes = []
    root = config.get('web', 'root', default='')
    try:
        with open(os.path.join(root, 'index.html'), 'rb') as index:
            page = index.read()
    except OSError:
        page = b''
    for script in _INLINE_SCRIPT.findall(page):
        digest = base64.b64encode(hashlib.sha256(script).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return '; '.join([
            "default-src 'self'",
            # gettext.js evaluates the plural forms of sao's translations
            "script-src 'self' 'unsafe-eval' " + ' '.join(hashes),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            # sao previews attached documents (PDF) in an <object>
            "frame-src 'self' blob: data:",
            "object-src 'self' blob: data:",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
            ])


def _is_portal(path):
    parts = path.split('/', 3)
    return len(parts) > 2 and parts[2] == 'portal'


def headers_for(environ, headers):
    "The security headers to add to an answer with these headers"
    names = {name.lower() for name, _ in headers}
    content_type = next((value for name, value in headers
            if name.lower() == 'content-type'), '')
    added = dict(COMMON)
    if content_type.startswith(('text/html', 'application/xhtml')):
        if _is_portal(environ.get('PATH_INFO', '')):
            added['Content-Security-Policy'] = PORTAL_CSP
            added['X-Frame-Options'] = 'DENY'
        else:
            added['Content-Security-Policy'] = desk_csp()
            added['X-Frame-Options'] = 'SAMEORIGIN'
    elif content_type.startswith(DATA_TYPES):
        added['Content-Security-Policy'] = DATA_CSP
    if environ.get('wsgi.url_scheme') == 'https':
        added['Strict-Transport-Security'] = HSTS
    return [(name, value) for name, value in added.items()
        if name.lower() not in names]


class SecurityHeaders:
    "WSGI middleware adding headers_for() to every answer"

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            headers = list(headers) + headers_for(environ, headers)
            return start_response(status, headers, exc_info)
        return self.wsgi_app(environ, start)


def _quiet_development_server():
    "No Server header from trytond's development server (werkzeug)"
    try:
        from werkzeug.serving import WSGIRequestHandler
    except ImportError:  # pragma: no cover
        return

    def send_response(self, code, message=None):
        # http.server's send_response without its Server header
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header('Date', self.date_time_string())
    WSGIRequestHandler.send_response = send_response


def install():
    if not isinstance(app.wsgi_app, SecurityHeaders):
        app.wsgi_app = SecurityHeaders(app.wsgi_app)
    _quiet_development_server()
