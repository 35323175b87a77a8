# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""The portal application of a permit, through its pages: the steps, the
errors naming their field with the values kept, the submission as the
visitor (a deposited file of origin portal), the record rules of the link
and of the citizen's account, the public view of granted permits."""
import datetime as dt
import re

from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, RouteTestCase, with_transaction)
from trytond.transaction import Transaction

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
PDF = (b'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n'
    b'2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n'
    b'3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n'
    b'xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n'
    b'0000000052 00000 n \n0000000101 00000 n \n'
    b'trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n')


class ApplicationPortalTestCase(RouteTestCase):
    "Test the permit application pages of the portal"
    module = 'mons_permit'
    language = 'fr'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        Section = pool.get('mons.section')
        Section.create([{'name': 'Mons', 'code': 'MONS',
                    'postal_code': '7000', 'latitude': 50.4542,
                    'longitude': 3.9523}])
        create_company()

    def portal(self, path=''):
        return f'/{DB_NAME}/portal/{path}'

    def post(self, client, path, data, page=None, **kw):
        response = client.get(self.portal(page or path))
        token = TOKEN_RE.search(response.text).group(1)
        return client.post(self.portal(path),
            data=dict(data, csrf_token=token), **kw)

    def ids(self, code):
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            Type = pool.get('permit.procedure_type')
            Section = pool.get('mons.section')
            type_, = Type.search([('code', '=', code)])
            return (type_.id, [d.id for d in type_.documents
                    if d.mandatory], Section.search([])[0].id)

    def start(self, client, code='PU'):
        type_id, _, _ = self.ids(code)
        response = self.post(client, 'urbanisme/demande',
            {'procedure_type': str(type_id), 'action': 'next'})
        self.assertEqual(response.status_code, 303, response.text)
        return re.search(r'/urbanisme/demande/([^/]+)/pieces',
            response.headers['Location']).group(1)

    def fill(self, client, token, code='PU', email='marie@example.be'):
        _, documents, section = self.ids(code)
        step = f'urbanisme/demande/{token}/'
        response = self.post(client, step + 'demandeur', {
                'applicant_name': "Marie Dufrane",
                'applicant_email': email,
                'applicant_street': "Rue de Nimy 12",
                'applicant_postal_code': '7000', 'applicant_city': 'Mons',
                'action': 'next'})
        self.assertEqual(response.status_code, 303, response.text)
        response = self.post(client, step + 'lieu', {
                'location_street': "Rue de la Chaussée 5",
                'section': str(section), 'capakey': '53053a0123/00b000',
                'description': "Véranda à l'arrière", 'action': 'next'})
        self.assertEqual(response.status_code, 303, response.text)
        import io
        response = self.post(client, step + 'documents',
            dict({'action': 'next'}, **{f'document_{d}': (
                        io.BytesIO(PDF), f'piece{d}.pdf')
                    for d in documents}),
            content_type='multipart/form-data')
        self.assertEqual(response.status_code, 303, response.text)

    def inbox(self):
        "A mail server receiving what the site sends"
        from trytond.config import config
        from trytond.modules.mons_base.tests.test_portal import (
            Controller, _free_port, _Inbox)
        inbox = _Inbox()
        port = _free_port()
        controller = Controller(inbox, hostname='127.0.0.1', port=port)
        controller.start()
        self.addCleanup(controller.stop)
        previous = config.get('email', 'uri')
        config.set('email', 'uri', f'smtp://127.0.0.1:{port}')
        self.addCleanup(config.set, 'email', 'uri', previous)
        return inbox

    def test_steps_errors_and_submission(self):
        "Bad input is named and kept; the submission deposits a file"
        from trytond.modules.mons_base.tests.test_portal import _body
        inbox = self.inbox()
        client = self.client()
        response = client.get(self.portal('urbanisme/demande'))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn('Étape 1 sur 6', response.text)
        response = self.post(client, 'urbanisme/demande', {'action': 'next'})
        self.assertEqual(response.status_code, 400)
        self.assertIn('Choisissez le type de demande', response.text)

        token = self.start(client)
        step = f'urbanisme/demande/{token}/'
        response = self.post(client, step + 'lieu', {
                'location_street': "Rue de la Chaussée 5", 'section': '',
                'capakey': '1234', 'description': "Véranda",
                'works_start': '02/01/2001', 'action': 'next'})
        self.assertEqual(response.status_code, 400)
        html = response.text
        self.assertIn('<title>Erreur : ', html)
        self.assertIn('« Parcelle cadastrale (CaPaKey) »', html)
        self.assertIn('« Début des travaux envisagé »', html)
        self.assertIn('« Section »', html)
        self.assertIn('value="1234"', html)
        self.assertIn('value="02/01/2001"', html)
        self.assertIn('>Véranda</textarea>', html)

        self.fill(client, token)
        response = client.get(self.portal(step + 'recapitulatif'))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertNotIn('pas encore complète', response.text)
        response = self.post(client, step + 'recapitulatif',
            {'action': 'next'})
        self.assertEqual(response.status_code, 303, response.text)
        response = client.get(self.portal(step + 'envoyee'))
        self.assertEqual(response.status_code, 200, response.text)
        reference = re.search(r'id="reference">([^<]+)<',
            response.text).group(1)
        messages = inbox.wait(1)
        self.assertEqual(len(messages), 1)
        self.assertEqual(messages[0]['To'], 'marie@example.be')
        self.assertIn(reference, messages[0]['Subject'])
        self.assertIn(reference, _body(messages[0]))

        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            File = pool.get('permit.file')
            Attachment = pool.get('ir.attachment')
            file, = File.search([('reference', '=', reference)])
            self.assertEqual(file.state, 'deposited')
            self.assertEqual(file.origin, 'portal')
            self.assertEqual(file.applicant.name, "Marie Dufrane")
            self.assertFalse(file.officer)
            self.assertTrue(Attachment.search(
                    [('resource', '=', str(file))]))
            self.assertIn('53053A0123/00B000', file.description)
        # Submitted: the link cannot change it any more
        response = self.post(client, step + 'demandeur',
            {'applicant_name': 'Autre', 'action': 'next'},
            page='urbanisme/demande')
        self.assertEqual(response.status_code, 303)
        with Transaction().start(DB_NAME, 0):
            Application = Pool().get('permit.application')
            application, = Application.search([('token', '=', token)])
            self.assertEqual(application.applicant_name, "Marie Dufrane")

    def test_link_is_the_key(self):
        "Another link, another browser: the rules find nothing"
        client = self.client()
        token = self.start(client)
        other = self.client()
        response = other.get(self.portal(
                f'urbanisme/demande/{token[:-2]}zz/demandeur'))
        self.assertEqual(response.status_code, 404)
        response = other.get(self.portal(
                f'urbanisme/demande/{token}/demandeur'))
        self.assertEqual(response.status_code, 200)

    @with_transaction()
    def test_visitor_rights(self):
        "The visitor reads the application of its link only, no file"
        from trytond.model.exceptions import AccessError
        from trytond.modules.mons_base.caller import (
            acting_as, anonymous_user_id)
        from trytond.modules.mons_permit.application import TOKEN_KEY
        pool = Pool()
        Application = pool.get('permit.application')
        File = pool.get('permit.file')
        Type = pool.get('permit.procedure_type')
        pu, = Type.search([('code', '=', 'PU')])
        anonymous = anonymous_user_id(pool)
        with acting_as(pool, anonymous, **{TOKEN_KEY: 'a' * 32}):
            mine, = Application.create([{'procedure_type': pu.id,
                        'token': 'forged'}])
            self.assertEqual(mine.token, 'a' * 32)
            with self.assertRaises(AccessError):
                File.search([])
            with self.assertRaises(AccessError):
                Application.write([mine], {'state': 'submitted'})
        with acting_as(pool, anonymous, **{TOKEN_KEY: 'b' * 32}):
            self.assertEqual(Application.search([]), [])
        with acting_as(pool, anonymous):
            self.assertEqual(Application.search([]), [])
        # The monthly counts the public reads (on PostgreSQL too: integers)
        Statistic = pool.get('permit.application.statistic')
        Application.write([mine], {'state': 'submitted',
                'submitted_at': dt.datetime(2026, 11, 3, 10, 0)})
        with acting_as(pool, anonymous):
            # the month of this application (another test submits today)
            statistic, = Statistic.search([('year', '=', 2026),
                    ('month', '=', 11)])
            self.assertEqual((statistic.id, statistic.year, statistic.month,
                    statistic.count), (202611, 2026, 11, 1))

    @with_transaction()
    def test_citizen_sees_own_files(self):
        "A citizen signed in reads the files of their account only"
        from trytond.model.exceptions import AccessError
        from trytond.modules.mons_base.caller import acting_as
        from trytond.modules.mons_permit.application import WEB_USER_KEY
        from trytond.modules.mons_permit.portal_rights import portal_user_id
        pool = Pool()
        File = pool.get('permit.file')
        Party = pool.get('party.party')
        WebUser = pool.get('web.user')
        Type = pool.get('permit.procedure_type')
        pu, = Type.search([('code', '=', 'PU')])
        anne, bruno = WebUser.create([
                {'email': 'anne@example.be'}, {'email': 'bruno@example.be'}])
        party, = Party.create([{'name': "Anne"}])
        files = File.create([{'procedure_type': pu.id, 'applicant': party.id,
                    'object': f"Objet {u.email}", 'web_user': u.id}
                for u in [anne, bruno]])
        portal = portal_user_id()
        with acting_as(pool, portal, **{WEB_USER_KEY: anne.id}):
            self.assertEqual(File.search([]), [files[0]])
            self.assertEqual(File.search([('id', '=', files[1].id)]), [])
            with self.assertRaises(AccessError):
                File.write([files[0]], {'object': "Changé"})
        with acting_as(pool, portal):
            self.assertEqual(File.search([]), [])

    @with_transaction()
    def test_publication_without_personal_data(self):
        "The public view has no personal field and only granted permits"
        pool = Pool()
        Publication = pool.get('permit.publication')
        personal = {'applicant', 'applicants', 'architect', 'notary',
            'officer', 'web_user', 'portal_applicant', 'description',
            'application'}
        self.assertFalse(personal & set(Publication._fields))
        company = create_company()
        File = pool.get('permit.file')
        Party = pool.get('party.party')
        Type = pool.get('permit.procedure_type')
        pu, = Type.search([('code', '=', 'PU')])
        from trytond.modules.mons_permit import publication_setup
        Service = pool.get('mons.service')
        with set_company(company):
            service, = Service.create([{'name': "Urbanisme",
                        'code': 'URB-PU', 'company': company.id}])
            party, = Party.create([{'name': "Jean Secret"}])
            file, = File.create([{'procedure_type': pu.id,
                        'applicant': party.id, 'object': "Véranda"}])
            File.deposit([file])
            self.assertEqual(Publication.search([]), [])
            granted = publication_setup.grant_demo_file(service)
        row, = Publication.search([])
        self.assertEqual(row.reference, granted.reference)
        self.assertEqual(row.procedure_code, 'PU')
        self.assertEqual(row.object, "Construction d'une maison unifamiliale")
        values = Publication.read([row.id], list(Publication._fields))[0]
        self.assertNotIn("Demandeur", repr(values))
