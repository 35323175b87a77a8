# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""OpenAPI 3.1 description of Tryton's REST API for the suite's models.

``GET /<database_name>/rest/openapi.json`` is public (no key needed): it
only describes the API; every call it describes needs the bearer key of a
validated ``res.user.application`` of application ``rest``, and access
rights still apply. ``Accept-Language: fr`` gives French descriptions.

Covered models: every model registered (defined or extended) by an
activated module named ``mons_*`` plus the models their relation fields
point to.
"""
import json
import logging
import threading

from trytond.model import ModelStorage
from trytond.pool import Pool
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.tools import resolve
from trytond.wsgi import app

from .municipality import identity
from .openapi_paths import _common_parameters, _model_paths
from .openapi_schemas import COMMON_SCHEMAS, _model_schemas
from .rest_guard import printable_report_names

__all__ = ['build_openapi', 'openapi_models']

logger = logging.getLogger(__name__)

OPENAPI_VERSION = '3.1.0'
_cache = {}
_cache_lock = threading.Lock()


def _schema_name(model, suffix=''):
    return model + suffix


# ---------------------------------------------------------------- models

def _activated_modules(pool):
    Module = pool.get('ir.module')
    return sorted(m.name for m in Module.search(
            [('state', '=', 'activated')]))


def openapi_models(pool, modules):
    "Names of the models to describe, sorted"
    base = set()
    for module in modules:
        if not module.startswith('mons_'):
            continue
        for cls in Pool.classes['model'].get(module, {}):
            if isinstance(cls, str):
                # Tryton 8 registers 'file.Class' from tryton.cfg lazily
                cls = resolve(f'trytond.modules.{module}.{cls}')
            base.add(cls.__name__)
    names = set()
    for name in base:
        try:
            Model = pool.get(name)
        except KeyError:
            continue
        if not issubclass(Model, ModelStorage):
            continue
        names.add(name)
        for field in Model._fields.values():
            target = getattr(field, 'model_name', None)
            if target:
                names.add(target)
    result = []
    for name in names:
        try:
            Model = pool.get(name)
        except KeyError:
            continue
        if issubclass(Model, ModelStorage):
            result.append(name)
    return sorted(result)



def build_openapi(pool, modules=None, server_url=None):
    "Build the OpenAPI document; call inside a transaction"
    Report = pool.get('ir.action.report')
    if modules is None:
        modules = _activated_modules(pool)
    models = openapi_models(pool, modules)
    reports = {}
    printable = printable_report_names(pool)
    for report in Report.search([
                ('model', 'in', models),
                ('report_name', 'in', list(printable)),
                ],
            order=[('report_name', 'ASC'), ('id', 'ASC')]):
        entries = reports.setdefault(report.model, [])
        if report.report_name not in {r for r, _ in entries}:
            entries.append((report.report_name, report.name))
    schemas = dict(COMMON_SCHEMAS)
    paths = {}
    tags = []
    for name in models:
        Model = pool.get(name)
        read, create, update, definitions = _model_schemas(Model)
        schemas[_schema_name(name)] = read
        schemas[_schema_name(name, '.create')] = create
        schemas[_schema_name(name, '.update')] = update
        paths.update(_model_paths(Model, definitions, reports.get(name, [])))
        doc = (Model.__doc__ or name).strip().splitlines()[0]
        tags.append({'name': name, 'description': doc})
    mons = ', '.join(m for m in modules if m.startswith('mons_'))
    return {
        'openapi': OPENAPI_VERSION,
        'info': {
            'title': ' — '.join(filter(None, ["REST API",
                        identity()['authority']])),
            'version': '8.0',
            'description': (
                "Tryton's REST API for the models of the modules "
                f"{mons} and the Tryton models they use. Every call needs "
                "`Authorization: bearer <key>` (a validated user "
                "application `rest`); the user's access rights apply. "
                "Dates, decimals and binaries use Tryton's JSON encoding "
                "(objects with a `__class__` key). Every error is answered "
                "as JSON `{\"status\", \"message\", \"field\"?}` "
                "(schema `Error`): `message` in French, `field` naming the "
                "field, parameter or header refused; a server fault (5xx) "
                "also gives `request_id`, the reference of its log entry "
                "(also in the `X-Request-Id` header of every answer)."),
            },
        'servers': [{'url': server_url or '/'}],
        'tags': tags,
        'paths': paths,
        'components': {
            'schemas': schemas,
            'parameters': _common_parameters(),
            'securitySchemes': {
                'bearerAuth': {
                    'type': 'http', 'scheme': 'bearer',
                    'description': "Key of a validated res.user.application "
                    "for application 'rest' (`mons key <login>`).",
                    },
                },
            },
        'security': [{'bearerAuth': []}],
        }


def get_openapi(pool, server_url, language):
    "The document for the current transaction, cached per module set"
    modules = _activated_modules(pool)
    key = (pool.database_name, tuple(modules), server_url, language)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is None:
        cached = json.dumps(build_openapi(pool, modules, server_url))
        with _cache_lock:
            for old in [k for k in _cache if k[0] == pool.database_name
                    and k[1] != key[1]]:
                del _cache[old]
            _cache[key] = cached
    return cached


def _language(request):
    header = request.headers.get('Accept-Language', '')
    best = header.split(',')[0].split(';')[0].strip()
    return best.replace('-', '_') or 'en'


@app.route('/<database_name>/rest/openapi.json', methods={'GET'})
@with_pool
def openapi_json(request, pool):
    language = _language(request)

    @with_transaction(readonly=True, context={'language': language})
    def build(request, pool):
        server = f'{request.script_root}/{pool.database_name}/rest'
        return get_openapi(pool, server, language)
    response = Response(build(request, pool),
        content_type='application/json')
    response.headers['Cache-Control'] = 'public, max-age=300'
    response.headers['Content-Language'] = language.replace('_', '-')
    return response
