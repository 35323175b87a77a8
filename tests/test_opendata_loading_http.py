"""Open data on a real site over HTTP: a data steward's first spreadsheet
(no schema: guessed, edited as lines, loaded by the worker) and the
downloads and API calls counted per dataset and month."""
import base64
import datetime as dt
import io
import json
import re
import time
import urllib.error
import urllib.request
import uuid

EXPLORE = 'api/explore/v2.1/catalog/datasets'


def domain(d):
    return base64.urlsafe_b64encode(json.dumps(d).encode()).decode()


def get(site, path):
    "GET an open-data path as the anonymous visitor: (status, body)"
    try:
        with urllib.request.urlopen(
                f'{site.url}/{site.db}/{path}', timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def workbook():
    "A spreadsheet as a steward saves it: date, date-time and number cells"
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.append(['Nom', 'Installé le', 'Contrôlé le', 'Prix', 'PMR'])
    sheet.append(['Banc', dt.date(2024, 3, 1), dt.datetime(2024, 3, 2, 9, 30),
            1234.56, 'oui'])
    sheet.append(['Poubelle', dt.date(2025, 11, 30),
            dt.datetime(2025, 12, 1, 17, 5), 12.5, 'non'])
    for row in sheet.iter_rows(min_row=2):
        row[1].number_format = 'DD/MM/YYYY'
        row[2].number_format = 'DD/MM/YYYY HH:MM'
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_first_spreadsheet_as_steward(site):
    key = site.api_key('data')
    status, found = site.rest('model/opendata.dataset?d=%s&f=company'
        '&f=service' % domain([['code', '=', 'parkings']]), key=key)
    assert status == 200, found
    code = 'mobilier-%s' % uuid.uuid4().hex[:8]
    status, created = site.rest('model/opendata.dataset', method='POST',
        key=key, data={
            'code': code, 'title': "Mobilier urbain (essai)",
            'company': found[0]['company'], 'service': found[0]['service'],
            'sources': [['create', [{'name': "Inventaire", 'kind': 'file',
                            'file_name': 'mobilier.xlsx',
                            'file': {'__class__': 'bytes', 'base64':
                                base64.b64encode(workbook()).decode()},
                            }]]],
            })
    assert status in {200, 201}, created
    dataset = created['id'] if isinstance(created, dict) else created
    # no schema typed by hand: the steward asks for the fields
    status, body = site.rest(
        f'model/opendata.dataset/{dataset}/guess_schema', method='POST',
        key=key, data={})
    assert status == 200, body
    status, lines = site.rest('model/opendata.schema.field?d=%s&f=name'
        '&f=type&f=format&f=required&f=title' % domain(
            [['dataset', '=', dataset]]), key=key)
    assert status == 200, lines
    types = {l['name']: l['type'] for l in lines}
    assert types == {'Nom': 'string', 'Installé le': 'date',
        'Contrôlé le': 'datetime', 'Prix': 'number', 'PMR': 'boolean'}
    # a line corrected as in the desk's form: the JSON follows
    prix, = [l for l in lines if l['name'] == 'Prix']
    status, body = site.rest(f'model/opendata.schema.field/{prix["id"]}',
        method='PUT', key=key, data={'title': "Prix (EUR)",
            'required': True})
    assert status == 200, body
    status, record = site.rest(f'model/opendata.dataset/{dataset}?f=schema',
        key=key)
    fields = {f['name']: f for f in json.loads(record['schema'])['fields']}
    assert fields['Prix'] == {'name': 'Prix', 'type': 'number',
        'title': "Prix (EUR)", 'constraints': {'required': True}}
    # loaded by the worker with the dates as dates
    status, body = site.rest(f'model/opendata.dataset/{dataset}/refresh',
        method='POST', key=key, data={})
    assert status == 200, body
    run = None
    for _ in range(120):
        status, runs = site.rest('model/opendata.run?d=%s&f=state&f=errors'
            '&f=rows_loaded&f=version' % domain([['dataset', '=', dataset],
                    ['state', '!=', 'running']]), key=key)
        if runs:
            run = runs[0]
            break
        time.sleep(1)
    assert run, "the queued run did not finish"
    assert run['state'] == 'ok', run['errors']
    assert run['rows_loaded'] == 2
    status, version = site.rest(
        f'model/opendata.version/{run["version"]}?f=columns', key=key)
    columns = {c['name']: c['type'] for c in json.loads(version['columns'])}
    assert columns['Installé le'] == 'date'
    assert columns['Contrôlé le'] == 'datetime'
    # the draft is the steward's work: the visitor does not see it
    status, _ = get(site, f'opendata/{EXPLORE}/{code}/records')
    assert status == 404
    # an employee reads the lines but cannot change them
    status, body = site.rest(f'model/opendata.schema.field/{prix["id"]}',
        method='PUT', login='employe', data={'type': 'string'})
    assert status in {403, 404}, body
    site.rest(f'model/opendata.dataset/{dataset}', method='DELETE', key=key)


def usage(site, key, code):
    "{kind: count} of this month for the dataset, as the steward reads it"
    month = dt.date.today().replace(day=1).isoformat()
    status, lines = site.rest('model/opendata.usage?d=%s&f=kind&f=count'
        % domain([['dataset.code', '=', code],
                ['month', '=', {'__class__': 'date', 'year': int(month[:4]),
                        'month': int(month[5:7]), 'day': 1}]]), key=key)
    assert status == 200, lines
    assert len({l['kind'] for l in lines}) == len(lines)
    return {l['kind']: l['count'] for l in lines}


def test_downloads_and_api_calls_per_month(site):
    key = site.api_key('data')
    before = usage(site, key, 'toilettes-publiques')
    hidden = usage(site, key, 'aides-sociales-par-section')
    for path in [
            f'{EXPLORE}/toilettes-publiques',
            f'{EXPLORE}/toilettes-publiques/records?limit=2',
            'api/3/action/package_show?id=toilettes-publiques',
            'api/3/action/datastore_search?resource_id=toilettes-publiques',
            'dataset/toilettes-publiques.jsonld',
            ]:
        status, body = get(site, 'opendata/' + path)
        assert status == 200, (path, body[:300])
    for fmt in ['csv', 'geojson', 'xlsx']:
        status, body = get(site,
            f'opendata/{EXPLORE}/toilettes-publiques/exports/{fmt}')
        assert status == 200, (fmt, body[:300])
    # the visitor asking for an internal dataset gets nothing, counts nothing
    for path in [f'{EXPLORE}/aides-sociales-par-section/records',
            f'{EXPLORE}/aides-sociales-par-section/exports/csv',
            'api/3/action/package_show?id=aides-sociales-par-section']:
        assert get(site, 'opendata/' + path)[0] == 404, path
    after = usage(site, key, 'toilettes-publiques')
    assert after.get('api', 0) - before.get('api', 0) == 5
    assert after.get('download', 0) - before.get('download', 0) == 3
    assert usage(site, key, 'aides-sociales-par-section') == hidden

    status, body = get(site, 'portal/donnees/tableau-de-bord')
    assert status == 200
    html = body.decode()
    for kpi in ['downloads', 'api', 'maps']:
        assert re.search(r'id="kpi-%s">\d+<' % kpi, html), kpi
    assert 'couches cartographiques publiées' in html
    assert 'id="od-by-month"' in html
    assert 'aides sociales' not in html.lower()
    # the usage lines follow their dataset's rules: the City's staff do not
    # read the counts of a CPAS dataset
    status, body = site.rest('model/opendata.usage?d=%s&f=count' % domain(
            [['dataset.code', '=', 'aides-sociales-par-section']]),
        login='employe')
    assert status == 200 and body == [], body
