"""Time management in the desk, in a real browser, as its users work: the
self-service login reads their own balances and requests leave."""
import base64
import datetime as dt
import json

import pytest

from desk import open_desk

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
    return day.strftime('%d.%m.%Y')


def open_entry(page, menu, name):
    """Open a menu entry once what opens at login (the role's home) has
    opened: it would otherwise come on top of the entry's tab"""
    page.wait_for_load_state('networkidle')
    page.wait_for_timeout(1000)
    page.wait_for_load_state('networkidle')
    menu.click()
    entry = page.get_by_text(name, exact=True).first
    entry.wait_for(state='visible', timeout=30000)
    entry.click()


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


def test_employee_sees_own_balances(site, browser):
    status, employee = site.rest(f'model/company.employee/'
        f'{own_employee(site, "employe")}?f=rec_name')
    assert status == 200, employee
    name = employee['rec_name']
    context, page, menu, errors = open_desk(browser, site, 'employe', MENU)
    try:
        open_entry(page, menu, 'Mes soldes')
        # The list of the action: one row, the employee's own
        header = page.get_by_text('Solde de congés annuels').first
        header.wait_for(state='visible', timeout=30000)
        page.get_by_text(name, exact=True).first.wait_for(
            state='visible', timeout=30000)
        found = page.locator('table tbody tr:has(td)').filter(
            has_text=name)
        assert found.count() >= 1
        assert page.get_by_text('Solde de récupération').first.is_visible()
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
        for name in ('start', 'end'):
            field = page.locator(ACTIVE + f'.form input[name="{name}"]')
            field.fill(fr(day))
            field.press('Tab')
        page.locator(ACTIVE + '.form textarea[name="reason"]').fill(
            "Formation premiers secours")
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
