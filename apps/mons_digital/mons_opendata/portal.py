"""Open-data pages of the citizen portal (/<db>/portal/donnees...).

The pages act as the anonymous visitor whatever the visitor is: record
rules show them the public, published datasets only, on every page and on
the dashboard. Staff reach the internal ones through the APIs with their
key or session.
"""
import datetime as dt
import functools
from http import HTTPStatus

from trytond.transaction import Transaction

from trytond.modules.mons_base.caller import acting_as, anonymous_user_id
from trytond.modules.mons_base.portal import register_link, render, route
from trytond.modules.mons_base.portal_i18n import (
    N_, current_language, gettext as _)
from trytond.modules.mons_base.portal_render import local_date

from . import dashboard_counts, dcat_layers
from . import vocabulary as voc
from .api import Records
from .ckan import fold

PREVIEW_ROWS = 20


def as_visitor(func):
    "Run the page as the anonymous visitor, under Tryton's access checks"
    @functools.wraps(func)
    def wrapper(request, pool, **kwargs):
        with acting_as(pool, anonymous_user_id(pool),
                language=current_language()):
            return func(request, pool, **kwargs)
    return wrapper


def _public(pool):
    "What the visitor may read: the record rules keep the public ones"
    Dataset = pool.get('opendata.dataset')
    return Dataset.search([
            ('state', '=', 'published'),
            ('access_level', '=', 'public'),
            ('current_version', '!=', None),
            ], order=[('title', 'ASC')])


def _formats(dataset):
    return sorted({d.format for d in dataset.distributions})


@route('/donnees', methods=['GET'])
@as_visitor
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
        ('theme', _("Thème"), theme, facet('theme',
                lambda d: d.themes or [],
                lambda v: _(voc.THEMES_FR[v]) if v in voc.THEMES_FR else v)),
        ('service', _("Service"), service, facet('service',
                lambda d: [d.service.code], lambda v: services.get(v, v))),
        ('format', _("Format"), fmt, facet('format', _formats,
                lambda v: voc.FORMATS[v][0])),
        ]
    return render(request, 'mons_opendata/donnees/index.html',
        datasets=results, facets=facets, q=q, total=len(datasets),
        themes=voc.THEMES_FR, active='donnees')


@route('/donnees/tableau-de-bord', methods=['GET'])
@as_visitor
def dashboard(request, pool):
    "KPIs of the public open data: only counts of what is public"
    datasets = _public(pool)
    by_service = {}
    for d in datasets:
        row = by_service.setdefault(d.service.rec_name, {'published': 0})
        row['published'] += 1
    kpis = {
        'datasets': len(datasets),
        'downloads': sum(d.downloads for d in datasets),
        'api_calls': sum(d.api_calls for d in datasets),
        'records': sum(d.record_count for d in datasets),
        'quality': round(sum(d.quality or 0 for d in datasets)
            / len(datasets)) if datasets else 0,
        # the map layers anyone may open (read as the visitor)
        'maps': len(dcat_layers.public_layers(pool)),
        }
    # Counts the modules add (dashboard_counts.py), read as the visitor
    counts = dashboard_counts.counts(pool)
    Usage = pool.get('opendata.usage')
    months = [(month, values) for month, values in Usage.by_month(
            [d.id for d in datasets])
        if values['download'] or values['api']][:MONTHS]
    return render(request, 'mons_opendata/donnees/dashboard.html',
        kpis=kpis, counts=counts,
        count_titles={k: _(v) for k, v in dashboard_counts.KPIS.items()},
        by_service=sorted(by_service.items()),
        states={'published': _("Publiés")}, datasets=datasets,
        months=[(month_label(m), v) for m, v in months],
        active='donnees')


# months of use shown on the dashboard, newest first
MONTHS = 24


def month_label(month):
    "'décembre 2026' ('Dezember 2026' in German)"
    return local_date(month, current_language()).split(' ', 1)[1]


@route('/donnees/<code>', methods=['GET'])
@as_visitor
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
            message=_("Ce jeu de données n'existe pas ou n'est pas "
                "public."))
    dataset, = datasets
    records = Records(dataset)
    names, rows, total = records.fetch(limit=PREVIEW_ROWS)
    Usage.record(dataset.id, 'page')
    db = request.view_args['database_name']
    base = '%s/%s/opendata' % (request.script_root, db)
    explore = '%s/api/explore/v2.1/catalog/datasets/%s' % (base, code)
    columns = records.columns
    coordinates = {dataset.latitude_field, dataset.longitude_field}
    numeric = [c['name'] for c in columns
        if c['type'] in ('integer', 'number')
        and c['name'] not in coordinates]
    categories = [c['name'] for c in columns
        if c['type'] in ('string', 'date', 'boolean', 'integer', 'year')
        and c['name'] not in coordinates]
    types = {c['name']: c['type'] for c in columns}
    cells = [[shown(row[n], types.get(n)) for n in names] for row in rows]
    return render(request, 'mons_opendata/donnees/dataset.html',
        dataset=dataset, names=names, rows=rows, cells=cells, total=total,
        columns=columns, labels=column_labels(dataset, columns),
        numeric=numeric, categories=categories,
        chart=default_chart(records, columns, numeric, total),
        downloads=[(d.title, d.format.upper(), d.download_path(db))
            for d in dataset.distributions],
        api_links=[
            (_("Explore v2.1 — enregistrements"), explore + '/records'),
            (_("Explore v2.1 — métadonnées"), explore),
            ("CKAN — package_show",
                '%s/api/3/action/package_show?id=%s' % (base, code)),
            ("DCAT-AP (Turtle)", '%s/dataset/%s.ttl' % (base, code)),
            ("DCAT-AP (JSON-LD)", '%s/dataset/%s.jsonld' % (base, code)),
            ],
        explore=explore,
        themes=[_(voc.THEMES_FR[t]) for t in dataset.themes or []],
        frequency=dict(Dataset.fields_get(['frequency'])['frequency'][
                'selection']).get(dataset.frequency),
        licence=(voc.LICENCE_TITLE.get(dataset.licence),
            voc.LICENCE_URL.get(dataset.licence)),
        active='donnees')


def shown(value, type_):
    """A cell of the preview as a reader in Belgium writes it (28/11/2026);
    the APIs and downloads keep ISO 8601, which programs read"""
    if value is None:
        return ''
    if value is True or value is False:
        return _("Oui") if value else _("Non")
    if type_ in {'date', 'datetime'} and isinstance(value, str):
        try:
            if type_ == 'date':
                return dt.date.fromisoformat(value[:10]).strftime('%d/%m/%Y')
            at = dt.datetime.fromisoformat(value)
        except ValueError:
            # a cell the schema calls a date but is not one: shown as given
            return value
        return at.strftime('%d/%m/%Y %H:%M' if (at.hour, at.minute, at.second)
            != (0, 0, 0) else '%d/%m/%Y')
    return str(value)


def column_labels(dataset, columns):
    "The Table Schema titles, or the column names made readable"
    titles = {f.get('name'): f.get('title')
        for f in dataset.table_schema.get('fields', [])}
    return {c['name']: titles.get(c['name'])
        or c['name'].replace('_', ' ').capitalize() for c in columns}


def default_chart(records, columns, numeric, total):
    """The chart drawn first: records (or the sum of a measure) per value of
    a column with a few repeated values; None when no column fits (a chart
    of one bar per record says nothing)"""
    from sql.aggregate import Count
    from sql import Column
    candidates = []
    table = records.table
    cursor = Transaction().connection.cursor()
    for c in columns:
        if c['name'] in numeric or c['type'] not in (
                'string', 'boolean', 'date', 'year'):
            continue
        cursor.execute(*table.select(
                Count(Column(table, c['col']), distinct=True)))
        distinct, = cursor.fetchone()
        if 2 <= distinct <= 30 and distinct < total:
            # a handful of groups reads best: the most detailed of them
            candidates.append((not 3 <= distinct <= 15,
                    c['type'] != 'string', -distinct, c['name']))
    if not candidates:
        return None
    column = min(candidates)[-1]
    measure = next((n for n in numeric if n != column), None)
    return {'column': column, 'measure': measure}


# N_: translated when the home page is drawn, in the visitor's language
register_link(N_("Données ouvertes"),
    'donnees', N_("Consultez, filtrez, visualisez et téléchargez les "
        "données publiques de la commune et de ses organisations."),
    sequence=60)
