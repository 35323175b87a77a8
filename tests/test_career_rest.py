"""Careers over REST, acting as the demo roles and trying to break the
rules: an agent reading another's file, City HR reading the CPAS', a
manager reading another service's evaluations, an agent creating or
filling in their own evaluation, an interview past its cycle. Every refusal
is a JSON 4xx in French; reads of career files are logged."""
import datetime as dt
import re

import pytest

from test_hr_time_api import jd, own_employee, search

pytestmark = pytest.mark.filterwarnings('ignore')

FRENCH = re.compile(
    r"\b(le|la|les|de|du|des|est|pas|vous|ne|ou|n'|l'|d')\b", re.I)
ENGLISH = re.compile(r"\b(the|is|only|not|of|you)\b")


def refused(status, body, statuses=(400, 403, 404)):
    "A JSON refusal in French"
    assert status in statuses, (status, body)
    assert isinstance(body, dict) and body.get('message'), body
    message = body['message']
    assert FRENCH.search(message) and not ENGLISH.search(message), message
    return message


def own_file(site, login):
    rows = search(site, 'hr.career.file', [], ['employee', 'company'],
        login=login)
    assert len(rows) == 1, (login, rows)
    assert rows[0]['employee'] == own_employee(site, login)
    return rows[0]


def test_agent_reads_only_own_file(site):
    mine = own_file(site, 'employe')
    other = own_file(site, 'agent')
    status, body = site.rest(f'model/hr.career.file/{other["id"]}',
        login='employe')
    assert status in {403, 404}, (status, body)
    # Nor its events, documents or profile through a search
    for model, field in [('hr.career.event', 'file'),
            ('hr.career.document', 'file'),
            ('hr.competency.profile', 'file')]:
        rows = search(site, model, [], [field], login='employe')
        assert {r[field] for r in rows} <= {mine['id']}, model
    # HR notes and the reads log are HR's
    for field in ['hr_notes', 'read_logs']:
        status, body = site.rest(
            f'model/hr.career.file/{mine["id"]}?f={field}', login='employe')
        if status == 200:
            assert field not in body, body
        else:
            refused(status, body, (403,))
    # Confidential documents are not the agent's to read
    rows = search(site, 'hr.career.document', [], ['confidential'],
        login='employe')
    assert not any(r['confidential'] for r in rows)


def test_city_hr_does_not_read_cpas_files(site):
    cpas = own_file(site, 'cpas')
    rows = search(site, 'hr.career.file', [], ['company', 'agent_number'],
        login='rh')
    assert rows
    assert cpas['id'] not in {r['id'] for r in rows}
    city = search(site, 'res.user', [['login', '=', 'rh']], ['company'])[0]
    assert {r['company'] for r in rows} == {city['company']}
    status, body = site.rest(f'model/hr.career.file/{cpas["id"]}',
        login='rh')
    assert status in {403, 404}, (status, body)
    rows = search(site, 'hr.evaluation', [], ['company'], login='rh')
    assert cpas['company'] not in {r['company'] for r in rows}


def test_reads_are_logged(site):
    "A file read by City HR leaves who and when, for HR's head to see"
    target = own_file(site, 'agent')
    before = dt.datetime.utcnow() - dt.timedelta(seconds=5)
    status, body = site.rest(
        f'model/hr.career.file/{target["id"]}?f=agent_number&f=grade',
        login='rh')
    assert status == 200, body
    rh = search(site, 'res.user', [['login', '=', 'rh']], ['id'])[0]['id']
    rows = search(site, 'hr.career.file.read',
        [['file', '=', target['id']], ['user', '=', rh]], ['date'],
        login='rhchef')
    assert rows
    stamps = [dt.datetime(d['year'], d['month'], d['day'], d['hour'],
            d['minute'], d['second'])
        for d in (r['date'] for r in rows)]
    assert max(stamps) >= before.replace(microsecond=0)
    # The log itself is not for City HR officers nor agents
    for login in ['rh', 'employe']:
        status, body = site.rest('model/hr.career.file.read?f=date',
            login=login)
        refused(status, body, (403,))


def test_manager_sees_only_own_services_evaluations(site):
    chef = own_employee(site, 'chef')
    services = search(site, 'mons.service', [['manager', '=', chef]],
        ['id'], login='chef')
    tree = search(site, 'mons.service',
        [['parent', 'child_of', [s['id'] for s in services]]], ['id'],
        login='chef')
    managed = {s['id'] for s in tree}
    rows = search(site, 'hr.evaluation', [], ['employee', 'service'],
        login='chef')
    assert rows
    for row in rows:
        assert row['employee'] == chef or row['service'] in managed, row
    everything = search(site, 'hr.evaluation', [], ['service'],
        login='rhchef')
    assert len(everything) > len(rows)
    other = [r for r in everything if r['service'] not in managed]
    status, body = site.rest(f'model/hr.evaluation/{other[0]["id"]}',
        login='chef')
    assert status in {403, 404}, (status, body)
    # The agent sees their own only
    me = own_employee(site, 'employe')
    mine = search(site, 'hr.evaluation', [], ['employee'], login='employe')
    assert mine and {r['employee'] for r in mine} == {me}


def test_agent_cannot_create_nor_evaluate_themself(site):
    cycles = search(site, 'hr.evaluation.cycle', [], ['id'],
        login='employe')
    status, body = site.rest('model/hr.evaluation', method='POST',
        login='employe', data={'cycle': cycles[0]['id'],
            'file': own_file(site, 'employe')['id'], 'state': 'closed'})
    assert 'cycle' in refused(status, body)
    mine, = search(site, 'hr.evaluation', [['state', '=', 'self_assessment']],
        ['id'], login='employe')
    status, body = site.rest(
        f'model/hr.evaluation/{mine["id"]}/start_interview', method='POST',
        login='employe', data={})
    refused(status, body)
    for values in [{'state': 'closed'}, {'interview_date': jd(
                dt.date.today())}]:
        status, body = site.rest(f'model/hr.evaluation/{mine["id"]}',
            method='PUT', login='employe', data=values)
        refused(status, body)
    again, = search(site, 'hr.evaluation', [['id', '=', mine['id']]],
        ['state'], login='employe')
    assert again['state'] == 'self_assessment'
    status, body = site.rest(f'model/hr.evaluation/{mine["id"]}',
        method='PUT', login='employe',
        data={'self_assessment': "Une année riche."})
    assert status == 200, body


def test_interview_past_its_cycle_is_refused(site):
    "The message names the field, and nothing changes"
    rows = search(site, 'hr.evaluation',
        [['state', '=', 'interview'], ['employee', '=',
                own_employee(site, 'agent')]],
        ['interview_date', 'cycle.end_date'], login='chef')
    assert rows, "the demo has the agent's interview to hold"
    evaluation = rows[0]
    end = evaluation['cycle']['end_date']
    late = dt.date(end['year'] + 1, 1, 15)
    status, body = site.rest(f'model/hr.evaluation/{evaluation["id"]}',
        method='PUT', login='chef', data={'interview_date': jd(late)})
    message = refused(status, body, (400,))
    assert "Date de l'entretien" in message and '15/01' in message, message
    again = search(site, 'hr.evaluation', [['id', '=', evaluation['id']]],
        ['interview_date'], login='chef')[0]
    assert again['interview_date'] == evaluation['interview_date']


def test_training_request_for_a_colleague_refused(site):
    colleague = own_employee(site, 'agent')
    courses = search(site, 'hr.training.course', [], ['company'],
        login='employe')
    file = own_file(site, 'employe')
    status, body = site.rest('model/hr.training.request', method='POST',
        login='employe', data={'employee': colleague,
            'company': file['company'], 'course': courses[0]['id'],
            'service': search(site, 'mons.service', [], ['id'],
                login='employe')[0]['id'],
            'year': dt.date.today().year})
    refused(status, body)


def test_openapi_documents_career_models(site):
    status, spec = site.rest('openapi.json')
    assert status == 200
    schemas = spec['components']['schemas']
    for model in ['hr.career.file', 'hr.career.event', 'hr.career.document',
            'hr.evaluation', 'hr.evaluation.cycle', 'hr.training.request',
            'hr.training.course', 'hr.training.session',
            'hr.training.budget', 'hr.competency', 'hr.job.description']:
        assert f'/model/{model}' in spec['paths'], model
        assert schemas[model]['description'], model
    assert 'interview_date' in schemas['hr.evaluation']['properties']
