"""Permit applications on the portal over HTTP (/<db>/portal/urbanisme):
bad input answered in French naming the field with every value kept, the
submitted application becoming a deposited permit file (origin portal)
with its acknowledgement e-mail, and the rights: a link reaches its own
application only, anonymous visitors read no file, a citizen sees their
own files and not another's, staff outside urbanism read no application."""
import base64
import html as html_lib
import email
import email.policy
import http.cookiejar
import json
import mailbox
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

PDF = (b'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n'
    b'2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n'
    b'3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n'
    b'xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n'
    b'0000000052 00000 n \n0000000101 00000 n \n'
    b'trailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n')
PASSWORD = 'Havre-Hyon-2026'


def q(domain):
    return base64.urlsafe_b64encode(json.dumps(domain).encode()).decode()


def search(site, model, domain, fields, login='urbanisme'):
    status, body = site.rest(f'model/{model}?d={q(domain)}'
        + ''.join(f'&f={f}' for f in fields) + '&s=1000', login=login)
    assert status == 200, body
    return body


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    "A citizen's browser without JavaScript (cookies, forms, uploads)"

    def __init__(self, site):
        self.site = site
        self.base = f'{site.url}/{site.db}/portal/'
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.token = None

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=120) as response:
                return (response.status, response.read().decode(),
                    response.headers.get('Location'))
        except urllib.error.HTTPError as error:
            return (error.code, error.read().decode(),
                error.headers.get('Location'))

    def get(self, path):
        return self._open(urllib.request.Request(self.base + path))

    def csrf(self, path):
        status, html, _ = self.get(path)
        return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]

    def post(self, path, data, files=None, page=None):
        "POST a form as the page at path shows it (its CSRF token)"
        data = dict(data, csrf_token=self.csrf(page or path))
        if files is None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            ctype = 'application/x-www-form-urlencoded'
        else:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in data.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: '
                    f'form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
            for name, (filename, content) in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: '
                    f'form-data; name="{name}"; filename="{filename}"\r\n'
                    'Content-Type: application/octet-stream\r\n\r\n'.encode()
                    + content + b'\r\n')
            parts.append(f'--{boundary}--\r\n'.encode())
            body = b''.join(parts)
            ctype = f'multipart/form-data; boundary={boundary}'
        return self._open(urllib.request.Request(self.base + path,
                data=body, headers={'Content-Type': ctype}))

    def register(self, name):
        address = f'{name.split()[0].lower()}.{uuid.uuid4().hex[:8]}' \
            '@example.be'
        status, _, location = self.post('compte/inscription', {
                'name': name, 'email': address, 'password': PASSWORD,
                'password_confirm': PASSWORD, 'confirm': PASSWORD})
        assert status in {302, 303}, (status, _[:2000])
        return address

    # -- the steps of an application
    def start(self, type_id):
        status, html, location = self.post('urbanisme/demande',
            {'procedure_type': str(type_id), 'action': 'next'})
        assert status in {302, 303}, html[:3000]
        self.token = re.search(r'/urbanisme/demande/([^/]+)/pieces',
            location)[1]
        return self.token

    def step(self, name):
        return f'urbanisme/demande/{self.token}/{name}'


def procedure_type(site, code):
    types = search(site, 'permit.procedure_type', [['code', '=', code]],
        ['id', 'documents'])
    return types[0]


def documents_of(site, code):
    type_ = procedure_type(site, code)
    docs = search(site, 'permit.procedure_type.document',
        [['procedure_type', '=', type_['id']]], ['id', 'name', 'mandatory'])
    return [d for d in docs if d['mandatory']]


def section_id(site, name='Mons'):
    return search(site, 'mons.section', [['name', '=', name]], ['id'])[0][
        'id']


APPLICANT = {
    'applicant_name': "Marie Dufrane",
    'applicant_street': "Rue de Nimy 12",
    'applicant_postal_code': '7000',
    'applicant_city': 'Mons',
    'applicant_phone': '065 40 56 00',
    }


def fill(visitor, site, code='PU', email_address=None, submit=True):
    "Go through every step with good values; the acknowledgement page"
    visitor.start(procedure_type(site, code)['id'])
    status, html, location = visitor.post(visitor.step('pieces'),
        {'action': 'next'})
    assert status in {302, 303}
    status, html, location = visitor.post(visitor.step('demandeur'),
        dict(APPLICANT, applicant_email=email_address
            or f'marie.{uuid.uuid4().hex[:8]}@example.be', action='next'))
    assert status in {302, 303}, html[:3000]
    status, html, location = visitor.post(visitor.step('lieu'), {
            'location_street': "Rue de la Chaussée 5",
            'section': str(section_id(site)),
            'capakey': '53053a0123/00b000',
            'description': "Extension d'une maison à l'arrière",
            'works_start': '', 'action': 'next'})
    assert status in {302, 303}, html[:3000]
    files = {f'document_{d["id"]}': (f'piece-{d["id"]}.pdf', PDF)
        for d in documents_of(site, code)}
    status, html, location = visitor.post(visitor.step('documents'),
        {'action': 'next'}, files=files)
    assert status in {302, 303}, html[:3000]
    if not submit:
        return None
    status, html, location = visitor.post(visitor.step('recapitulatif'),
        {'action': 'next'})
    assert status in {302, 303}, html[:3000]
    status, html, _ = visitor.get(visitor.step('envoyee'))
    assert status == 200
    return re.search(r'id="reference">([^<]+)<', html)[1]


def mails_to(site, address, timeout=30):
    "Messages the site's mail sink received for address"
    deadline = time.monotonic() + timeout
    while True:
        found = []
        for message in mailbox.Maildir(site.folder / 'mail', create=False):
            if address in (message['To'] or ''):
                found.append(email.message_from_bytes(message.as_bytes(),
                        policy=email.policy.default))
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def dotted(row, path):
    "A dotted field of a REST row, flat or nested as trytond answers it"
    if path in row:
        return row[path]
    first, rest = path.split('.', 1)
    return (row.get(first + '.') or row.get(first) or {})[rest]


def body_of(message):
    part = message.get_body(('plain',))
    return part.get_content() if part else ''


def test_bad_input_named_and_kept(site):
    visitor = Visitor(site)
    visitor.start(procedure_type(site, 'PU')['id'])
    status, html, _ = visitor.post(visitor.step('demandeur'), {
            'applicant_name': '', 'applicant_email': 'marie dupont@skynet.be',
            'applicant_street': 'Rue de Nimy 12',
            'applicant_postal_code': '70000', 'applicant_city': 'Mons',
            'action': 'next'})
    assert status == 400
    assert '<title>Erreur : ' in html
    for label in ['Nom et prénom', 'Adresse e-mail', 'Code postal']:
        assert f'« {label} »' in html, label
    for anchor in ['#f-applicant_name', '#f-applicant_email',
            '#f-applicant_postal_code']:
        assert f'href="{anchor}"' in html, anchor
    # Nothing typed is lost
    assert 'value="marie dupont@skynet.be"' in html
    assert 'value="70000"' in html
    assert 'value="Rue de Nimy 12"' in html

    status, html, _ = visitor.post(visitor.step('lieu'), {
            'location_street': 'Rue de la Chaussée 5',
            'section': str(section_id(site)), 'capakey': '12345',
            'description': 'Véranda', 'works_start': '01/01/2020',
            'action': 'next'})
    assert status == 400
    assert '« Parcelle cadastrale (CaPaKey) »' in html
    assert '« Début des travaux envisagé »' in html
    assert 'antérieur' in html
    assert 'value="12345"' in html and 'value="01/01/2020"' in html
    assert '>Véranda</textarea>' in html
    # Saving for later keeps what is valid, an invalid value is still
    # refused by the model (not only by the page)
    status, html, _ = visitor.post(visitor.step('lieu'), {
            'location_street': 'Rue de la Chaussée 5', 'section': '',
            'capakey': '53053A0123/00B000', 'description': '',
            'works_start': '', 'action': 'save'})
    assert status in {302, 303}, html[:2000]

    # A required document missing, a file that is not what it says
    required = documents_of(site, 'PU')
    assert required
    first = f'document_{required[0]["id"]}'
    status, html, _ = visitor.post(visitor.step('documents'),
        {'action': 'next'}, files={first: ('plan.pdf', b'pas un PDF')})
    assert status == 400
    assert 'plan.pdf' in html
    assert f'href="#f-{first}"' in html
    for document in required[1:]:
        assert f'« {document["name"]} »' in html_lib.unescape(html), \
            document['name']

    # The review lists what is missing and refuses to submit
    status, html, _ = visitor.post(visitor.step('recapitulatif'),
        {'action': 'next'})
    assert status == 400
    assert "pas encore complète" in html
    assert '« Adresse e-mail »' in html
    status, html, _ = visitor.get(visitor.step('lieu'))
    assert 'value="53053A0123/00B000"' in html


def test_submission_and_acknowledgement(site):
    visitor = Visitor(site)
    address = f'ack.{uuid.uuid4().hex[:8]}@example.be'
    reference = fill(visitor, site, 'CU1', address)
    files = search(site, 'permit.file', [['reference', '=', reference]],
        ['state', 'origin', 'procedure_type.code', 'deposit_date',
            'decision_due', 'applicant.name', 'object'])
    assert len(files) == 1, files
    file = files[0]
    assert file['state'] == 'deposited'
    assert file['origin'] == 'portal'
    assert dotted(file, 'procedure_type.code') == 'CU1'
    assert file['deposit_date']
    assert dotted(file, 'applicant.name') == "Marie Dufrane"
    messages = mails_to(site, address)
    assert messages, "no acknowledgement"
    ack = [m for m in messages if reference in m['Subject']]
    assert ack, [m['Subject'] for m in messages]
    assert reference in body_of(ack[0])
    # The office sees it among the new online submissions (home panel)
    panels = search(site, 'mons.home.panel',
        [['action.res_model', '=', 'permit.file'],
            ['action.domain', 'ilike', '%portal%']],
        ['action.domain'], login='admin')
    assert panels, panels
    assert reference in [f['reference'] for f in search(site, 'permit.file',
            [['origin', '=', 'portal'], ['state', '=', 'deposited']],
            ['reference'])]
    # The link shows the acknowledgement; the application is closed
    status, html, _ = visitor.get(visitor.step('demandeur'))
    assert status in {302, 303}
    status, html, _ = visitor.post(visitor.step('demandeur'),
        dict(APPLICANT, applicant_name="Autre", applicant_email=address,
            action='next'), page='urbanisme/demande')
    assert status in {302, 303}
    apps = search(site, 'permit.application',
        [['reference', '=', reference]], ['applicant_name', 'state'])
    assert [(a['applicant_name'], a['state']) for a in apps] == [
        ("Marie Dufrane", 'submitted')], apps


def test_save_and_come_back_link(site):
    visitor = Visitor(site)
    address = f'reprise.{uuid.uuid4().hex[:8]}@example.be'
    visitor.start(procedure_type(site, 'DECL3')['id'])
    status, html, location = visitor.post(visitor.step('demandeur'),
        dict(APPLICANT, applicant_email=address, action='save'))
    assert status in {302, 303}
    assert location.endswith(visitor.step('enregistree'))
    status, html, _ = visitor.get(visitor.step('enregistree'))
    link = re.search(r'id="lien-reprise">([^<]+)<', html)[1]
    assert visitor.token in link
    messages = mails_to(site, address)
    assert messages and link in body_of(messages[0])
    # Another browser, with the link only, finds the values again
    other = Visitor(site)
    other.token = visitor.token
    status, html, _ = other.get(other.step('demandeur'))
    assert status == 200
    assert f'value="{address}"' in html


def test_links_and_files_rights(site):
    # A link that leads to no application: French 404; no REST for it
    anonymous = Visitor(site)
    status, html, _ = anonymous.get(
        'urbanisme/demande/' + 'x' * 32 + '/demandeur')
    assert status == 404 and 'Lien non valable' in html
    status, html, location = anonymous.get('urbanisme/mes-dossiers')
    assert status in {302, 303} and 'compte/connexion' in location
    request = urllib.request.Request(
        f'{site.url}/{site.db}/rest/model/permit.file?f=reference')
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=30)
    assert error.value.code in {401, 403}

    # Two citizens with accounts: each sees their own files only
    anne, bruno = Visitor(site), Visitor(site)
    anne.register("Anne Lejeune")
    bruno.register("Bruno Goffin")
    ref_anne = fill(anne, site, 'PU')
    ref_bruno = fill(bruno, site, 'CU2')
    status, html, _ = anne.get('urbanisme/mes-dossiers')
    assert status == 200
    assert ref_anne in html and ref_bruno not in html
    status, html, _ = bruno.get('urbanisme/mes-dossiers')
    assert ref_bruno in html and ref_anne not in html
    id_anne = search(site, 'permit.file', [['reference', '=', ref_anne]],
        ['id'])[0]['id']
    status, html, _ = anne.get(f'urbanisme/mes-dossiers/{id_anne}')
    assert status == 200 and ref_anne in html
    assert 'Prochaine échéance' in html
    status, html, _ = bruno.get(f'urbanisme/mes-dossiers/{id_anne}')
    assert status == 404 and ref_anne not in html
    # Bruno's session does not open Anne's draft without its link
    anne.start(procedure_type(site, 'PU')['id'])
    status, html, _ = bruno.get('urbanisme/mes-dossiers')
    assert anne.token not in html
    status, html, _ = anne.get('urbanisme/mes-dossiers')
    assert anne.token in html


@pytest.mark.parametrize('login', ['agent', 'data', 'employe', 'api'])
def test_staff_outside_urbanism_read_no_application(site, login):
    status, body = site.rest('model/permit.application?f=applicant_name',
        login=login)
    assert status == 403, body
    status, body = site.rest('model/permit.file?f=reference', login=login)
    assert status == 403, body


def test_urbanism_reads_but_does_not_forge(site):
    status, body = site.rest('model/permit.application?f=applicant_name',
        login='urbanisme')
    assert status == 200, body
    status, body = site.rest('model/permit.application', 'POST',
        login='urbanisme', data={
            'procedure_type': procedure_type(site, 'PU')['id']})
    assert status == 403, body
