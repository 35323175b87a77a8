"""Mail (mons_mail) attacked over REST with each demo role's key, as issue
11 found it open: who reads which letter, links to confidential letters,
forged context keys, workflow fields written or given at creation, the CPAS
reading the City. Every refusal must be a JSON 4xx with a French message."""
import base64
import json
import re
import uuid

import pytest


def domain(d):
    return base64.urlsafe_b64encode(json.dumps(d).encode()).decode()


def context(c):
    return {'X-Tryton-Context': base64.urlsafe_b64encode(
            json.dumps(c).encode()).decode()}


ENGLISH = re.compile(r"\b(You|not allowed|the record|cannot|Records)\b")
FRENCH = re.compile(
    r"[éèêàçùôî]|\b(vous|pas|n'|ne|le|la|les|des|du|ce|cette|ou|est|et)\b",
    re.I)


def refused(status, body, *words):
    "A JSON 4xx whose message is French (and names what it should)"
    assert 400 <= status < 500, (status, body)
    assert isinstance(body, dict), body
    message = body.get('message') or ''
    assert FRENCH.search(message) and not ENGLISH.search(message), message
    for word in words:
        assert word.lower() in message.lower(), (word, message)


def tag():
    return uuid.uuid4().hex[:8]


@pytest.fixture(scope='module')
def services(site):
    status, rows = site.rest('model/mons.service?f=code&s=200',
        login='courrier')
    assert status == 200, rows
    return {r['code']: r['id'] for r in rows}


@pytest.fixture(scope='module')
def sender(site):
    status, rows = site.rest('model/party.party?s=1&d=' + domain(
            [['addresses', '!=', None]]), login='courrier')
    assert status == 200, rows
    return rows[0]['id']


def letter(site, sender, service, subject, login='courrier', assign=True,
        **values):
    "A letter the mail office registers (and assigns) to a service"
    status, body = site.rest('model/mail.item', 'POST', login=login,
        data={'direction': 'incoming', 'party': sender, 'subject': subject,
            'service': service, **values})
    assert status == 200, body
    item = body['id']
    for action in ['register', 'assign'] if assign else ['register']:
        status, body = site.rest(f'model/mail.item/{item}/{action}', 'POST',
            login=login, data={})
        assert status == 200, body
    return item


def test_agent_reads_only_own_service_and_copies(site, services):
    fields = 'f=service&f=copy_services&f=confidential&f=state' \
        '&f=type.visible_to_all&f=create_uid'
    status, everything = site.rest(f'model/mail.item?s=5000&{fields}',
        login='courrier')
    assert status == 200, everything
    status, mine = site.rest(f'model/mail.item?s=5000&{fields}',
        login='agent')
    assert status == 200, mine
    culture = services['CULT']
    assert mine and len(mine) < len(everything) / 4, (
        len(mine), len(everything))
    status, me = site.rest('model/res.user?f=id&d=' + domain(
            [['login', '=', 'agent']]), login='agent')
    agent_id = me[0]['id'] if status == 200 and me else None
    for row in mine:
        assert (row['service'] == culture
            or culture in row['copy_services']
            or (row['type'] or {}).get('visible_to_all')
            and not row['confidential']
            or row['state'] == 'draft' and row['create_uid'] == agent_id
            ), row
    # Every letter of the service and its copies, none missing
    expected = {r['id'] for r in everything
        if r['service'] == culture or culture in r['copy_services']}
    assert expected <= {r['id'] for r in mine}


def test_other_service_refused_everywhere(site, sender, services):
    subject = f"Subside académie {tag()}"
    item = letter(site, sender, services['CULT'], subject)
    # A scan must parse as a PDF (a one-page PDF)
    pdf = (b'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n'
        b'2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n'
        b'3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n'
        b'xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n'
        b'0000000052 00000 n \n0000000101 00000 n \n'
        b'trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n')
    status, body = site.rest('model/ir.attachment', 'POST', login='courrier',
        data={'resource': f'mail.item,{item}', 'name': 'scan.pdf',
            'data': {'__class__': 'bytes',
                'base64': base64.b64encode(pdf).decode()}})
    assert status == 200, body
    attachment = body['id']
    for login in ['urbanisme', 'employe', 'cpas']:
        status, body = site.rest(f'model/mail.item/{item}?f=subject',
            login=login)
        refused(status, body)
        status, rows = site.rest('model/mail.item?f=subject&d=' + domain(
                [['text', 'ilike', subject]]), login=login)
        assert status in {200, 403}, rows
        if status == 200:
            assert rows == [], (login, rows)
        status, rows = site.rest('model/mail.item.history?f=action&d='
            + domain([['item', '=', item]]), login=login)
        assert status in {200, 403}, rows
        if status == 200:
            assert rows == [], (login, rows)
        status, body = site.rest(f'model/ir.attachment/{attachment}?f=data',
            login=login)
        assert 400 <= status < 500, (login, status)
        status, body = site.rest(f'model/mail.item/{item}', 'PUT',
            login=login, data={'keywords': "piraté"})
        refused(status, body)
        status, body = site.rest(f'report/mail.item.slip/{item}',
            login=login, data={})
        assert 400 <= status < 500, (login, status)
        assert not (isinstance(body, bytes) and body.startswith(b'%PDF'))
    # The dashboard of another service's agent has no row of Culture
    status, rows = site.rest('model/mail.item.dashboard?f=service&s=500',
        login='urbanisme')
    assert status == 200, rows
    assert services['CULT'] not in {r['service'] for r in rows}
    # Its own service reads it, and its scan
    status, body = site.rest(f'model/ir.attachment/{attachment}?f=name',
        login='agent')
    assert status == 200, body


def test_confidentiality_stays_with_its_services(site, sender, services):
    subject = f"Harcèlement {tag()}"
    item = letter(site, sender, services['CULT'], subject, confidential=True)
    status, body = site.rest(f'model/mail.item/{item}?f=subject',
        login='agent')
    assert status == 200 and body['subject'] == subject, body
    # An agent of the treating service may not untick it
    status, body = site.rest(f'model/mail.item/{item}', 'PUT', login='agent',
        data={'confidential': False})
    refused(status, body)
    # Its manager may, and the history says who, from what to what
    status, body = site.rest(f'model/mail.item/{item}', 'PUT', login='chef',
        data={'confidential': False})
    assert status == 200, body
    status, body = site.rest(f'model/mail.item/{item}', 'PUT', login='chef',
        data={'confidential': True})
    assert status == 200, body
    status, rows = site.rest('model/mail.item.history?f=action&f=user.login'
        '&f=old_value&f=new_value&o=' + base64.urlsafe_b64encode(
            json.dumps([['id', 'ASC']]).encode()).decode() + '&d=' + domain(
            [['item', '=', item], ['action', '=', 'confidential']]),
        login='chef')
    assert status == 200, rows
    assert [(r['user']['login'], r['old_value'], r['new_value'])
        for r in rows] == [('chef', 'Oui', 'Non'), ('chef', 'Non', 'Oui')]


def test_type_visible_to_all_but_not_confidential(site, sender, services):
    code = f'T{tag()[:5]}'
    status, body = site.rest('model/mail.type', 'POST', login='admin',
        data={'name': f"Invitation publique {code}", 'code': code,
            'delay': 5, 'visible_to_all': True})
    assert status == 200, body
    type_ = body['id']
    # Opening a type to all staff is the functional admin's decision
    status, body = site.rest(f'model/mail.type/{type_}', 'PUT',
        login='courrier', data={'visible_to_all': False})
    refused(status, body)
    word = tag()
    public = letter(site, sender, services['CULT'], f"Vernissage {word}",
        type=type_)
    secret = letter(site, sender, services['CULT'], f"Plainte {word}",
        type=type_, confidential=True)
    status, rows = site.rest('model/mail.item?f=id&d=' + domain(
            [['text', 'ilike', word]]), login='employe')
    assert status == 200, rows
    assert [r['id'] for r in rows] == [public]
    status, body = site.rest(f'model/mail.item/{secret}?f=subject',
        login='employe')
    refused(status, body)


def test_link_to_confidential_letter_hides_its_subject(site, sender,
        services):
    word = tag()
    secret = letter(site, sender, services['CULT'],
        f"Dossier disciplinaire {word}", confidential=True)
    mine = letter(site, sender, services['URB-PU'], f"Véranda {word}")
    status, body = site.rest('model/mail.item.link', 'POST',
        login='urbanisme',
        data={'item': mine, 'target': secret, 'kind': 'follow_up'})
    assert status == 200, body
    link = body['id']
    status, body = site.rest(
        f'model/mail.item.link/{link}?f=target_subject&f=kind',
        login='urbanisme')
    assert status == 200, body
    assert body['target_subject'] is None, body
    status, body = site.rest(f'model/mail.item/{mine}?f=links.target_subject'
        '&f=links.target', login='urbanisme')
    assert status == 200, body
    assert word not in json.dumps(body), body
    status, body = site.rest(
        f'model/mail.item.link/{link}?f=target.subject', login='urbanisme')
    assert word not in json.dumps(body), body
    refused(status, body)
    status, body = site.rest(
        f'model/mail.item.link/{link}?f=target_subject', login='agent')
    # Culture reads its letter, not the link from Urbanisme's
    assert status != 200 or word not in json.dumps(body)
    status, body = site.rest(
        f'model/mail.item.link/{link}?f=target_subject', login='courrier')
    assert status == 200 and word in body['target_subject'], body


def test_forged_context_changes_nothing(site, sender, services):
    item = letter(site, sender, services['CULT'], f"Nid de poule {tag()}")
    status, body = site.rest(f'model/mail.item/{item}?f=number',
        login='courrier')
    number = body['number']
    for login in ['courrier', 'agent', 'admin']:
        status, body = site.rest(f'model/mail.item/{item}', 'PUT',
            login=login, data={'number': number[:-1] + '9'},
            headers=context({'_mail_register': True}))
        refused(status, body)
    status, body = site.rest(f'model/mail.item/{item}?f=number',
        login='courrier')
    assert body['number'] == number
    html = b'<!DOCTYPE html><html><script>alert(1)</script></html>'
    for name in ['scan.pdf', 'scan.html']:
        status, body = site.rest('model/ir.attachment', 'POST',
            login='courrier', headers=context({'_mail_inbound': True}),
            data={'resource': f'mail.item,{item}', 'name': name,
                'data': {'__class__': 'bytes',
                    'base64': base64.b64encode(html).decode()}})
        refused(status, body, name)
    status, body = site.rest(f'model/mail.item/{item}?f=company',
        login='courrier')
    city = body['company']
    # The CPAS agent never reads the City, whatever the context says
    for forged in [{'_companies': [1, 2, 3]}, {'companies': [1, 2, 3]},
            {'company': 1}, {'_check_access': False}]:
        status, body = site.rest(f'model/mail.item/{item}?f=subject',
            login='cpas', headers=context(forged))
        refused(status, body)
        status, rows = site.rest('model/mail.item?f=company&s=2000',
            login='cpas', headers=context(forged))
        assert status in {200, 403}, rows
        if status == 200:
            assert city not in {r['company'] for r in rows}, forged


def test_workflow_fields_only_through_buttons(site, sender, services):
    item = letter(site, sender, services['CULT'], f"Brocante {tag()}")
    for login in ['agent', 'chef', 'courrier']:
        for values in [{'state': 'closed'}, {'state': 'answered'},
                {'registration_date': '2020-01-01T00:00:00'},
                {'scan_text': "texte inventé"}]:
            status, body = site.rest(f'model/mail.item/{item}', 'PUT',
                login=login, data=values)
            refused(status, body)
    status, body = site.rest(f'model/mail.item/{item}?f=state',
        login='courrier')
    assert body['state'] == 'assigned'
    # A letter is born a draft, without a number
    for values in [{'state': 'closed'}, {'state': 'registered'},
            {'number': 'E/2020/000001'}]:
        for login in ['courrier', 'agent', 'api']:
            status, body = site.rest('model/mail.item', 'POST', login=login,
                data={'direction': 'incoming', 'party': sender,
                    'subject': "Né enregistré", **values})
            refused(status, body)
    # A button whose group the caller lacks is refused in French too
    status, body = site.rest(f'model/mail.item/{item}/reopen', 'POST',
        login='agent', data={})
    refused(status, body)
