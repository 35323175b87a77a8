# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""URLs of portal pages and files, redirects that stay on the portal."""
import os

from werkzeug.utils import redirect as _redirect

from trytond.protocols.wrappers import HTTPStatus, Response

from .portal_files import _file_version, _module_dir, node_modules

def _database(request):
    return (request.view_args or {}).get('database_name') or ''


def portal_url(request, path=''):
    "URL of a portal page; path is relative to /<db>/portal/"
    if path.startswith(('http://', 'https://', '/')):
        return path
    return f'{request.script_root}/{_database(request)}/portal/{path}'


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


def _cookie_path(request):
    return f'{request.script_root}/{_database(request)}/portal'
