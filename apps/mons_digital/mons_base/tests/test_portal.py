# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
import email
import io
import re
import socket
import time
import unittest
import urllib.parse

from werkzeug.datastructures import FileStorage
from werkzeug.test import Client

from trytond.config import config
from trytond.exceptions import UserError
from trytond.modules.mons_base import portal
from trytond.modules.mons_base.portal import (
    Form, UploadError, check_csrf, check_upload, register_link, render,
    route)
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import (
    DB_NAME, RouteTestCase, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

try:
    from aiosmtpd.controller import Controller
except ImportError:  # pragma: no cover
    Controller = None

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
# A one-page PDF that parses (uploads are checked by parsing them)
PDF = (b'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n'
    b'2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n'
    b'3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n'
    b'xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n'
    b'0000000052 00000 n \n0000000101 00000 n \n'
    b'trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n')
PNG = (b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00'
    b'\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\nIDATx\x9cc\x00'
    b'\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82')


def _free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class _Inbox:
    "aiosmtpd handler keeping the received messages"

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return '250 OK'

    def wait(self, count, timeout=10):
        end = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < end:
            time.sleep(0.05)
        return self.messages


def _body(message):
    "The HTML part, else the plain text one"
    parts = {p.get_content_type(): p for p in message.walk()}
    for kind in ['text/html', 'text/plain']:
        if kind in parts:
            return parts[kind].get_payload(decode=True).decode(
                parts[kind].get_content_charset() or 'utf-8')
    return ''


@route('/_test/depot', methods=['POST'], max_request_size=4096)
def _upload_page(request, pool):
    "A form with an upload, as the modules build them"
    check_csrf(request)
    form = Form(request.form)
    try:
        upload = check_upload(
            request.files.get('piece'), 1024, ['application/pdf'])
    except UploadError as exception:
        form.error('piece', exception.message)
    else:
        if upload is None:
            form.error('piece', 'required')
    if form.valid:
        return Response(upload.mimetype)
    return render(request, 'mons_base/error.html', status=400,
        message=form.errors['piece'])


@route('/_test/panne', methods=['GET'])
def _broken_page(request, pool):
    "A page whose code fails"
    pool.get('res.user').write([], {})
    raise ValueError("a bug")


class PortalTestCase(RouteTestCase):
    "Test the portal base: pages, CSRF, uploads, citizen accounts"
    module = 'mons_base'
    language = 'fr'

    def portal(self, path=''):
        return f'/{self.db_name}/portal/{path}'

    def csrf(self, client, path):
        response = client.get(self.portal(path))
        self.assertEqual(response.status_code, 200, response.text)
        return TOKEN_RE.search(response.text).group(1)

    def test_pages_show_the_site_municipality(self):
        "Header, footer, contact and legal pages name the site's authority"
        # a singleton is created under a lock of its table
        with Transaction().start(DB_NAME, 0,
                _lock_tables=['mons_municipality']) as transaction:
            pool = Pool()
            Company = pool.get('company.company')
            Currency = pool.get('currency.currency')
            Municipality = pool.get('mons.municipality')
            currency, = Currency.create([{'name': 'Euro', 'code': 'EUR',
                        'symbol': '€'}])
            Party = pool.get('party.party')
            town_party, social_party = Party.create([{
                        'name': "Commune de Testville",
                        'addresses': [('create', [{
                                        'street': "Place du Test 3",
                                        'postal_code': '6990',
                                        'city': "Testville"}])],
                        'contact_mechanisms': [('create', [
                                    {'type': 'phone',
                                        'value': '+3281223344'},
                                    {'type': 'email', 'value':
                                        'info@testville.example'}])],
                        'identifiers': [('create', [
                                    {'code': '0999.999.922'}])],
                        }, {'name': "CPAS de Testville"}])
            town, social = Company.create([
                    {'party': town_party.id, 'currency': currency.id},
                    {'party': social_party.id, 'currency': currency.id}])
            Municipality.write([Municipality(1)], {
                    'name': "Testville", 'organisation': town.id,
                    'colour': '#123456', 'portal_name': "E-guichet"})
            transaction.commit()
        try:
            client = self.client()
            home = client.get(self.portal()).text
            self.assertIn('<span class="brand-name">Commune de Testville'
                '</span>', home)
            self.assertIn('<title>Accueil — Commune de Testville</title>',
                home)
            self.assertIn('E-guichet', home)
            self.assertIn('Place du Test 3, 6990 Testville', home)
            self.assertIn('href="tel:+3281223344"', home)
            self.assertIn('En partenariat avec : CPAS de Testville', home)
            self.assertIn('--mons-red: #123456', home)
            privacy = client.get(self.portal('vie-privee')).text
            self.assertIn('0999.999.922', privacy)
            self.assertIn('info@testville.example', privacy)
            self.assertIn('relèvent de : CPAS de Testville', privacy)
            accessibility = client.get(self.portal('accessibilite')).text
            self.assertIn('Commune de Testville — Accessibilité', accessibility)
            self.assertEqual(client.get(self.portal('logo')).status_code,
                404)

            # A colour that is not #RRGGBB could break the page's style
            with Transaction().start(DB_NAME, 0):
                Municipality = Pool().get('mons.municipality')
                with self.assertRaises(UserError):
                    Municipality.write([Municipality(1)],
                        {'colour': 'red;} body {display:none'})
        finally:
            with Transaction().start(DB_NAME, 0) as transaction:
                Municipality = Pool().get('mons.municipality')
                Municipality.delete(Municipality.search([]))
                transaction.commit()

    def test_home_french_with_links(self):
        "Home page in French lists the registered links"
        register_link("Signaler un problème de voirie", 'voirie/signaler',
            "Nid-de-poule, éclairage, propreté")
        try:
            response = self.client().get(self.portal())
        finally:
            portal._links[:] = [
                l for l in portal._links if l.url != 'voirie/signaler']
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn('<html lang="fr">', html)
        self.assertIn('href="#contenu"', html)
        self.assertIn('<main id="contenu"', html)
        self.assertIn('Signaler un problème de voirie', html)
        self.assertIn(
            f'href="/{self.db_name}/portal/voirie/signaler"', html)
        self.assertEqual(response.headers['Cache-Control'], 'no-store')

    def test_static_and_vendor_files(self):
        "Static and npm files with their type and cache headers"
        client = self.client()
        css = client.get(self.portal('static/mons_base/css/portal.css'))
        self.assertEqual(css.status_code, 200)
        self.assertEqual(css.mimetype, 'text/css')
        self.assertIn('max-age=3600', css.headers['Cache-Control'])
        versioned = client.get(
            self.portal('static/mons_base/css/portal.css?v=abc'))
        self.assertIn('immutable', versioned.headers['Cache-Control'])
        self.assertIn('max-age=31536000', versioned.headers['Cache-Control'])
        etag = css.headers['ETag']
        again = client.get(self.portal('static/mons_base/css/portal.css'),
            headers={'If-None-Match': etag})
        self.assertEqual(again.status_code, 304)
        for path in ['static/mons_base/../tryton.cfg',
                'static/mons_base/%2e%2e/tryton.cfg',
                'static/no_such_module/x.css',
                'vendor/axe-core/package.json',
                'vendor/not-listed/index.js']:
            self.assertEqual(
                client.get(self.portal(path)).status_code, 404, path)
        if portal.node_modules():
            axe = client.get(self.portal('vendor/axe-core/axe.min.js'))
            self.assertEqual(axe.status_code, 200)
            self.assertEqual(axe.mimetype, 'text/javascript')

    def test_csrf_rejected(self):
        "POST without the token of the signed cookie gets a French 400"
        client = self.client()
        data = {'email': 'a@example.com', 'password': 'x' * 12}
        response = client.post(self.portal('compte/connexion'), data=data)
        self.assertEqual(response.status_code, 400)
        self.assertIn('Le formulaire a expiré', response.text)
        fresh = self.client().get(self.portal('compte/connexion'))
        cookies = [c for c in fresh.headers.getlist('Set-Cookie')
            if c.startswith(portal.CSRF_COOKIE + '=')]
        self.assertEqual(len(cookies), 1)
        self.assertIn('HttpOnly', cookies[0])
        self.assertIn('SameSite=Lax', cookies[0])
        self.assertIn(f'Path=/{self.db_name}/portal', cookies[0])
        token = self.csrf(client, 'compte/connexion')
        response = client.post(self.portal('compte/connexion'),
            data={**data, 'csrf_token': token + 'x'})
        self.assertEqual(response.status_code, 400)
        self.assertIn('Le formulaire a expiré', response.text)
        # A token from another browser (another cookie) is refused too
        other = self.client()
        other_token = self.csrf(other, 'compte/connexion')
        response = client.post(self.portal('compte/connexion'),
            data={**data, 'csrf_token': other_token})
        self.assertIn('Le formulaire a expiré', response.text)
        response = client.post(self.portal('compte/connexion'),
            data={**data, 'csrf_token': token})
        self.assertEqual(response.status_code, 400)
        self.assertNotIn('Le formulaire a expiré', response.text)
        self.assertIn('Adresse e-mail ou mot de passe incorrect', response.text)

    def test_form_errors_next_to_fields(self):
        "Errors are shown next to their field and linked for screen readers"
        client = self.client()
        token = self.csrf(client, 'compte/inscription')
        response = client.post(self.portal('compte/inscription'), data={
                'csrf_token': token, 'name': '', 'email': 'pas-une-adresse',
                'password': 'abc', 'password_confirm': 'abd'})
        html = response.text
        self.assertIn('role="alert"', html)
        self.assertIn('id="f-email-erreur"', html)
        self.assertRegex(html,
            r'id="f-email"[^>]*aria-describedby="f-email-aide f-email-erreur"'
            r'[^>]*aria-invalid="true"')
        self.assertIn('Indiquez une adresse e-mail valide', html)
        self.assertIn('id="f-name-erreur"', html)
        self.assertIn('Ce champ est obligatoire', html)
        self.assertIn('id="f-password_confirm-erreur"', html)
        self.assertIn('Le mot de passe doit', html)
        # Values typed are kept, passwords are not echoed
        self.assertIn('value="pas-une-adresse"', html)
        self.assertNotIn('value="abc"', html)

    @with_transaction()
    def test_upload_limits(self):
        "Uploads are checked on size and on their real content"
        def upload(data, name):
            return FileStorage(io.BytesIO(data), filename=name)
        result = check_upload(
            upload(PDF, 'plan.pdf'), 1024, ['application/pdf'])
        self.assertEqual(result.mimetype, 'application/pdf')
        self.assertEqual(result.filename, 'plan.pdf')
        self.assertEqual(result.data, PDF)
        self.assertIsNone(check_upload(
                FileStorage(io.BytesIO(b''), filename=''), 10, ['text/csv']))
        with self.assertRaises(UploadError) as cm:
            check_upload(upload(PDF * 100, 'gros.pdf'), 1024,
                ['application/pdf'])
        self.assertIn('gros.pdf', cm.exception.message)
        # A PNG renamed .pdf is still a PNG
        with self.assertRaises(UploadError) as cm:
            check_upload(upload(PNG, 'faux.pdf'), 1024, ['application/pdf'])
        self.assertIn('faux.pdf', cm.exception.message)
        self.assertEqual(check_upload(upload(PNG, 'photo.pdf'), 1024,
                ['image/png', 'application/pdf']).mimetype, 'image/png')
        csv = 'rue;numéro\nGrand-Place;22\n'.encode()
        self.assertEqual(check_upload(upload(csv, 'liste.csv'), 1024,
                ['text/csv']).mimetype, 'text/csv')
        with self.assertRaises(UploadError):
            check_upload(upload(b'\x00\x01binary', 'liste.csv'), 1024,
                ['text/csv'])
        with self.assertRaises(UploadError):
            check_upload(upload(b'not json', 'a.json'), 1024,
                ['application/json'])
        # A PDF must parse, not only start as one
        with self.assertRaises(UploadError) as cm:
            check_upload(upload(b'%PDF-1.4\n% zorglub\n', 'plainte.pdf'),
                1024, ['application/pdf'])
        self.assertIn('plainte.pdf', cm.exception.message)
        with self.assertRaises(UploadError):
            check_upload(upload(PDF[:150], 'coupe.pdf'), 1024,
                ['application/pdf'])

    def test_upload_route(self):
        "Uploads through a portal route: type, size and request limits"
        client = self.client()
        token = self.csrf(client, 'compte/connexion')
        url = self.portal('_test/depot')

        def post(data, name):
            return client.post(url, data={'csrf_token': token,
                    'piece': (io.BytesIO(data), name)},
                content_type='multipart/form-data')
        response = post(PDF, 'permis.pdf')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text, 'application/pdf')
        response = post(PNG, 'permis.pdf')
        self.assertEqual(response.status_code, 400)
        self.assertIn('permis.pdf', response.text)
        response = post(PDF + b' ' * 2000, 'gros.pdf')
        self.assertEqual(response.status_code, 400)
        self.assertIn('gros.pdf', response.text)
        response = post(PDF + b' ' * 8000, 'enorme.pdf')
        self.assertEqual(response.status_code, 413)
        self.assertIn('Votre envoi est trop volumineux', response.text)
        self.assertIn('4 Ko', response.text)

    def test_unknown_url_french_404(self):
        "Unknown portal URLs answer the portal's French 404 page"
        client = self.client()
        for path in ['nexiste-pas', 'compte/inconnu/profond', 'compte/x.php',
                'compte/connexion/']:
            for method in ['get', 'post']:
                response = getattr(client, method)(self.portal(path))
                self.assertEqual(response.status_code, 404, (path, method))
                html = response.text
                self.assertIn('<html lang="fr">', html)
                self.assertIn('<title>Page introuvable', html)
                self.assertIn('<main id="contenu"', html)
                self.assertIn('href="#contenu"', html)
                self.assertNotIn('Not Found', html)
                self.assertEqual(response.headers['Content-Language'], 'fr')

    def test_wrong_method_french_405(self):
        "A page asked with a method it does not take: French 405 and Allow"
        client = self.client()
        response = client.delete(self.portal('compte/connexion'))
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response.headers['Allow'], 'GET, HEAD, POST')
        self.assertIn('<html lang="fr">', response.text)
        self.assertIn("Cette action n'est pas possible", response.text)
        self.assertIn('Ouvrir la page', response.text)
        self.assertNotIn('Method Not Allowed', response.text)
        response = client.get(self.portal('compte/deconnexion'))
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response.headers['Allow'], 'POST')
        self.assertNotIn('Ouvrir la page', response.text)
        # Pages and files still answer
        self.assertEqual(client.get(self.portal('')).status_code, 200)
        self.assertEqual(client.get(
                self.portal('static/mons_base/css/portal.css')).status_code,
            200)

    def test_fault_french_500_with_reference(self):
        "A fault in a page: French 500 page showing the logged reference"
        with self.assertLogs(portal.logger, 'ERROR') as logs:
            response = self.client().get(self.portal('_test/panne'))
        self.assertEqual(response.status_code, 500)
        self.assertIn('<html lang="fr">', response.text)
        reference = re.search(r'<strong>([0-9a-f]{12})</strong>',
            response.text).group(1)
        self.assertIn(reference, logs.output[0])
        self.assertNotIn('a bug', response.text)

    def test_statement_pages_in_footer(self):
        "Accessibility statement and privacy notice, linked in every footer"
        client = self.client()
        home = client.get(self.portal()).text
        for path, title, parts in [
                ('accessibilite', "Déclaration d'accessibilité", [
                    'partiellement conforme', 'EN 301 549', '2016/2102',
                    'axe-core', '360 pixels', '1 280 pixels',
                    'Cette déclaration a été établie le',
                    "Procédure d'application", 'Médiateur',
                    'id="contact"']),
                ('vie-privee', 'Vie privée', [
                    'Responsable du traitement',
                    'Délégué à la protection des données',
                    'Base légale', 'Durée', 'Vos droits',
                    'Autorité de protection des données',
                    'mons_portal_session'])]:
            self.assertIn(f'href="/{self.db_name}/portal/{path}"', home)
            response = client.get(self.portal(path))
            self.assertEqual(response.status_code, 200, path)
            self.assertIn(f'<title>{title}', response.text)
            for part in parts:
                self.assertIn(part, response.text, (path, part))
        self.assertNotIn('introduire une demande', home)

    def test_email_with_space_refused(self):
        "An address with a space inside is refused next to its field"
        client = self.client()
        token = self.csrf(client, 'compte/mot-de-passe-oublie')
        for address in ['marie dupont@skynet.be', 'marie@sky net.be']:
            response = client.post(self.portal('compte/mot-de-passe-oublie'),
                data={'csrf_token': token, 'email': address})
            self.assertEqual(response.status_code, 400, address)
            html = response.text
            self.assertIn('<title>Erreur : Mot de passe oublié', html)
            self.assertIn('href="#f-email"', html)
            self.assertIn('id="f-email-erreur"', html)
            self.assertIn(f'value="{address}"', html)
            self.assertIn('novalidate', html)
            self.assertIn('data-focus', html)

    def test_account_requires_login(self):
        response = self.client().get(self.portal('compte/'))
        self.assertEqual(response.status_code, 303)
        self.assertIn(
            f'/{self.db_name}/portal/compte/connexion?next=',
            response.headers['Location'])

    def test_open_redirect_refused(self):
        "next= only leads to portal pages"
        from werkzeug.test import EnvironBuilder

        from trytond.protocols.wrappers import Request
        request = Request(EnvironBuilder(path='/x').get_environ())
        request.view_args = {'database_name': 'db'}
        self.assertEqual(portal._safe_next(request, 'https://evil.example'),
            '/db/portal/')
        self.assertEqual(portal._safe_next(request, '//evil.example/db'),
            '/db/portal/')
        self.assertEqual(portal._safe_next(request, '/db/portal/compte/'),
            '/db/portal/compte/')

    @unittest.skipIf(Controller is None, "aiosmtpd is missing")
    def test_account_flow(self):
        "Register, validate the email, log out, log in, reset the password"
        inbox = _Inbox()
        port = _free_port()
        controller = Controller(inbox, hostname='127.0.0.1', port=port)
        controller.start()
        self.addCleanup(controller.stop)
        previous = config.get('email', 'uri')
        config.set('email', 'uri', f'smtp://127.0.0.1:{port}')
        self.addCleanup(config.set, 'email', 'uri', previous)

        client = self.client()
        address = 'marie.dupont@example.be'
        token = self.csrf(client, 'compte/inscription')
        response = client.post(self.portal('compte/inscription'), data={
                'csrf_token': token, 'name': 'Marie Dupont',
                'email': address, 'password': 'Spiennes-1234',
                'password_confirm': 'Spiennes-1234'})
        self.assertEqual(response.status_code, 303, response.text)
        self.assertIn(portal.SESSION_COOKIE, response.headers['Set-Cookie'])
        response = client.get(response.headers['Location'])
        self.assertEqual(response.status_code, 200)
        self.assertIn(address, response.text)
        self.assertIn('Non confirmée', response.text)

        with Transaction().start(DB_NAME, 0):
            WebUser = Pool().get('web.user')
            user, = WebUser.search([('email', '=', address)])
            self.assertEqual(user.party.name, 'Marie Dupont')
            self.assertFalse(user.email_valid)

        # Same email again is refused next to the field
        other = self.client()
        token2 = self.csrf(other, 'compte/inscription')
        response = other.post(self.portal('compte/inscription'), data={
                'csrf_token': token2, 'name': 'X', 'email': address,
                'password': 'Spiennes-1234',
                'password_confirm': 'Spiennes-1234'})
        self.assertIn('id="f-email-erreur"', response.text)
        self.assertIn('Un compte existe déjà', response.text)

        message, = inbox.wait(1)
        self.assertEqual(message['To'], address)
        link, = set(re.findall(
            r'https?://[^\s"<]+/compte/valider\?token=[0-9a-f]+',
            _body(message)))
        parts = urllib.parse.urlsplit(link)
        response = client.get(f'{parts.path}?{parts.query}')
        self.assertEqual(response.status_code, 200)
        self.assertIn('Adresse e-mail confirmée', response.text)
        response = client.get(f'{parts.path}?{parts.query}')
        self.assertEqual(response.status_code, 404)

        # Log out
        token = self.csrf(client, 'compte/')
        response = client.post(
            self.portal('compte/deconnexion'), data={'csrf_token': token})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(
            client.get(self.portal('compte/')).status_code, 303)

        # Wrong password, then the right one, back to the asked page
        token = self.csrf(client, 'compte/connexion')
        response = client.post(self.portal('compte/connexion'), data={
                'csrf_token': token, 'email': address,
                'password': 'wrong-password'})
        self.assertEqual(response.status_code, 400)
        self.assertIn('id="f-password-erreur"', response.text)
        response = client.post(self.portal('compte/connexion'), data={
                'csrf_token': token, 'email': address.upper(),
                'password': 'Spiennes-1234',
                'next': self.portal('compte/')})
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers['Location'].endswith(
                self.portal('compte/')))
        response = client.get(self.portal('compte/'))
        self.assertIn('Confirmée', response.text)

        # Reset the password through the emailed link
        anonymous = self.client()
        token = self.csrf(anonymous, 'compte/mot-de-passe-oublie')
        # Whatever Host the request carries, the link leads to the site
        cookie = anonymous.get_cookie(
            portal.CSRF_COOKIE, path=self.portal().rstrip('/'))
        response = Client(app, Response, use_cookies=False).post(
            self.portal('compte/mot-de-passe-oublie'),
            data={'csrf_token': token, 'email': address},
            headers={'Host': 'evil.example',
                'Cookie': f'{portal.CSRF_COOKIE}={cookie.value}'})
        self.assertIn('Si un compte existe', response.text)
        messages = inbox.wait(2)
        self.assertEqual(len(messages), 2)
        link, = set(re.findall(
            r'https?://[^\s"<]+/compte/nouveau-mot-de-passe\?[^\s"<]+',
            _body(messages[1])))
        self.assertNotIn('evil.example', _body(messages[1]))
        self.assertTrue(link.startswith(portal.public_url() + '/'), link)
        parts = urllib.parse.urlsplit(link.replace('&amp;', '&'))
        response = anonymous.get(f'{parts.path}?{parts.query}')
        self.assertEqual(response.status_code, 200)
        query = dict(urllib.parse.parse_qsl(parts.query))
        token = TOKEN_RE.search(response.text).group(1)
        response = anonymous.post(self.portal('compte/nouveau-mot-de-passe'),
            data={'csrf_token': token, 'token': query['token'],
                'email': query['email'], 'password': 'court',
                'password_confirm': 'court'})
        self.assertIn('id="f-password-erreur"', response.text)
        response = anonymous.post(self.portal('compte/nouveau-mot-de-passe'),
            data={'csrf_token': token, 'token': query['token'],
                'email': query['email'], 'password': 'Nimy-Obourg-2026',
                'password_confirm': 'Nimy-Obourg-2026'})
        self.assertEqual(response.status_code, 303, response.text)
        # The token is used once
        response = anonymous.post(self.portal('compte/nouveau-mot-de-passe'),
            data={'csrf_token': token, 'token': query['token'],
                'email': query['email'], 'password': 'Nimy-Obourg-2027',
                'password_confirm': 'Nimy-Obourg-2027'})
        # a translated string is the template's own markup: its apostrophe
        # is not escaped (values put in it still are)
        self.assertIn("Ce lien n'est plus valable", response.text)
        response = anonymous.post(self.portal('compte/connexion'), data={
                'csrf_token': token, 'email': address,
                'password': 'Nimy-Obourg-2026'})
        self.assertEqual(response.status_code, 303)


del RouteTestCase
