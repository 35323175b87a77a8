"DCAT-AP 3 catalogue of the published datasets, built with rdflib."
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from trytond.modules.mons_base.municipality import identity
from trytond.pool import Pool

from . import vocabulary as voc

VCARD = Namespace('http://www.w3.org/2006/vcard/ns#')
HYDRA = Namespace('http://www.w3.org/ns/hydra/core#')
LOCN = Namespace('http://www.w3.org/ns/locn#')
GSP = Namespace('http://www.opengis.net/ont/geosparql#')
ADMS = Namespace('http://www.w3.org/ns/adms#')
DCATAP = Namespace('http://data.europa.eu/r5r/')
LANG_FR = URIRef(voc.LANGUAGE_BASE + 'FRA')
# Belgian statistical codes (NIS) as administrative units
REFNIS = 'http://vocab.belgif.be/auth/refnis2019/'
AVAILABILITY = URIRef(
    'http://publications.europa.eu/resource/authority/planned-availability/'
    'STABLE')

FORMATS = {
    'turtle': ('text/turtle', 'ttl'),
    'xml': ('application/rdf+xml', 'rdf'),
    'json-ld': ('application/ld+json', 'jsonld'),
    }
EXTENSIONS = {v[1]: k for k, v in FORMATS.items()}


LICENCE_TYPE_BASE = 'http://purl.org/adms/licencetype/'
LICENCE_TYPES = {
    'CC_BY_4_0': ['Attribution'],
    'CC0_1_0': ['PublicDomain'],
    'CC_BYSA_4_0': ['Attribution', 'ShareAlike'],
    'ODC_BL': ['Attribution', 'ShareAlike'],
    'PROP': ['OtherRestrictiveClauses'],
    }


def data_period(dataset):
    """The first and last dates of the online version's date columns, or
    the version's date for a snapshot without dates (the state it shows)"""
    import datetime as dt

    from sql.aggregate import Max, Min

    from trytond.transaction import Transaction

    from .api import Records
    version = dataset.current_version
    if not version:
        return None, None
    records = Records(dataset)
    columns = [getattr(records.table, c['col']) for c in records.columns
        if c['type'] in {'date', 'datetime'}]
    dates = []
    if columns:
        cursor = Transaction().connection.cursor()
        cursor.execute(*records.table.select(*[Min(c) for c in columns],
                *[Max(c) for c in columns]))
        for value in cursor.fetchone():
            try:
                dates.append(dt.date.fromisoformat(str(value)[:10]))
            except ValueError:
                continue
    if not dates:
        day = version.create_date.date()
        return day, day
    return min(dates), max(dates)


def bbox_wkt(box):
    minx, miny, maxx, maxy = box
    return 'POLYGON((%s %s, %s %s, %s %s, %s %s, %s %s))' % (
        minx, miny, maxx, miny, maxx, maxy, minx, maxy, minx, miny)


def new_graph():
    graph = Graph()
    for prefix, ns in [('dcat', DCAT), ('dct', DCTERMS), ('foaf', FOAF),
            ('skos', SKOS), ('vcard', VCARD), ('hydra', HYDRA),
            ('locn', LOCN), ('gsp', GSP), ('adms', ADMS),
            ('dcatap', DCATAP)]:
        graph.bind(prefix, ns)
    return graph


class CatalogBuilder:

    def __init__(self, base, languages=('fr', 'nl', 'en')):
        self.base = base.rstrip('/')
        self.graph = new_graph()
        self.languages = languages
        self._done = set()

    def uri(self, path):
        return URIRef('%s/opendata/%s' % (self.base, path))

    def typed(self, uri, class_, **labels):
        "Declare the class of a controlled-vocabulary node once"
        g = self.graph
        if (uri, class_) not in self._done:
            g.add((uri, RDF.type, class_))
            for predicate, value in labels.items():
                g.add((uri, getattr(SKOS, predicate), value))
            self._done.add((uri, class_))
        return uri

    def agent(self, company):
        g = self.graph
        uri = self.uri('publisher/%d' % company.id)
        if (uri, FOAF.Agent) not in self._done:
            g.add((uri, RDF.type, FOAF.Agent))
            g.add((uri, FOAF.name, Literal(company.rec_name, lang='fr')))
            kind = URIRef('http://purl.org/adms/publishertype/LocalAuthority')
            g.add((uri, DCTERMS.type, self.typed(kind, SKOS.Concept,
                        prefLabel=Literal("Local Authority", lang='en'))))
            self._done.add((uri, FOAF.Agent))
        return uri

    def location(self, section=None):
        """A section, or the whole territory of the site's municipality;
        None while the site knows no place of it (a location needs its
        centre and extent)"""
        g = self.graph
        town = identity()
        if section:
            uri = self.uri('section/%s' % section.code)
            name, nis = section.name, section.nis
            lat, lon = section.latitude, section.longitude
        else:
            uri = self.uri('territory')
            name, nis = town['name'], town['nis']
            lat, lon = town['centre'] or (None, None)
        if lat is None or lon is None or not town['bbox']:
            return None
        if (uri, DCTERMS.Location) not in self._done:
            g.add((uri, RDF.type, DCTERMS.Location))
            g.add((uri, LOCN.geographicName, Literal(name, lang='fr')))
            g.add((uri, SKOS.prefLabel, Literal(name, lang='fr')))
            if nis:
                # the administrative unit, by its statistical (NIS) code
                g.add((uri, DCTERMS.identifier, Literal(nis)))
                g.add((uri, SKOS.exactMatch, URIRef(REFNIS + nis)))
            g.add((uri, DCAT.centroid, Literal(
                        'POINT(%s %s)' % (lon, lat),
                        datatype=GSP.wktLiteral)))
            g.add((uri, DCAT.bbox, Literal(bbox_wkt(town['bbox']),
                        datatype=GSP.wktLiteral)))
            self._done.add((uri, DCTERMS.Location))
        return uri

    def catalog(self, datasets, page=None, page_size=None, total=None,
            title=None, company=None):
        "The catalogue, published by company (the municipality's main one)"
        g = self.graph
        town = identity()
        catalog = self.uri('catalog')
        g.add((catalog, RDF.type, DCAT.Catalog))
        g.add((catalog, DCTERMS.title, Literal(
                    title or town['catalogue_title'], lang='fr')))
        g.add((catalog, DCTERMS.description, Literal(
                    "Catalogue des données ouvertes : %s."
                    % town['organisations_text'], lang='fr')))
        if company is None and town['organisation_id']:
            company = Pool().get('company.company')(town['organisation_id'])
        if company:
            g.add((catalog, DCTERMS.publisher, self.agent(company)))
        homepage = URIRef(self.base + '/portal/donnees')
        g.add((catalog, FOAF.homepage, homepage))
        g.add((homepage, RDF.type, FOAF.Document))
        g.add((catalog, DCTERMS.language, self.typed(
                    LANG_FR, DCTERMS.LinguisticSystem)))
        taxonomy = URIRef(voc.THEME_BASE.rstrip('/'))
        g.add((catalog, DCAT.themeTaxonomy, self.typed(
                    taxonomy, SKOS.ConceptScheme)))
        g.add((taxonomy, DCTERMS.title, Literal("Data theme", lang='en')))
        territory = self.location()
        if territory:
            g.add((catalog, DCTERMS.spatial, territory))
        g.add((catalog, DCTERMS.license, self.typed(
                    URIRef(voc.licence_uri('CC0_1_0')),
                    DCTERMS.LicenseDocument)))
        g.add((URIRef(voc.licence_uri('CC0_1_0')), DCTERMS.type,
                self.typed(URIRef(LICENCE_TYPE_BASE + 'PublicDomain'),
                    SKOS.Concept, prefLabel=Literal('PublicDomain',
                        lang='en'))))
        issued = min((d.issued for d in datasets if d.issued), default=None)
        if issued:
            g.add((catalog, DCTERMS.issued, Literal(
                        issued.replace(microsecond=0),
                        datatype=XSD.dateTime)))
        modified = max((d.modified for d in datasets), default=None)
        if modified:
            g.add((catalog, DCTERMS.modified, Literal(
                        modified.replace(microsecond=0),
                        datatype=XSD.dateTime)))
        for dataset in datasets:
            g.add((catalog, DCAT.dataset, self.dataset(dataset)))
        if page is not None:
            self.paging(page, page_size, total)
        return catalog

    def paging(self, page, page_size, total):
        "Hydra paging as ckanext-dcat does it"
        g = self.graph
        url = '%s/opendata/catalog' % self.base
        collection = URIRef('%s?page=%d' % (url, page))
        last = max(1, -(-total // page_size))
        g.add((collection, RDF.type, HYDRA.PagedCollection))
        g.add((collection, HYDRA.totalItems, Literal(total)))
        g.add((collection, HYDRA.itemsPerPage, Literal(page_size)))
        g.add((collection, HYDRA.firstPage, Literal('%s?page=1' % url)))
        g.add((collection, HYDRA.lastPage, Literal(
                    '%s?page=%d' % (url, last))))
        if page < last:
            g.add((collection, HYDRA.nextPage, Literal(
                        '%s?page=%d' % (url, page + 1))))
        if page > 1:
            g.add((collection, HYDRA.previousPage, Literal(
                        '%s?page=%d' % (url, page - 1))))

    def translated(self, subject, predicate, record, field):
        "Add the French value and its nl/en translations when they differ"
        from trytond.transaction import Transaction
        values = {}
        for lang in self.languages:
            with Transaction().set_context(language=lang):
                value = getattr(record.__class__(record.id), field)
            if value:
                values[lang] = value
        fr = values.get('fr')
        for lang, value in values.items():
            if lang == 'fr' or value != fr:
                self.graph.add((subject, predicate, Literal(value, lang=lang)))

    def dataset(self, dataset):
        g = self.graph
        uri = self.uri('dataset/%s' % dataset.code)
        g.add((uri, RDF.type, DCAT.Dataset))
        g.add((uri, DCTERMS.identifier, Literal(dataset.uuid)))
        self.translated(uri, DCTERMS.title, dataset, 'title')
        if dataset.description:
            self.translated(uri, DCTERMS.description, dataset, 'description')
        else:
            g.add((uri, DCTERMS.description, Literal(dataset.title,
                        lang='fr')))
        g.add((uri, DCTERMS.publisher, self.agent(dataset.company)))
        contact = self.uri('dataset/%s#contact' % dataset.code)
        g.add((contact, RDF.type, VCARD.Kind))
        g.add((contact, RDF.type, VCARD.Organization))
        g.add((contact, VCARD.fn, Literal(dataset.contact_name
                    or dataset.service.rec_name)))
        email = dataset.contact_email or dataset.service.email
        if email:
            g.add((contact, VCARD.hasEmail, URIRef('mailto:' + email)))
        g.add((uri, DCAT.contactPoint, contact))
        for keyword in dataset.keyword_list:
            g.add((uri, DCAT.keyword, Literal(keyword, lang='fr')))
        labels = dict(voc.THEMES)
        for theme in dataset.themes or []:
            g.add((uri, DCAT.theme, self.typed(
                        URIRef(voc.theme_uri(theme)), SKOS.Concept,
                        prefLabel=Literal(voc.THEMES_FR[theme], lang='fr'),
                        altLabel=Literal(labels[theme], lang='en'))))
        for section in dataset.sections or [None]:
            location = self.location(section)
            if location:
                g.add((uri, DCTERMS.spatial, location))
        start, end = dataset.temporal_start, dataset.temporal_end
        if not (start or end):
            start, end = data_period(dataset)
        if start or end:
            period = BNode()
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            if start:
                g.add((period, DCAT.startDate, Literal(
                            start, datatype=XSD.date)))
            if end:
                g.add((period, DCAT.endDate, Literal(
                            end, datatype=XSD.date)))
            g.add((uri, DCTERMS.temporal, period))
        g.add((uri, DCTERMS.accrualPeriodicity, self.typed(
                    URIRef(voc.frequency_uri(dataset.frequency)),
                    DCTERMS.Frequency)))
        access = URIRef(voc.ACCESS_RIGHT_BASE
            + voc.ACCESS_RIGHTS[dataset.access_level])
        g.add((uri, DCTERMS.accessRights, self.typed(
                    access, DCTERMS.RightsStatement)))
        g.add((uri, DCTERMS.language, self.typed(
                    LANG_FR, DCTERMS.LinguisticSystem)))
        landing = URIRef('%s/portal/donnees/%s' % (self.base, dataset.code))
        g.add((uri, DCAT.landingPage, self.typed(landing, FOAF.Document)))
        if dataset.issued:
            g.add((uri, DCTERMS.issued, Literal(
                        dataset.issued.replace(microsecond=0),
                        datatype=XSD.dateTime)))
        g.add((uri, DCTERMS.modified, Literal(
                    dataset.modified.replace(microsecond=0),
                    datatype=XSD.dateTime)))
        if dataset.current_version:
            g.add((uri, URIRef(str(DCAT) + 'version'), Literal(
                        str(dataset.current_version.number))))
        for distribution in dataset.distributions:
            g.add((uri, DCAT.distribution,
                    self.distribution(dataset, distribution)))
        return uri

    def distribution(self, dataset, distribution):
        g = self.graph
        uri = self.uri('dataset/%s/distribution/%d' % (
                dataset.code, distribution.id))
        g.add((uri, RDF.type, DCAT.Distribution))
        url = distribution.url or (
            '%s/opendata/api/explore/v2.1/catalog/datasets/%s/exports/%s'
            % (self.base, dataset.code, distribution.format))
        g.add((uri, DCAT.accessURL, URIRef(url)))
        g.add((uri, DCAT.downloadURL, URIRef(url)))
        g.add((uri, DCTERMS.title, Literal(distribution.title, lang='fr')))
        g.add((uri, DCTERMS.description, Literal(
                    distribution.description or "%s : « %s » au format %s."
                    % (distribution.title, dataset.title,
                        voc.FORMATS[distribution.format][0]), lang='fr')))
        g.add((uri, DCTERMS.format, self.typed(
                    URIRef(voc.file_type_uri(distribution.format)),
                    DCTERMS.MediaTypeOrExtent)))
        g.add((uri, DCAT.mediaType, self.typed(
                    URIRef(voc.media_type_uri(distribution.format)),
                    DCTERMS.MediaType)))
        licence = self.typed(URIRef(voc.licence_uri(dataset.licence)),
            DCTERMS.LicenseDocument)
        g.add((uri, DCTERMS.license, licence))
        for kind in LICENCE_TYPES.get(dataset.licence, []):
            g.add((licence, DCTERMS.type, self.typed(
                        URIRef(LICENCE_TYPE_BASE + kind), SKOS.Concept,
                        prefLabel=Literal(kind, lang='en'))))
        g.add((uri, DCTERMS.modified, Literal(
                    dataset.modified.replace(microsecond=0),
                    datatype=XSD.dateTime)))
        g.add((uri, DCATAP.availability, self.typed(AVAILABILITY,
                    SKOS.Concept, prefLabel=Literal("stable", lang='en'))))
        return uri

    def serialize(self, fmt):
        if fmt == 'json-ld':
            context = {p: str(ns) for p, ns in self.graph.namespaces()
                if p in {'dcat', 'dct', 'foaf', 'skos', 'vcard', 'hydra',
                    'locn', 'gsp', 'adms', 'dcatap', 'rdf', 'xsd'}}
            return self.graph.serialize(format='json-ld', context=context,
                auto_compact=True)
        return self.graph.serialize(format=fmt)
