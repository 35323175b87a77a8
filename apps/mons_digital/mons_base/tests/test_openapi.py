# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
import json
from base64 import urlsafe_b64encode

from openapi_spec_validator import validate

from trytond.modules.mons_base import errors, openapi, rest_guard
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction


def _b64(value):
    return urlsafe_b64encode(json.dumps(value).encode()).decode()


class OpenAPITestCase(RouteTestCase):
    "Test the OpenAPI description and the REST input guard"
    module = 'mons_base'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        Application = pool.get('res.user.application')
        User = pool.get('res.user')
        admin, = User.search([('login', '=', 'admin')])
        application = Application(user=admin, application='rest')
        application.save()
        Application.validate_([application])
        cls.key = application.key
        # A user of no group: refused by the access rights
        nobody = User(login='nobody', name="Nobody")
        nobody.save()
        application = Application(user=nobody, application='rest')
        application.save()
        Application.validate_([application])
        cls.nobody_key = application.key

    def get_spec(self):
        response = self.client().get(f'/{self.db_name}/rest/openapi.json')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.mimetype, 'application/json')
        return json.loads(response.data)

    def test_spec_is_valid(self):
        "The document validates as OpenAPI 3.1"
        spec = self.get_spec()
        self.assertEqual(spec['openapi'], '3.1.0')
        validate(spec)

    def test_spec_content(self):
        "Paths, types, required fields, selections and relations"
        spec = self.get_spec()
        paths, schemas = spec['paths'], spec['components']['schemas']
        for model in ['mons.service', 'mons.section', 'mons.holiday',
                'res.user', 'web.user', 'party.party', 'company.employee',
                'company.company']:
            self.assertIn(f'/model/{model}', paths, model)
            self.assertIn(f'/model/{model}/{{id}}', paths, model)
            self.assertIn(model, schemas)
        search = paths['/model/mons.service']['get']
        names = {p.get('name') or p['$ref'].rsplit('/', 1)[1]
            for p in search['parameters']}
        self.assertTrue({'Domain', 'f', 'Limit', 'Offset', 'Order'} <= names)
        self.assertEqual(set(paths['/model/mons.service/{id}']),
            {'parameters', 'get', 'put', 'delete'})
        self.assertIn('post', paths['/model/mons.service'])

        service = schemas['mons.service']['properties']
        self.assertEqual(service['code']['type'], ['string', 'null'])
        self.assertEqual(set(service['kind']['enum']) - {None},
            {'direction', 'department', 'cell'})
        self.assertEqual(service['manager']['anyOf'][0]['type'], 'integer')
        self.assertEqual(service['members']['type'], 'array')
        self.assertTrue(service['create_date']['readOnly'])
        create = schemas['mons.service.create']
        self.assertIn('name', create['required'])
        self.assertIn('code', create['required'])
        self.assertEqual(create['properties']['name']['type'], 'string')
        self.assertNotIn('create_date', create['properties'])
        self.assertEqual(create['properties']['members']['$ref'],
            '#/components/schemas/X2ManyActions')
        holiday = schemas['mons.holiday']['properties']
        self.assertEqual(holiday['date']['anyOf'][0]['$ref'],
            '#/components/schemas/TrytonDate')
        self.assertEqual(
            schemas['mons.holiday.create']['properties']['date']['anyOf'][0],
            {'type': 'string', 'format': 'date'})
        # Buttons of web.user are POST actions on a record
        self.assertIn('post', paths['/model/web.user/{id}/validate_email'])
        self.assertEqual(spec['security'], [{'bearerAuth': []}])
        self.assertEqual(
            spec['components']['securitySchemes']['bearerAuth']['scheme'],
            'bearer')
        self.assertTrue(any(p.startswith('/report/') for p in paths))

    def test_cached_per_module_set(self):
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            first = openapi.get_openapi(pool, '/db/rest', 'en')
            second = openapi.get_openapi(pool, '/db/rest', 'en')
        self.assertIs(first, second)

    def test_rest_guard(self):
        "Malformed REST parameters give 400 and unknown models 404"
        client = self.client()
        headers = {'Authorization': f'bearer {self.key}'}
        base = f'/{self.db_name}/rest/model'
        response = client.get(
            f'{base}/mons.section?d={_b64([["name", "ilike", "%"]])}'
            '&f=name&s=5&p=0', headers=headers)
        self.assertEqual(response.status_code, 200, response.text)
        for query in ['d=@@@', f'd={_b64({"a": 1})}', f'd={_b64([1])}',
                f'd={_b64([["nope", "=", 1]])}',
                f'd={_b64([["name", "~~", 1]])}', 's=-1', 'p=x',
                f'o={_b64([["nope", "ASC"]])}', 'f=nope']:
            response = client.get(
                f'{base}/mons.section?{query}', headers=headers)
            self.assertEqual(response.status_code, 400, query)
        response = client.get(f'{base}/no.such.model', headers=headers)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.mimetype, 'application/json')
        self.assertIn("introuvable", response.json['message'])
        # A wizard form has no storage to search
        response = client.get(
            f'{base}/ir.module.config_wizard.first', headers=headers)
        self.assertEqual(response.status_code, 404)
        response = client.get(f'{base}/mons.section')
        self.assertEqual(response.status_code, 401)
        self.assertIn("Clé d'API", response.json['message'])

    def test_rest_refusal_forbidden(self):
        "A refusal of the access rights is a JSON 403 with its message"
        client = self.client()
        base = f'/{self.db_name}/rest/model'
        headers = {'Authorization': f'bearer {self.nobody_key}'}
        response = client.get(f'{base}/mons.site.patch', headers=headers)
        self.assertEqual(response.status_code, 403, response.text)
        self.assertEqual(response.mimetype, 'application/json')
        # French on a French site (the suite-level access matrix checks it)
        self.assertIn("Mons Site Patch", response.json['message'])
        response = client.put(f'{base}/mons.section/1', headers=headers,
            json={'name': "X"})
        self.assertIn(response.status_code, {403, 404}, response.text)
        # Wrong input stays a 400
        headers = {'Authorization': f'bearer {self.key}'}
        response = client.post(f'{base}/mons.section', headers=headers,
            json={'code': None})
        self.assertEqual(response.status_code, 400, response.text)

    def test_rest_read_only_and_arguments(self):
        "Registered models are not written; wrong arguments answer 400"
        client = self.client()
        base = f'/{self.db_name}/rest/model'
        headers = {'Authorization': f'bearer {self.key}'}
        response = client.post(f'{base}/ir.model', headers=headers, json={})
        self.assertEqual(response.status_code, 405, response.text)
        self.assertIn("code des modules", response.json['message'])
        for body in [{'bogus': 1}, [1, 2], "x"]:
            response = client.post(
                f'{base}/res.user/1/reset_password', headers=headers,
                json=body)
            self.assertEqual(response.status_code, 400, response.text)
            self.assertEqual(response.mimetype, 'application/json')
        # The right arguments of a decorated classmethod pass the check:
        # the record is the first one, the rest come from the body
        response = client.post(f'{base}/res.user/1/reset_password',
            headers=headers, json={'length': 12})
        self.assertNotIn("Arguments invalides", response.text)
        self.assertNotEqual(response.status_code, 500, response.text)

    def test_rest_private_context(self):
        "REST drops the private context keys the desk's RPC would drop"
        from base64 import urlsafe_b64decode

        from werkzeug.test import EnvironBuilder

        from trytond.protocols.wrappers import Request, with_pool

        @with_pool
        def endpoint(request, pool, **kwargs):
            return json.loads(urlsafe_b64decode(
                    request.headers['X-Tryton-Context']))

        context = {'language': 'fr', '_companies': [1, 2],
            '_mail_register': True, '_check_access': False,
            '_datetime': None, 'company': 1}
        environ = EnvironBuilder(
            path=f'/{self.db_name}/rest/model/mons.section',
            headers={'X-Tryton-Context': _b64(context)}).get_environ()
        seen = rest_guard._guard(endpoint)(Request(environ), self.db_name)
        self.assertEqual(seen,
            {'language': 'fr', '_datetime': None, 'company': 1})

    def test_errors_fault_reference(self):
        "A fault of an API route: JSON 500 with the logged reference only"
        from trytond.wsgi import app

        path = '/<database_name>/rest/_test/panne'
        if not any(r.rule == path for r in app.url_map.iter_rules()):
            @app.route(path, methods=['GET'])
            def panne(request, database_name):
                raise ZeroDivisionError("secret-de-la-pile")
        client = self.client()
        with self.assertLogs(errors.logger, 'ERROR') as logs:
            response = client.get(f'/{self.db_name}/rest/_test/panne')
        self.assertEqual(response.status_code, 500)
        self.assertEqual(response.mimetype, 'application/json')
        reference = response.headers['X-Request-Id']
        self.assertEqual(response.json['request_id'], reference)
        self.assertIn(reference, response.json['message'])
        self.assertNotIn("secret-de-la-pile", response.text)
        self.assertIn(reference, logs.output[0])
        self.assertIn('ZeroDivisionError', logs.output[0])
        # A proxy's sane id is kept, anything else replaced
        response = client.get(f'/{self.db_name}/rest/nulle/part',
            headers={'X-Request-Id': 'proxy-1234abcd'})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.headers['X-Request-Id'], 'proxy-1234abcd')
        self.assertIn('introuvable', response.json['message'])
        response = client.get(f'/{self.db_name}/rest/nulle/part',
            headers={'X-Request-Id': '<script>'})
        self.assertNotEqual(response.headers['X-Request-Id'], '<script>')

    def test_rest_hidden_errors(self):
        "Errors trytond reports as 'Unable to get RPC method' get their code"
        from werkzeug.exceptions import (
            BadRequest, Forbidden, HTTPException, InternalServerError,
            ServiceUnavailable)
        from werkzeug.test import EnvironBuilder

        from trytond import backend
        from trytond.protocols.wrappers import with_pool
        from trytond.wsgi import app

        def call(error):
            @with_pool
            def endpoint(request, pool, **kwargs):
                raise error
            environ = EnvironBuilder(
                path=f'/{self.db_name}/rest/model/mons.section/1/x',
                method='POST', json={'events': []}).get_environ()
            # The request class trytond's application picks for a JSON body
            protocol = next(p for p in app.protocols
                if p.content_type in environ['CONTENT_TYPE'])
            request = protocol.request(environ)
            return rest_guard._guard(endpoint)(request, self.db_name)

        with self.assertRaises(ServiceUnavailable) as cm:
            call(backend.DatabaseOperationalError("could not obtain lock"))
        self.assertIn("réessayez", cm.exception.description)
        self.assertEqual(
            cm.exception.get_response().headers['Retry-After'], '1')
        with self.assertLogs(errors.logger, "ERROR"):
            with self.assertRaises(InternalServerError):
                call(ZeroDivisionError())
        # A real bad request keeps its answer
        with self.assertRaises(HTTPException) as cm:
            call(BadRequest("Domaine invalide."))
        self.assertEqual(cm.exception.code, 400)
        self.assertEqual(json.loads(cm.exception.get_body())['message'],
            "Domaine invalide.")
        # A refusal werkzeug would answer in English HTML becomes French JSON
        with self.assertRaises(HTTPException) as cm:
            call(Forbidden())
        self.assertEqual(cm.exception.code, 403)
        self.assertIn("pas autorisé", json.loads(
                cm.exception.get_body())['message'])


del RouteTestCase
