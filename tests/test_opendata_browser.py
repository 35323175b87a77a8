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
        "Chart.getChart('od-chart').config.type === 'pie'")
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
    assert int(page.inner_text('#kpi-datasets')) == 5
    main = page.inner_text('main')
    assert 'Toilettes publiques' in main
    for internal in ['Aides sociales', 'Budget communal',
            'Absentéisme', 'Logements du CPAS']:
        assert internal not in main
    page.wait_for_function(
        "Chart.getChart('od-dashboard-chart') !== undefined")
    assert not page.errors
