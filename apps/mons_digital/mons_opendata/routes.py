"""Web routes of the open-data APIs, all under /<database_name>/opendata/.

- catalog.ttl / catalog.rdf / catalog.jsonld (?page=): DCAT-AP 3 catalogue
  with Hydra paging (datasets, then the public map layers);
  dataset/<code>.ttl|.rdf|.jsonld per dataset.
- catalog, dataset/<code>, dataset/<code>/distribution/<id>, layer/<code>,
  layer/<code>/distribution/<ogc|geojson>: the URIs of the catalogue,
  answering Turtle, RDF/XML or JSON-LD by content negotiation, and a 303
  to the portal or map page for a browser.
- api/3/action/<action> and api/action/<action>: the CKAN Action API subset
  harvesters and ckanapi use (GET query parameters or POST JSON body).
- api/explore/v2.1/catalog/{datasets[/<id>[/records|/facets|/exports
  [/<format>]]],facets,exports[/<format>]}: Opendatasoft Explore v2.1.
- anything else under opendata/: a JSON 404 (or 405 for a known path).

Every route runs as its caller (mons_base.caller): a REST bearer key or a
desk session acts as that staff user, anyone else as the anonymous
visitor; record rules then decide which datasets it names and serves
(public published ones for the anonymous visitor, the datasets of their
organisations for staff). A wrong key or session answers a JSON 401,
never a downgrade to anonymous.
"""
import functools
import json
from http import HTTPStatus

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.protocols.wrappers import (
    Response, with_pool, with_transaction)
from trytond.wsgi import app

from trytond.modules.mons_base.caller import (
    InvalidCredentials, acting_as, identify, session_user)

from . import (
    api, ckan, dcat, dcat_layers, explore, explore_catalog, usage_count)
from .query import QueryError

PREFIX = '/<database_name>/opendata'
CORS = {'Access-Control-Allow-Origin': '*'}


def json_response(data, status=HTTPStatus.OK):
    return Response(json.dumps(data, default=api.jsonable,
            ensure_ascii=False), status=status,
        content_type='application/json; charset=utf-8', headers=CORS)


def unauthorized():
    return json_response({
            'error_code': 'Unauthorized',
            'message': "Clé d'API ou session invalide.",
            }, HTTPStatus.UNAUTHORIZED)


def opendata_route(path, methods=('GET',)):
    "Register an API route run as its caller, under Tryton's access checks"
    def decorator(func):
        @with_transaction(readonly=True, context={'language': 'fr'})
        def as_caller(request, pool, session_user_id, **kwargs):
            try:
                caller = identify(request, pool, session_user_id)
            except InvalidCredentials:
                return unauthorized()
            try:
                with acting_as(pool, caller.user_id, language='fr'), \
                        usage_count.serving():
                    response = func(request, pool, **kwargs)
                    if response.status_code < 400:
                        usage_count.count(pool)
                    return response
            except AccessError as e:
                return json_response({'error_code': 'Forbidden',
                        'message': e.message}, HTTPStatus.FORBIDDEN)
            except UserError as e:
                return json_response({'error_code': 'BadRequest',
                        'message': e.message}, HTTPStatus.BAD_REQUEST)

        @app.route(PREFIX + path, methods=list(methods) + ['OPTIONS'])
        @with_pool
        @functools.wraps(func)
        def wrapper(request, pool, **kwargs):
            kwargs.pop('database_name', None)
            if request.method == 'OPTIONS':
                return Response('', headers={**CORS,
                        'Access-Control-Allow-Headers':
                        'Authorization, Content-Type'})
            try:
                # a desk session is checked in a transaction of its own
                session_user_id = session_user(request)
            except InvalidCredentials:
                return unauthorized()
            return as_caller(request, pool, session_user_id, **kwargs)
        return wrapper
    return decorator


# -- DCAT-AP
def _rdf(graph_builder, fmt):
    mimetype, _ = dcat.FORMATS[fmt]
    return Response(graph_builder.serialize(fmt), headers=CORS,
        content_type=mimetype + '; charset=utf-8')


@opendata_route('/catalog.<ext>')
def catalog(request, pool, ext):
    return _catalog(request, pool, ext)


def _catalog(request, pool, ext):
    if ext not in dcat.EXTENSIONS:
        return json_response({'message': "Format inconnu"},
            HTTPStatus.NOT_FOUND)
    Company = pool.get('company.company')
    datasets = api.visible_datasets(pool)
    try:
        page = max(1, int(request.args.get('page', 1)))
        size = min(1000, max(1, int(request.args.get('page_size', 100))))
    except ValueError:
        return json_response({'status': 400, 'field': 'page',
                'message': "« page » et « page_size » doivent être des "
                "nombres entiers."}, HTTPStatus.BAD_REQUEST)
    builder = dcat.CatalogBuilder(api.base_url(request))
    companies = Company.search([], order=[('id', 'ASC')], limit=1)
    # the public map layers follow the datasets, on the same pages
    layers = dcat_layers.public_layers(pool)
    items = list(datasets) + list(layers)
    page_items = items[(page - 1) * size:page * size]
    catalog_uri = builder.catalog(
        [i for i in page_items if i in datasets], page=page,
        page_size=size, total=len(items),
        company=companies[0] if companies else None)
    licence = pool.get('opendata.dataset').default_licence()
    for layer in page_items[len([i for i in page_items
                    if i in datasets]):]:
        builder.graph.add((catalog_uri, dcat.DCAT.dataset,
                dcat_layers.add_layer(builder, layer, licence)))
    return _rdf(builder, dcat.EXTENSIONS[ext])


@opendata_route('/dataset/<code>.<ext>')
def dataset_rdf(request, pool, code, ext):
    return _dataset_rdf(request, pool, code, ext)


def _dataset_rdf(request, pool, code, ext):
    if ext not in dcat.EXTENSIONS:
        return json_response({'message': "Format inconnu"},
            HTTPStatus.NOT_FOUND)
    dataset = api.find_dataset(pool, code)
    if not dataset:
        return json_response({'message': "Jeu de données introuvable"},
            HTTPStatus.NOT_FOUND)
    builder = dcat.CatalogBuilder(api.base_url(request))
    builder.dataset(dataset)
    return _rdf(builder, dcat.EXTENSIONS[ext])


# -- resolvable URIs: the catalogue's, a dataset's and a distribution's
# identifiers answer with content negotiation (HTML for browsers)
NEGOTIATED = {'text/turtle': 'ttl', 'application/rdf+xml': 'rdf',
    'application/ld+json': 'jsonld', 'application/n-triples': None,
    'text/html': 'html', 'application/xhtml+xml': 'html'}


def _negotiate(request):
    offered = ['text/turtle', 'text/html', 'application/rdf+xml',
        'application/ld+json', 'application/xhtml+xml']
    best = request.accept_mimetypes.best_match(offered,
        default='text/turtle')
    return NEGOTIATED[best]


def _see_other(location):
    response = Response('', status=HTTPStatus.SEE_OTHER,
        headers={**CORS, 'Location': location, 'Vary': 'Accept'})
    return response


@opendata_route('/catalog')
def catalog_uri(request, pool):
    ext = _negotiate(request)
    if ext == 'html':
        return _see_other(api.base_url(request) + '/portal/donnees')
    response = _catalog(request, pool, ext)
    response.headers['Vary'] = 'Accept'
    return response


@opendata_route('/dataset/<code>')
def dataset_uri(request, pool, code):
    ext = _negotiate(request)
    if ext == 'html':
        if not api.find_dataset(pool, code):
            return json_response({'message': "Jeu de données introuvable"},
                HTTPStatus.NOT_FOUND)
        return _see_other('%s/portal/donnees/%s' % (
                api.base_url(request), code))
    response = _dataset_rdf(request, pool, code, ext)
    response.headers['Vary'] = 'Accept'
    return response


@opendata_route('/dataset/<code>/distribution/<int:distribution_id>')
def distribution_uri(request, pool, code, distribution_id):
    dataset = api.find_dataset(pool, code)
    distributions = [d for d in dataset.distributions
        if d.id == distribution_id] if dataset else []
    if not distributions:
        return json_response({'message': "Distribution introuvable"},
            HTTPStatus.NOT_FOUND)
    ext = _negotiate(request)
    if ext == 'html':
        return _see_other('%s/portal/donnees/%s' % (
                api.base_url(request), code))
    builder = dcat.CatalogBuilder(api.base_url(request))
    builder.distribution(dataset, distributions[0])
    response = _rdf(builder, dcat.EXTENSIONS[ext])
    response.headers['Vary'] = 'Accept'
    return response


@opendata_route('/layer/<code>')
def layer_uri(request, pool, code):
    layer = dcat_layers.find_layer(pool, code)
    if not layer:
        return json_response({'message': "Couche introuvable"},
            HTTPStatus.NOT_FOUND)
    ext = _negotiate(request)
    if ext == 'html':
        return _see_other('%s/ogc/collections/%s?f=html' % (
                dcat_layers.carto_base(api.base_url(request)), code))
    builder = dcat.CatalogBuilder(api.base_url(request))
    dcat_layers.add_layer(builder, layer,
        pool.get('opendata.dataset').default_licence())
    response = _rdf(builder, dcat.EXTENSIONS[ext])
    response.headers['Vary'] = 'Accept'
    return response


@opendata_route('/layer/<code>/distribution/<kind>')
def layer_distribution_uri(request, pool, code, kind):
    layer = dcat_layers.find_layer(pool, code)
    if not layer or kind not in {'ogc', 'geojson'}:
        return json_response({'message': "Distribution introuvable"},
            HTTPStatus.NOT_FOUND)
    ext = _negotiate(request)
    carto = dcat_layers.carto_base(api.base_url(request))
    if ext == 'html':
        return _see_other('%s/ogc/collections/%s?f=html' % (carto, code))
    builder = dcat.CatalogBuilder(api.base_url(request))
    modified = max(d for d in [layer.write_date, layer.create_date] if d)
    dcat_layers.add_distribution(builder, layer, kind,
        pool.get('opendata.dataset').default_licence(), modified)
    response = _rdf(builder, dcat.EXTENSIONS[ext])
    response.headers['Vary'] = 'Accept'
    return response


# -- CKAN
def _ckan(request, pool, action):
    if request.method == 'POST':
        try:
            params = json.loads(request.get_data() or b'{}')
        except ValueError:
            params = None
        if not isinstance(params, dict):
            params = dict(request.form)
    else:
        params = request.args.to_dict()
    help_url = '%s/opendata/api/3/action/help_show?name=%s' % (
        api.base_url(request), action)
    status, body = ckan.dispatch(pool, action, params,
        api.base_url(request))
    body = {'help': help_url, **body}
    return json_response(body, status)


@opendata_route('/api/3/action/<action>', methods=('GET', 'POST'))
def ckan_action3(request, pool, action):
    return _ckan(request, pool, action)


@opendata_route('/api/action/<action>', methods=('GET', 'POST'))
def ckan_action(request, pool, action):
    return _ckan(request, pool, action)


# -- Explore v2.1
EXPLORE = '/api/explore/v2.1/catalog/datasets'


def _explore_error(e, status=HTTPStatus.BAD_REQUEST):
    "Opendatasoft's error_code and the suite's status/message/field"
    body = {
        'error_code': 'ODSQLError' if status == 400 else 'NotFound',
        'status': int(status),
        'message': str(e),
        }
    field = getattr(e, 'field', None)
    if field:
        body['field'] = field
    elif status == 400:
        # Python's own ValueError texts are English and technical
        detail = f" : {e}" if isinstance(e, QueryError) else "."
        body['message'] = "Requête invalide (select, where, group_by ou " \
            "order_by)" + detail
    return json_response(body, status)


@opendata_route(EXPLORE)
def explore_datasets(request, pool):
    try:
        return json_response(explore.datasets(pool, request.args,
                api.base_url(request)))
    except (QueryError, ValueError) as e:
        return _explore_error(e)


@opendata_route(EXPLORE + '/<dataset_id>')
def explore_dataset(request, pool, dataset_id):
    dataset = explore.find(pool, dataset_id)
    if not dataset:
        return _explore_error("Jeu de données inconnu : %s" % dataset_id,
            HTTPStatus.NOT_FOUND)
    return json_response(explore.dataset_dict(dataset,
            api.base_url(request)))


@opendata_route(EXPLORE + '/<dataset_id>/records')
def explore_records(request, pool, dataset_id):
    dataset = explore.find(pool, dataset_id)
    if not dataset:
        return _explore_error("Jeu de données inconnu : %s" % dataset_id,
            HTTPStatus.NOT_FOUND)
    try:
        result = explore.records(dataset, request.args)
    except (QueryError, ValueError) as e:
        return _explore_error(e)
    if dataset.id:
        pool.get('opendata.usage').record(dataset.id, 'api')
    return json_response(result)


@opendata_route(EXPLORE + '/<dataset_id>/exports/<fmt>')
def explore_export(request, pool, dataset_id, fmt):
    dataset = explore.find(pool, dataset_id)
    if not dataset:
        return _explore_error("Jeu de données inconnu : %s" % dataset_id,
            HTTPStatus.NOT_FOUND)
    if fmt not in explore.EXPORTS:
        return _explore_error("Format d'export inconnu : %s" % fmt,
            HTTPStatus.NOT_FOUND)
    try:
        stream, mimetype = explore.export(dataset, fmt, request.args)
    except (QueryError, ValueError) as e:
        return _explore_error(e)
    if dataset.id:
        pool.get('opendata.usage').record(dataset.id, 'download')
    return Response(stream, content_type=mimetype, direct_passthrough=True,
        headers={**CORS, 'Content-Disposition':
            'attachment; filename="%s.%s"' % (dataset.code, fmt)})


@opendata_route(EXPLORE + '/<dataset_id>/exports')
def explore_exports(request, pool, dataset_id):
    dataset = explore.find(pool, dataset_id)
    if not dataset:
        return _explore_error("Jeu de données inconnu : %s" % dataset_id,
            HTTPStatus.NOT_FOUND)
    return json_response(explore.exports_listing(api.base_url(request),
            dataset))


@opendata_route(EXPLORE + '/<dataset_id>/facets')
def explore_dataset_facets(request, pool, dataset_id):
    dataset = explore.find(pool, dataset_id)
    if not dataset:
        return _explore_error("Jeu de données inconnu : %s" % dataset_id,
            HTTPStatus.NOT_FOUND)
    try:
        records = explore._records(dataset)
        where = explore._where(records, request.args)
        return json_response(explore_catalog.dataset_facets(dataset, where,
                request.args.getlist('facet'), records=records))
    except (QueryError, ValueError) as e:
        return _explore_error(e)


CATALOG = '/api/explore/v2.1/catalog'


@opendata_route(CATALOG + '/facets')
def explore_catalog_facets(request, pool):
    try:
        return json_response(explore_catalog.catalog_facets(
                explore.catalog_items(pool), request.args.getlist('facet')))
    except (QueryError, ValueError) as e:
        return _explore_error(e)


@opendata_route(CATALOG + '/exports')
def explore_catalog_exports(request, pool):
    return json_response(explore.exports_listing(api.base_url(request)))


@opendata_route(CATALOG + '/exports/<fmt>')
def explore_catalog_export(request, pool, fmt):
    base = api.base_url(request)
    if fmt in {'rdf', 'ttl', 'jsonld', 'dcat'}:
        ext = {'dcat': 'rdf'}.get(fmt, fmt)
        builder = dcat.CatalogBuilder(base)
        builder.catalog(api.visible_datasets(pool))
        return _rdf(builder, dcat.EXTENSIONS[ext])
    if fmt not in {'json', 'jsonl', 'csv'}:
        return _explore_error("Format d'export inconnu : %s" % fmt,
            HTTPStatus.NOT_FOUND)
    catalogued = explore.catalog_items(pool)
    items = [explore.dataset_dict(d, base) for d in catalogued]
    if fmt == 'json':
        return json_response(items)
    if fmt == 'jsonl':
        return Response(''.join(json.dumps(i, default=api.jsonable,
                    ensure_ascii=False) + '\n' for i in items),
            content_type='application/jsonl; charset=utf-8', headers=CORS)
    import csv
    import io
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=';', lineterminator='\n')
    columns = [n for n, _, _ in explore_catalog.METADATA]
    writer.writerow(columns)
    values = [v for _, _, v in explore_catalog.METADATA]
    for dataset in catalogued:
        writer.writerow([v(dataset) for v in values])
    return Response(buffer.getvalue(), content_type='text/csv; charset=utf-8',
        headers=CORS)


@app.route(PREFIX + '/<path:rest>', methods=['GET', 'POST', 'PUT', 'PATCH',
        'DELETE', 'HEAD', 'OPTIONS'])
def opendata_not_found(request, rest, **kwargs):
    "Unknown paths and methods answer JSON, never an HTML page"
    adapter = app.url_map.bind_to_environ(request.environ)
    for method in ['GET', 'POST']:
        try:
            rule, _ = adapter.match(method=method, return_rule=True)
        except Exception:
            continue
        if rule.endpoint != opendata_not_found and rule.rule != (
                PREFIX + '/<path:rest>'):
            return json_response({'error_code': 'MethodNotAllowed',
                    'status': 405, 'message': "Méthode %s non permise sur "
                    "cette adresse." % request.method},
                HTTPStatus.METHOD_NOT_ALLOWED)
    return json_response({'error_code': 'NotFound', 'status': 404,
            'message': "Adresse inconnue : /opendata/%s" % rest},
        HTTPStatus.NOT_FOUND)


try:
    from . import portal  # noqa: F401 — portal pages when mons_base has them
except ImportError:
    pass
