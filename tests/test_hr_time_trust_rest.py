"""HR time over REST, tried as each demo role would break it: requests
born approved, states and computed results written, device clockings
moved or deleted, City HR reading the CPAS, a colleague's badge and
balances, a manager of another service. Every refusal is a JSON 4xx in
French."""
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


def post(site, path, login, data=None):
    return site.rest(path, method='POST', login=login, data=data or {})


def future_weekday(days):
    day = dt.date.today() + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@pytest.fixture(scope='module')
def me(site):
    return own_employee(site, 'employe')


@pytest.fixture(scope='module')
def annual(site):
    return search(site, 'attendance.leave.type', [['code', '=', 'annual']],
        ['id'], login='employe')[0]['id']


def test_requests_are_not_born_approved(site, me, annual):
    day = future_weekday(120)
    status, body = post(site, 'model/attendance.leave', 'employe', {
            'employee': me, 'type': annual, 'start': jd(day),
            'end': jd(day), 'state': 'approved'})
    assert "circuit d'approbation" in refused(status, body)
    status, body = post(site, 'model/attendance.telework', 'employe', {
            'employee': me, 'kind': 'occasional', 'start': jd(day),
            'state': 'approved'})
    refused(status, body)
    status, body = post(site, 'model/attendance.correction', 'employe', {
            'employee': me, 'kind': 'justify', 'reason': "Mission",
            'state': 'approved'})
    refused(status, body)
    status, body = post(site, 'model/attendance.leave', 'employe', {
            'employee': me, 'type': annual, 'start': jd(day),
            'end': jd(day), 'duration': 0.0, 'level': 9})
    refused(status, body)
    # Nothing of it was stored
    assert not search(site, 'attendance.leave',
        [['employee', '=', me], ['start', '=', jd(day)]], ['id'],
        login='employe')


def test_refused_leave_is_not_written_approved(site, me, annual):
    "A leave the balance refuses stays a draft; state is never written"
    start = future_weekday(300)
    end = start + dt.timedelta(days=90)
    status, leave = post(site, 'model/attendance.leave', 'employe', {
            'employee': me, 'type': annual, 'start': jd(start),
            'end': jd(end)})
    assert status == 200, leave
    path = f'model/attendance.leave/{leave["id"]}'
    status, body = post(site, f'{path}/request', 'employe')
    assert 'solde' in refused(status, body, (400,))
    for values in [{'state': 'approved'}, {'state': 'requested'},
            {'level': 2}]:
        status, body = site.rest(path, method='PUT', login='employe',
            data=values)
        assert 'circuit' in refused(status, body)
    status, row = site.rest(f'{path}?f=state', login='employe')
    assert row['state'] == 'draft'
    # Its own employee does not approve it either, told which button the
    # way the desk names it
    status, body = post(site, f'{path}/approve', 'employe')
    message = refused(status, body, (403,))
    assert '«\xa0Approuver\xa0» (approve)' in message, message
    status, _ = site.rest(path, method='DELETE', login='employe')
    assert status in {200, 204}


def test_requested_leave_is_frozen(site, me, annual):
    day = future_weekday(200)
    status, leave = post(site, 'model/attendance.leave', 'employe', {
            'employee': me, 'type': annual, 'start': jd(day),
            'end': jd(day)})
    assert status == 200, leave
    path = f'model/attendance.leave/{leave["id"]}'
    status, body = post(site, f'{path}/request', 'employe')
    assert status in {200, 204}, body
    status, body = site.rest(path, method='PUT', login='employe',
        data={'end': jd(day + dt.timedelta(days=7))})
    assert "brouillon" in refused(status, body)
    status, body = site.rest(path, method='DELETE', login='employe')
    refused(status, body)
    approvals = search(site, 'attendance.leave.approval',
        [['leave', '=', leave['id']]], ['state'], login='employe')
    assert approvals
    status, body = site.rest(
        f'model/attendance.leave.approval/{approvals[0]["id"]}',
        method='PUT', login='employe', data={'state': 'approved'})
    refused(status, body)
    status, body = post(site, 'model/attendance.leave.approval', 'employe',
        {'leave': leave['id'], 'level': 1, 'state': 'approved'})
    refused(status, body)


def test_overtime_duration_not_rewritten(site):
    "Duration and credit of overtime come from the days, for anyone"
    rows = search(site, 'attendance.overtime', [], ['employee', 'state'],
        login='rh')
    assert rows
    overtime = rows[0]
    path = f'model/attendance.overtime/{overtime["id"]}'
    for login in ('rh', 'employe'):
        status, body = site.rest(path, method='PUT', login=login,
            data={'duration': 99999, 'credited': 99999,
                'compensation': 'payment'})
        refused(status, body)
    status, body = post(site, 'model/attendance.overtime', 'employe', {
            'employee': own_employee(site, 'employe'),
            'month': jd(dt.date.today().replace(day=1)),
            'duration': 99999, 'compensation': 'payment'})
    refused(status, body)


def _device_line(site, me):
    "A badge-terminal clocking of the employee, sent a minute ago"
    badge = search(site, 'company.employee', [['id', '=', me]],
        ['badge'])[0]['badge']
    at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) \
        - dt.timedelta(minutes=2)
    status, result = post(site, 'model/attendance.line/clock', 'api',
        {'events': [{'badge': badge, 'at': at.isoformat(),
                    'direction': 'in', 'device': 'VILLE-HALL-1'}]})
    assert status == 200, result
    assert result[0]['status'] in {'created', 'duplicate'}, result
    return result[0]['id'], at


def test_device_clocking_is_never_moved(site, me):
    line, at = _device_line(site, me)
    path = f'model/attendance.line/{line}'
    later = at + dt.timedelta(hours=3)
    moved = {'at': {'__class__': 'datetime', 'year': later.year,
            'month': later.month, 'day': later.day, 'hour': later.hour,
            'minute': later.minute, 'second': 0, 'microsecond': 0}}
    for login in ('employe', 'rh'):
        status, body = site.rest(path, method='PUT', login=login,
            data=moved)
        refused(status, body)
        status, body = site.rest(path, method='DELETE', login=login)
        refused(status, body)
    status, body = site.rest(path, method='PUT', login='rh',
        data={'source': 'desk'})
    refused(status, body)
    # Nor forged by the employee
    status, body = post(site, 'model/attendance.line', 'employe', {
            'employee': me, 'at': moved['at'], 'type': 'out',
            'source': 'device'})
    refused(status, body)
    status, row = site.rest(f'{path}?f=source&f=at', login='employe')
    assert row['source'] == 'device'
    assert row['at']['hour'] == at.hour


def test_device_clocking_corrected_by_new_record(site, me):
    "The employee asks, HR approves: a new clocking points to the old"
    line, at = _device_line(site, me)
    fixed = at - dt.timedelta(minutes=30)
    status, correction = post(site, 'model/attendance.correction',
        'employe', {'employee': me, 'kind': 'move', 'clocking': line,
            'at': {'__class__': 'datetime', 'year': fixed.year,
                'month': fixed.month, 'day': fixed.day, 'hour': fixed.hour,
                'minute': fixed.minute, 'second': 0, 'microsecond': 0},
            'reason': "Badgé en retard, arrivé plus tôt"})
    assert status == 200, correction
    path = f'model/attendance.correction/{correction["id"]}'
    status, body = post(site, f'{path}/request', 'employe')
    assert status in {200, 204}, body
    status, body = post(site, f'{path}/approve', 'employe')
    refused(status, body)
    status, body = post(site, f'{path}/approve', 'rh')
    assert status in {200, 204}, body
    status, row = site.rest(f'{path}?f=state&f=line', login='employe')
    assert row['state'] == 'approved' and row['line']
    status, new = site.rest(
        f'model/attendance.line/{row["line"]}?f=corrects&f=source',
        login='employe')
    assert (new['corrects'], new['source']) == (line, 'correction')
    status, old = site.rest(
        f'model/attendance.line/{line}?f=corrected&f=source',
        login='employe')
    assert old == dict(old, corrected=True, source='device')


def test_city_hr_does_not_read_cpas(site):
    "What the CPAS agent reads of their own time, City HR does not"
    cpas = own_employee(site, 'cpas')
    seen = {}
    for model in ['attendance.day', 'attendance.line',
            'attendance.leave.allocation', 'attendance.leave',
            'attendance.overtime', 'attendance.anomaly',
            'attendance.telework']:
        ids = [r['id'] for r in search(site, model,
                [['employee', '=', cpas]], ['id'], login='cpas')]
        seen[model] = ids
        for login in ('rh', 'rhchef'):
            assert not search(site, model, [['id', 'in', ids]], ['id'],
                login=login), (model, login)
            if ids:
                status, body = site.rest(f'model/{model}/{ids[0]}',
                    login=login)
                assert status in {403, 404}, (model, login, body)
    assert all(seen[m] for m in ['attendance.day', 'attendance.line',
            'attendance.leave.allocation']), seen
    status, body = site.rest(f'model/company.employee/{cpas}?f=badge'
        '&f=leave_balance', login='rh')
    assert status in {403, 404} or body['badge'] is None, body
    # Nor does the CPAS agent read City records
    me = own_employee(site, 'employe')
    assert not search(site, 'attendance.day', [['employee', '=', me]],
        ['id'], login='cpas')


def test_badge_and_balances_private(site, me):
    fields = ['badge', 'leave_balance', 'recovery_balance',
        'flexitime_balance']
    query = ''.join(f'&f={f}' for f in fields)
    colleague = search(site, 'company.employee',
        [['id', '!=', me], ['company', '=', search(site, 'company.employee',
                        [['id', '=', me]], ['company'])[0]['company']]],
        ['id'])[0]['id']
    status, mine = site.rest(f'model/company.employee/{me}?{query[1:]}',
        login='employe')
    assert status == 200 and mine['badge'], mine
    assert mine['leave_balance'] is not None
    status, other = site.rest(
        f'model/company.employee/{colleague}?{query[1:]}', login='employe')
    assert status in {200, 403}, other
    if status == 200:
        assert [other[f] for f in fields] == [None] * 4, other
    # The manager of another service (Culture) does not read them either
    status, other = site.rest(f'model/company.employee/{me}?{query[1:]}',
        login='chef')
    assert status in {200, 403}, other
    if status == 200:
        assert [other[f] for f in fields] == [None] * 4, other
    # HR of the organisation does
    status, row = site.rest(f'model/company.employee/{me}?{query[1:]}',
        login='rh')
    assert status == 200 and row['badge'] == mine['badge']


def test_manager_of_another_service(site, me):
    "The Culture manager reads nothing of a Travaux employee's time"
    for model in ['attendance.leave', 'attendance.day', 'attendance.line',
            'attendance.anomaly', 'attendance.correction',
            'attendance.leave.allocation']:
        assert not search(site, model, [['employee', '=', me]], ['id'],
            login='chef'), model
    leave = search(site, 'attendance.leave', [['employee', '=', me]],
        ['id'], login='employe')[0]
    status, body = post(site,
        f'model/attendance.leave/{leave["id"]}/approve', 'chef')
    refused(status, body)
