# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Files of the portal: each module's static/ folder and the whitelisted
npm packages (vendor), served with cache headers."""
import functools
import hashlib
import importlib.util
import json
import mimetypes
import os
import posixpath
import re

from werkzeug.exceptions import NotFound
from werkzeug.utils import send_from_directory

from trytond.config import config
from trytond.wsgi import app

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


def _file_version(path):
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return hashlib.sha1(
        f'{stat.st_mtime_ns}:{stat.st_size}'.encode()).hexdigest()[:10]


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
