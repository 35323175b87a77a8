"The site as a user and an integrator meet it: desk, REST API, keys, rights."
import base64
import json
import subprocess

import pytest


def domain(d):
    return base64.urlsafe_b64encode(json.dumps(d).encode()).decode()


def test_rest_lists_services(site):
    status, services = site.rest('model/mons.service?f=code&f=name')
    assert status == 200
    codes = {s['code'] for s in services}
    assert {'DG', 'COUR', 'URB', 'URB-PU', 'TRAV', 'CULT'} <= codes


def test_cpas_agent_reads_the_chart_changes_only_cpas(site):
    # Staff read the whole services chart (names on contacts and letters);
    # changing it stays within one's organisation
    status, services = site.rest('model/mons.service?f=code', login='cpas')
    assert status == 200
    codes = {s['code']: s['id'] for s in services}
    assert 'CPAS-SOC' in codes and 'CULT' in codes
    status, body = site.rest(f"model/mons.service/{codes['CULT']}",
        method='PUT', login='cpas', data={'name': 'Pirate'})
    assert status in {403, 404}, body


def test_rest_without_key_is_refused(site):
    status, _ = site.rest('model/mons.service', key='not-a-key')
    assert status == 401


def test_rest_filters_with_a_domain(site):
    status, services = site.rest(
        'model/mons.service?f=code&d=' + domain([('parent.code', '=', 'URB')]))
    assert status == 200
    assert {s['code'] for s in services} == {'URB-PU', 'URB-ENV', 'URB-LOG'}


def test_city_agent_reads_the_chart(site):
    status, services = site.rest('model/mons.service?f=code', login='agent')
    assert status == 200
    codes = {s['code'] for s in services}
    assert 'CULT' in codes and any(c.startswith('CPAS') for c in codes)


def test_agent_cannot_create_a_service(site):
    status, body = site.rest('model/mons.service', method='POST',
        login='agent', data={'name': 'Pirate', 'code': 'PIR'})
    # A refusal is a 403 with Tryton's French message (mons_base.rest_guard)
    assert status == 403
    assert "pas autorisé à accéder" in body['message']
    status, found = site.rest('model/mons.service?f=id&d=' + domain(
            [('code', '=', 'PIR')]))
    assert found == []


def test_desk_login_and_menu(site):
    rpc = site.login('courrier')
    menus = rpc('model.ir.ui.menu.search_read',
        [('parent', '=', None)], 0, None, None, ['name'])
    # The mail clerk's own menu (menu_role.xml): home, mail, contacts
    names = {m['name'] for m in menus}
    assert {'Accueil', 'Courrier', 'Contacts'} <= names
    assert 'Ville de Mons' not in names


def test_demo_is_idempotent(site):
    before = site.rest('model/party.party?f=id')[1]
    subprocess.run([site.env['MONS_ROOT'] + '/.venv/bin/mons', 'demo',
            '--site', str(site.folder)], check=True, env=site.env)
    after = site.rest('model/party.party?f=id')[1]
    assert len(after) == len(before)


def test_holidays_loaded(site):
    status, holidays = site.rest('model/mons.holiday?f=date&f=name&f=kind')
    names = {h['name'] for h in holidays}
    assert 'Fête nationale' in names
    assert 'Lundi de la Ducasse de Mons (Doudou)' in names
