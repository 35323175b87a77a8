"""The stock ckanext-harvest CKAN harvester's calls replayed against a live
site: its gather stage (package_search with sort=id asc, rows/start paging,
the organisation/group filters and the incremental
metadata_modified:[... TO *] range), the organisation and group it fetches
when it creates them, then package_show and the datastore calls a re-user
makes next.

The harvester's own client code (ckanext/harvest/harvesters/ckanharvester.py
of ckan/ckanext-harvest, commit 1a9a987: _get_action_api_offset,
_get_search_api_offset, _get_content l.29-55, _get_group l.57-68,
_get_organization l.70-80, _search_for_datasets l.295-368, and the fq terms
gather_stage builds l.196-234) is run as it is when a copy of that file is
at HARVESTER_SOURCE (it needs no CKAN for these methods); otherwise the
faithful copy below, which mirrors those lines, runs."""
import ast
import datetime
import json
import logging
import os
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest

requests = pytest.importorskip('requests')

MIRROR = Path('/work/.mirror/ckan+ckanext-harvest/repo')
HARVESTER_PATH = 'ckanext/harvest/harvesters/ckanharvester.py'
METHODS = {'_get_action_api_offset', '_get_search_api_offset',
    '_get_content', '_get_group', '_get_organization',
    '_search_for_datasets'}


def harvester_source():
    "The harvester's source file, from HARVESTER_SOURCE or the mirror"
    path = os.environ.get('HARVESTER_SOURCE')
    if path and Path(path).exists():
        return Path(path).read_text()
    if MIRROR.exists():
        result = subprocess.run(['git', '--git-dir', str(MIRROR), 'show',
                'HEAD:' + HARVESTER_PATH], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout
    return None


class ContentFetchError(Exception):
    pass


class RemoteResourceError(Exception):
    pass


class SearchError(Exception):
    pass


class CopiedClient:
    "ckanharvester.py l.26-80 and l.295-368, as they are"
    config = None
    api_version = 2
    action_api_version = 3

    def _get_action_api_offset(self):
        return '/api/%d/action' % self.action_api_version

    def _get_search_api_offset(self):
        return '%s/package_search' % self._get_action_api_offset()

    def _get_content(self, url):
        headers = {}
        user_agent = self.config.get('user_agent')
        if user_agent:
            headers['User-Agent'] = str(user_agent)
        api_key = self.config.get('api_key')
        if api_key:
            headers['Authorization'] = api_key
        try:
            http_request = requests.get(url, headers=headers)
        except Exception as e:
            raise ContentFetchError('HTTP general exception: %s' % e)
        return http_request.text

    def _get_group(self, base_url, group):
        url = base_url + self._get_action_api_offset() + '/group_show?id=' + \
            group['id']
        try:
            content = self._get_content(url)
            data = json.loads(content)
            if self.action_api_version == 3:
                return data.pop('result')
            return data
        except (ContentFetchError, ValueError):
            raise RemoteResourceError('Could not fetch/decode remote group')

    def _get_organization(self, base_url, org_name):
        url = base_url + self._get_action_api_offset() + \
            '/organization_show?id=' + org_name
        try:
            content = self._get_content(url)
            content_dict = json.loads(content)
            return content_dict['result']
        except (ContentFetchError, ValueError, KeyError):
            raise RemoteResourceError(
                'Could not fetch/decode remote organization')

    def _search_for_datasets(self, remote_ckan_base_url, fq_terms=None):
        base_search_url = remote_ckan_base_url + self._get_search_api_offset()
        params = {'rows': '100', 'start': '0'}
        params['sort'] = 'id asc'
        if fq_terms:
            params['fq'] = ' '.join(fq_terms)
        pkg_dicts = []
        pkg_ids = set()
        previous_content = None
        while True:
            url = base_search_url + '?' + urlencode(params)
            content = self._get_content(url)
            if previous_content and content == previous_content:
                raise SearchError('The paging doesn\'t seem to work. URL: %s'
                    % url)
            try:
                response_dict = json.loads(content)
            except ValueError:
                raise SearchError('Response from remote CKAN was not JSON: %r'
                    % content)
            pkg_dicts_page = response_dict.get('result', {}).get('results',
                [])
            ids_in_page = set(p['id'] for p in pkg_dicts_page)
            duplicate_ids = ids_in_page & pkg_ids
            if duplicate_ids:
                pkg_dicts_page = [p for p in pkg_dicts_page
                    if p['id'] not in duplicate_ids]
            pkg_ids |= ids_in_page
            pkg_dicts.extend(pkg_dicts_page)
            if len(pkg_dicts_page) == 0:
                break
            params['start'] = str(int(params['start']) + int(params['rows']))
        return pkg_dicts


def real_client(source):
    """The CKANHarvester methods and exceptions of the real file, compiled
    without CKAN (only requests, urlencode, json and a logger are used)"""
    tree = ast.parse(source)
    body = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == 'CKANHarvester':
            methods = [n for n in node.body
                if isinstance(n, ast.FunctionDef) and n.name in METHODS]
            assert {m.name for m in methods} == METHODS
            attrs = [n for n in node.body if isinstance(n, ast.Assign)]
            body.append(ast.ClassDef(name='RealClient', bases=[],
                    keywords=[], body=attrs + methods, decorator_list=[]))
        elif isinstance(node, ast.ClassDef) and node.name.endswith('Error'):
            body.append(node)
    module = ast.Module(body=body, type_ignores=[])
    ast.fix_missing_locations(module)
    namespace = {'requests': requests, 'urlencode': urlencode,
        'json': json, 'log': logging.getLogger('ckanharvester'),
        'HTTPError': requests.exceptions.HTTPError,
        'RequestException': requests.exceptions.RequestException}
    exec(compile(module, HARVESTER_PATH, 'exec'), namespace)
    return namespace['RealClient']


def gather_fq_terms(config, last_gather_started=None):
    "The fq terms gather_stage builds (ckanharvester.py l.196-234)"
    fq_terms = []
    org_filter_include = config.get('organizations_filter_include', [])
    org_filter_exclude = config.get('organizations_filter_exclude', [])
    if org_filter_include:
        fq_terms.append(' OR '.join(
            'organization:%s' % org_name for org_name in org_filter_include))
    elif org_filter_exclude:
        fq_terms.extend(
            '-organization:%s' % org_name for org_name in org_filter_exclude)
    groups_filter_include = config.get('groups_filter_include', [])
    groups_filter_exclude = config.get('groups_filter_exclude', [])
    if groups_filter_include:
        fq_terms.append(' OR '.join(
            'groups:%s' % group_name for group_name in groups_filter_include))
    elif groups_filter_exclude:
        fq_terms.extend(
            '-groups:%s' % group_name for group_name in groups_filter_exclude)
    if last_gather_started:
        get_changes_since = \
            (last_gather_started - datetime.timedelta(hours=1)).isoformat()
        fq_terms.append('metadata_modified:[{since}Z TO *]'.format(
                since=get_changes_since))
    return fq_terms


@pytest.fixture(scope='module', params=['real', 'copy'])
def harvester(request):
    if request.param == 'real':
        source = harvester_source()
        if source is None:
            pytest.skip("ckanharvester.py not at hand (set "
                "HARVESTER_SOURCE): the copy runs instead")
        client = real_client(source)()
    else:
        client = CopiedClient()
    client.config = {'user_agent': 'ckanext-harvest/test'}
    return client


def base(site):
    return f'{site.url}/{site.db}/opendata'


def public_codes(site):
    response = requests.get(base(site) + '/api/3/action/package_list')
    return set(response.json()['result'])


def test_full_gather_pages_every_public_dataset(site, harvester):
    remote = base(site)
    # rows=100 in the harvester: the suite pages the same way with fewer
    packages = harvester._search_for_datasets(remote, gather_fq_terms({}))
    names = [p['name'] for p in packages]
    assert set(names) == public_codes(site)
    assert 'aides-sociales-par-section' not in names
    assert len(names) == len(set(names))
    ids = [p['id'] for p in packages]
    assert ids == sorted(ids), "sort=id asc"
    for package in packages:
        assert package['resources'], package['name']
        for resource in package['resources']:
            assert resource['url'].startswith('http')


def test_incremental_gather(site, harvester):
    remote = base(site)
    everything = harvester._search_for_datasets(remote, [])
    newest = max(datetime.datetime.fromisoformat(p['metadata_modified'])
        for p in everything)
    # a job that started just after the last change finds the changes of
    # the hour before it (the harvester goes back one hour)
    recent = harvester._search_for_datasets(remote, gather_fq_terms({},
            newest + datetime.timedelta(minutes=30)))
    assert recent and all(datetime.datetime.fromisoformat(
                p['metadata_modified']) >= newest - datetime.timedelta(
                minutes=30) for p in recent)
    # a job started tomorrow finds nothing new
    assert harvester._search_for_datasets(remote, gather_fq_terms({},
            datetime.datetime.utcnow() + datetime.timedelta(days=1))) == []
    # since 2020: everything
    since = harvester._search_for_datasets(remote, gather_fq_terms({},
            datetime.datetime(2020, 1, 1, 1)))
    assert {p['id'] for p in since} == {p['id'] for p in everything}


def test_organisation_and_group_filters_and_creation(site, harvester):
    remote = base(site)
    everything = harvester._search_for_datasets(remote, [])
    org = everything[0]['owner_org']
    included = harvester._search_for_datasets(remote, gather_fq_terms({
                'organizations_filter_include': [org, 'nulle-part']}))
    assert included and all(p['owner_org'] == org for p in included)
    excluded = harvester._search_for_datasets(remote, gather_fq_terms({
                'organizations_filter_exclude': [org]}))
    assert {p['id'] for p in included} | {p['id'] for p in excluded} == {
        p['id'] for p in everything}
    assert not {p['id'] for p in included} & {p['id'] for p in excluded}
    # remote_orgs/remote_groups = create: the organisation and groups
    remote_org = harvester._get_organization(remote, org)
    assert remote_org['name'] == org and remote_org['title']
    grouped = [p for p in everything if p['groups']]
    assert grouped
    group = harvester._get_group(remote, grouped[0]['groups'][0])
    assert group['name'] == grouped[0]['groups'][0]['name']
    by_group = harvester._search_for_datasets(remote, gather_fq_terms({
                'groups_filter_include': [group['name']]}))
    assert grouped[0]['id'] in {p['id'] for p in by_group}


def test_fetch_then_reuse(site):
    "package_show, the listings and the datastore as a re-user goes on"
    remote = base(site) + '/api/3/action/'
    package = requests.get(remote + 'package_show',
        params={'id': 'parkings'}).json()['result']
    assert package['resources']
    for action in ['organization_list', 'group_list', 'tag_list',
            'license_list', 'status_show',
            'current_package_list_with_resources']:
        response = requests.get(remote + action)
        assert response.status_code == 200, (action, response.text)
        assert response.json()['success'], action
    resource = package['resources'][0]['id']
    distinct = requests.post(remote + 'datastore_search', json={
            'resource_id': resource, 'distinct': True,
            'fields': ['section'], 'limit': 1000}).json()['result']
    sections = [r['section'] for r in distinct['records']]
    assert len(sections) == len(set(sections)) == distinct['total']
    sql = requests.get(remote + 'datastore_search_sql', params={'sql':
            'SELECT section, count(*) AS n FROM "%s" GROUP BY section '
            'ORDER BY n DESC LIMIT 3' % resource}).json()
    assert sql['success'], sql
    counts = [r['n'] for r in sql['result']['records']]
    assert counts == sorted(counts, reverse=True)
    refused = requests.get(remote + 'datastore_search_sql', params={'sql':
            'UPDATE "%s" SET section = NULL' % resource})
    assert refused.status_code == 400
    assert refused.json()['error']['__type'] == 'Validation Error'
