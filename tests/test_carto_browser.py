"""Map viewer in a real browser: layers, legend, popups, search, sections,
measurement, shareable URL, print view, staff login and basemap fallback.

Tile requests are cut (no internet here): the viewer must still draw the
layers on a plain background."""
import json
import re

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={'width': 1280, 'height': 900},
        locale='fr-BE')
    page = context.new_page()
    # No basemap reachable, as on a closed network
    page.route(re.compile(r'.*tile\.openstreetmap\.org.*'),
        lambda route: route.abort())
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    context.close()


def open_map(site, page, fragment=''):
    # As on a network without internet: the basemap tiles cannot be reached
    page.route(lambda url: not url.startswith(site.url),
        lambda route: route.abort())
    response = page.goto(f'{site.url}/{site.db}/portal/carte{fragment}')
    assert response.status == 200
    page.wait_for_selector('#carto-map[data-ready="1"]')
    return response


def choose_section(page, name):
    value = page.eval_on_selector('#carto-section', """(select, name) =>
        [...select.options].find(o => o.text.startsWith(name)).value""", name)
    page.select_option('#carto-section', value=value)


def settle(page):
    "Wait until the features of the current view are drawn"
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => document.getElementById('carto-map').dataset.pending === '0'")
    page.wait_for_timeout(300)


def layer_codes(page):
    return page.eval_on_selector_all('#carto-layers li[data-code]',
        'items => items.map(i => i.dataset.code)')


def test_viewer_public(site, page):
    open_map(site, page)
    assert page.get_attribute('html', 'lang') == 'fr'
    codes = layer_codes(page)
    assert {'sections', 'poi', 'chantiers'} <= set(codes)
    assert 'eclairage' not in codes
    # Legend of the classified layer lists its classes
    legend = page.inner_text('#carto-layers li[data-code="poi"]')
    assert 'Culture' in legend and 'Patrimoine' in legend
    # Features are loaded for the view
    page.wait_for_function(
        "() => document.getElementById('carto-map').dataset.loaded_sections > 0")
    # Plain background when the basemap cannot be reached
    page.wait_for_selector('#carto-map.carto-plain', timeout=15000)
    assert 'fond uni' in page.inner_text('#carto-basemap-status')
    # Vendor files come from the bundled npm packages, no CDN
    sources = page.eval_on_selector_all('script[src]',
        'nodes => nodes.map(n => n.src)')
    assert all(s.startswith(site.url) for s in sources)
    assert not page.errors


def test_toggle_opacity_and_share(site, page):
    open_map(site, page)
    page.uncheck('#carto-layer-chantiers')
    page.fill('#carto-layers li[data-code="sections"] .carto-opacity', '0.5')
    page.dispatch_event(
        '#carto-layers li[data-code="sections"] .carto-opacity', 'input')
    choose_section(page, 'Nimy')
    page.wait_for_function("() => location.hash.includes('carte=14/')")
    url = page.url
    assert 'couches=' in url and 'chantiers' not in url.split('couches=')[1]
    assert 'opacite=sections:0.5' in url
    page.click('#carto-share')
    # The clipboard answers asynchronously
    page.wait_for_function(
        "() => document.getElementById('carto-status').textContent.includes('copié')")
    # The link restores the same view in a new page
    other = page.context.new_page()
    other.goto(url)
    other.wait_for_selector('#carto-map[data-ready="1"]')
    assert not other.is_checked('#carto-layer-chantiers')
    assert other.is_checked('#carto-layer-sections')
    assert other.input_value(
        '#carto-layers li[data-code="sections"] .carto-opacity') == '0.5'
    other.wait_for_function("() => location.hash.includes('carte=14/')")
    assert other.url.split('carte=')[1].split('&')[0] == url.split(
        'carte=')[1].split('&')[0]


def test_search_and_popup(site, page):
    open_map(site, page)
    page.fill('#carto-search', 'Beffroi')
    page.click('#carto-search-form button[type=submit]')
    page.wait_for_selector('#carto-results button')
    page.click('#carto-results button >> nth=0')
    popup = page.wait_for_selector('.leaflet-popup-content')
    assert 'Beffroi' in popup.inner_text()
    # Clicking a section polygon opens its popup with the layer's fields
    # Hide the points and lines drawn above the polygons
    # (every public layer but the sections: other modules add theirs)
    for code in layer_codes(page):
        if code != 'sections':
            page.uncheck(f'#carto-layer-{code}')
    choose_section(page, 'Spiennes')
    settle(page)
    page.locator('#carto-map').scroll_into_view_if_needed()
    box = page.locator('#carto-map').bounding_box()
    page.mouse.click(box['x'] + box['width'] / 2,
        box['y'] + box['height'] / 2)
    popup = page.wait_for_selector('.carto-popup')
    text = popup.inner_text()
    # The labels the city gave the properties, not their raw names
    assert 'Spiennes' in text and 'Code postal' in text
    assert 'code_postal' not in text


def test_basemap_switcher_and_address_search(site, page):
    open_map(site, page)
    choices = page.eval_on_selector_all('#carto-basemaps input[type=radio]',
        'inputs => inputs.map(i => i.value)')
    assert choices[:2] == ['plain', 'osm']
    assert page.is_checked('#carto-basemap-osm')
    assert 'Fond de plan' in page.inner_text('#carto-basemaps legend')
    page.check('#carto-basemap-plain')
    page.wait_for_function("""() => document.getElementById('carto-map')
        .dataset.basemapChoice === 'plain'""")
    assert 'carto-plain' in page.get_attribute('#carto-map', 'class')
    # Back to the plan: unreachable here, so the plain background again
    # with its notice
    page.check('#carto-basemap-osm')
    page.wait_for_function("""() => document.getElementById('carto-map')
        .dataset.basemapChoice === 'osm'""")
    page.wait_for_selector('#carto-map.carto-plain', timeout=15000)
    # Addresses of the layer the city loads, words in any order, first
    page.fill('#carto-search', 'nimy rue')
    page.click('#carto-search-form button[type=submit]')
    page.wait_for_selector('#carto-results button')
    first = page.inner_text('#carto-results li >> nth=0')
    assert 'Rue de Nimy 76' in first and 'adresse' in first
    page.click('#carto-results button >> nth=0')
    popup = page.wait_for_selector('.leaflet-popup-content')
    assert 'Rue de Nimy 76' in popup.inner_text()
    assert not page.errors


def test_measure(site, page):
    open_map(site, page)
    page.uncheck('#carto-layer-sections')
    settle(page)
    page.click('#carto-measure-distance')
    page.locator('#carto-map').scroll_into_view_if_needed()
    box = page.locator('#carto-map').bounding_box()
    x, y = box['x'] + 300, box['y'] + 300
    page.mouse.click(x, y)
    page.mouse.click(x + 200, y)
    text = page.inner_text('#carto-measure')
    assert re.search(r'Distance : [\d,]+ (m|km)', text), text
    page.click('#carto-measure-distance')
    page.click('#carto-measure-area')
    page.mouse.click(x, y)
    page.mouse.click(x + 200, y)
    page.mouse.click(x + 200, y + 200)
    text = page.inner_text('#carto-measure')
    assert re.search(r'Surface : [\d,]+ (m²|ha|km²)', text), text


def test_print_view(site, page):
    open_map(site, page)
    page.emulate_media(media='print')
    assert not page.is_visible('.site-header')
    assert not page.is_visible('.carto-tools')
    assert page.is_visible('#carto-map')
    assert page.is_visible('#carto-layers')


def test_staff_login_shows_internal_layer(site, page):
    open_map(site, page)
    assert 'eclairage' not in layer_codes(page)
    page.click('#carto-staff summary')
    page.fill('#carto-login-name', 'employe')
    page.fill('#carto-login-password', site.password)
    page.click('#carto-login button[type=submit]')
    page.wait_for_selector('#carto-staff-in:not([hidden])')
    # employe is staff but not in the layer's groups
    assert 'eclairage' not in layer_codes(page)
    page.click('#carto-logout')
    page.wait_for_selector('#carto-staff-out:not([hidden])')
    page.fill('#carto-login-name', 'urbanisme')
    page.fill('#carto-login-password', site.password)
    page.click('#carto-login button[type=submit]')
    page.wait_for_function("""() => [...document.querySelectorAll(
        '#carto-layers li[data-code]')].some(i => i.dataset.code ==
        'eclairage')""")
    # Thousands of points are clustered, not drawn one by one
    page.wait_for_function(
        "() => document.getElementById('carto-map').dataset.loaded_eclairage > 0")
    page.wait_for_selector('.marker-cluster', timeout=30000)
    page.click('#carto-logout')
    page.wait_for_selector('#carto-staff-out:not([hidden])')
    assert 'eclairage' not in layer_codes(page)


# --- phone, keyboard, French controls, accessibility (issue 12) -------------

def audit(page):
    "Every axe-core violation (WCAG 2.0/2.1 A and AA, best practices)"
    from portal_checks import inject_axe
    inject_axe(page)
    return page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
            help: v.help, nodes: v.nodes.slice(0, 5).map(
                n => n.target.join(' '))}));
    }""")


def sized_page(browser, width, height):
    context = browser.new_context(viewport={'width': width,
            'height': height}, locale='fr-BE')
    page = context.new_page()
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    page.errors = errors
    return context, page


def test_phone_map_first_panel_collapsible(site, browser):
    context, page = sized_page(browser, 360, 740)
    try:
        open_map(site, page)
        box = page.locator('#carto-map').bounding_box()
        # The map is the first thing under the title, on the first screen
        assert box['y'] < 400, box
        assert box['height'] >= 280, box
        assert page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth")
        # The layer panel waits behind its heading, and opens on demand
        assert not page.is_visible('#carto-layers')
        page.click('#carto-side > summary')
        page.wait_for_selector('#carto-layers li[data-code="poi"]',
            state='visible')
        assert page.locator('#carto-layers').bounding_box()['y'] > box['y']
        assert not page.errors
    finally:
        context.close()


def test_map_controls_in_french(site, page):
    open_map(site, page)
    zoom_in = page.locator('.leaflet-control-zoom-in')
    zoom_out = page.locator('.leaflet-control-zoom-out')
    assert zoom_in.get_attribute('title') == 'Zoom avant'
    assert zoom_in.get_attribute('aria-label') == 'Zoom avant'
    assert zoom_out.get_attribute('title') == 'Zoom arrière'
    assert zoom_out.get_attribute('aria-label') == 'Zoom arrière'
    text = page.inner_text('#carto-map')
    for english in ['Zoom in', 'Zoom out', 'Close popup', 'Marker']:
        assert english not in text
    assert 'Close popup' not in page.content()


def test_markers_reachable_by_keyboard(site, page):
    open_map(site, page)
    for code in ['sections', 'chantiers']:
        page.uncheck(f'#carto-layer-{code}')
    page.wait_for_function(
        "() => document.getElementById('carto-map').dataset.loaded_poi > 0")
    markers = page.locator('#carto-map .carto-symbol[role="button"]')
    assert markers.count() >= 10
    names = markers.evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('aria-label'))")
    assert all(names), names
    assert any(n.startswith('Beffroi de Mons') for n in names), names
    beffroi = page.locator('#carto-map .carto-symbol[aria-label^='
        '"Beffroi de Mons"]').first
    assert beffroi.get_attribute('tabindex') == '0'
    # Tab reaches the markers from the map
    page.focus('#carto-map')
    page.keyboard.press('Tab')
    assert page.evaluate("""document.activeElement.classList.contains(
        'carto-symbol') || document.activeElement.classList.contains(
        'leaflet-control-zoom-in')""")
    beffroi.focus()
    page.keyboard.press('Enter')
    popup = page.wait_for_selector('.leaflet-popup-content')
    assert 'Beffroi' in popup.inner_text()
    # The popup is read at once: it has the focus, a role and a name
    page.wait_for_function("""() => document.activeElement.classList.contains(
        'leaflet-popup-content')""")
    assert popup.get_attribute('role') == 'dialog'
    assert 'Beffroi' in popup.get_attribute('aria-label')
    close = page.locator('.leaflet-popup-close-button')
    assert close.get_attribute('aria-label') == 'Fermer la fiche'
    page.keyboard.press('Escape')
    page.wait_for_selector('.leaflet-popup-content', state='detached')
    # ...and the focus comes back to the marker
    assert page.evaluate(
        "document.activeElement.getAttribute('aria-label')").startswith(
        'Beffroi de Mons')
    assert not page.errors


@pytest.mark.parametrize('width,height', [(360, 740), (1280, 900)])
def test_axe_no_violation(site, browser, width, height):
    context, page = sized_page(browser, width, height)
    try:
        open_map(site, page)
        settle(page)
        violations = audit(page)
        assert not violations, json.dumps(violations, indent=1,
            ensure_ascii=False)
        # With the layer panel open and a popup shown
        if not page.is_visible('#carto-layers'):
            page.click('#carto-side > summary')
        marker = page.locator('#carto-map .carto-symbol[role="button"]'
            ).first
        marker.focus()
        page.keyboard.press('Enter')
        page.wait_for_selector('.leaflet-popup-content')
        # Leaflet fades the popup in: audit it once fully opaque, as read
        page.wait_for_function("() => getComputedStyle(document.querySelector("
            "'.leaflet-popup')).opacity === '1'")
        violations = audit(page)
        assert not violations, json.dumps(violations, indent=1,
            ensure_ascii=False)
        assert not page.errors
    finally:
        context.close()
