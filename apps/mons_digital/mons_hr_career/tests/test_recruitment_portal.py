"""The job pages of the portal through the WSGI app: published openings
only, the application form's errors (field named, values kept), save and
come back by the secret link, the confirmation with its SMS text."""
import io
import re

from trytond.pool import Pool
from trytond.tests.test_tryton import RouteTestCase
from trytond.transaction import Transaction

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
LINK_RE = re.compile(r'/portal/emplois/candidature/([A-Za-z0-9_-]+)')
PDF = (b'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n'
    b'2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n'
    b'3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n'
    b'xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n'
    b'0000000052 00000 n \n0000000101 00000 n \n'
    b'trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n')


class RecruitmentPortalTestCase(RouteTestCase):
    "Job pages of the portal"
    module = 'mons_hr_career'
    language = 'fr'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from trytond.tests.test_tryton import DB_NAME
        # A singleton's first write locks its table
        with Transaction().start(DB_NAME, 0,
                _lock_tables=['hr_recruitment_configuration']):
            Configuration = Pool().get('hr.recruitment.configuration')
            Configuration.write([Configuration(1)], {'cv_max_size': 1})

    @classmethod
    def setUpDatabase(cls):
        from trytond.modules.company.tests import create_company
        pool = Pool()
        Opening = pool.get('hr.job.opening')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        company = create_company(name="Ville de Mons")
        # As the site's fixtures do: the visitor is in every organisation
        anonymous = User(ModelData.get_id('mons_base', 'user_anonymous'))
        User.write([anonymous], {'companies': [('add', [company.id])],
                'company': company.id})
        published, draft = Opening.create([{
                    'title': "Ouvrier de voirie (portail)",
                    'company': company.id, 'contract_type': 'permanent',
                    'hours': 38, 'description': "Entretenir les rues.",
                    }, {
                    'title': "Brouillon secret (portail)",
                    'company': company.id, 'contract_type': 'permanent',
                    'hours': 19, 'description': "Pas encore publié.",
                    }])
        Opening.publish([published])
        cls.published, cls.draft = published.id, draft.id

    def portal(self, path=''):
        return f'/{self.db_name}/portal/{path}'

    def form(self, client, path):
        response = client.get(self.portal(path))
        self.assertEqual(response.status_code, 200, response.text)
        return TOKEN_RE.search(response.text).group(1)

    def test_list_and_pages_show_published_only(self):
        "The visitor finds the published opening, never the draft"
        client = self.client()
        response = client.get(self.portal('emplois'))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Ouvrier de voirie (portail)", response.text)
        self.assertNotIn("Brouillon secret", response.text)
        response = client.get(self.portal('emplois?q=voirie'))
        self.assertIn("Ouvrier de voirie (portail)", response.text)
        response = client.get(self.portal('emplois?q=boulanger'))
        self.assertNotIn("Ouvrier de voirie (portail)", response.text)
        response = client.get(self.portal(f'emplois/{self.published}'))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Entretenir les rues.", response.text)
        self.assertIn("38 h par semaine", response.text)
        for path in [f'emplois/{self.draft}', f'emplois/{self.draft}/postuler',
                'emplois/999999', 'emplois/candidature/faux']:
            response = client.get(self.portal(path))
            self.assertEqual(response.status_code, 404, path)
            self.assertNotIn("Brouillon secret", response.text)
        response = client.get(self.portal())
        self.assertIn('Offres d&#39;emploi', response.text)

    def test_no_contact_refused_values_kept(self):
        "Neither phone nor e-mail: the field is named, the text stays"
        client = self.client()
        path = f'emplois/{self.published}/postuler'
        token = self.form(client, path)
        response = client.post(self.portal(path), data={
                'csrf_token': token, 'action': 'envoyer',
                'name': "Fatima El Amrani",
                'experience_text': "J'ai nettoyé des bureaux 3 ans.",
                })
        self.assertEqual(response.status_code, 400)
        html = response.text
        self.assertIn('<title>Erreur : ', html)
        self.assertIn('href="#f-phone"', html)
        self.assertIn("Indiquez un numéro de téléphone ou une adresse "
            "e-mail", html)
        self.assertIn('value="Fatima El Amrani"', html)
        self.assertIn("J&#39;ai nettoyé des bureaux 3 ans.", html)

    def test_cv_over_limit_refused_values_kept(self):
        "A CV over the configured limit: message on the CV, values kept"
        client = self.client()
        path = f'emplois/{self.published}/postuler'
        token = self.form(client, path)
        response = client.post(self.portal(path), data={
                'csrf_token': token, 'action': 'envoyer',
                'name': "Jean Lambert", 'phone': '0470 12 34 56',
                'cv': (io.BytesIO(PDF + b' ' * (2 ** 20)), 'mon-cv.pdf'),
                }, content_type='multipart/form-data')
        self.assertEqual(response.status_code, 400)
        html = response.text
        self.assertIn('href="#f-cv"', html)
        self.assertIn('mon-cv.pdf', html)
        self.assertIn('1 Mo', html)
        self.assertIn('value="0470 12 34 56"', html)

    def test_save_come_back_send(self):
        "Saved without contact, finished later by the link, sent once"
        client = self.client()
        path = f'emplois/{self.published}/postuler'
        token = self.form(client, path)
        response = client.post(self.portal(path), data={
                'csrf_token': token, 'action': 'enregistrer',
                'name': "Kevin Dubois",
                'experience_text': "Jardinier chez mon oncle.",
                'cv': (io.BytesIO(PDF), 'cv.pdf'),
                }, content_type='multipart/form-data')
        self.assertEqual(response.status_code, 303, response.text)
        link = LINK_RE.search(response.location).group(1)

        # Another browser, later: the link brings the values back
        other = self.client()
        response = other.get(self.portal(f'emplois/candidature/{link}'))
        self.assertEqual(response.status_code, 200)
        self.assertIn('value="Kevin Dubois"', response.text)
        self.assertIn("Jardinier chez mon oncle.", response.text)
        self.assertIn("Déjà joint : cv.pdf", response.text)
        token = TOKEN_RE.search(response.text).group(1)
        response = other.post(self.portal(f'emplois/candidature/{link}'),
            data={'csrf_token': token, 'action': 'envoyer',
                'name': "Kevin Dubois", 'phone': '0470 98 76 54',
                'experience_text': "Jardinier chez mon oncle.",
                })
        self.assertEqual(response.status_code, 303, response.text)
        response = other.get(response.location)
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn("Merci ! Votre candidature est envoyée.", html)
        sms = re.search(r'id="sms">([^<]*)<', html).group(1)
        self.assertLessEqual(len(sms), 160)
        self.assertIn("CAND-", sms)
        with Transaction().start(self.db_name, 0):
            Applicant = Pool().get('hr.applicant')
            applicant, = Applicant.search([('name', '=', "Kevin Dubois")])
            self.assertEqual(applicant.state, 'received')
            self.assertEqual(applicant.source, 'portal')
            self.assertEqual(applicant.cv_name, 'cv.pdf')
            self.assertEqual(applicant.phone_key, '+32470987654')

        # Sent: the link shows where it stands, the form is gone
        response = other.post(self.portal(f'emplois/candidature/{link}'),
            data={'csrf_token': token, 'action': 'envoyer',
                'name': "Autre", 'phone': '0470000000'})
        self.assertNotIn('value="Autre"', response.text)
        with Transaction().start(self.db_name, 0):
            Applicant = Pool().get('hr.applicant')
            self.assertFalse(Applicant.search([('name', '=', "Autre")]))

    def test_duplicate_through_portal(self):
        "The same person applying twice is told, and HR sees the link"
        path = f'emplois/{self.published}/postuler'
        locations = []
        for phone in ['0471 11 22 33', '+32471112233']:
            client = self.client()
            token = self.form(client, path)
            response = client.post(self.portal(path), data={
                    'csrf_token': token, 'action': 'envoyer',
                    'name': "Sophie Peeters", 'phone': phone})
            self.assertEqual(response.status_code, 303, response.text)
            locations.append(response.location)
        response = self.client().get(locations[1])
        self.assertIn("Nous avions déjà reçu une candidature", response.text)
        with Transaction().start(self.db_name, 0):
            Applicant = Pool().get('hr.applicant')
            first, second = Applicant.search(
                [('name', '=', "Sophie Peeters")], order=[('id', 'ASC')])
            self.assertEqual(second.duplicate_of, first)
