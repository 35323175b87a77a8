"""Permit files (mons_permit) through the REST API of a live site with the
demo users' keys: the urbanism officer runs a file from the deposit to the
inquiry with deadlines computed and explained; bad input is answered in
French naming the field and changes nothing; other agents see no file."""
import base64
import datetime as dt
import json

import pytest

CODES = {'PU', 'PU_SANS_ARCHI', 'PURB', 'CU1', 'CU2', 'PPUB', 'PUN1', 'PUN2',
    'PINT', 'PIC', 'PE1', 'PE2', 'DECL3', 'DIV', 'NOT'}
TODAY = dt.date.today()


def domain(d):
    return base64.urlsafe_b64encode(json.dumps(d).encode()).decode()


def as_date(value):
    "A date as the REST API answers it ({'__class__': 'date', ...})"
    return dt.date(value['year'], value['month'], value['day'])


def text(body):
    return body.decode('utf-8') if isinstance(body, bytes) else json.dumps(
        body, ensure_ascii=False)


@pytest.fixture(scope='module')
def types(site):
    status, rows = site.rest('model/permit.procedure_type?f=code&f=name'
        '&s=100', login='urbanisme')
    assert status == 200, rows
    return {r['code']: r['id'] for r in rows}


@pytest.fixture(scope='module')
def applicant(site):
    status, rows = site.rest('model/party.party?s=1&d=' + domain(
            [['addresses', '!=', None]]), login='urbanisme')
    assert status == 200, rows
    return rows[0]['id']


def create_file(site, types, applicant, code='PE2', **values):
    status, body = site.rest('model/permit.file', 'POST', login='urbanisme',
        data=dict({'procedure_type': types[code], 'applicant': applicant,
                'object': "Exploitation d'un atelier (REST)",
                'deposit_date': TODAY.isoformat()}, **values))
    assert status == 200, body
    return body['id']


def read(site, file_id, *names, login='urbanisme'):
    fields = '&'.join(f'f={n}' for n in names)
    status, body = site.rest(f'model/permit.file/{file_id}?{fields}',
        login=login)
    assert status == 200, body
    return body


def button(site, file_id, name, login='urbanisme'):
    return site.rest(f'model/permit.file/{file_id}/{name}', 'POST',
        login=login, data={})


def test_procedure_types_shipped(site, types):
    assert CODES <= set(types)


def test_file_from_deposit_to_inquiry(site, types, applicant):
    file_id = create_file(site, types, applicant)
    status, body = button(site, file_id, 'deposit')
    assert status == 200, body
    file = read(site, file_id, 'reference', 'state', 'deposit_date',
        'completeness_due', 'completeness_explanation', 'decision_due')
    assert file['state'] == 'deposited'
    assert file['reference'].startswith(f'URB/{TODAY.year}/')
    assert file['decision_due'] is None
    assert as_date(file['completeness_due']) >= TODAY + dt.timedelta(days=20)
    assert 'Point de départ : dépôt le' in file['completeness_explanation']

    # No inquiry before completeness: French, the state is kept
    status, error = button(site, file_id, 'start_inquiry')
    assert status == 400, error
    assert "n'est pas déclaré complet" in text(error)
    assert read(site, file_id, 'state')['state'] == 'deposited'

    # A completeness date before the deposit names the field, keeps nothing
    before = (TODAY - dt.timedelta(days=3)).isoformat()
    status, error = site.rest(f'model/permit.file/{file_id}', 'PUT',
        login='urbanisme', data={'complete_date': before})
    assert status == 400, error
    assert 'Date de complétude' in text(error)
    assert read(site, file_id, 'complete_date')['complete_date'] is None

    status, body = button(site, file_id, 'declare_complete')
    assert status == 200, body
    file = read(site, file_id, 'state', 'complete_date', 'decision_due',
        'decision_explanation')
    assert file['state'] == 'complete'
    # Class 2 environment permit: 90 days from completeness, rolled
    assert as_date(file['decision_due']) >= TODAY + dt.timedelta(days=90)
    assert 'Délai légal : 90 jours' in file['decision_explanation']

    status, action = button(site, file_id, 'start_inquiry')
    assert status == 200, action
    assert action['res_model'] == 'permit.inquiry'
    inquiry_id = action['res_id'][0]
    status, inquiry = site.rest(f'model/permit.inquiry/{inquiry_id}'
        '?f=start_date&f=end_date&f=days&f=radius&f=end_explanation',
        login='urbanisme')
    assert status == 200, inquiry
    assert (inquiry['days'], inquiry['radius']) == (15, 50)
    assert as_date(inquiry['end_date']) > as_date(inquiry['start_date'])
    assert 'Enquête de 15 jours' in inquiry['end_explanation']
    status, body = site.rest(f'model/permit.inquiry/{inquiry_id}/open',
        'POST', login='urbanisme', data={})
    assert status == 200, body
    # No decision before the inquiry ends
    status, error = button(site, file_id, 'to_decision')
    assert status == 400, error
    assert "ne peut être prise qu'après" in text(error)


def test_workflow_fields_and_capakey_refused(site, types, applicant):
    status, error = site.rest('model/permit.file', 'POST', login='urbanisme',
        data={'procedure_type': types['PU'], 'applicant': applicant,
            'object': "Véranda", 'state': 'closed'})
    assert status == 400, error
    assert 'État' in text(error)
    file_id = create_file(site, types, applicant, 'PU')
    status, error = site.rest(f'model/permit.file/{file_id}', 'PUT',
        login='urbanisme', data={'reference': 'URB/1900/1'})
    assert status in {400, 403}, error
    assert read(site, file_id, 'reference')['reference'] is None
    status, error = site.rest('model/permit.parcel', 'POST',
        login='urbanisme', data={'capakey': '53053A123/02B045'})
    assert status == 400, error
    assert 'Capakey' in text(error) and '53053A0123/02B045' in text(error)
    status, rows = site.rest('model/permit.parcel?f=capakey&d=' + domain(
            [['capakey', '=', '53053A123/02B045']]), login='urbanisme')
    assert status == 200 and rows == []


def test_other_agents_see_no_file(site, types, applicant):
    file_id = create_file(site, types, applicant, 'PU')
    for login in ['agent', 'courrier', 'data']:
        status, error = site.rest('model/permit.file?f=reference',
            login=login)
        assert status == 403, (login, error)
        # A record one may not read is not even said to exist
        status, error = site.rest(f'model/permit.file/{file_id}?f=object',
            login=login)
        assert status in {403, 404}, (login, error)
        status, error = button(site, file_id, 'deposit', login=login)
        assert status == 403, (login, error)
        status, error = site.rest('model/permit.file', 'POST', login=login,
            data={'procedure_type': types['PU'], 'applicant': applicant,
                'object': "Intrus"})
        assert status == 403, (login, error)
    assert read(site, file_id, 'state')['state'] == 'draft'
    # The procedures are public knowledge (the portal offers them)
    status, rows = site.rest('model/permit.procedure_type?f=code',
        login='agent')
    assert status == 200 and rows


def test_demo_files_and_reports(site):
    status, rows = site.rest('model/permit.file?f=state&f=reference&s=100',
        login='urbanisme')
    assert status == 200, rows
    states = {r['state'] for r in rows}
    assert {'inquiry', 'opinions', 'decision', 'notified', 'closed'} <= states
    notified = [r for r in rows if r['state'] == 'notified'][0]
    status, body = site.rest(
        f'report/permit.file.notification/{notified["id"]}',
        login='urbanisme')
    assert status == 200, body
    status, body = site.rest(
        f'report/permit.file.notification/{notified["id"]}', login='agent')
    assert status == 403, body


def test_staff_map_of_files(site):
    "The files' parcels on the urbanism office's map, not on others'"
    import urllib.error
    import urllib.request

    def items(login):
        request = urllib.request.Request(
            f'{site.url}/{site.db}/carto/ogc/collections/permis-dossiers/'
            'items?limit=50', headers={
                'Authorization': f'bearer {site.api_key(login)}'})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, None
    status, collection = items('urbanisme')
    assert status == 200, collection
    assert collection['numberMatched'] >= 10
    feature = collection['features'][0]
    assert feature['geometry']['type'] == 'Polygon'
    lon, lat = feature['geometry']['coordinates'][0][0]
    assert 3.8 < lon < 4.1 and 50.4 < lat < 50.5, (lon, lat)
    assert set(feature['properties']) >= {'reference', 'object'}
    assert 'applicant' not in feature['properties']
    status, _ = items('agent')
    assert status == 404
