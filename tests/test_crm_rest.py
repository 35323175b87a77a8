"""Contacts (mons_crm) over HTTP on a live site with the demo data: the
directory and the lists through the REST API with the desk's rules, the
GDPR export, and the portal's double opt-in and unsubscribe links."""
import base64
import json
import re
import uuid

import requests


def domain(d):
    return base64.urlsafe_b64encode(json.dumps(d).encode()).decode()


def text(body):
    return body.decode('utf-8') if isinstance(body, bytes) else str(body)


def party_owned(site, code, negate=False):
    operator = '!=' if negate else '='
    status, rows = site.rest('model/party.party?f=name&f=owner_service&s=1&d='
        + domain([['owner_service.code', operator, code],
                ['owner_service', '!=', None],
                ['crm_kind', '=', 'person']]), login='admin')
    assert status == 200 and rows, rows
    return rows[0]['id']


def test_directory_is_shared(site):
    "Every service reads the directory, with the contact fields"
    status, rows = site.rest('model/party.party?f=name&f=language'
        '&f=crm_kind&f=owner_service&s=50&d=' + domain(
            [['addresses.section', '!=', None]]), login='agent')
    assert status == 200, rows
    assert len(rows) == 50
    assert {r['language'] for r in rows} <= {'fr', 'nl', 'de', 'en'}


def test_personal_data_only_by_owning_service(site):
    other = party_owned(site, 'CULT', negate=True)
    status, body = site.rest(f'model/party.party/{other}', 'PUT',
        login='agent', data={'first_name': "Piraté"})
    assert status in {400, 403}, body
    assert 'appartiennent au service' in text(body)
    # Notes are not personal data: any service may add some
    status, body = site.rest(f'model/party.party/{other}', 'PUT',
        login='agent', data={'crm_notes': "Rencontré au Doudou (REST)"})
    assert status == 200, body
    own = party_owned(site, 'CULT')
    status, body = site.rest(f'model/party.party/{own}', 'PUT',
        login='agent', data={'first_name': "Prénom REST"})
    assert status == 200, body
    status, body = site.rest(f'model/party.party/{own}?f=first_name',
        login='agent')
    assert body['first_name'] == "Prénom REST"


def test_lists_follow_the_services(site):
    status, rows = site.rest('model/marketing.email.list?f=name&s=100',
        login='agent')
    assert status == 200, rows
    names = {r['name'] for r in rows}
    # CULT's own list and the Doudou list shared with CULT, not ECO's
    assert {"Saison culturelle", "Doudou 2026"} <= names
    assert "Commerçants du centre" not in names
    status, rows = site.rest('model/marketing.email.list?f=name&s=100',
        login='admin')
    assert "Commerçants du centre" in {r['name'] for r in rows}
    eco = [r['id'] for r in rows if r['name'] == "Commerçants du centre"][0]
    status, body = site.rest(f'model/marketing.email.list/{eco}', 'PUT',
        login='agent', data={'name': "Détournée"})
    assert status in {403, 404}, body
    # Self-service staff have no list of their own and cannot create one
    status, body = site.rest('model/marketing.email.list?f=name',
        login='employe')
    assert status == 200 and body == [], body
    status, body = site.rest('model/marketing.email.list', 'POST',
        login='employe', data={'name': "Liste sauvage"})
    assert status in {400, 403}, body
    assert "pas autorisé" in body['message']


def test_list_built_from_saved_filter_over_rest(site):
    status, services = site.rest('model/mons.service?f=code&s=200',
        login='agent')
    cult = [s['id'] for s in services if s['code'] == 'CULT'][0]
    status, sections = site.rest('model/mons.section?f=code&s=50',
        login='agent')
    mons = [s['id'] for s in sections if s['code'] == 'MONS'][0]
    status, body = site.rest('model/marketing.email.list', 'POST',
        login='agent', data={'name': f"Néerlandophones de Mons {uuid.uuid4()}",
            'service': cult, 'filter_languages': ['nl'],
            'filter_sections': [['add', [mons]]]})
    assert status == 200, body
    list_id = body['id']
    status, body = site.rest(
        f'model/marketing.email.list/{list_id}/build_from_filters', 'POST',
        login='agent', data={})
    assert status == 200, body
    status, rows = site.rest('model/marketing.email?f=contact&f=source&s=500&d='
        + domain([['list_', '=', list_id]]), login='agent')
    assert status == 200 and rows, rows
    assert {r['source'] for r in rows} == {'filter'}
    contacts = [r['contact'] for r in rows]
    status, parties = site.rest('model/party.party?f=language&s=500&d='
        + domain([['id', 'in', contacts]]), login='agent')
    assert {p['language'] for p in parties} == {'nl'}


def test_gdpr_export_json(site):
    party = party_owned(site, 'CULT')
    # The report route reads a JSON body, even empty
    status, body = site.rest(f'report/party.party.gdpr_json/{party}',
        login='dpo', data={})
    assert status == 200, body
    data = json.loads(body) if isinstance(body, bytes) else body
    assert data['contact']['language'] in {'fr', 'nl', 'de', 'en'}
    assert 'subscriptions' in data and 'consents' in data
    # An agent does not export a person's whole file
    status, body = site.rest(f'report/party.party.gdpr_json/{party}',
        login='agent', data={})
    assert status in {400, 403}, body
    assert "pas autorisé" in text(body)


def test_portal_double_opt_in_and_unsubscribe(site):
    base = f'{site.url}/{site.db}/portal/listes/'
    session = requests.Session()
    page = session.get(base, timeout=60)
    assert page.status_code == 200
    assert "Saison culturelle" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    # The box of the list, whatever the order of its attributes
    list_id = re.search(
        r'<input type="checkbox" id="([^"]+)" name="list" value="(\d+)"'
        r'[^>]*>\s*(?:<div>\s*)?<label for="\1">Saison culturelle',
        page.text).group(2)
    address = f'citoyen.{uuid.uuid4().hex[:8]}@example.be'
    answer = session.post(base, data={'csrf_token': token, 'list': list_id,
            'email': address}, timeout=60)
    assert answer.status_code == 200
    assert "courriel de confirmation" in answer.text

    def subscription():
        status, rows = site.rest('model/marketing.email?f=active'
            '&f=email_token&f=consent&d=' + domain([['email', '=', address],
                    ['active', 'in', [True, False]]]), login='admin')
        assert status == 200 and len(rows) == 1, rows
        return rows[0]
    pending = subscription()
    assert not pending['active']
    confirm = session.get(base + 'confirmer',
        params={'token': pending['email_token']}, timeout=60)
    assert confirm.status_code == 200 and "confirmée" in confirm.text
    assert subscription()['active']
    status, consent = site.rest(
        f'model/mons.crm.consent/{pending["consent"]}?f=state&f=source'
        '&f=confirmed_at', login='admin')
    assert consent['state'] == 'given' and consent['source'] == 'portal'
    assert consent['confirmed_at']
    # The subscriptions page of the address: unsubscribe, then subscribe
    # again
    url = base + 'preferences?token=' + pending['email_token']
    page = session.get(url, timeout=60)
    assert page.status_code == 200 and "Saison culturelle" in page.text
    assert 'checked' in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    sub_id = re.search(r'name="subscription" value="(\d+)"',
        page.text).group(1)
    page = session.post(url, data={'csrf_token': token}, timeout=60)
    assert page.status_code == 200 and "enregistrés" in page.text
    assert not subscription()['active']
    page = session.post(url, data={'csrf_token': token,
            'subscription': sub_id}, timeout=60)
    assert subscription()['active']
    leave = session.get(base + 'desabonner',
        params={'token': pending['email_token']}, timeout=60)
    assert leave.status_code == 200 and "Désabonnement" in leave.text
    assert not subscription()['active']
    bad = session.get(base + 'desabonner', params={'token': 'nope'},
        timeout=60)
    assert bad.status_code == 404
