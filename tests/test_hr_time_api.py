"""HR time over HTTP: the device API, the daily figures and the rights,
against the demo site."""
import base64
import datetime as dt
import json

import pytest

pytestmark = pytest.mark.filterwarnings('ignore')


def as_date(value):
    "Date of a REST value (Tryton's JSON encodes dates as objects)"
    if isinstance(value, dict):
        return dt.date(value['year'], value['month'], value['day'])
    return dt.date.fromisoformat(value)


def jd(day):
    "A date as Tryton's JSON encodes it"
    return {'__class__': 'date', 'year': day.year, 'month': day.month,
        'day': day.day}


def q(domain):
    return base64.urlsafe_b64encode(json.dumps(domain).encode()).decode()


def search(site, model, domain, fields, login='admin', key=None):
    status, body = site.rest(
        f'model/{model}?d={q(domain)}' + ''.join(f'&f={f}' for f in fields)
        + '&s=1000', login=login, key=key)
    assert status == 200, body
    return body


@pytest.fixture(scope='module')
def fixed_employee(site):
    "An employee on the fixed 08:00-16:30 schedule, full time, with a badge"
    rows = search(site, 'hr.time.employee.schedule',
        [['schedule.code', '=', 'VILLE-FIX'], ['fraction', '=', 1]],
        ['employee', 'valid_from'])
    assert rows
    employee = rows[0]['employee']
    badge = search(site, 'company.employee', [['id', '=', employee]],
        ['badge'])[0]['badge']
    return employee, badge, as_date(rows[0]['valid_from'])


def free_days(site, employee, count, since):
    "Past working days without clockings nor holiday, most recent first"
    holidays = {as_date(h['date'])
        for h in search(site, 'mons.holiday', [], ['date'])}
    clocked = {as_date(l['date']) for l in search(site, 'attendance.line',
            [['employee', '=', employee]], ['date'])}
    result, day = [], dt.date.today() - dt.timedelta(days=1)
    while len(result) < count and day >= since:
        if (day.weekday() < 5 and day not in holidays
                and day not in clocked):
            result.append(day)
        day -= dt.timedelta(days=1)
    assert len(result) == count
    return result


def offset(day):
    "UTC offset of Brussels on a day (winter +01:00, summer +02:00)"
    from zoneinfo import ZoneInfo
    at = dt.datetime.combine(day, dt.time(12), tzinfo=ZoneInfo(
            'Europe/Brussels'))
    return at.isoformat()[-6:]


def event(badge, day, clock, direction, device='VILLE-HALL-1'):
    return {'badge': badge, 'at': f'{day.isoformat()}T{clock}:00'
        f'{offset(day)}', 'direction': direction, 'device': device}


def clock(site, events, login='api'):
    return site.rest('model/attendance.line/clock', method='POST',
        login=login, data={'events': events})


def test_clock_worked_example_and_replay(site, fixed_employee):
    employee, badge, since = fixed_employee
    day, lone_day = free_days(site, employee, 2, since)
    batch = [event(badge, day, '08:05', 'in'),
        event(badge, day, '12:00', 'out'),
        event(badge, day, '12:30', 'in'),
        event(badge, day, '17:10', 'out')]
    status, result = clock(site, batch)
    assert status == 200, result
    assert [r['status'] for r in result] == ['created'] * 4
    days = search(site, 'attendance.day',
        [['employee', '=', employee], ['date', '=', jd(day)]],
        ['worked', 'expected', 'difference', 'overtime', 'anomalies'])
    assert days[0]['worked'] == 8 * 3600 + 35 * 60
    assert days[0]['expected'] == 8 * 3600
    assert days[0]['difference'] == 35 * 60
    assert days[0]['overtime'] == 35 * 60
    assert not days[0]['anomalies']

    status, again = clock(site, list(reversed(batch)))
    assert status == 200
    assert [r['status'] for r in again] == ['duplicate'] * 4
    lines = search(site, 'attendance.line', [['employee', '=', employee],
            ['date', '=', jd(day)]], ['id'])
    assert len(lines) == 4

    status, result = clock(site, [event(badge, lone_day, '08:00', 'in')])
    assert result[0]['status'] == 'created'
    days = search(site, 'attendance.day', [['employee', '=', employee],
            ['date', '=', jd(lone_day)]],
        ['worked', 'anomalies', 'paired'])
    assert 'missing_out' in days[0]['anomalies']
    assert days[0]['worked'] is None


def test_clock_bad_input_french(site, fixed_employee):
    employee, badge, _ = fixed_employee
    future = dt.date.today() + dt.timedelta(days=2)
    status, result = clock(site, [
            {'badge': badge, 'at': 'hier à 8h', 'direction': 'in',
                'device': 'VILLE-HALL-1'},
            {'badge': badge, 'at': '2026-03-02T08:00:00', 'direction': 'in',
                'device': 'VILLE-HALL-1'},
            event(badge, future, '08:00', 'in'),
            # Midnight of today: past at any hour the test runs
            event('INCONNU-42', dt.date.today(), '00:00', 'in'),
            event(badge, dt.date.today(), '00:00', 'in', device='PIRATE'),
            ])
    assert status == 200, result
    assert [r['status'] for r in result] == ['rejected', 'rejected',
        'rejected', 'unknown_badge', 'rejected']
    assert "n'est pas une date et heure ISO 8601" in result[0]['reason']
    assert "décalage horaire" in result[1]['reason']
    assert "dans le futur" in result[2]['reason']
    assert "conservé pour vérification" in result[3]['reason']
    assert "n'est pas enregistré" in result[4]['reason']
    reviews = search(site, 'attendance.clock.review',
        [['badge', '=', 'INCONNU-42']], ['kind', 'state'], login='rh')
    assert [(r['kind'], r['state']) for r in reviews] == [
        ('unknown_badge', 'to_review')]
    # Replayed: still one review
    clock(site, [event('INCONNU-42', dt.date.today(), '00:00', 'in')])
    assert len(search(site, 'attendance.clock.review',
            [['badge', '=', 'INCONNU-42']], ['id'], login='rh')) == 1


def test_clock_needs_device_rights(site, fixed_employee):
    _, badge, _ = fixed_employee
    status, _ = clock(site, [event(badge, dt.date.today(), '07:00', 'in')],
        login='employe')
    assert status in {400, 403}


def own_employee(site, login):
    return search(site, 'res.user', [['login', '=', login]],
        ['employee'])[0]['employee']


def test_rights_employee_sees_only_own(site):
    me = own_employee(site, 'employe')
    for model in ['attendance.day', 'attendance.line', 'attendance.leave',
            'attendance.telework', 'attendance.anomaly',
            'attendance.leave.allocation']:
        rows = search(site, model, [], ['employee'], login='employe')
        assert {r['employee'] for r in rows} <= {me}, model
    others = search(site, 'attendance.day', [['employee', '!=', me]],
        ['id'], login='admin')
    assert others
    status, _ = site.rest(f'model/attendance.day/{others[0]["id"]}',
        login='employe')
    assert status in {403, 404}
    status, _ = site.rest('model/attendance.clock.review', login='employe')
    assert status in {400, 403}
    status, body = site.rest('model/attendance.leave', method='POST',
        login='employe', data={'employee': others[0]['id'] and
            search(site, 'attendance.day', [['id', '=', others[0]['id']]],
                ['employee'])[0]['employee'],
            'type': search(site, 'attendance.leave.type',
                [['code', '=', 'SICK']], ['id'])[0]['id'],
            'start': jd(dt.date.today()),
            'end': jd(dt.date.today())})
    assert status in {400, 403}, body


def test_rights_manager_sees_services_people(site):
    chef = own_employee(site, 'chef')
    members = search(site, 'mons.service', [['code', '=', 'CULT']],
        ['members'])[0]['members']
    rows = search(site, 'attendance.day', [], ['employee'], login='chef')
    assert rows
    assert {r['employee'] for r in rows} <= set(members) | {chef}
    everyone = search(site, 'attendance.day', [], ['employee'], login='rh')
    assert len({r['employee'] for r in everyone}) > len(set(members)) + 1


def test_self_clocking_and_leave_request(site):
    status, result = site.rest('model/attendance.line/clock_self',
        method='POST', login='employe', data={'direction': 'in'})
    assert status == 200, result
    assert result['type'] == 'in'
    me = own_employee(site, 'employe')
    types = search(site, 'attendance.leave.type', [['code', '=', 'annual']],
        ['id'], login='employe')
    day = dt.date.today() + dt.timedelta(days=60)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    status, created = site.rest('model/attendance.leave', method='POST',
        login='employe', data={'employee': me, 'type': types[0]['id'],
            'start': jd(day), 'end': jd(day)})
    assert status == 200, created
    leave_id = created['id']
    status, body = site.rest(f'model/attendance.leave/{leave_id}/request',
        method='POST', login='employe', data={})
    assert status in {200, 204}, body
    # Requesting the same day again overlaps: refused in French
    status, body = site.rest('model/attendance.leave', method='POST',
        login='employe', data={'employee': me, 'type': types[0]['id'],
            'start': jd(day), 'end': jd(day)})
    assert status == 400
    assert 'chevauche' in json.dumps(body, ensure_ascii=False)


# The staff self-service pages (/portal/pointage) are tested with the
# portal: tests/test_portal_pointage.py


def test_payroll_export_queued(site):
    "As rh: close last month, generate the Persée export, the worker builds it"
    import csv
    import io
    import time
    from zoneinfo import ZoneInfo
    companies = search(site, 'company.company', [], ['rec_name'], login='rh')
    ville, = [c['id'] for c in companies if 'Ville' in c['rec_name']]
    first = dt.date.today().replace(day=1)
    end = first - dt.timedelta(days=1)
    start = end.replace(day=1)
    # Last second of the month in Brussels, stored in UTC
    ends_at = (dt.datetime.combine(first, dt.time(0),
            tzinfo=ZoneInfo('Europe/Brussels')) - dt.timedelta(seconds=1)
        ).astimezone(dt.timezone.utc)
    periods = search(site, 'attendance.period', [['company', '=', ville]],
        ['ends_at', 'state'], login='rh')
    period = next((p for p in periods
            if p['ends_at']['year'] == ends_at.year
            and p['ends_at']['month'] == ends_at.month
            and p['ends_at']['day'] == ends_at.day), None)
    if period is None:
        status, period = site.rest('model/attendance.period', method='POST',
            login='rh', data={'company': ville, 'ends_at': {
                    '__class__': 'datetime', 'year': ends_at.year,
                    'month': ends_at.month, 'day': ends_at.day,
                    'hour': ends_at.hour, 'minute': ends_at.minute,
                    'second': ends_at.second, 'microsecond': 0}})
        assert status == 200, period
    if period.get('state') != 'closed':
        # The close checks first: it refuses, in French, while items are
        # undecided; rh carries them to the next month and signs off
        status, body = site.rest(
            f'model/attendance.period/{period["id"]}/check_close',
            method='POST', login='rh', data={})
        assert status == 200, body
        items = search(site, 'hr.time.close.item',
            [['period', '=', period['id']], ['state', '=', 'open']],
            ['id'], login='rh')
        signoffs = search(site, 'hr.time.close.signoff',
            [['period', '=', period['id']], ['state', '=', 'to_sign']],
            ['id'], login='rh')
        if items or signoffs:
            status, body = site.rest(
                f'model/attendance.period/{period["id"]}/close',
                method='POST', login='rh', data={})
            assert status == 400, body
            assert 'ne peut pas être clôturée' in str(body), body
        for item in items:
            status, body = site.rest(
                f'model/hr.time.close.item/{item["id"]}/carry',
                method='POST', login='rh', data={})
            assert status == 200, body
        for signoff in signoffs:
            status, body = site.rest(
                f'model/hr.time.close.signoff/{signoff["id"]}/sign',
                method='POST', login='rh', data={})
            assert status == 200, body
        status, body = site.rest(
            f'model/attendance.period/{period["id"]}/close', method='POST',
            login='rh', data={})
        assert status == 200, body
    layout, = search(site, 'hr.time.payroll.layout',
        [['name', '=', "Persée CSV"]], ['id'], login='rh')
    status, export = site.rest('model/hr.time.payroll.export',
        method='POST', login='rh',
        data={'period': period['id'], 'layout': layout['id']})
    assert status == 200, export
    path = f'model/hr.time.payroll.export/{export["id"]}'
    status, body = site.rest(f'{path}/generate?f=state', method='POST',
        login='rh', data={})
    assert status == 200, body
    assert body['state'] in {'queued', 'done'}

    fields = ['state', 'error_message', 'file', 'filename', 'line_count',
        'worked_days_total', 'worked_export_total']
    deadline = time.monotonic() + 60
    while True:
        status, export = site.rest(
            path + '?' + '&'.join(f'f={f}' for f in fields), login='rh')
        assert status == 200, export
        if export['state'] != 'queued' or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert export['state'] == 'done', export.get('error_message')
    assert not export['error_message']
    assert export['filename'] == f'persee-{end:%Y-%m}.csv'
    content = base64.b64decode(export['file']['base64']).decode('utf-8')
    rows = list(csv.DictReader(io.StringIO(content), delimiter=';'))
    assert rows and len(rows) == export['line_count']
    assert {r['DEBUT'] for r in rows} == {f'{start:%Y%m%d}'}
    in_file = sum(float(r['QUANTITE'].replace(',', '.')) for r in rows
        if r['CODE'] == '1000')

    # The daily figures, summed here independently of the export
    status, days = site.rest('model/attendance.day?d=' + q([
                ['company', '=', ville], ['date', '>=', jd(start)],
                ['date', '<=', jd(end)]]) + '&f=employee&f=worked&s=10000',
        login='rh')
    assert status == 200, days
    seconds = {}
    for day in days:
        seconds[day['employee']] = (seconds.get(day['employee'], 0)
            + (day['worked'] or 0))
    worked = sum(round(s / 3600, 2) for s in seconds.values())
    assert worked > 0
    assert in_file == pytest.approx(worked, abs=0.01)
    assert export['worked_days_total'] == pytest.approx(worked, abs=0.01)
    assert export['worked_export_total'] == pytest.approx(in_file, abs=0.01)

    # Pressing generate again (a replayed request) is refused, in French,
    # and changes nothing
    status, body = site.rest(f'{path}/generate?f=state', method='POST',
        login='rh', data={})
    # A button its state forbids is a refusal (403), as its groups' is
    assert status == 403, body
    assert 'Vous ne pouvez pas' in body['message'], body
    # named as the desk's button is, with its technical name for integrators
    assert '«\xa0Générer\xa0» (generate)' in body['message'], body
    status, again = site.rest(path + '?f=state&f=line_count', login='rh')
    assert again['state'] == 'done'
    assert again['line_count'] == export['line_count']
    lines = search(site, 'hr.time.payroll.export.line',
        [['export', '=', export['id']]], ['id'], login='rh')
    assert len(lines) == export['line_count']
