"""The clocking device API under concurrency, over HTTP: many clients send
overlapping batches at once; every unique event is stored exactly once,
each repeat is reported as a duplicate on its own line, no batch is refused
whole. With MONS_TEST_DATABASE_URI set the same runs on PostgreSQL."""
import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from test_hr_time_api import (
    as_date, clock, event, free_days, jd, search)

pytestmark = pytest.mark.filterwarnings('ignore')

CLIENTS = 12
BATCH = 30


@pytest.fixture(scope='module')
def employee(site):
    "An employee on the fixed schedule with a badge"
    rows = search(site, 'hr.time.employee.schedule',
        [['schedule.code', '=', 'VILLE-FIX'], ['fraction', '=', 1]],
        ['employee', 'valid_from'])
    assert rows
    # Not the one test_hr_time_api uses, so both may run in one session
    row = rows[-1]
    badge = search(site, 'company.employee', [['id', '=', row['employee']]],
        ['badge'])[0]['badge']
    return row['employee'], badge, as_date(row['valid_from'])


def test_overlapping_batches_store_each_event_once(site, employee):
    employee_id, badge, since = employee
    days = free_days(site, employee_id, 3, since)
    unique = [event(badge, day, f'{7 + minute // 60:02d}:{minute % 60:02d}',
            'in' if minute % 2 else 'out')
        for day in days for minute in range(0, 20 * 7, 7)]
    assert len({(e['at'], e['direction']) for e in unique}) == len(unique)
    batches = []
    for client in range(CLIENTS):
        chosen = random.Random(client).sample(unique, BATCH)
        # A device resending within its own batch too
        batches.append(chosen + chosen[:3])

    site.api_key('api')  # made once, not by every thread at the same time
    with ThreadPoolExecutor(CLIENTS) as executor:
        answers = list(executor.map(lambda b: clock(site, b), batches))

    created, duplicates = {}, []
    for batch, (status, result) in zip(batches, answers):
        assert status == 200, result
        assert len(result) == len(batch)
        for sent, line in zip(batch, result):
            key = (sent['at'], sent['direction'])
            assert line['status'] in {'created', 'duplicate'}, line
            if line['status'] == 'created':
                assert key not in created, ("stored twice", sent)
                created[key] = line['id']
            else:
                duplicates.append((key, line['id']))
    sent_keys = {(e['at'], e['direction']) for b in batches for e in b}
    assert set(created) == sent_keys
    for key, line_id in duplicates:
        assert line_id == created[key], key
    lines = search(site, 'attendance.line', [
            ['employee', '=', employee_id],
            ['date', 'in', [jd(d) for d in days]]], ['id'])
    assert len(lines) == len(sent_keys)
    assert {l['id'] for l in lines} == set(created.values())

    # The same batches again, all at once: duplicates only
    with ThreadPoolExecutor(CLIENTS) as executor:
        answers = list(executor.map(lambda b: clock(site, b),
                batches[:4]))
    for batch, (status, result) in zip(batches, answers):
        assert status == 200, result
        assert [r['status'] for r in result] == ['duplicate'] * len(batch)
        assert [r['id'] for r in result] == [
            created[(e['at'], e['direction'])] for e in batch]


def test_misspelt_argument_is_a_400(site):
    status, body = site.rest('model/attendance.line/clock', method='POST',
        login='api', data={'evens': []})
    assert status == 400, body
    assert body['field'] == 'evens'
    assert 'events' in body['message'] and 'Arguments' in body['message']
    status, body = site.rest('model/attendance.line/clock', method='POST',
        login='api', data={'events': 'pas une liste'})
    assert status == 400, body
    assert body['status'] == 400 and body['message']
