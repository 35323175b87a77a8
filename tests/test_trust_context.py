"""Forged context over REST: a client sets X-Tryton-Context, and private keys
(those starting with "_", which server code uses to switch checks off) must
change nothing — the desk's RPC drops them, REST must too."""
import base64
import json

import pytest

# Private keys server code of the suite and of Tryton reads
PRIVATE = {
    '_companies': [1, 2, 3],
    '_check_access': False,
    '_mail_register': True,
    '_mail_inbound': True,
    '_mail_agent_cleared': True,
    '_mail_due_compute': True,
    '_hr_time_no_touch': True,
    '_hr_time_defer': True,
    '_carto_checked': True,
    '_log': True,
    }
# A model of each module that holds confidential or per-organisation data
MODELS = ['mail.item', 'mail.item.history', 'mail.item.link',
    'attendance.leave', 'attendance.line', 'attendance.overtime',
    'attendance.anomaly', 'company.employee', 'party.party',
    'marketing.email.list', 'opendata.dataset', 'carto.layer',
    'res.user.application']
ROLES = ['cpas', 'agent', 'employe', 'rh', 'data', 'sig']


def encode(value):
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


def ids(site, login, model, context=None):
    status, rows = site.rest(f'model/{model}?f=id&s=10000', login=login,
        headers={'X-Tryton-Context': encode(context)} if context else None)
    if status == 403:
        return None
    assert status == 200, (model, login, rows)
    return sorted(r['id'] for r in rows)


@pytest.mark.parametrize('login', ROLES)
def test_private_keys_read_nothing_more(site, login):
    "With every private key forged, each role reads exactly what it reads"
    for model in MODELS:
        assert ids(site, login, model, PRIVATE) == ids(site, login, model), (
            f"{login} reads other {model} records with a forged context")


def test_companies_forged_by_cpas(site):
    "The CPAS agent reads no City letter, whatever companies it names"
    status, companies = site.rest('model/company.company?f=id&s=10',
        login='admin')
    assert status == 200
    every = [c['id'] for c in companies]
    for context in [{'_companies': every}, {'companies': every},
            {'company': every[0]}, {'company_filter': 'all'}]:
        assert ids(site, 'cpas', 'mail.item', context) == ids(
            site, 'cpas', 'mail.item'), context


def test_registration_number_not_rewritten(site):
    "No context lets an agent rewrite a registration number"
    status, rows = site.rest(
        'model/mail.item?f=id&f=number&s=1&d=' + encode(
            [['number', '!=', None]]), login='courrier')
    assert status == 200 and rows, rows
    item, number = rows[0]['id'], rows[0]['number']
    for login in ['agent', 'courrier']:
        status, body = site.rest(f'model/mail.item/{item}', 'PUT',
            login=login, data={'number': 'E/1999/000001'},
            headers={'X-Tryton-Context': encode(PRIVATE)})
        assert 400 <= status < 500, (login, status, body)
        assert isinstance(body, dict) and body.get('message'), body
    status, body = site.rest(f'model/mail.item/{item}?f=number',
        login='courrier')
    assert body['number'] == number
