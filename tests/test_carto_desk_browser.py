"""The GIS editor's main task in the desk (sao), in a real browser: `sig`
creates a layer through its form, imports a GeoJSON file into it with the
form's "Importer un fichier" button, follows the queued import to its end
and then sees the features, in the desk and on the public map's API."""
import json
import re
import uuid

import pytest

from desk import open_desk, save_record

pytestmark = pytest.mark.browser


def open_menu(page, path):
    """Open the menu entry at the end of path (names of the menu tree),
    expanding the entries above it as a user does"""
    menu = page.locator('#menu')
    for index, name in enumerate(path):
        entry = menu.get_by_text(name, exact=True).first
        entry.wait_for(state='visible', timeout=30000)
        following = path[index + 1] if index + 1 < len(path) else None
        if following and menu.get_by_text(following, exact=True).first\
                .is_visible():
            continue
        entry.click()


def wait_select(page, name, text, timeout=60000):
    page.wait_for_function(
        """([name, text]) => {
            const s = document.querySelector(
                '.form select[name="' + name + '"] option:checked');
            return s && s.textContent.trim() === text;
        }""", arg=[name, text], timeout=timeout)


def test_create_layer_and_import_file_in_desk(site, browser):
    tag = uuid.uuid4().hex[:8]
    code = f'fontaines-{tag}'
    fountains = [f'Fontaine {tag} {n}' for n in ('Grand-Place', 'Parc')]
    geojson = json.dumps({'type': 'FeatureCollection', 'features': [
                {'type': 'Feature', 'properties': {'nom': fountains[0]},
                    'geometry': {'type': 'Point',
                        'coordinates': [3.9517, 50.4545]}},
                {'type': 'Feature', 'properties': {'nom': fountains[1]},
                    'geometry': {'type': 'Point',
                        'coordinates': [3.9593, 50.4547]}},
                ]}).encode()

    context, page, menu, errors = open_desk(browser, site, 'sig',
        r'^\s*(Ville de Mons|Cartographie)\s*$')
    try:
        open_menu(page, ['Ville de Mons', 'Cartographie', 'Couches'])
        new = page.locator('button#new_:visible').first
        new.wait_for(state='visible', timeout=60000)
        new.click()
        name = page.get_by_label(re.compile(r'^Nom\W*$'))
        name.wait_for(state='visible', timeout=60000)
        # The defaults of the new record arrive first (colour, source…)
        page.wait_for_function(
            """() => {
                const input = document.querySelector(
                    '.form input[name="colour"]');
                return input && input.value !== '';
            }""", timeout=30000)
        name.fill(f'Fontaines {tag}')
        page.get_by_label(re.compile(r'^Code\W*$')).fill(code)
        # The layer is saved first: its import button waits for it
        button = page.locator('.form button[name="import_file"]:visible')
        assert button.is_disabled()
        save_record(page)
        page.wait_for_function(
            """() => {
                const b = document.querySelector(
                    '.form button[name="import_file"]');
                return b && !b.disabled;
            }""", timeout=60000)
        button.click()
        dialog = page.locator('.modal:visible').last
        dialog.locator('input[type=file]').first.wait_for(
            state='attached', timeout=60000)
        dialog.locator('input[type=file]').first.set_input_files(files=[{
                    'name': 'fontaines.geojson',
                    'mimeType': 'application/geo+json',
                    'buffer': geojson}])
        filename = dialog.locator('input[name="filename"]')
        page.wait_for_function(
            """() => {
                const input = document.querySelector(
                    '.modal input[name="filename"]');
                return input && input.value === 'fontaines.geojson';
            }""", timeout=30000)
        assert filename.input_value() == 'fontaines.geojson'
        dialog.get_by_role('button', name=re.compile(r'^\s*Importer\s*$'))\
            .click()
        # The import record opens, queued; the worker makes it done: the
        # user reloads the record until then
        state = page.locator(
            '.form select[name="state"]:visible option:checked')
        state.first.wait_for(state='attached', timeout=60000)
        for _ in range(60):
            if state.first.inner_text().strip() == 'Terminé':
                break
            page.wait_for_timeout(1000)
            page.locator('button#reload:visible').first.click()
        wait_select(page, 'state', 'Terminé', timeout=5000)
        created = page.locator(
            '.form input[name="features_created"]:visible')
        assert created.input_value().strip() == '2'
        assert not page.locator('.modal.in:visible, .modal.show:visible'
            ).count(), page.locator('.modal').all_inner_texts()

        # The features are in the desk's list of objects on the map
        open_menu(page, ['Ville de Mons', 'Cartographie',
                'Objets sur la carte'])
        search = page.locator('input[type="search"]:visible, '
            '.filter-box input:visible').first
        search.wait_for(state='visible', timeout=60000)
        # A user searches once the list is shown: a search sent while the
        # first page is still loading is overwritten by that page
        page.locator('#tabcontent table tbody tr:visible').first.wait_for(
            state='visible', timeout=60000)
        page.wait_for_function(
            "() => !jQuery('#processing:visible').length", timeout=60000)
        search.fill(tag)
        search.press('Enter')
        for fountain in fountains:
            page.locator('table tbody tr').filter(has_text=fountain).first\
                .wait_for(state='visible', timeout=60000)
        assert not errors, errors
    finally:
        context.close()

    # ...and served to staff by the OGC API, as sig
    from test_carto_http import bearer, get_json
    status, _, page_ = get_json(site, f'ogc/collections/{code}/items',
        headers=bearer(site, 'sig'))
    assert status == 200, page_
    assert sorted(f['properties']['nom'] for f in page_['features']) == \
        sorted(fountains)
