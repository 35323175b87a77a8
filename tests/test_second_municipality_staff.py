"""The next municipality imports its staff from spreadsheets, as
docs/nouvelle-commune.md tells its IT service: the three files of
templates/commune-exemple/import/ (people, agents with their payroll
number and services, users with their roles) through the desk's
own CSV import (the JSON-RPC call sao makes), in a site created from the
template reference folder. A file naming what does not exist is refused
whole, naming its line and column."""
import csv
import subprocess
import urllib.request

import pytest

from conftest import MONS, RPC, RPCError
from test_second_municipality_http import TEMPLATE, exemple  # noqa: F401

IMPORT = TEMPLATE / 'import'
FILES = [
    ('1-personnes.csv', 'party.party'),
    ('2-agents.csv', 'company.employee'),
    ('3-utilisateurs.csv', 'res.user'),
    ]


def rows_of(name):
    with open(IMPORT / name, encoding='utf-8', newline='') as fp:
        rows = list(csv.reader(fp, delimiter=';'))
    return rows[0], rows[1:]


def test_staff_imported_from_the_template_files(exemple):  # noqa: F811
    admin = RPC(exemple, 'admin')
    for name, model in FILES:
        fields, rows = rows_of(name)
        assert admin(f'model.{model}.import_data', fields, rows) \
            == len(rows), name

    employees = admin('model.company.employee.search_read',
        [('payroll_number', '!=', None)], 0, None, None,
        ['party.name', 'company.rec_name', 'payroll_number'])
    by_number = {e['payroll_number']: e for e in employees}
    assert by_number['C0001']['party.']['name'] == "Claire Dupont"
    assert by_number['C0001']['company.']['rec_name'] \
        == "Commune d'Exemple"
    assert by_number['S0001']['company.']['rec_name'] == "CPAS d'Exemple"

    urb, = admin('model.mons.service.search_read', [('code', '=', 'URB')],
        0, None, None, ['members'])
    assert by_number['C0001']['id'] in urb['members']

    users = admin('model.res.user.search_read',
        [('login', 'in', ['cdupont', 'srinaldi'])], 0, None, None,
        ['login', 'employee', 'company', 'groups'])
    assert {u['login'] for u in users} == {'cdupont', 'srinaldi'}
    for user in users:
        assert user['employee'] and user['groups']

    # The imported agent works with their roles: their service's mail
    key = subprocess.run([MONS, 'key', '--site', str(exemple.folder),
            'cdupont'], check=True, capture_output=True, text=True,
        env=exemple.env).stdout.strip().splitlines()[-1]
    request = urllib.request.Request(
        f'{exemple.url}/{exemple.db}/rest/model/mail.item?f=id',
        headers={'Authorization': f'Bearer {key}'})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200


def test_a_wrong_line_refuses_the_whole_file(exemple):  # noqa: F811
    admin = RPC(exemple, 'admin')
    fields, rows = rows_of('2-agents.csv')
    before = admin('model.company.employee.search_count', [])
    rows = [rows[0][:3] + ['C0098', 'URB'],
        rows[0][:3] + ['C0099', 'NOPE']]
    with pytest.raises(RPCError) as error:
        admin('model.company.employee.import_data', fields, rows)
    message = str(error.value)
    # French, with the value, its line (without the header) and column
    assert "NOPE" in message and "ligne 2" in message \
        and "colonne 5" in message, message
    assert admin('model.company.employee.search_count', []) == before
