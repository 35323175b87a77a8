"""Contacts (mons_crm) tried as an attacker over REST, with each demo role's
key: mass-email templates in the sandbox, saved filters reading as their
responsible, personal data of another service's contact (after changing its
kind first), merge and erasure by each role. Every refusal is a JSON 4xx
with a French message."""
import base64
import json
import uuid

import pytest

ATTACKS = [
    "${email.list_.create_uid.__class__.search([])}",
    "${party.__class__.__mro__}",
    '${"{0.__class__}".format(party)}',
    "${'%s' % email}",
    "${party|attr('__class__')}",
    "{% for i in range(100000) %}{% for j in range(100000) %}x"
    "{% endfor %}{% endfor %}",
    "${party['name']}",
    "${self.__init__.__globals__}",
    "{% include '/etc/passwd' %}",
    "${party.birth_date}",
    ]


def domain(d):
    return base64.urlsafe_b64encode(json.dumps(d).encode()).decode()


def refused(status, body, *words):
    "A JSON 4xx whose French message contains words"
    assert 400 <= status < 500, (status, body)
    assert isinstance(body, dict) and body.get('message'), body
    for word in words:
        assert word in body['message'], body['message']


def user_id(site, login):
    status, rows = site.rest('model/res.user?f=login&d='
        + domain([['login', '=', login]]), login='admin')
    assert status == 200 and rows, rows
    return rows[0]['id']


def service_id(site, code):
    status, rows = site.rest('model/mons.service?f=code&d='
        + domain([['code', '=', code]]), login='admin')
    return rows[0]['id']


def new_person(site, login, name, **values):
    "A person created over REST by login (owned by login's service)"
    first, last = name.split(' ', 1)
    email = f'{uuid.uuid4().hex[:8]}@example.be'
    status, body = site.rest('model/party.party', 'POST', login=login,
        data=dict({'first_name': first, 'last_name': last, 'name': name,
                'crm_kind': 'person',
                'contact_mechanisms': [['create', [
                            {'type': 'email', 'value': email},
                            {'type': 'phone', 'value': '+32 470 12 34 56'},
                            ]]]}, **values))
    assert status == 200, body
    return body['id'], email


def test_template_attacks_refused(site):
    "Attribute walks, format strings, loops: refused with the placeholder"
    for content in ATTACKS:
        status, body = site.rest('model/mons.crm.email.template', 'POST',
            login='agent', data={'name': "Piège", 'title': "Piège",
                'content': f'<p>{content}</p>'})
        refused(status, body, "Le modèle")
        assert ("n'est pas un champ disponible" in body['message']
            or "n'est pas permis" in body['message']
            or "erreur de syntaxe" in body['message']), body
    status, body = site.rest('model/mons.crm.email.template', 'POST',
        login='agent', data={'name': "Piège", 'title': "x",
            'content': '<p>${email.list_.create_uid}</p>'})
    refused(status, body, "« ${email.list_", "Champs disponibles")
    # A message written without a template goes through the same check
    status, lists = site.rest('model/marketing.email.list?f=name&d='
        + domain([['name', '=', "Saison culturelle"]]), login='agent')
    assert status == 200 and lists, lists
    status, body = site.rest('model/marketing.email.message', 'POST',
        login='agent', data={'list_': lists[0]['id'], 'title': "x",
            'content': '<p>${email.list_.create_uid.__class__}</p>'})
    refused(status, body, "Le modèle")
    # And a draft rewritten after it was saved
    status, body = site.rest('model/marketing.email.message', 'POST',
        login='agent', data={'list_': lists[0]['id'], 'title': "Saison",
            'content': '<p>${greeting}</p>'})
    assert status == 200, body
    status, body = site.rest(f'model/marketing.email.message/{body["id"]}',
        'PUT', login='agent', data={'content': '{% set x = party %}'})
    refused(status, body, "n'est pas permis")


def test_template_documented_placeholders(site):
    status, body = site.rest('model/mons.crm.email.template', 'POST',
        login='agent', data={'name': f"Saison {uuid.uuid4().hex[:6]}",
            'title': "La saison",
            'content': '<p>${greeting}</p><p>${party.name if party else '
            'email.email}, ${list.name}, ${sender.name|upper}</p>'
            '{% if party %}<p>$first_name</p>{% endif %}'
            '<a href="${unsubscribe_url}">Se désabonner</a>'})
    assert status == 200, body


def test_saved_filter_reads_as_its_responsible(site):
    cult = service_id(site, 'CULT')
    agent = user_id(site, 'agent')
    name = f"Filtre {uuid.uuid4().hex[:6]}"
    # Making the admin responsible, to read as them, is refused
    status, body = site.rest('model/marketing.email.list', 'POST',
        login='agent', data={'name': name, 'service': cult,
            'filter_languages': ['nl'],
            'filter_owner': user_id(site, 'admin')})
    assert status == 200, body
    list_id = body['id']
    status, body = site.rest(f'model/marketing.email.list/{list_id}'
        '?f=filter_owner', login='agent')
    assert body['filter_owner'] == agent, body
    status, body = site.rest(f'model/marketing.email.list/{list_id}', 'PUT',
        login='agent', data={'filter_owner': user_id(site, 'admin')})
    refused(status, body, "responsable")
    # Paths out of the directory: users, their keys, sessions
    for bad in [
            [["create_uid.applications.key", "like", "a%"]],
            [["write_uid.password_hash", "!=", None]],
            [["contact_mechanisms", "where",
                    [["create_uid.applications.key", "!=", None]]]],
            [["categories.create_uid.login", "=", "admin"]],
            [["relations.to.write_uid.applications.key", "!=", None]],
            ]:
        status, body = site.rest(f'model/marketing.email.list/{list_id}',
            'PUT', login='agent',
            data={'filter_domain': json.dumps(bad)})
        refused(status, body, "ne peut pas utiliser")
    # Another service's agent may not touch the list at all
    status, body = site.rest(f'model/marketing.email.list/{list_id}', 'PUT',
        login='cpas', data={'filter_domain': '[["language", "=", "fr"]]'})
    refused(status, body)
    status, body = site.rest(f'model/marketing.email.list/{list_id}', 'PUT',
        login='agent', data={'filter_domain': '[["language", "=", "nl"]]'})
    assert status == 200, body
    status, body = site.rest(
        f'model/marketing.email.list/{list_id}/build_from_filters', 'POST',
        login='agent', data={})
    assert status == 200, body
    status, rows = site.rest('model/marketing.email?f=contact&s=500&d='
        + domain([['list_', '=', list_id]]), login='agent')
    assert status == 200 and rows, rows


def test_personal_fields_of_another_service_whatever_the_kind(site):
    "Setting the kind first does not open another service's contact"
    status, rows = site.rest('model/party.party?f=contact_mechanisms'
        '&f=crm_kind&s=5&d=' + domain([
            ['owner_service.code', 'not in', ['CULT']],
            ['owner_service', '!=', None],
            ['contact_mechanisms', '!=', None]]), login='admin')
    assert status == 200 and len(rows) >= 2, rows
    for row in rows[:2]:
        status, body = site.rest(f'model/party.party/{row["id"]}', 'PUT',
            login='agent', data={'crm_kind': 'organisation'})
        refused(status, body, "appartiennent au service")
        mechanism = row['contact_mechanisms'][0]
        status, body = site.rest(
            f'model/party.contact_mechanism/{mechanism}', 'PUT',
            login='agent', data={'value': 'pirate@example.be'})
        refused(status, body, "appartiennent au service")
        status, body = site.rest('model/party.contact_mechanism', 'POST',
            login='agent', data={'party': row['id'], 'type': 'email',
                'value': 'pirate@example.be'})
        refused(status, body, "appartiennent au service")
        status, body = site.rest(f'model/party.party/{row["id"]}', 'DELETE',
            login='agent')
        refused(status, body)
    # An organisation is personal data of its owner too
    status, orgs = site.rest('model/party.party?f=contact_mechanisms&s=1&d='
        + domain([['owner_service.code', 'not in', ['CULT']],
                ['owner_service', '!=', None],
                ['crm_kind', '=', 'organisation'],
                ['contact_mechanisms', '!=', None]]), login='admin')
    assert orgs, orgs
    status, body = site.rest(
        f'model/party.contact_mechanism/{orgs[0]["contact_mechanisms"][0]}',
        'PUT', login='agent', data={'value': 'pirate@example.be'})
    refused(status, body, "appartiennent au service")
    # The CPAS agent does not change the City's contacts either
    status, body = site.rest(f'model/party.party/{orgs[0]["id"]}', 'PUT',
        login='cpas', data={'name': "Renommé"})
    refused(status, body, "appartiennent au service")


def test_merge_by_role(site):
    "Steward, DPO and the manager of the service merge; agents do not"
    # Pairs of two City contacts (a City steward does not decide on the
    # CPAS's contacts)
    status, pairs = site.rest('model/party.duplicate?f=party_a&f=party_b'
        '&s=20&d=' + domain([['state', '=', 'open'],
                ['party_a.owner_service.code', 'not like', 'CPAS%'],
                ['party_b.owner_service.code', 'not like', 'CPAS%']]),
        login='admin')
    assert status == 200 and len(pairs) >= 2, pairs
    for login in ['agent', 'employe', 'courrier', 'cpas']:
        status, body = site.rest(
            f'model/party.duplicate/{pairs[0]["id"]}/merge', 'POST',
            login=login, data={})
        refused(status, body)
    # Demo pairs mix two services: not the Culture manager's to decide
    status, body = site.rest(f'model/party.duplicate/{pairs[0]["id"]}/merge',
        'POST', login='chef', data={})
    refused(status, body)
    for login, pair in [('data', pairs[0]), ('dpo', pairs[1])]:
        status, body = site.rest(f'model/party.duplicate/{pair["id"]}/merge',
            'POST', login=login, data={})
        assert status == 200, (login, body)
        status, body = site.rest(f'model/party.duplicate/{pair["id"]}'
            '?f=state', login='admin')
        assert body['state'] == 'merged', body
    # A City contact and a CPAS contact: the City's steward and DPO do not
    # decide on the CPAS's
    city, _ = new_person(site, 'agent', "Ginette Mixte")
    cpas, _ = new_person(site, 'cpas', "Ginette Mixte")
    status, body = site.rest('model/party.duplicate', 'POST', login='admin',
        data={'party_a': city, 'party_b': cpas})
    assert status == 200, body
    for login in ['data', 'dpo', 'chef']:
        status, answer = site.rest(
            f'model/party.duplicate/{body["id"]}/merge', 'POST', login=login,
            data={})
        refused(status, answer)
    # Two contacts of Culture: its manager merges them
    a, _ = new_person(site, 'agent', "Gaston Lagaffe")
    b, _ = new_person(site, 'agent', "Gaston Lagaffe")
    status, body = site.rest('model/party.duplicate', 'POST', login='chef',
        data={'party_a': a, 'party_b': b})
    assert status == 200, body
    status, body = site.rest(f'model/party.duplicate/{body["id"]}/merge',
        'POST', login='chef', data={})
    assert status == 200, body


def subscribe(site, party, email):
    status, lists = site.rest('model/marketing.email.list?f=name&d='
        + domain([['name', '=', "Saison culturelle"]]), login='agent')
    status, body = site.rest('model/marketing.email', 'POST', login='agent',
        data={'list_': lists[0]['id'], 'contact': party, 'email': email,
            'consent_proof': "Formulaire signé"})
    assert status == 200, body
    return body['id']


@pytest.mark.parametrize('eraser', ['dpo', 'data'])
def test_erase_by_role(site, eraser):
    "DPO and data steward erase; the person is found nowhere afterwards"
    name = f"Zoé Efface{uuid.uuid4().hex[:6]}"
    party, email = new_person(site, 'agent', name)
    subscribe(site, party, email)
    status, consents = site.rest('model/mons.crm.consent?f=state&d='
        + domain([['party', '=', party]]), login='dpo')
    assert [c['state'] for c in consents] == ['given'], consents
    # A letter received from the person: the mail search finds it by their
    # name and their address
    status, body = site.rest('model/mail.item', 'POST', login='courrier',
        data={'direction': 'incoming', 'medium': 'email', 'party': party,
            'email_from': email, 'subject': "Demande de renseignements"})
    assert status == 200, body
    letter = body['id']
    last = name.split(' ', 1)[1]

    def mail_search(text):
        status, rows = site.rest('model/mail.item?f=id&d=' + domain(
                [['text', 'ilike', text]]), login='admin')
        assert status == 200, rows
        return [r['id'] for r in rows]
    assert letter in mail_search(last)
    assert letter in mail_search(email)
    for login in ['agent', 'chef', 'cpas', 'employe', 'courrier']:
        status, body = site.rest(
            f'model/party.party/{party}/erase_personal_data', 'POST',
            login=login, data={})
        refused(status, body)
    status, body = site.rest(
        f'model/party.party/{party}/erase_personal_data', 'POST',
        login=eraser, data={})
    assert status == 200, body
    for field in ['rec_name', 'name']:
        status, rows = site.rest('model/party.party?f=name&d=' + domain(
                [[field, 'ilike', f'%{last}%'],
                    ['active', 'in', [True, False]]]), login='admin')
        assert status == 200 and rows == [], rows
    status, rows = site.rest('model/party.contact_mechanism?f=value&d='
        + domain([['value', '=', email], ['active', 'in', [True, False]]]),
        login='admin')
    assert rows == [], rows
    status, rows = site.rest('model/marketing.email?f=email&d=' + domain(
            [['email', '=', email], ['active', 'in', [True, False]]]),
        login='admin')
    assert rows == [], rows
    status, consents = site.rest('model/mons.crm.consent?f=state&f=email'
        '&f=withdrawn_at&f=proof&d=' + domain([['party', '=', party]]),
        login='dpo')
    assert consents and all(c['state'] == 'withdrawn' and c['withdrawn_at']
        and c['email'] == '****' and not c['proof'] for c in consents), \
        consents
    # The mail search no longer finds the person (text copies erased)
    assert letter not in mail_search(last)
    assert letter not in mail_search(email)
    status, body = site.rest(f'model/mail.item/{letter}?f=email_from',
        login='admin')
    assert body['email_from'] == '****', body


def test_plain_words_in_menus_and_labels(site):
    "Contacts and contact details, not Tryton's 'Tiers' and 'Moyens'"
    jargon = {'Tiers', 'Moyens de contact', 'Moyen de contact'}
    for login in ['agent', 'admin', 'courrier']:
        status, menus = site.rest('model/ir.ui.menu?f=name&s=1000',
            login=login)
        assert status == 200, menus
        names = {m['name'] for m in menus}
        assert not names & jargon, (login, names & jargon)
        assert {'Contacts', 'Annuaire'} <= names, (login, names)
    status, fields = site.rest('model/party.party/fields_get', 'POST',
        login='agent', data={'fields_names': ['contact_mechanisms']})
    assert status == 200, fields
    assert fields['contact_mechanisms']['string'] == 'Coordonnées', fields
