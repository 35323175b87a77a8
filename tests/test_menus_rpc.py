"""Menus by role, as the desk (JSON-RPC) session of each demo user reads
them: each role sees the menus of its job and not the others', no folder
leads nowhere, Tryton's own menus that the suite's replace (Tiers,
Présence) are the functional admin's only, and no entry repeats its
folder's name."""
import json
import subprocess
import sys

import pytest

# Entries of the self-service employee: its own time, leave, requests and
# balances (XML ids, so that a renamed entry does not break the test)
SELF_SERVICE = {
    'mons_base.menu_home_open',
    'mons_hr_time.menu_hr_time',
    'mons_hr_time.menu_clock_self',
    'mons_hr_time.menu_my_balances',
    'mons_hr_time.menu_day',
    'mons_hr_time.menu_line',
    'mons_hr_time.menu_anomaly',
    'mons_hr_time.menu_correction',
    'mons_hr_time.menu_leave',
    'mons_hr_time.menu_telework',
    'mons_hr_time.menu_overtime',
    }

HOME = 'mons_base.menu_home_open'
TIME = 'mons_hr_time.menu_hr_time'
MAIL = 'mons_mail.menu_mail'
CONTACTS = 'mons_crm.menu_crm'
OPENDATA = 'mons_opendata.menu_opendata'
CITY = 'mons_base.menu_mons'
PARTY = 'party.menu_party'
ATTENDANCE = 'attendance.menu_main_attendance'
COMPANY = 'company.menu_company'
PERMIT = 'mons_permit.menu_permit'

# login: (top-level menus it must see exactly, entries it must see,
#         entries it must not see)
ROLES = {
    'courrier': ({HOME, TIME, MAIL, CONTACTS},
        {'mons_mail.menu_item_register', 'mons_mail.menu_item_to_assign',
            'mons_mail.menu_scan', 'mons_crm.menu_party_form',
            'mons_mail.menu_label_sheet', 'mons_mail.menu_register_import'},
        {'mons_crm.menu_duplicate_form', 'mons_crm.menu_consent_form',
            'mons_crm.menu_message_form', 'mons_hr_time.menu_allocation',
            'mons_mail.menu_reply_template'}),
    'agent': ({HOME, TIME, MAIL, CONTACTS},
        {'mons_mail.menu_item_mine', 'mons_crm.menu_email_list_form'},
        {'mons_mail.menu_item_register', 'mons_mail.menu_item_to_assign',
            'mons_mail.menu_item', 'mons_crm.menu_duplicate_form',
            'mons_mail.menu_label_sheet', 'mons_mail.menu_reply_template',
            'mons_mail.menu_register_import',
            'mons_hr_time.menu_approver', 'mons_base.menu_service_tree'}),
    'cpas': ({HOME, TIME, MAIL, CONTACTS},
        {'mons_mail.menu_item_mine'},
        {'mons_mail.menu_item_register', 'mons_hr_time.menu_hr_time_admin'}),
    'urbanisme': ({HOME, TIME, MAIL, CONTACTS, PERMIT},
        {'mons_mail.menu_item_mine', 'mons_permit.menu_file',
            'mons_permit.menu_file_overdue', 'mons_permit.menu_inquiry',
            'mons_permit.menu_opinion', 'mons_permit.menu_parcel',
            'mons_permit.menu_procedure_type', 'mons_permit.menu_body'},
        {'mons_mail.menu_item_register', OPENDATA}),
    'chef': ({HOME, TIME, MAIL, CONTACTS, CITY},
        {'mons_hr_time.menu_approver', 'mons_mail.menu_dashboard',
            'mons_base.menu_service_tree'},
        {'mons_mail.menu_item_register', 'mons_mail.menu_item',
            'mons_hr_time.menu_hr_time_admin', 'mons_base.menu_service_list'}),
    'rh': ({HOME, TIME, CITY},
        {'mons_hr_time.menu_hr_time_admin', 'mons_hr_time.menu_allocation',
            'mons_hr_time.menu_leave_type', 'mons_base.menu_service_tree'},
        {MAIL, CONTACTS, OPENDATA}),
    # HR's head also manages the HR service: its mail and contacts
    'rhchef': ({HOME, TIME, MAIL, CONTACTS, CITY},
        {'mons_hr_time.menu_hr_time_admin', 'mons_hr_time.menu_approver',
            'mons_mail.menu_dashboard'},
        {OPENDATA, 'mons_mail.menu_item_register'}),
    'data': ({HOME, TIME, MAIL, CONTACTS, OPENDATA},
        {'mons_opendata.menu_dataset', 'mons_opendata.menu_run',
            'mons_opendata.menu_configuration',
            'mons_crm.menu_duplicate_form'},
        {'mons_mail.menu_item_register', 'mons_base.menu_service_tree'}),
    'dpo': ({HOME, TIME, MAIL, CONTACTS, OPENDATA},
        {'mons_opendata.menu_dataset', 'mons_crm.menu_consent_form'},
        {'mons_opendata.menu_run', 'mons_opendata.menu_configuration',
            'mons_crm.menu_duplicate_form'}),
    'sig': ({HOME, TIME, MAIL, CONTACTS, CITY},
        {'mons_carto.menu_carto', 'mons_carto.menu_layer_form'},
        {OPENDATA, 'mons_base.menu_service_tree'}),
    'direction': ({HOME, TIME, MAIL, CONTACTS, OPENDATA, CITY},
        {'mons_mail.menu_item', 'mons_mail.menu_dashboard',
            'mons_opendata.menu_dataset', 'mons_base.menu_service_tree'},
        {'mons_mail.menu_item_register', 'mons_opendata.menu_run',
            'mons_hr_time.menu_hr_time_admin'}),
    'api': ({HOME, TIME}, set(), {MAIL, CONTACTS, OPENDATA, CITY}),
    }
REPLACED = {PARTY, ATTENDANCE}

# Careers: every role is an agent with its own file, evaluations, gaps and
# training; managers add their services' evaluations and budgets, HR the
# files, documents, scans and cycles
CAREER = 'mons_hr_career.menu_career'
CAREER_SELF = {CAREER, 'mons_hr_career.menu_my_career_file',
    'mons_hr_career.menu_my_evaluation', 'mons_hr_career.menu_gap',
    'mons_hr_career.menu_training', 'mons_hr_career.menu_course',
    'mons_hr_career.menu_session', 'mons_hr_career.menu_request'}
CAREER_MANAGER = {'mons_hr_career.menu_evaluation',
    'mons_hr_career.menu_service_gap', 'mons_hr_career.menu_budget'}
CAREER_HR = {'mons_hr_career.menu_career_file',
    'mons_hr_career.menu_document', 'mons_hr_career.menu_scan_import',
    'mons_hr_career.menu_scan_line', 'mons_hr_career.menu_cycle',
    'mons_hr_career.menu_career_configuration'}
SELF_SERVICE |= CAREER_SELF
for _login, (_top, _must, _must_not) in ROLES.items():
    _top.add(CAREER)
    if _login in {'rh', 'rhchef'}:
        _must |= CAREER_HR | CAREER_MANAGER
    elif _login in {'chef', 'direction'}:
        _must |= CAREER_MANAGER
        _must_not |= CAREER_HR
    else:
        _must_not |= CAREER_HR | CAREER_MANAGER
ROLES['rhchef'][1].add('mons_hr_career.menu_career_file_read')
ROLES['rh'][2].add('mons_hr_career.menu_career_file_read')
# Leave administration: the team calendar and the roster for managers and
# HR, allocating leave and telework quotas for HR only
LEAVE_TEAM = {'mons_hr_time.menu_leave_calendar', 'mons_hr_time.menu_roster'}
LEAVE_HR = {'mons_hr_time.menu_allocate', 'mons_hr_time.menu_telework_quota'}
for _login in ['chef', 'direction']:
    ROLES[_login][1].update(LEAVE_TEAM)
    ROLES[_login][2].update(LEAVE_HR)
ROLES['rh'][1].update(LEAVE_TEAM | LEAVE_HR)
for _login in ['agent', 'courrier', 'api']:
    ROLES[_login][2].update(LEAVE_TEAM | LEAVE_HR)
# The month close: the list of what is undecided and the sign-offs for
# managers and HR; every agent asks for prior overtime authorisations
CLOSE = {'mons_hr_time.menu_close_item', 'mons_hr_time.menu_close_signoff'}
SELF_SERVICE.add('mons_hr_time.menu_overtime_authorisation')
for _login in ['chef', 'direction', 'rh', 'rhchef']:
    ROLES[_login][1].update(CLOSE)
for _login in ['agent', 'courrier', 'api', 'data', 'dpo', 'urbanisme']:
    ROLES[_login][2].update(CLOSE)


_XML_IDS = """
import json, sys
from trytond.pool import Pool
from trytond.transaction import Transaction
Pool.start()
pool = Pool(sys.argv[1])
pool.init()
with Transaction().start(sys.argv[1], 0, readonly=True):
    Data = pool.get('ir.model.data')
    print(json.dumps({f'{d.module}.{d.fs_id}': d.db_id
                for d in Data.search([('model', '=', 'ir.ui.menu')])}))
"""


def menu_xml_ids(site):
    """XML id -> database id of every menu, read from the site's database
    (the desk does not serve ir.model.data)"""
    env = dict(site.env, TRYTOND_DATABASE__PATH=str(site.folder / 'db'))
    output = subprocess.run([sys.executable, '-c', _XML_IDS, site.db],
        env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


@pytest.fixture(scope='module')
def menu_ids(site):
    return menu_xml_ids(site)


def visible(site, login):
    "The menus the desk shows the user: {id: (name, parent id, action)}"
    session = site.login(login)
    rows = session('model.ir.ui.menu.search_read', [], 0, None, None,
        ['name', 'parent', 'action', 'complete_name'])
    return {r['id']: r for r in rows}


def names(menus, ids):
    return sorted(menus[i]['complete_name'] if i in menus else str(i)
        for i in ids)


def test_self_service_sees_only_its_own_time(site, menu_ids):
    for login in ['employe']:
        menus = visible(site, login)
        expected = {menu_ids[x] for x in SELF_SERVICE}
        assert set(menus) == expected, (
            login, names(menus, set(menus) - expected),
            sorted(x for x in SELF_SERVICE if menu_ids[x] not in menus))


@pytest.mark.parametrize('login', sorted(ROLES))
def test_role_menus(site, menu_ids, login):
    top, must, must_not = ROLES[login]
    menus = visible(site, login)
    tops = {i for i, m in menus.items() if not m['parent']}
    assert tops == {menu_ids[x] for x in top}, (
        login, names(menus, tops))
    for xml_id in must:
        assert menu_ids[xml_id] in menus, (login, 'must see', xml_id)
    for xml_id in must_not | REPLACED:
        assert menu_ids[xml_id] not in menus, (
            login, 'must not see', xml_id)
    # Every role is an employee: its own time is always there
    assert {menu_ids[x] for x in SELF_SERVICE} <= set(menus), login


@pytest.mark.parametrize('login', ['employe', *sorted(ROLES)])
def test_menus_lead_somewhere_and_do_not_repeat(site, login):
    menus = visible(site, login)
    children = {}
    for menu in menus.values():
        if menu['parent']:
            children.setdefault(menu['parent'], []).append(menu)
    for menu in menus.values():
        # A folder without an entry the user may open is not shown
        assert menu['action'] or children.get(menu['id']), (
            login, menu['complete_name'])
        # "Services > Services": an entry does not repeat its folder
        parent = menus.get(menu['parent'])
        if parent:
            assert menu['name'] != parent['name'], (
                login, menu['complete_name'])
    complete = [m['complete_name'] for m in menus.values()]
    assert len(complete) == len(set(complete)), login


def test_admin_keeps_trytons_menus(site, menu_ids):
    menus = visible(site, 'admin')
    for xml_id in REPLACED | {HOME, MAIL, CONTACTS, OPENDATA, CITY}:
        assert menu_ids[xml_id] in menus, xml_id


def test_no_button_named_like_saving(site):
    "sao's save button is 'Enregistrer': no action of the suite says it too"
    admin = site.login('admin')
    buttons = admin('model.ir.model.button.search_read', [], 0, None, None,
        ['string', 'name'])
    assert buttons
    same = [b['name'] for b in buttons
        if (b['string'] or '').strip().lower() == 'enregistrer']
    assert not same, same


# Recruitment is HR's desk only: openings, applicants, their settings
RECRUITMENT = {'mons_hr_career.menu_recruitment',
    'mons_hr_career.menu_opening', 'mons_hr_career.menu_applicant',
    'mons_hr_career.menu_recruitment_configuration'}
for _login, (_top, _must, _must_not) in ROLES.items():
    if _login in {'rh', 'rhchef'}:
        _must |= RECRUITMENT
    else:
        _must_not |= RECRUITMENT
