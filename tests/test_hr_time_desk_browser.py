"""The employee's side of time management in the desk, in a real browser:
the self-service login sees their own balances, and only theirs."""
import base64
import json

import pytest

from desk import open_desk

pytestmark = pytest.mark.browser


def test_employee_sees_own_balances(site, browser):
    status, rows = site.rest('model/res.user?d=' + base64.urlsafe_b64encode(
            json.dumps([['login', '=', 'employe']]).encode()).decode()
        + '&f=employee')
    assert status == 200, rows
    status, employee = site.rest(f'model/company.employee/'
        f'{rows[0]["employee"]}?f=rec_name')
    assert status == 200, employee
    name = employee['rec_name']
    context, page, menu, errors = open_desk(browser, site, 'employe',
        r'^\s*Temps de travail\s*$')
    try:
        menu.click()
        entry = page.get_by_text('Mes soldes', exact=True).first
        entry.wait_for(state='visible', timeout=30000)
        entry.click()
        # The list of the action: one row, the employee's own
        header = page.get_by_text('Solde de congés annuels').first
        header.wait_for(state='visible', timeout=30000)
        page.get_by_text(name, exact=True).first.wait_for(
            state='visible', timeout=30000)
        rows = page.locator('table tbody tr:has(td)').filter(
            has_text=name)
        assert rows.count() >= 1
        assert page.get_by_text('Solde de récupération').first.is_visible()
        assert not errors, errors
    finally:
        context.close()
