"""Import of an existing mail register over the REST API, as the mail office
(`courrier`) would do it from the desk: the analysis names every bad line
and column, nothing is imported while one remains, the letters keep their
numbers, the history says who imported which file, a second import of the
same file creates nothing, and the next number registered comes after the
imported ones. A service agent (`agent`) can neither run nor read it."""
import base64
import datetime as dt
import uuid

import pytest

from test_mail_trust_rest import domain, refused

YEAR = dt.date.today().year
HEADER = ("numéro;date;sens;objet;expéditeur/destinataire;"
    "numéro d'entreprise;service;classification;confidentiel;état")


def upload(data):
    return {'__class__': 'bytes', 'base64': base64.b64encode(data).decode()}


def register_file(rows):
    return ('\n'.join([HEADER] + [';'.join(r) for r in rows]) + '\n'
        ).encode('utf-8')


@pytest.fixture(scope='module')
def service_code(site):
    "A service of the mail office's organisation"
    status, user = site.rest('model/res.user?f=company&s=1&d=' + domain(
            [['login', '=', 'courrier']]), login='admin')
    assert status == 200, user
    status, rows = site.rest('model/mons.service?f=code&s=500&d=' + domain(
            [['company', '=', user[0]['company']]]), login='courrier')
    assert status == 200 and rows, rows
    codes = [r['code'] for r in rows]
    # The agent's service, so that it reads the imported letters
    return 'CULT' if 'CULT' in codes else codes[0]


def new_import(site, data, filename, login='courrier'):
    return site.rest('model/mail.register.import', 'POST', login=login,
        data={'file': upload(data), 'filename': filename})


def analysed(site, import_id):
    status, body = site.rest(
        f'model/mail.register.import/{import_id}/analyse', 'POST',
        login='courrier', data={})
    assert status == 200, body
    status, record = site.rest(f'model/mail.register.import/{import_id}'
        '?f=state&f=rows&f=to_create&f=already&f=errors&f=items',
        login='courrier')
    assert status == 200, record
    status, lines = site.rest('model/mail.register.import.line?s=500'
        '&f=line&f=column&f=status&f=message&d=' + domain(
            [['import_', '=', import_id]]), login='courrier')
    assert status == 200, lines
    return record, lines


def registered(site, party, subject):
    "A letter the mail office registers through the suite: its number"
    status, body = site.rest('model/mail.item', 'POST', login='courrier',
        data={'direction': 'incoming', 'party': party, 'subject': subject})
    assert status == 200, body
    item = body['id']
    status, body = site.rest(f'model/mail.item/{item}/register', 'POST',
        login='courrier', data={})
    assert status == 200, body
    status, body = site.rest(f'model/mail.item/{item}?f=number',
        login='courrier')
    assert status == 200, body
    return body['number']


def test_import_old_register(site, service_code):
    tag = uuid.uuid4().hex[:6].upper()
    status, parties = site.rest('model/party.party?s=1&f=id',
        login='courrier')
    assert status == 200, parties
    # Where the suite's incoming numbering is now
    before = registered(site, parties[0]['id'], f"Avant import {tag}")
    prefix, counter = before.rsplit('/', 1)
    assert prefix == f'E/{YEAR}', before
    ahead = f'{prefix}/{int(counter) + 50:06d}'
    rows = [
        [f'ANC/{tag}/1', '02/01/2024', 'entrant', f"Ancien {tag} un",
            f"Expéditeur {tag}", '', service_code, '', 'non', 'clôturé'],
        [f'ANC/{tag}/2', '03/01/2024', 'sortant', f"Ancien {tag} deux",
            f"Expéditeur {tag}", '', '', '', 'oui', ''],
        [ahead, f'02/01/{YEAR}', 'entrant', f"Ancien {tag} trois",
            f"Autre {tag}", '', service_code, '', 'non', 'en traitement'],
        ]
    good = register_file(rows)

    # A bad line and a number the suite already gave: named, nothing done
    bad = register_file(rows + [
            [f'ANC/{tag}/4', '2024-13-01', 'entrant', "x", "y", '',
                f'INCONNU{tag}', '', 'non', ''],
            [before, '02/01/2024', 'entrant', "x", "y", '', '', '', '',
                ''],
            ])
    status, body = new_import(site, bad, f'registre-{tag}-faux.csv')
    assert status == 200, body
    record, lines = analysed(site, body['id'])
    errors = {(line['line'], line['column']): line['message']
        for line in lines if line['status'] == 'error'}
    assert "n'est pas une date" in errors[(5, 'date')], errors
    assert f"INCONNU{tag}" in errors[(5, 'service')], errors
    assert "Ligne 6, colonne « numéro »" in errors[(6, 'numéro')]
    assert "déjà celui d'un courrier" in errors[(6, 'numéro')]
    assert record['errors'] == 3 and record['to_create'] == 3, record
    status, body = site.rest(
        f'model/mail.register.import/{body["id"]}/import_', 'POST',
        login='courrier', data={})
    refused(status, body, "Rien n'a été importé", "Ligne 5")
    status, found = site.rest('model/mail.item?f=id&d=' + domain(
            [['number', '=', f'ANC/{tag}/1']]), login='courrier')
    assert status == 200 and found == [], found

    # The good file: analysed, imported with its numbers
    filename = f'registre-{tag}.csv'
    status, body = new_import(site, good, filename)
    assert status == 200, body
    import_id = body['id']
    record, lines = analysed(site, import_id)
    assert (record['rows'], record['to_create'], record['errors']) == (
        3, 3, 0), (record, lines)
    assert any(f"crée ANC/{tag}/1, entrant du 02/01/2024, clôturé"
        in line['message'] for line in lines), lines
    status, body = site.rest(
        f'model/mail.register.import/{import_id}/import_', 'POST',
        login='courrier', data={})
    assert status == 200, body
    status, items = site.rest('model/mail.item?f=number&f=state'
        '&f=direction&f=confidential&f=register_import&f=party.rec_name'
        '&d=' + domain([['register_import', '=', import_id]]),
        login='courrier')
    assert status == 200, items
    by_number = {i['number']: i for i in items}
    assert set(by_number) == {f'ANC/{tag}/1', f'ANC/{tag}/2', ahead}
    assert by_number[f'ANC/{tag}/2']['direction'] == 'outgoing'
    # A boolean reads as 1 on SQLite
    assert by_number[f'ANC/{tag}/2']['confidential']
    assert not by_number[f'ANC/{tag}/1']['confidential']
    assert by_number[f'ANC/{tag}/2']['state'] == 'closed'
    assert by_number[ahead]['state'] == 'in_treatment'
    assert by_number[f'ANC/{tag}/1']['party']['rec_name'] == f"Expéditeur {tag}"
    status, history = site.rest('model/mail.item.history?f=action'
        '&f=user.login&f=comment&d=' + domain(
            [['item', '=', by_number[f'ANC/{tag}/1']['id']]]),
        login='courrier')
    assert status == 200, history
    entry, = history
    assert entry['action'] == 'import'
    assert entry['user']['login'] == 'courrier'
    assert filename in entry['comment']

    # The next number registered is after the largest imported one
    after = registered(site, parties[0]['id'], f"Après import {tag}")
    assert after == f'{prefix}/{int(counter) + 51:06d}', (before, after)

    # The same file again creates nothing twice
    status, body = new_import(site, good, filename)
    assert status == 200, body
    record, lines = analysed(site, body['id'])
    assert (record['to_create'], record['already'], record['errors']) == (
        0, 3, 0), record
    status, answer = site.rest(
        f'model/mail.register.import/{body["id"]}/import_', 'POST',
        login='courrier', data={})
    assert status == 200, answer
    status, items = site.rest('model/mail.item?f=id&d=' + domain(
            [['number', 'in', list(by_number)]]), login='courrier')
    assert status == 200 and len(items) == 3, items

    # An agent neither reads, creates nor runs an import, nor marks a
    # letter as imported
    status, body = site.rest('model/mail.register.import?f=id',
        login='agent')
    refused(status, body)
    status, body = new_import(site, good, filename, login='agent')
    refused(status, body)
    for button in ['analyse', 'import_', 'draft']:
        status, body = site.rest(
            f'model/mail.register.import/{import_id}/{button}', 'POST',
            login='agent', data={})
        assert 400 <= status < 500, (button, status, body)
        if status != 404:
            refused(status, body)
    status, body = site.rest('model/mail.item', 'POST', login='agent',
        data={'direction': 'incoming', 'party': parties[0]['id'],
            'subject': f"Faux import {tag}", 'register_import': import_id,
            'number': f'ANC/{tag}/9'})
    refused(status, body)
    # It reads its service's imported letter, not which import it came
    # from (the import holds the whole old register)
    status, body = site.rest('model/mail.item?f=number&d='
        + domain([['number', '=', f'ANC/{tag}/1']]), login='agent')
    assert status == 200 and len(body) == 1, body
    status, body = site.rest('model/mail.item?f=register_import&d='
        + domain([['number', '=', f'ANC/{tag}/1']]), login='agent')
    # The API leaves out a field the caller may not read
    assert status == 200 and 'register_import' not in body[0], body
    status, body = site.rest('model/mail.item?f=register_import&d='
        + domain([['number', '=', f'ANC/{tag}/1']]), login='courrier')
    assert status == 200 and body[0]['register_import'] == import_id, body
    # Nor does the mail office write the number an import gave
    status, body = site.rest(
        f'model/mail.item/{by_number[f"ANC/{tag}/1"]["id"]}', 'PUT',
        login='courrier', data={'number': f'ANC/{tag}/X'})
    refused(status, body)
    # An import that created letters is kept
    status, body = site.rest(f'model/mail.register.import/{import_id}',
        'DELETE', login='courrier')
    refused(status, body)
