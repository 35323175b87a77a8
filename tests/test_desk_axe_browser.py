"""axe-core on the desk (sao) as the roles meet it: each role's home, then
one list and its first record's form per module. The suite's own views (the
XML forms, lists and homes of our modules) must cause no critical or serious
violation; what sao itself draws the same way for every view is listed in
SAO_OWNED below and explained in mons_base/doc/desk-accessibility.md."""
import asyncio
import json
import re

import pytest

from portal_checks import AXE
from test_role_crawl import TAB_STATE, Desk, menu_entries, run_in_thread

pytestmark = pytest.mark.browser

# role: (model, menu path or None for the role's first entry on it) whose
# list and first record's form are audited; one per module of the suite
SCREENS = {
    'courrier': [('mail.item', 'Courrier › Tous les courriers')],  # mail
    'agent': [('party.party', None)],  # mons_crm
    'rh': [('attendance.leave', None)],  # mons_hr_time
    'data': [('opendata.dataset', None)],  # mons_opendata
    'sig': [('carto.layer', None)],  # mons_carto
    'admin': [('mons.service', 'Ville de Mons › Services › Liste des services')],
    'employe': [],
    }

RUN_AXE = """async () => {
    const result = await axe.run(document, {elementRef: true,
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',
            'wcag21aa', 'best-practice']}});
    // the classes of a node's parents tell which sao widget drew it
    const parents = element => {
        const classes = [];
        for (let e = element && element.parentElement; e && classes.length < 6;
                e = e.parentElement) {
            classes.push(e.className && e.className.baseVal === undefined ?
                e.className : '');
        }
        return classes.join(' < ');
    };
    return result.violations.map(v => ({id: v.id, impact: v.impact,
        help: v.help, nodes: v.nodes.map(n => ({
            target: n.target.join(' '), html: n.html.slice(0, 200),
            parents: parents(n.element)}))}));
}"""

# Violations sao causes on every screen whatever our views say: (rule id,
# regular expression on the node's selector, HTML or parents' classes, why
# it is sao's). Each is described in mons_base/doc/desk-accessibility.md.
SAO_OWNED = [
    # sao's icons (toolbars, menu, column prefixes, expanders, the
    # user's avatar) are <img> without alt; a view cannot give one
    ('image-alt', re.compile(r'^<img\b'), "icônes de sao sans alt"),
    # toolbar drop-down menus: aria-haspopup/expanded on an <a> without role
    ('aria-allowed-attr', re.compile(
            r'data-toggle="dropdown" aria-haspopup'),
        "menus déroulants de sao"),
    # the tabs of an action's domains (ir.action.act_window.domain): sao
    # sets aria-controls to the tab's index, which is no element's id
    ('aria-valid-attr-value', re.compile(r'aria-controls="\d+" role="tab"'),
        "onglets de domaine de sao"),
    # the desk's tab headers: sao puts the close button inside the link
    ('nested-interactive', re.compile(
            r'aria-controls="tab-\d+" role="tab"'),
        "en-têtes d'onglet de sao"),
    # sao gives every labelled field an access key taken from its label,
    # without keeping them unique in a form
    ('accesskeys', re.compile(r'accesskey='), "touches d'accès de sao"),
    # the selection check boxes of a list (header and rows) and the check
    # boxes of a boolean column
    ('label', re.compile(r'^<input type="checkbox"( name="tree-selection-'
            r'[^"]*")?>$|class="column-boolean"'),
        "cases de sélection et colonnes booléennes de sao"),
    # the date picker behind the calendar icon of a date field
    ('label', re.compile(r'^<input type="date" role="button"'),
        "sélecteur de date de sao"),
    # the search entry in the toolbar of a many2many/one2many field: sao
    # titles the panel, not the entry
    ('label', re.compile(r'form-(many2many|one2many)-menu'),
        "champ de recherche d'une liste liée"),
    # e-mail, URL and phone widgets: sao ties the label to the link button
    # beside the input instead of the input
    ('label', re.compile(r'form-(email|url|callto|sip)\b'),
        "widgets email/url/callto de sao"),
    # the icon inside a field (calendar, translation): sao names the <div>
    # around the button (aria-label without role) instead of the button
    ('aria-prohibited-attr', re.compile(r'^<div class="icon-input'),
        "icônes de champ de sao"),
    ('button-name', re.compile(r'icon-input'), "icônes de champ de sao"),
    # an empty many2one cell of a list: sao draws an empty link
    ('link-name', re.compile(r'^<a href="#" title=""></a>$'),
        "cellule many2one vide de sao"),
]


def sao_owned(rule, node):
    return any(rule == rule_id and any(pattern.search(node[part])
            for part in ('target', 'html', 'parents'))
        for rule_id, pattern, _ in SAO_OWNED)


async def axe(page):
    "The critical and serious violations, each with its nodes"
    if not await page.evaluate('() => !!window.axe'):
        # Not a script tag: the desk's Content-Security-Policy refuses
        # inline scripts, and the audit sees the page as users get it
        await page.evaluate('() => {\n' + AXE.read_text() + '\n}')
    return [v for v in await page.evaluate(RUN_AXE)
        if v['impact'] in {'critical', 'serious'}]


def res_models(site, role, entries):
    "{action reference: res_model} of the window actions of entries"
    rpc = site.login(role)
    ids = {int(e['action'].split(',')[1]) for e in entries
        if e['action'].startswith('ir.action.act_window,')}
    return {f'ir.action.act_window,{a["id"]}': a['res_model']
        for a in rpc('model.ir.action.act_window.read', sorted(ids),
            ['res_model'])}


async def audit_role(browser, site, role, models):
    """{screen: [violations]} of role's home, and of the list and first
    form of the first menu entry of each model"""
    entries = await asyncio.to_thread(menu_entries, site, role)
    actions = await asyncio.to_thread(res_models, site, role, entries)
    desk = Desk(browser, site, role)
    found = {}
    try:
        problems = await desk.sign_in(close_home=False)
        assert not problems, (role, problems)
        found[f'{role} — accueil'] = await axe(desk.page)
        await desk.close_tabs()
        for model, path in models:
            entry = next((e for e in entries
                    if actions.get(e['action']) == model
                    and path in {None, e['path']}), None)
            assert entry, f"{role} : pas d'entrée de menu pour {model}"
            await desk.click_menu(entry['ids'])
            state, problems = await desk.settle(1)
            assert state == 'ready' and not problems, (entry, problems)
            found[f"{role} — {entry['path']} (liste)"] = await axe(desk.page)
            tab = await desk.page.evaluate(TAB_STATE)
            assert tab['records'], f"{entry['path']} : liste vide"
            problems = await desk.open_first(tab, len(desk.errors))
            assert not problems, (entry, problems)
            found[f"{role} — {entry['path']} (fiche)"] = await axe(desk.page)
            await desk.close_tabs()
    finally:
        await desk.close()
    return found


async def audit_all(site, screens):
    from playwright.async_api import async_playwright
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path='/usr/bin/chromium',
            args=['--no-sandbox', '--disable-gpu',
                '--disable-background-networking'])
        try:
            found = {}
            for role, models in screens.items():
                found.update(await audit_role(browser, site, role, models))
            return found
        finally:
            await browser.close()


def run_audit(site, screens=SCREENS):
    "audit_all on an event loop of its own thread (pytest's may be running)"
    return run_in_thread(audit_all(site, screens))


def ours(found):
    "found without the nodes SAO_OWNED explains, screens left with none"
    left = {}
    for screen, violations in found.items():
        for violation in violations:
            nodes = [n for n in violation['nodes']
                if not sao_owned(violation['id'], n)]
            if nodes:
                left.setdefault(screen, []).append(dict(violation,
                        nodes=nodes))
    return left


def test_desk_views_cause_no_serious_violation(site):
    assert AXE.exists(), "npm install at the repository root first"
    found = run_audit(site)
    assert len(found) == len(SCREENS) + 2 * sum(map(len, SCREENS.values()))
    left = ours(found)
    assert not left, json.dumps(left, indent=1, ensure_ascii=False)
