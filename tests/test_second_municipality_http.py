"""A second municipality runs the same code: a site created from the
template reference folder (templates/commune-exemple, "Commune d'Exemple"
and its CPAS) shows its own name, address, colours and logo on the portal,
publishes its open-data catalogue under its own name and territory (DCAT
publisher, spatial coverage with its NIS code and its sections' extent),
sends its e-mails from its own address, and nowhere shows a trace of Mons
(the dev site's municipality: its names, addresses, domains, phones and
sections, read from its reference folder)."""
import hashlib
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from configparser import ConfigParser

import pytest
from PIL import Image

from conftest import MONS, ROOT, free_port
from test_no_municipality_in_code import names
from test_permit_portal_http import Visitor, mails_to

TEMPLATE = ROOT / 'templates' / 'commune-exemple'
PASSWORD = 'Boisville-2026'


def _state_hash():
    digest = hashlib.sha1()
    for folder in (ROOT / 'apps', TEMPLATE, ROOT / 'patches'):
        for path in sorted(folder.rglob('*')):
            if path.is_file() and '__pycache__' not in path.parts:
                digest.update(str(path).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class Site:
    def __init__(self, folder, url, db):
        self.folder, self.url, self.db = folder, url, db


@pytest.fixture(scope='module')
def exemple(tmp_path_factory):
    "The second municipality's site, started (its database cached)"
    folder = tmp_path_factory.mktemp('second') / 'exemple'
    port, smtp = free_port(), free_port()
    env = dict(os.environ, TRYTOND_DATABASE__URI='sqlite://',
        MONS_ROOT=str(ROOT))
    for name in ('TRYTOND_CONFIG', 'DB_NAME', 'TRYTOND_WEB__LISTEN',
            'MONS_DATABASE'):
        env.pop(name, None)

    def mons(*args):
        subprocess.run([MONS, *args], check=True, env=env)
    cache = ROOT / '.test-cache' / f'exemple-{_state_hash()}.sqlite'
    if cache.exists():
        (folder / 'db').mkdir(parents=True)
        shutil.copy(cache, folder / 'db' / 'exemple.sqlite')
    # Created as another city's IT service would: only its reference
    mons('init', '--site', str(folder), '--reference', str(TEMPLATE),
        '--demo-password', '--port', str(port))
    if not cache.exists():
        mons('update', '--site', str(folder))
        cache.parent.mkdir(exist_ok=True)
        shutil.copy(folder / 'db' / 'exemple.sqlite', cache)
    config = ConfigParser(interpolation=None)
    config.read(folder / 'trytond.conf')
    sender = config['email']['from']
    config['site']['smtp_sink'] = f'127.0.0.1:{smtp}'
    config['email']['uri'] = f'smtp://127.0.0.1:{smtp}'
    # A site without a title of its own: the desk names the municipality
    # read from its database, never the suite's first city
    config['site'].pop('title', None)
    with open(folder / 'trytond.conf', 'w') as fp:
        config.write(fp)
    process = subprocess.Popen([MONS, 'start', '--site', str(folder)],
        env=env, start_new_session=True)
    url = f'http://127.0.0.1:{port}'
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f'{url}/exemple/rest/model/x', timeout=2)
        except urllib.error.HTTPError:
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the second site did not start")
            time.sleep(0.5)
    site = Site(folder, url, 'exemple')
    site.sender = sender
    site.env = env
    try:
        yield site
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def traces_of_mons(text):
    "What in text names the dev site's municipality"
    patterns, raw = names()
    return sorted({m.group(0) for p in patterns + raw
            for m in p.finditer(text)})


def test_portal_pages_name_the_second_municipality(exemple):
    visitor = Visitor(exemple)
    status, home, _ = visitor.get('')
    assert status == 200, home[:2000]
    assert ('<span class="brand-name">Commune d&#39;Exemple</span>' in home)
    assert 'Place communale 1, 6999 Exemple' in home
    assert 'href="tel:+3281000000"' in home
    assert "En partenariat avec : CPAS d&#39;Exemple" in home
    assert '--mons-red: #00665c' in home and 'E-guichet' in home
    # Every page the home page links to, and the legal ones
    paths = {'', 'accessibilite', 'vie-privee', 'compte/inscription',
        'compte/connexion', 'donnees'}
    paths |= set(re.findall(r'href="/exemple/portal/([^"?#]*)"', home))
    paths = {p for p in paths if not p.startswith('static/') and p != 'logo'}
    assert len(paths) >= 8, paths
    for path in sorted(paths):
        status, html, _ = visitor.get(path)
        assert status == 200, (path, html[:1000])
        assert "Commune d&#39;Exemple" in html, path
        assert not traces_of_mons(html), (path, traces_of_mons(html))
    status, privacy, _ = visitor.get('vie-privee')
    assert '0999.999.922' in privacy and 'info@exemple.example' in privacy
    # The logo of the reference folder
    with urllib.request.urlopen(f'{exemple.url}/exemple/portal/logo',
            timeout=60) as response:
        assert response.headers['Content-Type'] == 'image/png'
        served = Image.open(io.BytesIO(response.read())).convert('RGBA')
    # stored as the organisation's logo (Tryton may encode it again)
    expected = Image.open(TEMPLATE / 'logo.png').convert('RGBA')
    assert served.tobytes() == expected.tobytes()


def test_catalogue_published_by_the_second_municipality(exemple):
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS
    status, body = get(f'{exemple.url}/exemple/opendata/catalog.ttl')
    assert status == 200, body[:1000]
    assert not traces_of_mons(body), traces_of_mons(body)
    graph = Graph().parse(data=body, format='turtle')
    catalog, = graph.subjects(RDF.type, DCAT.Catalog)
    assert graph.value(catalog, DCTERMS.title) == Literal(
        "Données ouvertes d'Exemple", lang='fr')
    publisher = graph.value(catalog, DCTERMS.publisher)
    assert graph.value(publisher, FOAF.name) == Literal(
        "Commune d'Exemple", lang='fr')
    spatial = graph.value(catalog, DCTERMS.spatial)
    assert str(graph.value(spatial, SKOS.prefLabel)) == 'Exemple'
    assert str(graph.value(spatial, DCTERMS.identifier)) == '99000'
    assert graph.value(spatial, SKOS.exactMatch) == URIRef(
        'http://vocab.belgif.be/auth/refnis2019/99000')
    # The extent of its three sections (4.83 to 4.89 E, 50.39 to 50.43 N)
    bbox = str(graph.value(spatial, DCAT.bbox))
    numbers = [float(n) for n in re.findall(r'\d+\.\d+', bbox)]
    assert min(numbers[0::2]) < 4.83 and max(numbers[0::2]) > 4.89, bbox
    assert min(numbers[1::2]) < 50.39 and max(numbers[1::2]) > 50.43, bbox

    status, body = get(f'{exemple.url}/exemple/opendata/api/3/action/'
        'status_show')
    assert status == 200
    result = json.loads(body)['result']
    assert result['site_title'] == "Données ouvertes d'Exemple"
    assert "Commune d'Exemple" in result['site_description']
    for path in ('carto/ogc?f=json', 'opendata/api/explore/v2.1/catalog/'
            'exports/json'):
        status, body = get(f'{exemple.url}/exemple/{path}')
        assert status == 200, (path, body[:500])
        assert not traces_of_mons(body), (path, traces_of_mons(body))
    status, body = get(f'{exemple.url}/exemple/carto/ogc?f=json')
    assert json.loads(body)['title'].startswith("Commune d'Exemple")


def test_emails_sent_by_the_second_municipality(exemple):
    assert exemple.sender == "Commune d'Exemple <info@exemple.example>"
    visitor = Visitor(exemple)
    address = visitor.register("Camille Exemple")
    message, = mails_to(exemple, address)
    assert "Commune d'Exemple" in message['From']
    assert 'info@exemple.example' in message['From']
    text = '\n'.join([str(message['From']), str(message['Subject'])] + [
            part.get_content() for part in message.walk()
            if part.get_content_maintype() == 'text'])
    assert not traces_of_mons(text), traces_of_mons(text)
    links = re.findall(r'https?://[^\s"<>]+', text)
    assert links and all(l.startswith(exemple.url) for l in links), links


def test_desk_titled_after_the_second_municipality(exemple):
    status, script = get(f'{exemple.url}/custom.js')
    assert status == 200
    assert '"title": "Commune d\'Exemple"' in script
    assert not traces_of_mons(script), traces_of_mons(script)
    status, body = get(f'{exemple.url}/exemple/rest/openapi.json')
    assert status == 200, body[:500]
    assert json.loads(body)['info']['title'] == "REST API — Commune d'Exemple"


def test_demo_data_refused_on_another_municipality(exemple):
    """The demo data describe the dev site's city: `mons demo` on the
    second municipality's site says so and loads nothing"""
    def count():
        with sqlite3.connect(exemple.folder / 'db' / 'exemple.sqlite') as db:
            return db.execute('SELECT COUNT(*) FROM party_party').fetchone()[0]
    before = count()
    result = subprocess.run([MONS, 'demo', '--site', str(exemple.folder)],
        env=exemple.env, capture_output=True, text=True)
    assert result.returncode != 0
    assert 'The demo data describe' in result.stderr, result.stderr
    assert "Exemple" in result.stderr, result.stderr
    assert count() == before
