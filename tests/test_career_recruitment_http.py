"""Recruitment over HTTP, as the visitor, the applicant and HR would use
(and try to break) it: only published openings are public, an application
without a way to reach the person is refused naming the field, a second
application of the same person is linked to the first, the pipeline moves
only through HR's buttons, City HR does not read a CPAS applicant."""
import email
import email.policy
import html
import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from test_hr_time_api import search
from test_hr_time_trust_rest import refused

pytestmark = pytest.mark.filterwarnings('ignore')

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
NUMBER_RE = re.compile(r'CAND-(\d+)')


class Visitor:
    "A browser without JavaScript: cookies, forms, no redirect followed"

    def __init__(self, site):
        self.site = site
        self.base = f'{site.url}/{site.db}/portal/'
        jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def open(self, path, data=None):
        if path.startswith('http'):
            url = path
        elif path.startswith('/'):
            url = self.site.url + path
        else:
            url = self.base + path
        body = urllib.parse.urlencode(data).encode() if data else None
        try:
            with self.opener.open(url, data=body, timeout=60) as response:
                return (response.status, response.read().decode(),
                    response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers

    def submit(self, path, values):
        status, page, _ = self.open(path)
        assert status == 200, (status, page[:500])
        token = TOKEN_RE.search(page).group(1)
        return self.open(path, {'csrf_token': token, **values})


def openings_on_portal(site):
    status, page, _ = Visitor(site).open('emplois')
    assert status == 200
    return {int(i): html.unescape(t) for i, t in re.findall(
            r'href="[^"]*/portal/emplois/(\d+)">([^<]+)</a>', page)}


def published(site, organisation):
    "(id, title) of a published opening of the organisation, as on the portal"
    for opening_id, title in openings_on_portal(site).items():
        status, page, _ = Visitor(site).open(f'emplois/{opening_id}')
        if f'<dt>Employeur</dt><dd>{organisation}</dd>' in page:
            return opening_id, title
    raise AssertionError(f"no published opening of {organisation}")


def apply(site, opening_id, **values):
    "Send an application; returns the applicant's id read on its page"
    visitor = Visitor(site)
    status, page, headers = visitor.submit(
        f'emplois/{opening_id}/postuler', {'action': 'envoyer', **values})
    assert status == 303, (status, page[:2000])
    status, page, _ = visitor.open(headers['Location'])
    assert status == 200
    return int(NUMBER_RE.search(page).group(1)), page


def test_anonymous_sees_published_openings_only(site):
    shown = openings_on_portal(site)
    titles = set(shown.values())
    assert "Ouvrier ou ouvrière de voirie" in titles
    assert "Aide familial ou aide familiale" in titles
    # The draft of the demo is nowhere on the portal
    assert "Agent ou agente d'accueil au musée" not in titles
    draft, = search(site, 'hr.job.opening', [['state', '=', 'draft']],
        ['id', 'title'], login='rh')
    for path in [f"emplois/{draft['id']}", f"emplois/{draft['id']}/postuler"]:
        status, page, _ = Visitor(site).open(path)
        assert status == 404, path
        assert draft['title'] not in html.unescape(page)
    # Nor through REST without a key
    request = urllib.request.Request(
        f'{site.url}/{site.db}/rest/model/hr.job.opening')
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=30)
    assert error.value.code == 401
    # Search
    status, page, _ = Visitor(site).open('emplois?q=voirie')
    assert "Ouvrier ou ouvrière de voirie" in html.unescape(page)
    assert "Aide familial" not in page


def test_application_without_contact_refused_naming_the_field(site):
    opening_id, _ = published(site, "Ville de Mons")
    status, page, _ = Visitor(site).submit(
        f'emplois/{opening_id}/postuler', {'action': 'envoyer',
            'name': "Nathalie Gilson",
            'experience_text': "Caissière 4 ans au Delhaize."})
    assert status == 400
    text = html.unescape(page)
    assert '<title>Erreur : ' in text
    assert 'href="#f-phone"' in text
    assert "Téléphone : Indiquez un numéro de téléphone ou une adresse " \
        "e-mail" in text
    # What was typed is still there
    assert 'value="Nathalie Gilson"' in text
    assert "Caissière 4 ans au Delhaize." in text
    # A phone that is not one is named too
    status, page, _ = Visitor(site).submit(
        f'emplois/{opening_id}/postuler', {'action': 'envoyer',
            'name': "Nathalie Gilson", 'phone': '12'})
    assert status == 400
    assert "numéro de téléphone valide" in html.unescape(page)


def test_confirmation_by_email_and_sms_text(site):
    opening_id, title = published(site, "Ville de Mons")
    address = f'candidat.{uuid.uuid4().hex[:8]}@example.be'
    applicant_id, page = apply(site, opening_id, name="Julie Renard",
        email=address, experience_text="Animatrice de plaine.")
    sms = html.unescape(re.search(r'id="sms">([^<]*)<', page).group(1))
    assert len(sms) <= 160 and f'CAND-{applicant_id:05d}' in sms
    maildir = site.folder / 'mail' / 'new'
    deadline = time.monotonic() + 20
    found = None
    while found is None and time.monotonic() < deadline:
        for path in maildir.iterdir() if maildir.exists() else []:
            message = email.message_from_bytes(path.read_bytes(),
                policy=email.policy.default)
            if message['To'] == address:
                found = message
        time.sleep(0.3)
    assert found is not None, "no confirmation e-mail"
    assert found['Subject'].startswith("Votre candidature")
    assert f'CAND-{applicant_id:05d}' in found.get_body().get_content()


def test_duplicate_detected(site):
    opening_id, _ = published(site, "Ville de Mons")
    phone = f'0479 {uuid.uuid4().int % 100:02d} {uuid.uuid4().int % 100:02d}' \
        f' {uuid.uuid4().int % 100:02d}'
    first, _ = apply(site, opening_id, name="Antoine Cornez", phone=phone)
    digits = re.sub(r'\D', '', phone)
    second, page = apply(site, opening_id, name="A. Cornez",
        phone='+32 ' + digits[1:])
    assert "Nous avions déjà reçu une candidature" in page
    row, = search(site, 'hr.applicant', [['id', '=', second]],
        ['duplicate_of', 'is_duplicate', 'state'], login='rh')
    assert row['duplicate_of'] == first and row['is_duplicate']
    assert row['state'] == 'received'


def test_state_only_through_buttons(site):
    opening_id, _ = published(site, "Ville de Mons")
    applicant_id, _ = apply(site, opening_id, name="Laurent Goffin",
        phone='0470 55 66 77')
    path = f'model/hr.applicant/{applicant_id}'
    for login in ('rh', 'rhchef', 'admin'):
        for values in ({'state': 'accepted'}, {'received_date': None},
                {'duplicate_of': None}, {'source': 'desk'}):
            status, body = site.rest(path, method='PUT', login=login,
                data=values)
            refused(status, body)
    status, body = site.rest('model/hr.applicant', method='POST',
        login='rh', data={'opening': opening_id, 'name': "Né accepté",
            'phone': '0470 00 00 01', 'state': 'accepted'})
    refused(status, body)
    status, row = site.rest(f'{path}?f=state', login='rh')
    assert row['state'] == 'received'
    # The buttons move it, each in its groups
    status, body = site.rest(f'{path}/screen', method='POST', login='rh',
        data={})
    assert status == 200, body
    status, body = site.rest(f'{path}/interview', method='POST', login='rh',
        data={})
    assert status == 200, body
    status, body = site.rest(f'{path}/accept', method='POST', login='rh',
        data={})
    refused(status, body)
    status, row = site.rest(f'{path}?f=state', login='rh')
    assert row['state'] == 'interview'
    # HR's own notes are theirs to write
    status, body = site.rest(path, method='PUT', login='rh',
        data={'hr_notes': "Disponible tout de suite."})
    assert status == 200, body
    # Other staff read no application at all
    status, body = site.rest(path, login='agent')
    refused(status, body)


def test_city_hr_does_not_read_cpas_applicant(site):
    opening_id, _ = published(site, "CPAS de Mons")
    applicant_id, _ = apply(site, opening_id, name="Aurélie Bastin",
        phone='0470 44 55 66')
    path = f'model/hr.applicant/{applicant_id}'
    for login in ('rh', 'rhchef'):
        status, body = site.rest(f'{path}?f=name', login=login)
        assert status in {403, 404}, (login, body)
        assert not search(site, 'hr.applicant', [['id', '=', applicant_id]],
            ['id'], login=login)
        status, body = site.rest(f'{path}/screen', method='POST',
            login=login, data={})
        assert status in {403, 404}, (login, body)
    # It exists: its own link shows it to the applicant (apply read it)
    # City HR keeps the City's openings only
    cpas_opening = search(site, 'hr.job.opening', [['id', '=', opening_id]],
        ['id'], login='rh')
    assert not cpas_opening
