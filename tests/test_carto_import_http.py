"""Layer imports over real HTTP: the GIS editor starts an import through the
REST API, the site's queue worker runs it, the features are then served by
the OGC API; a bad file fails with its line and loses nothing; a non-editor
cannot import nor read the imports of a layer hidden from them."""
import base64
import json
import os
import random
import time

from test_carto_http import bearer, get_json

# Grand-Place of Mons in Belgian Lambert 72
MONS_31370 = (120426.689, 127122.268)


def lambert_csv(count, seed=11):
    rng = random.Random(seed)
    lines = ['nom;type;x;y']
    for index in range(count):
        lines.append('Arbre %d;%s;%s;%s' % (index + 1,
                rng.choice(['chêne', 'hêtre', 'tilleul']),
                # Decimal commas, as the city's spreadsheets write them
                ('%.2f' % (MONS_31370[0] + rng.uniform(-3000, 3000))
                    ).replace('.', ','),
                ('%.2f' % (MONS_31370[1] + rng.uniform(-3000, 3000))
                    ).replace('.', ',')))
    return ('\n'.join(lines) + '\n').encode('utf-8')


def start_import(site, layer_id, data, filename, login='sig', **options):
    return site.rest(f'model/carto.layer/{layer_id}/import_features',
        method='POST', login=login, data={
            'file': base64.b64encode(data).decode(),
            'filename': filename, **options})


def wait(site, import_id, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        status, record = site.rest(f'model/carto.layer.import/{import_id}'
            '?f=state&f=features_created&f=features_rejected&f=errors'
            '&f=started&f=ended', login='sig')
        assert status == 200, record
        if record['state'] in {'done', 'failed'}:
            return record
        assert time.monotonic() < deadline, (
            f"import {import_id} still {record['state']} after {timeout} s")
        time.sleep(0.5)


def test_import_through_queue_and_ogc(site):
    code = f'arbres-rest-{os.getpid()}'
    status, layer = site.rest('model/carto.layer?f=id', method='POST',
        login='sig', data={'name': "Arbres (import REST)", 'code': code,
            'geometry_type': 'point', 'source_crs': 'EPSG:31370',
            'public': False})
    assert status == 200, layer
    layer_id = layer['id']

    # A bad third line: the import is queued, then fails naming the line
    bad = b'nom;x;y\nChene;120426,7;127122,3\nHetre;abc;127100\n'
    status, result = start_import(site, layer_id, bad, 'arbres.csv')
    assert status == 200, result
    assert result['state'] == 'queued'
    failed = wait(site, result['id'])
    assert failed['state'] == 'failed'
    assert failed['features_created'] == 0
    assert failed['features_rejected'] == 1
    # The task speaks the language of the user who started it (French)
    assert 'Ligne 3' in failed['errors'], failed['errors']
    assert 'abc' in failed['errors']

    # A format that cannot be the file's is refused in the request itself
    status, body = start_import(site, layer_id, b'<kml/>', 'arbres.geojson')
    assert status == 400, body

    # 2,000 Lambert 72 points: answered at once, done by the worker
    count = 2000
    started = time.monotonic()
    status, result = start_import(site, layer_id, lambert_csv(count),
        'arbres.csv')
    answered = time.monotonic() - started
    assert status == 200, result
    assert result['state'] == 'queued'
    assert answered < 10, answered
    done = wait(site, result['id'])
    assert done['state'] == 'done', done['errors']
    assert (done['features_created'], done['features_rejected']) == (
        count, 0)
    assert done['started'] and done['ended']

    # The failed import wrote nothing: the layer holds exactly the features
    # of the good file, read through the OGC API
    headers = bearer(site, 'sig')
    status, _, page = get_json(site, f'ogc/collections/{code}/items',
        headers=headers, limit='1000')
    assert status == 200, page
    assert page['numberMatched'] == count
    assert page['numberReturned'] == 1000
    for feature in page['features']:
        x, y = feature['geometry']['coordinates']
        assert 3.90 < x < 4.01 and 50.42 < y < 50.49
        assert feature['properties']['type'] in {'chêne', 'hêtre', 'tilleul'}
    names = {f['properties']['nom'] for f in page['features']}
    assert 'Arbre 1' in names

    # The internal layer and its imports are hidden from a non-editor,
    # who cannot start an import either
    status, _, _ = get_json(site, f'ogc/collections/{code}/items',
        headers=bearer(site, 'employe'))
    assert status == 404
    status, body = site.rest(f'model/carto.layer.import/{result["id"]}'
        '?f=filename', login='employe')
    assert status in {403, 404}, body
    status, body = site.rest('model/carto.layer.import?f=filename',
        login='employe')
    assert status in {200, 403}
    if status == 200:
        assert result['id'] not in {r['id'] for r in body}
    status, layers = site.rest('model/carto.layer?f=code&d=' +
        base64.urlsafe_b64encode(json.dumps(
                [['code', '=', 'poi']]).encode()).decode(), login='employe')
    assert status == 200
    poi_id = layers[0]['id']
    status, body = start_import(site, poi_id, lambert_csv(3), 'x.csv',
        login='employe')
    assert status in {400, 403}, body
    status, _, page = get_json(site, 'ogc/collections/poi/items',
        limit='1000')
    assert not any(f['properties'].get('nom', '').startswith('Arbre ')
        for f in page['features'])
