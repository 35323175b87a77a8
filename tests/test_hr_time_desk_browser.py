"""Time management in the desk, in a real browser, as its users work: the
self-service login reads their own balances and requests leave; HR
approves and refuses leave from the list, one by one and in bulk (a
refusal asks its reason); the employee asks for the correction of a
forgotten clock-out that HR approves, and the day counts it."""
import base64
import datetime as dt
import re
import json
import time

import pytest

from desk import open_desk, wait_idle

pytestmark = pytest.mark.browser

MENU = r'^\s*Temps de travail\s*$'
# The tab of the entry opened, not the role's home open beside it
ACTIVE = '.tab-pane.active '


def q(domain):
    return base64.urlsafe_b64encode(json.dumps(domain).encode()).decode()


def jd(day):
    return {'__class__': 'date', 'year': day.year, 'month': day.month,
        'day': day.day}


def rows(site, model, domain, fields, login='admin'):
    status, body = site.rest(f'model/{model}?d={q(domain)}'
        + ''.join(f'&f={f}' for f in fields), login=login)
    assert status == 200, body
    return body


def own_employee(site, login):
    return rows(site, 'res.user', [['login', '=', login]],
        ['employee'])[0]['employee']


def weekdays_from(start, count, step=7, holidays=()):
    "count weekdays but holidays, step days apart, from start"
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5 and day not in holidays:
            days.append(day)
            day += dt.timedelta(days=step)
        else:
            day += dt.timedelta(days=1)
    return days


def holidays(site):
    return {dt.date(h['date']['year'], h['date']['month'], h['date']['day'])
        for h in rows(site, 'mons.holiday', [], ['date'])}


def fr(day):
    "A date as the French desk shows and reads it"
    return day.strftime('%d/%m/%Y')


def open_entry(page, menu, name):
    """Open a menu entry once what opens at login (the role's home) has
    opened: it would otherwise come on top of the entry's tab"""
    page.locator('a[role="tab"]', has_text='Accueil').first.wait_for(
        state='visible', timeout=60000)
    page.wait_for_load_state('networkidle')
    page.wait_for_timeout(1000)
    page.wait_for_load_state('networkidle')
    menu.click()
    # In the menu: the home may show a panel of the same name
    entry = page.locator('#menu').get_by_text(name, exact=True).first
    entry.wait_for(state='visible', timeout=30000)
    tabs = page.evaluate('() => Sao.Tab.tabs.length')
    entry.click()
    # The entry's tab is the current one, the home's beside it
    page.wait_for_function(
        """(tabs) => Sao.Tab.tabs.length > tabs
            && Sao.Tab.tabs.get_current() === Sao.Tab.tabs.at(-1)""",
        arg=tabs, timeout=60000)


def wait_form_state(page, label):
    "The state shown in the visible form becomes label"
    try:
        _wait_form_state(page, label)
    except Exception:
        page.screenshot(path=f'/tmp/hr-desk-{label}.png')
        raise


def _wait_form_state(page, label):
    page.wait_for_function(
        """(label) => [...document.querySelectorAll(
                '.tab-pane.active .form select[name="state"]')].some(
            s => s.offsetParent !== null && s.selectedOptions.length
                && s.selectedOptions[0].textContent.trim() === label)""",
        arg=label, timeout=60000)


def wait_states(site, model, ids, state, login='rh'):
    "The records reach state on the server (the desk's call has returned)"
    deadline = time.monotonic() + 60
    while True:
        states = {r['id']: r['state'] for r in rows(site, model,
                [['id', 'in', ids]], ['state'], login=login)}
        if all(states.get(i) == state for i in ids):
            return
        assert time.monotonic() < deadline, (states, state)
        time.sleep(0.5)


def no_dialog(page):
    "No error or warning dialog is open"
    dialogs = page.locator('.modal:visible')
    assert not dialogs.count(), dialogs.all_inner_texts()


def test_employee_sees_own_balances(site, browser):
    status, employee = site.rest(f'model/company.employee/'
        f'{own_employee(site, "employe")}?f=rec_name')
    assert status == 200, employee
    name = employee['rec_name']
    context, page, menu, errors = open_desk(browser, site, 'employe', MENU)
    try:
        open_entry(page, menu, 'Mes soldes')
        # The list of the action: one row, the employee's own
        tab = page.locator(ACTIVE)
        header = tab.get_by_text('Solde de congés annuels').first
        header.wait_for(state='visible', timeout=30000)
        tab.get_by_text(name, exact=True).first.wait_for(
            state='visible', timeout=30000)
        found = tab.locator('table tbody tr:has(td)').filter(has_text=name)
        assert found.count() == 1
        assert tab.get_by_text('Solde de récupération').first.is_visible()
        assert not errors, errors
    finally:
        context.close()


def test_employee_requests_leave_in_desk(site, browser):
    "The self-service login fills a leave request and sends it"
    me = own_employee(site, 'employe')
    day, = weekdays_from(dt.date.today() + dt.timedelta(days=500), 1,
        holidays=holidays(site))
    context, page, menu, errors = open_desk(browser, site, 'employe', MENU)
    try:
        open_entry(page, menu, 'Demandes de congé')
        page.locator(ACTIVE + 'button#new_:visible').first.click()
        # The defaults of the new record have arrived
        wait_form_state(page, 'Brouillon')
        type_ = page.locator(ACTIVE + '.form input[name="type"]')
        type_.wait_for(state='visible', timeout=60000)
        # The employee is filled with the user's own
        page.wait_for_function(
            """() => {
                const input = document.querySelector(
                    '.tab-pane.active .form input[name="employee"]');
                return input && input.value !== '';
            }""", timeout=30000)
        type_.click()
        type_.press_sequentially('Formation')
        suggestion = page.locator(ACTIVE + '.form .dropdown-menu li:visible'
            ).filter(has_text='Formation').first
        suggestion.wait_for(state='visible', timeout=30000)
        suggestion.click()
        wait_idle(page)
        for name in ('start', 'end'):
            field = page.locator(ACTIVE + f'.form input[name="{name}"]')
            field.fill(fr(day))
            field.press('Tab')
        text = page.locator(ACTIVE + '.form textarea[name="reason"]')
        text.fill("Formation premiers secours")
        # Left before the button is reached: sao redraws its selects after
        # a change, a click in the same millisecond reads them half drawn
        text.press('Tab')
        wait_idle(page)
        page.locator(ACTIVE + '.form button[name="request"]:visible').click()
        wait_form_state(page, 'Demandé')
        assert not page.locator('.modal.in, .modal.show').count(), \
            page.locator('.modal').all_inner_texts()
        assert not errors, errors
    finally:
        context.close()
    train = rows(site, 'attendance.leave.type', [['code', '=', 'TRAIN']],
        ['id'], login='employe')[0]['id']
    leaves = rows(site, 'attendance.leave', [['employee', '=', me],
            ['start', '=', jd(day)]], ['state', 'type', 'duration'],
        login='employe')
    assert [(l['state'], l['type'], l['duration']) for l in leaves] == [
        ('requested', train, 1.0)], leaves


def requested_leaves(site, days, login='employe'):
    "Training leave requested by the self-service login on days, over REST"
    me = own_employee(site, login)
    train = rows(site, 'attendance.leave.type', [['code', '=', 'TRAIN']],
        ['id'], login=login)[0]['id']
    ids = []
    for day in days:
        status, leave = site.rest('model/attendance.leave', method='POST',
            login=login, data={'employee': me, 'type': train,
                'start': jd(day), 'end': jd(day)})
        assert status == 200, leave
        status, body = site.rest(
            f'model/attendance.leave/{leave["id"]}/request', method='POST',
            login=login, data={})
        assert status in {200, 204}, body
        ids.append(leave['id'])
    return ids


def leave_row(page, day):
    "The row of the list showing the leave starting on day"
    found = page.locator(ACTIVE + '.treeview tbody tr:visible').filter(
        has_text=fr(day)).first
    found.wait_for(state='visible', timeout=60000)
    return found


def tick(page, day):
    """Tick the selection box of the row of day; sao may draw the rows again
    as their records load, so the box is looked up again until it holds"""
    for _ in range(10):
        page.wait_for_load_state('networkidle')
        box = leave_row(page, day).locator('td.selection-state input')
        try:
            box.check(timeout=5000)
            return
        except Exception:
            page.wait_for_timeout(500)
    box.check(timeout=5000)


def gone(page, day):
    "The row of day leaves the list"
    page.locator(ACTIVE + '.treeview tbody tr:visible').filter(
        has_text=fr(day)).first.wait_for(state='detached', timeout=30000)


def click_row_button(row, name):
    """Press a row's button: sao acts on the current record only (a click
    on another row's button selects that row), so select it first"""
    row.locator('.column-date').first.click()
    row.page.wait_for_function(
        """(row) => row.classList.contains('selected')""",
        arg=row.element_handle(), timeout=30000)
    # The record becomes the current one once its resources are read
    row.page.wait_for_load_state('networkidle')
    row.page.wait_for_timeout(500)
    row.locator('button:visible', has_text=name).click()


def test_hr_approves_and_refuses_leave_from_list(site, browser):
    """HR decides from the list of leave to approve: one with the row's
    Approve, one with the row's Refuse and a reason, then two at once
    (ticked rows, the list's Approve); the self-service login sees no
    such button on its own requests and the server refuses them"""
    # Far from today and from the other tests' days: any day of the year
    days = weekdays_from(dt.date.today() + dt.timedelta(days=610), 4,
        holidays=holidays(site))
    ids = requested_leaves(site, days)
    reason = "Formation déjà suivie l'an dernier"

    # The employee: no decision offered on its own requests, none taken
    context, page, menu, errors = open_desk(browser, site, 'employe', MENU)
    try:
        open_entry(page, menu, 'Demandes de congé')
        # "À approuver" lists only what the user may decide: none of its own
        # requests; they are under "Tout"
        page.locator(ACTIVE + '.nav-tabs a:visible', has_text=re.compile(
                r'^\s*Tout\s*$')).first.click()
        row = leave_row(page, days[0])
        for name in ['Approuver', 'Refuser']:
            assert not row.locator('button:visible', has_text=name).count()
        tick(page, days[0])
        footer = page.locator(ACTIVE + '.tree-footer button:visible')
        assert not footer.filter(has_text='Approuver').count(), \
            footer.all_inner_texts()
        assert not errors, errors
    finally:
        context.close()
    for button in ['approve', 'refuse', 'refuse_with_reason']:
        status, body = site.rest(
            f'model/attendance.leave/{ids[0]}/{button}', method='POST',
            login='employe', data={})
        assert status == 403, (button, status, body)
    wait_states(site, 'attendance.leave', ids, 'requested')

    context, page, menu, errors = open_desk(browser, site, 'rh', MENU)
    try:
        open_entry(page, menu, 'Demandes de congé')
        # One by one: the row's own buttons
        click_row_button(leave_row(page, days[0]), 'Approuver')
        wait_states(site, 'attendance.leave', ids[:1], 'approved')
        # Decided, it leaves the list of the leave to approve
        gone(page, days[0])
        click_row_button(leave_row(page, days[1]), 'Refuser')
        dialog = page.locator('.modal:visible').filter(
            has=page.locator('textarea[name="reason"]'))
        dialog.wait_for(state='visible', timeout=30000)
        assert '1' == dialog.locator(
            'input[name="count"][type="text"]').input_value()
        dialog.locator('textarea[name="reason"]').fill(reason)
        dialog.locator('.modal-footer button', has_text='Refuser').click()
        dialog.wait_for(state='hidden', timeout=30000)
        wait_states(site, 'attendance.leave', ids[1:2], 'refused')
        gone(page, days[1])
        # In bulk: tick two rows, then the list's Approve
        for day in days[2:]:
            tick(page, day)
        bulk = page.locator(ACTIVE + '.tree-footer button:visible',
            has_text='Approuver')
        bulk.wait_for(state='visible', timeout=30000)
        bulk.click()
        wait_states(site, 'attendance.leave', ids[2:], 'approved')
        for day in days[2:]:
            gone(page, day)
        page.wait_for_load_state('networkidle')
        no_dialog(page)
        assert not errors, errors
    except Exception:
        page.screenshot(path='/tmp/hr-desk-rh.png', full_page=True)
        raise
    finally:
        context.close()
    # The employee reads the decisions and the reason of the refusal
    decided = {l['id']: l for l in rows(site, 'attendance.leave',
            [['id', 'in', ids]], ['state', 'refusal_reason'],
            login='employe')}
    assert [(decided[i]['state'], decided[i]['refusal_reason'])
        for i in ids] == [('approved', None), ('refused', reason),
        ('approved', None), ('approved', None)]


# -- the forgotten clock-out, on a site of its own: the demo's forgotten
# clock-out is also the phone page's (test_portal_pointage), and the other
# tests close last month (the payroll export)


@pytest.fixture(scope='module')
def own_site(tmp_path_factory):
    from conftest import live_site
    with live_site(tmp_path_factory, 'hr_time_desk') as live:
        # A first desk session loads what the server loads once, so the
        # browser's login does not wait for it
        live.login('employe')
        yield live


def as_datetime(value):
    return dt.datetime(value['year'], value['month'], value['day'],
        value['hour'], value['minute'], value['second'],
        tzinfo=dt.timezone.utc)


def day_figures(site, employee, day):
    figures, = rows(site, 'attendance.day', [['employee', '=', employee],
            ['date', '=', jd(day)]], ['worked', 'expected', 'difference',
            'anomalies'], login='rh')
    return figures


def test_correction_requested_and_approved_in_desk(own_site, browser):
    """The self-service login opens its forgotten clock-out among its
    anomalies and asks from it for the clocking to be added; HR approves
    it from the list of corrections; the day then counts the afternoon"""
    from zoneinfo import ZoneInfo
    site = own_site
    brussels = ZoneInfo('Europe/Brussels')
    me = own_employee(site, 'employe')
    anomaly, = rows(site, 'attendance.anomaly', [['employee', '=', me],
            ['kind', '=', 'missing_out'], ['state', '=', 'open']],
        ['date'], login='employe')[:1]
    day = dt.date(**{k: anomaly['date'][k] for k in ['year', 'month', 'day']})
    before = day_figures(site, me, day)
    assert 'missing_out' in (before['anomalies'] or ''), before
    clockings = sorted((as_datetime(l['at']), l['type'])
        for l in rows(site, 'attendance.line', [['employee', '=', me],
                ['date', '=', jd(day)]], ['at', 'type'], login='employe'))
    assert clockings[-1][1] == 'in', clockings
    # Back from lunch, left three hours and a quarter later
    out = (clockings[-1][0] + dt.timedelta(hours=3, minutes=15)).astimezone(
        brussels).replace(second=0)
    reason = "Oubli de badger en partant"

    context, page, menu, errors = open_desk(browser, site, 'employe', MENU)
    try:
        open_entry(page, menu, 'Anomalies de pointage')
        found = page.locator(ACTIVE + '.treeview tbody tr:visible').filter(
            has_text=fr(day)).filter(has_text='Sortie non pointée').first
        found.wait_for(state='visible', timeout=60000)
        found.dblclick()
        ask = page.locator(ACTIVE + '.form button:visible',
            has_text='Demander une correction')
        ask.wait_for(state='visible', timeout=60000)
        ask.click()
        # The correction opens filled from the anomaly
        wait_form_state(page, 'Brouillon')
        direction = page.locator(ACTIVE + '.form select[name="direction"]')
        page.wait_for_function(
            """() => {
                const s = document.querySelector(
                    '.tab-pane.active .form select[name="direction"]');
                return s && s.selectedOptions.length
                    && s.selectedOptions[0].textContent.trim() === 'Sortie';
            }""", timeout=30000)
        # The desk shows and reads times in the browser's time zone
        zone = ZoneInfo(page.evaluate(
                "() => Intl.DateTimeFormat().resolvedOptions().timeZone"))
        at = page.locator(ACTIVE + '.form input[name="at"]:visible').first
        wait_idle(page)
        at.fill(out.astimezone(zone).strftime('%d/%m/%Y %H:%M:%S'))
        at.press('Tab')
        text = page.locator(ACTIVE + '.form textarea[name="reason"]')
        text.fill(reason)
        # Left before the button is reached, as a person does: sao redraws
        # the form after a change and a click in the same millisecond reads
        # its fields half drawn (empty time and direction)
        text.press('Tab')
        wait_idle(page)
        assert at.input_value(), 'the time typed was lost'
        page.locator(ACTIVE + '.form button[name="request"]:visible').click()
        wait_form_state(page, 'Demandé')
        no_dialog(page)
        assert direction.is_visible()
        assert not errors, errors
    finally:
        context.close()
    asked = rows(site, 'attendance.correction', [['employee', '=', me],
            ['reason', '=', reason]], ['state', 'kind', 'direction', 'at',
            'anomaly'], login='employe')
    assert [(c['state'], c['kind'], c['direction'], c['anomaly'])
        for c in asked] == [('requested', 'add', 'out', anomaly['id'])], asked
    assert as_datetime(asked[0]['at']) == out

    context, page, menu, errors = open_desk(browser, site, 'rh', MENU)
    try:
        open_entry(page, menu, 'Corrections de pointage')
        found = page.locator(ACTIVE + '.treeview tbody tr:visible').filter(
            has_text='Eric Mahy').filter(has_text=fr(day)).first
        found.wait_for(state='visible', timeout=60000)
        click_row_button(found, 'Approuver')
        wait_states(site, 'attendance.correction', [asked[0]['id']],
            'approved')
        page.wait_for_load_state('networkidle')
        no_dialog(page)
        assert not errors, errors
    finally:
        context.close()
    after = day_figures(site, me, day)
    ins = [at for at, kind in clockings if kind == 'in']
    outs = [at for at, kind in clockings if kind == 'out'] + [out]
    worked = sum((o - i).total_seconds() for i, o in zip(ins, outs))
    assert after['worked'] == worked, (after, clockings, out)
    assert after['difference'] == worked - after['expected'], after
    assert 'missing_out' not in (after['anomalies'] or ''), after
