"""Open-data pages of the citizen portal (/<db>/portal/donnees...).

Only public datasets are shown here; staff reach the internal ones through
the APIs with their key or session.
"""
from http import HTTPStatus

from trytond.modules.mons_base.portal import register_link, render, route

from . import vocabulary as voc
from .api import Records
from .ckan import fold

PREVIEW_ROWS = 20


def _public(pool):
    Dataset = pool.get('opendata.dataset')
    return [d for d in Dataset.search([
                ('state', '=', 'published'),
                ('access_level', '=', 'public'),
                ('current_version', '!=', None),
                ], order=[('title', 'ASC')])]


def _formats(dataset):
    return sorted({d.format for d in dataset.distributions})


@route('/donnees', methods=['GET'])
def index(request, pool):
    datasets = _public(pool)
    q = (request.args.get('q') or '').strip()
    theme = request.args.get('theme') or ''
    service = request.args.get('service') or ''
    fmt = request.args.get('format') or ''

    def keep(d, skip=None):
        if q and fold(q) not in fold(' '.join([d.title, d.description or '',
                        d.keywords or '', d.service.name])):
            return False
        if theme and skip != 'theme' and theme not in (d.themes or []):
            return False
        if service and skip != 'service' and d.service.code != service:
            return False
        if fmt and skip != 'format' and fmt not in _formats(d):
            return False
        return True
    results = [d for d in datasets if keep(d)]

    def facet(name, values_of, label_of):
        counts = {}
        for d in datasets:
            if keep(d, skip=name):
                for v in values_of(d):
                    counts[v] = counts.get(v, 0) + 1
        return sorted(((v, label_of(v), c) for v, c in counts.items()),
            key=lambda i: (-i[2], i[1]))
    services = {d.service.code: d.service.name for d in datasets}
    facets = [
        ('theme', "Thème", theme, facet('theme', lambda d: d.themes or [],
                lambda v: voc.THEMES_FR.get(v, v))),
        ('service', "Service", service, facet('service',
                lambda d: [d.service.code], lambda v: services.get(v, v))),
        ('format', "Format", fmt, facet('format', _formats,
                lambda v: voc.FORMATS[v][0])),
        ]
    return render(request, 'mons_opendata/donnees/index.html',
        datasets=results, facets=facets, q=q, total=len(datasets),
        themes=voc.THEMES_FR, active='donnees')


@route('/donnees/tableau-de-bord', methods=['GET'])
def dashboard(request, pool):
    "KPIs of the data team: only counts, no data"
    Dataset = pool.get('opendata.dataset')
    Run = pool.get('opendata.run')
    datasets = Dataset.search([], order=[('title', 'ASC')])
    states = dict(Dataset.fields_get(['state'])['state']['selection'])
    by_service = {}
    for d in datasets:
        row = by_service.setdefault(d.service.rec_name, {
                s: 0 for s in states})
        row[d.state] += 1
    published = [d for d in datasets if d.state == 'published']
    runs = Run.search([], limit=200)
    kpis = {
        'datasets': len(datasets),
        'published': len(published),
        'public': len([d for d in published if d.access_level == 'public']),
        'downloads': sum(d.downloads for d in datasets),
        'api_calls': sum(d.api_calls for d in datasets),
        'records': sum(d.record_count for d in published),
        'quality': round(sum(d.quality for d in datasets) / len(datasets))
        if datasets else 0,
        'failed_runs': len([r for r in runs if r.state == 'failed']),
        'maps': len([d for d in published if d.has_coordinates]),
        }
    return render(request, 'mons_opendata/donnees/dashboard.html',
        kpis=kpis, by_service=sorted(by_service.items()), states=states,
        datasets=datasets, runs=runs[:15], active='donnees')


@route('/donnees/<code>', methods=['GET'])
def dataset_page(request, pool, code):
    Dataset = pool.get('opendata.dataset')
    Usage = pool.get('opendata.usage')
    datasets = Dataset.search([
            ('code', '=', code),
            ('state', '=', 'published'),
            ('access_level', '=', 'public'),
            ], limit=1)
    if not datasets or not datasets[0].current_version:
        return render(request, 'mons_base/error.html',
            status=HTTPStatus.NOT_FOUND,
            message="Ce jeu de données n'existe pas ou n'est pas public.")
    dataset, = datasets
    records = Records(dataset)
    names, rows, total = records.fetch(limit=PREVIEW_ROWS)
    Usage.record(dataset.id, 'page')
    db = request.view_args['database_name']
    base = '%s/%s/opendata' % (request.script_root, db)
    explore = '%s/api/explore/v2.1/catalog/datasets/%s' % (base, code)
    columns = records.columns
    return render(request, 'mons_opendata/donnees/dataset.html',
        dataset=dataset, names=names, rows=rows, total=total,
        columns=columns,
        numeric=[c['name'] for c in columns
            if c['type'] in ('integer', 'number')],
        categories=[c['name'] for c in columns
            if c['type'] in ('string', 'date', 'boolean', 'integer')],
        downloads=[(d.title, d.format.upper(), d.download_path(db))
            for d in dataset.distributions],
        api_links=[
            ("Explore v2.1 — enregistrements", explore + '/records'),
            ("Explore v2.1 — métadonnées", explore),
            ("CKAN — package_show",
                '%s/api/3/action/package_show?id=%s' % (base, code)),
            ("DCAT-AP (Turtle)", '%s/dataset/%s.ttl' % (base, code)),
            ("DCAT-AP (JSON-LD)", '%s/dataset/%s.jsonld' % (base, code)),
            ],
        explore=explore,
        themes=[voc.THEMES_FR[t] for t in dataset.themes or []],
        frequency=dict(Dataset.fields_get(['frequency'])['frequency'][
                'selection']).get(dataset.frequency),
        licence=(voc.LICENCE_TITLE.get(dataset.licence),
            voc.LICENCE_URL.get(dataset.licence)),
        active='donnees')


register_link("Données ouvertes",
    'donnees', "Consultez, filtrez, visualisez et téléchargez les données "
    "publiques de la Ville et du CPAS de Mons.", sequence=60)
