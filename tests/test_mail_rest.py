"""Mail (mons_mail) through the REST API of a live site, with the demo users'
API keys: registration, bad input in French, confidentiality, reports."""
import base64
import datetime as dt
import json
import uuid

import pytest

YEAR = dt.date.today().year


def domain(d):
    return base64.urlsafe_b64encode(json.dumps(d).encode()).decode()


def french(body):
    return body.decode('utf-8') if isinstance(body, bytes) else str(body)


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


def create(site, login, **values):
    status, body = site.rest('model/mail.item', 'POST', login=login,
        data=values)
    assert status == 200, body
    return body['id']


def test_register_over_rest(site, sender):
    item = create(site, 'courrier', direction='incoming', medium='paper',
        party=sender, subject="Demande de subside (REST)",
        keywords="subside, REST")
    status, body = site.rest(f'model/mail.item/{item}/register', 'POST',
        login='courrier', data={})
    assert status == 200, body
    status, body = site.rest(
        f'model/mail.item/{item}?f=number&f=state&f=due_date',
        login='courrier')
    assert body['state'] == 'registered'
    assert body['number'].startswith(f'E/{YEAR}/')
    assert body['due_date']
    # A second registration is refused in French, the number is kept
    status, error = site.rest(f'model/mail.item/{item}/register', 'POST',
        login='courrier', data={})
    assert status == 400
    assert 'déjà enregistré' in french(error)
    status, again = site.rest(f'model/mail.item/{item}?f=number',
        login='courrier')
    assert again['number'] == body['number']


def test_bad_input_messages_in_french(site, sender):
    item = create(site, 'courrier', direction='incoming', subject="Sans "
        "expéditeur")
    status, error = site.rest(f'model/mail.item/{item}/register', 'POST',
        login='courrier', data={})
    assert status == 400
    assert "l'expéditeur" in french(error)
    status, error = site.rest('model/mail.item', 'POST', login='courrier',
        data={'party': sender, 'subject': "x",
            'classification_code': 'ZZ.99.404'})
    assert status == 400
    assert 'ZZ.99.404' in french(error)
    # Taking in charge a draft is not a transition of the workflow (and the
    # agent does not even see the mail office's draft)
    status, error = site.rest(f'model/mail.item/{item}/take', 'POST',
        login='agent', data={})
    assert status in {400, 403, 404}, error
    assert isinstance(error, dict) and error['message'], error
    status, error = site.rest(f'model/mail.item/{item}/take', 'POST',
        login='courrier', data={})
    assert status in {400, 403}, error
    assert 'Prendre en charge' in french(error) or 'groupe' in french(error)


def test_confidential_item_hidden_from_other_services(site, sender,
        services):
    item = create(site, 'courrier', direction='incoming', party=sender,
        subject="Plainte confidentielle zorglub", confidential=True,
        service=services['CULT'])
    for action in ['register', 'assign']:
        status, body = site.rest(f'model/mail.item/{item}/{action}', 'POST',
            login='courrier', data={})
        assert status == 200, body
    # A scan must parse as a PDF (a one-page PDF)
    pdf = (b'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n'
        b'2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n'
        b'3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n'
        b'xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n'
        b'0000000052 00000 n \n0000000101 00000 n \n'
        b'trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n')
    status, body = site.rest('model/ir.attachment', 'POST', login='courrier',
        data={'resource': f'mail.item,{item}', 'name': 'plainte.pdf',
            'data': {'__class__': 'bytes',
                'base64': base64.b64encode(pdf).decode()}})
    assert status == 200, body
    attachment = body['id']
    search = 'model/mail.item?f=subject&d=' + domain(
        [['text', 'ilike', 'zorglub']])
    for login in ['courrier', 'agent', 'chef', 'direction']:
        status, rows = site.rest(search, login=login)
        assert status == 200 and [r['id'] for r in rows] == [item], login
    for login in ['employe', 'urbanisme', 'cpas', 'api']:
        status, rows = site.rest(search, login=login)
        assert status in {200, 403}, (login, rows)
        if status == 200:
            assert rows == [], login
        status, _ = site.rest(f'model/mail.item/{item}', login=login)
        assert status in {403, 404}, login
        status, _ = site.rest(f'model/ir.attachment/{attachment}',
            login=login)
        assert status in {403, 404}, login
        # The report endpoint answers an access error with 400
        status, body = site.rest(f'report/mail.item.label/{item}',
            login=login, data={})
        assert status in {400, 403, 404}, login
        assert not (isinstance(body, bytes) and body.startswith(b'%PDF'))
        status, _ = site.rest(f'model/mail.item/{item}', 'PUT', login=login,
            data={'subject': "piraté"})
        assert status in {403, 404}, login
    # Being put in copy opens it to that service
    status, body = site.rest(f'model/mail.item/{item}', 'PUT',
        login='courrier', data={'copy_services': [
                ['add', [services['TRAV-VOI']]]]})
    assert status == 200, body
    status, rows = site.rest(search, login='employe')
    assert [r['id'] for r in rows] == [item]


def test_label_and_letter_reports(site, sender, services):
    item = create(site, 'courrier', direction='incoming', party=sender,
        subject="Demande de salle", service=services['CULT'])
    for login, action in [('courrier', 'register'), ('courrier', 'assign'),
            ('agent', 'take')]:
        status, body = site.rest(f'model/mail.item/{item}/{action}', 'POST',
            login=login, data={})
        assert status == 200, body
    # data={}: the report endpoint parses the body as JSON when the request
    # says it is JSON, and the helper always says so
    status, label = site.rest(f'report/mail.item.label/{item}',
        login='courrier', data={})
    assert status == 200 and label.startswith(b'%PDF'), label[:500]
    status, action = site.rest(f'model/mail.item/{item}/reply', 'POST',
        login='agent', data={})
    assert status == 200, action
    # An action that opens the draft answer, the same one on a second call
    assert action['res_model'] == 'mail.item', action
    reply, = action['res_id']
    status, again = site.rest(f'model/mail.item/{item}/reply', 'POST',
        login='agent', data={})
    assert status == 200 and again['res_id'] == [reply], again
    status, body = site.rest(
        f'model/mail.item/{reply}?f=direction&f=links&f=subject',
        login='agent')
    assert body['direction'] == 'outgoing'
    status, body = site.rest(f'model/mail.item/{reply}/register', 'POST',
        login='agent', data={})
    assert status == 200, body
    status, letter = site.rest(f'report/mail.item.letter/{reply}',
        login='agent', data={})
    assert status == 200 and letter.startswith(b'%PDF'), letter[:500]
    status, body = site.rest(f'model/mail.item/{item}?f=state&f=backlinks',
        login='agent')
    assert body['state'] == 'answered'
    assert len(body['backlinks']) == 1


def pdf_text(data):
    import io
    from pypdf import PdfReader
    return ' '.join(' '.join((page.extract_text() or '').split())
        for page in PdfReader(io.BytesIO(data)).pages)


def test_reply_template_and_preview_over_rest(site, services):
    """The functional administrator writes Culture's decision letters; the
    agent's reply to Mrs Leroy is written from it, kept when registered and
    shown beside the letter; the agent cannot change the wording"""
    word = uuid.uuid4().hex[:6].upper()
    status, body = site.rest('model/mail.type', 'POST', login='admin',
        data={'name': f"Décision {word}", 'code': f'DEC{word}',
            'delay': 10})
    assert status == 200, body
    decision = body['id']
    template = {'name': f"Décisions Culture {word}",
        'service': services['CULT'], 'type': decision,
        'body': "${greeting}\n\nVotre demande « ${subject} » a été "
        f"examinée ({word}).\n\n${{body}}\n\n${{closing}}"}
    status, error = site.rest('model/mail.reply.template', 'POST',
        login='agent', data=template)
    assert status == 403 and error.get('message'), error
    status, error = site.rest('model/mail.reply.template', 'POST',
        login='admin', data={**template, 'body': "${contact.civility}"})
    assert status == 400, error
    assert '${contact.civility}' in error['message'], error
    assert 'inconnu' in error['message'], error
    status, body = site.rest('model/mail.reply.template', 'POST',
        login='admin', data=template)
    assert status == 200, body
    template_id = body['id']
    status, body = site.rest(f'model/mail.reply.template/{template_id}?'
        'f=body', login='agent')
    assert status == 200 and word in body['body'], body
    status, error = site.rest(f'model/mail.reply.template/{template_id}',
        'PUT', login='agent', data={'body': "${body}"})
    assert status == 403, error

    status, body = site.rest('model/party.party', 'POST', login='courrier',
        data={'name': f"Anne Leroy {word}", 'crm_kind': 'person',
            'first_name': "Anne", 'last_name': f"Leroy {word}",
            'civility': 'mrs', 'addresses': [['create', [{
                            'street_unstructured': "Grand-Place 22",
                            'postal_code': '7000', 'city': "Mons"}]]]})
    assert status == 200, body
    leroy = body['id']
    item = create(site, 'courrier', direction='incoming', party=leroy,
        subject="Prêt du podium", service=services['CULT'], type=decision)
    for login, action in [('courrier', 'register'), ('courrier', 'assign'),
            ('agent', 'take')]:
        status, body = site.rest(f'model/mail.item/{item}/{action}', 'POST',
            login=login, data={})
        assert status == 200, body
    status, action = site.rest(f'model/mail.item/{item}/reply', 'POST',
        login='agent', data={})
    assert status == 200, action
    reply, = action['res_id']
    status, body = site.rest(f'model/mail.item/{reply}', 'PUT',
        login='agent', data={'type': decision,
            'body': "Le podium vous est prêté."})
    assert status == 200, body
    status, letter = site.rest(f'report/mail.item.letter/{reply}',
        login='agent', data={})
    assert status == 200 and letter.startswith(b'%PDF'), letter[:300]
    text = pdf_text(letter)
    assert (f"Objet : Prêt du podium Madame, Votre demande « Prêt du "
        f"podium » a été examinée ({word}). Le podium vous est prêté."
        ) in text, text
    assert "agréer, Madame, l'expression" in text, text

    status, body = site.rest(f'model/mail.item/{reply}/register', 'POST',
        login='agent', data={})
    assert status == 200, body
    status, body = site.rest(f'model/mail.item/{reply}?f=number'
        '&f=document_name&f=document', login='agent')
    assert status == 200, body
    assert body['document_name'] == (
        f"Lettre {body['number']}.pdf".replace('/', '-')), body
    kept = base64.b64decode(body['document']['base64'])
    assert word in pdf_text(kept) and body['number'] in pdf_text(kept)
    # Another service's agent sees neither the letter nor its preview
    status, _ = site.rest(f'model/mail.item/{reply}?f=document',
        login='urbanisme')
    assert status in {403, 404}
