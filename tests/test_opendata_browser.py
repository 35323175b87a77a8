"""Open-data portal pages in a real browser: search with facets, dataset
page with preview, chart drawn with the bundled Chart.js, map with the
bundled Leaflet and no tiles, KPI dashboard."""
import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={'width': 1280, 'height': 900},
        locale='fr-BE')
    page = context.new_page()
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    context.close()


def test_search_facets_and_dataset_page(site, page):
    response = page.goto(f'{site.url}/{site.db}/portal/donnees')
    assert response.status == 200
    assert 'Toilettes publiques' in page.inner_text('main')
    page.click('.od-facets a:has-text("Transports")')
    titles = page.inner_text('.od-results')
    assert 'Parkings' in titles and 'Toilettes publiques' not in titles
    page.click('a:has-text("Parkings et capacité")')
    page.wait_for_selector('#od-chart[data-points]')
    assert int(page.get_attribute('#od-chart', 'data-points')) > 0
    page.select_option('#od-chart-kind', 'pie')
    page.select_option('#od-chart-measure', 'capacite')
    page.click('#od-chart-form button')
    page.wait_for_function(
        "() => Chart.getChart('od-chart').config.type === 'pie'")
    page.wait_for_selector('#od-map[data-markers]')
    assert int(page.get_attribute('#od-map', 'data-markers')) == 16
    assert page.locator('.od-table tbody tr').count() == 16
    sources = page.eval_on_selector_all('script[src]',
        'nodes => nodes.map(n => n.src)')
    assert all(s.startswith(site.url) for s in sources)
    assert not page.errors


def test_dashboard(site, page):
    response = page.goto(
        f'{site.url}/{site.db}/portal/donnees/tableau-de-bord')
    assert response.status == 200
    # the public dashboard counts and names the public datasets only
    public = set()
    for login in ['data', 'cpas']:
        status, rows = site.rest('model/opendata.dataset?f=code&d='
            + q([['access_level', '=', 'public'],
                    ['state', '=', 'published']]), login=login)
        assert status == 200, rows
        public |= {r['code'] for r in rows}
    assert len(public) >= 5  # the demo's public datasets and the permits'
    assert int(page.inner_text('#kpi-datasets')) == len(public)
    main = page.inner_text('main')
    assert 'Toilettes publiques' in main
    for internal in ['Aides sociales', 'Budget communal',
            'Absentéisme', 'Logements du CPAS']:
        assert internal not in main
    page.wait_for_function(
        "() => Chart.getChart('od-dashboard-chart') !== undefined")
    assert not page.errors


# -- the data team's main task in the desk, on a site of its own


@pytest.fixture(scope='module')
def task_site(tmp_path_factory):
    from conftest import live_site
    with live_site(tmp_path_factory, 'opendata_desk') as live:
        yield live


def q(domain):
    import base64
    import json
    return base64.urlsafe_b64encode(json.dumps(domain).encode()).decode()


def prepare_dataset(site):
    """The steward's budget, made public with a file, collected by the
    worker: ready to be validated (REST, as the steward)"""
    import base64
    import json
    import time
    status, found = site.rest('model/opendata.dataset?f=state&d='
        + q([['code', '=', 'budget-communal']]), login='data')
    assert status == 200 and found, found
    dataset = found[0]
    assert dataset['state'] == 'draft'
    schema = {'fields': [
            {'name': 'poste', 'type': 'string', 'title': "Poste"},
            {'name': 'montant', 'type': 'number', 'title': "Montant (€)"}]}
    status, body = site.rest(f'model/opendata.dataset/{dataset["id"]}',
        method='PUT', login='data', data={'access_level': 'public',
            'licence': 'CC_BY_4_0', 'schema': json.dumps(schema)})
    assert status == 200, body
    data = "poste;montant\nEnseignement;1200000\nVoirie;800000\n"
    status, body = site.rest('model/opendata.source', method='POST',
        login='data', data={'dataset': dataset['id'], 'name': "Budget",
                'kind': 'file', 'file_name': 'budget.csv', 'delimiter': ';',
                'file': {'__class__': 'bytes', 'base64':
                    base64.b64encode(data.encode()).decode()}})
    assert status == 200, body
    status, body = site.rest(
        f'model/opendata.dataset/{dataset["id"]}/refresh', method='POST',
        login='data', data={})
    assert status == 200, body
    for _ in range(120):
        status, runs = site.rest('model/opendata.run?f=state&f=errors&d='
            + q([['dataset', '=', dataset['id']],
                    ['state', '!=', 'running']]), login='data')
        if runs:
            assert runs[0]['state'] == 'ok', runs
            break
        time.sleep(1)
    else:
        pytest.fail("the collection did not finish")
    return dataset['id']


def open_dataset(page, title, tab=None):
    "Open the datasets' list (a tab of it), then the dataset's form"
    import re

    from desk import wait_idle
    page.locator('#menu').get_by_text(
        re.compile(r'^\s*Données ouvertes\s*$')).first.click()
    entry = page.locator('#menu').get_by_text(
        'Jeux de données', exact=True).first
    entry.wait_for(state='visible', timeout=30000)
    entry.click()
    page.locator('.treeview tbody tr:visible').first.wait_for(
        state='visible', timeout=60000)
    # The list's tabs are clicked once the list has its rows and counts
    wait_idle(page)
    if tab:
        # the tabs of the list's filters (other screens, such as a home,
        # may have hidden tabs of the same name)
        tabs = page.locator('#tabcontent [role=tab]').filter(has_text=tab)
        for _ in range(60):
            shown = [tabs.nth(i) for i in range(tabs.count())
                if tabs.nth(i).is_visible()]
            if shown:
                shown[0].click()
                # The tab searches again: its rows replace the ones shown
                wait_idle(page)
                break
            page.wait_for_timeout(500)
        else:
            pytest.fail(f"no tab {tab!r}")
    row = page.locator('.treeview tbody tr:visible').filter(
        has_text=title).first
    row.wait_for(state='visible', timeout=60000)
    # a list a role sees only partly still shows what it may read
    assert '#ERREUR' not in page.locator('.treeview:visible').first.inner_text()
    row.dblclick()
    page.locator('.form select[name="state"]:visible').first.wait_for(
        state='visible', timeout=60000)
    # The form shows the record opened, not an empty one
    page.wait_for_function(
        """(title) => [...document.querySelectorAll(
                '.form input[name="title"]')].some(
            i => i.offsetParent !== null && i.value === title)""",
        arg=title, timeout=60000)


def press(page, button, state):
    from desk import wait_idle
    # The form is pressed once drawn with its record, as a person does
    wait_idle(page)
    page.locator(f'.form button[name="{button}"]:visible').first.click()
    page.wait_for_function(
        """(label) => [...document.querySelectorAll(
                '.form select[name="state"]')].some(
            s => s.offsetParent !== null && s.selectedOptions.length
                && s.selectedOptions[0].textContent.trim() === label)""",
        arg=state, timeout=60000)
    assert not page.locator('.modal.in:visible, .modal.show:visible').count(), \
        page.locator('.modal').all_inner_texts()


def test_validate_approve_publish_in_desk(task_site, browser):
    "data validates, dpo approves, data publishes: the data is public"
    import json
    import urllib.request
    from desk import open_desk
    site = task_site
    prepare_dataset(site)
    title = "Budget communal"
    for login, tab, button, state in [
            ('data', 'À valider', 'validate_dataset', 'Validé'),
            ('dpo', 'Chez le DPO', 'approve', 'Approuvé'),
            ('data', 'Chez le DPO', 'publish', 'Publié'),
            ]:
        context, page, _, errors = open_desk(browser, site, login,
            r'^\s*Données ouvertes\s*$')
        try:
            open_dataset(page, title, tab)
            press(page, button, state)
            assert not errors, errors
        finally:
            context.close()
    url = (f'{site.url}/{site.db}/opendata/api/explore/v2.1/catalog/'
        'datasets/budget-communal/records')
    with urllib.request.urlopen(url, timeout=60) as response:
        assert json.loads(response.read())['total_count'] == 2
    status, found = site.rest('model/opendata.dataset?f=dpo_approved_by'
        '&f=state&d=' + q([['code', '=', 'budget-communal']]), login='dpo')
    assert found[0]['state'] == 'published' and found[0]['dpo_approved_by']
