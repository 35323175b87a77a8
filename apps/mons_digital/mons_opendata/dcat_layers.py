"""The public map layers of mons_carto as DCAT-AP datasets, each with its
OGC API Features collection and its GeoJSON download as distributions.

Layers are read as the caller (the record rules of carto.layer decide) and
only the public ones are catalogued; without mons_carto there are none.
Layers carry no licence of their own yet: they are described under the
licence the open-data datasets take by default (Dataset.default_licence)."""
import datetime as dt

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS, XSD

from trytond.modules.mons_base.municipality import identity

from . import vocabulary as voc
from .dcat import (
    AVAILABILITY, DCATAP, GSP, LICENCE_TYPE_BASE, LICENCE_TYPES, VCARD,
    bbox_wkt)

OGC_FEATURES = URIRef('http://www.opengis.net/spec/ogcapi-features-1/1.0/'
    'conf/core')
LAYER_THEME = 'REGI'


def public_layers(pool):
    try:
        Layer = pool.get('carto.layer')
    except KeyError:
        return []
    return Layer.search([('public', '=', True)], order=[('code', 'ASC')])


def find_layer(pool, code):
    layers = [l for l in public_layers(pool) if l.code == code]
    return layers[0] if layers else None


def carto_base(base):
    return base.rstrip('/') + '/carto'


def add_layer(builder, layer, licence):
    "Describe the layer as a dataset in the builder's graph; its URI"
    g = builder.graph
    base = carto_base(builder.base)
    uri = builder.uri('layer/%s' % layer.code)
    g.add((uri, RDF.type, DCAT.Dataset))
    g.add((uri, DCTERMS.identifier, Literal('layer-%s' % layer.code)))
    builder.translated(uri, DCTERMS.title, layer, 'name')
    if layer.description:
        builder.translated(uri, DCTERMS.description, layer, 'description')
    else:
        g.add((uri, DCTERMS.description, Literal(
                    "Couche cartographique « %s » : %s."
                    % (layer.name, identity()['authority']), lang='fr')))
    service = layer.service
    company = getattr(service, 'company', None) if service else None
    if company:
        g.add((uri, DCTERMS.publisher, builder.agent(company)))
    contact = builder.uri('layer/%s#contact' % layer.code)
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(service.rec_name if service
                else identity()['authority'])))
    email = getattr(service, 'email', None) if service else None
    if email:
        g.add((contact, VCARD.hasEmail, URIRef('mailto:' + email)))
    g.add((uri, DCAT.contactPoint, contact))
    for keyword in ["carte", "données géographiques", layer.name]:
        g.add((uri, DCAT.keyword, Literal(keyword, lang='fr')))
    labels = dict(voc.THEMES)
    g.add((uri, DCAT.theme, builder.typed(
                URIRef(voc.theme_uri(LAYER_THEME)), SKOS.Concept,
                prefLabel=Literal(voc.THEMES_FR[LAYER_THEME], lang='fr'),
                altLabel=Literal(labels[LAYER_THEME], lang='en'))))
    bbox, dates = layer.extent()
    location = builder.uri('layer/%s#extent' % layer.code)
    g.add((location, RDF.type, DCTERMS.Location))
    box = bbox or _city_bbox()
    if box:
        g.add((location, DCAT.bbox, Literal(bbox_wkt(box),
                    datatype=GSP.wktLiteral)))
        minx, miny, maxx, maxy = box
        g.add((location, DCAT.centroid, Literal('POINT(%s %s)' % (
                        (minx + maxx) / 2, (miny + maxy) / 2),
                    datatype=GSP.wktLiteral)))
    g.add((uri, DCTERMS.spatial, location))
    modified = max(d for d in [layer.write_date, layer.create_date] if d)
    start, end = dates or (modified.date(), modified.date())
    period = BNode()
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    g.add((period, DCAT.startDate, Literal(_date(start), datatype=XSD.date)))
    g.add((period, DCAT.endDate, Literal(_date(end), datatype=XSD.date)))
    g.add((uri, DCTERMS.temporal, period))
    g.add((uri, DCTERMS.issued, Literal(layer.create_date.replace(
                    microsecond=0), datatype=XSD.dateTime)))
    g.add((uri, DCTERMS.modified, Literal(modified.replace(microsecond=0),
                datatype=XSD.dateTime)))
    g.add((uri, DCAT.landingPage, builder.typed(URIRef(
                    '%s/ogc/collections/%s?f=html' % (base, layer.code)),
                URIRef('http://xmlns.com/foaf/0.1/Document'))))
    for kind in ['ogc', 'geojson']:
        g.add((uri, DCAT.distribution, add_distribution(builder, layer,
                    kind, licence, modified)))
    return uri


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _city_bbox():
    return identity()['bbox']


def add_distribution(builder, layer, kind, licence, modified):
    g = builder.graph
    base = carto_base(builder.base)
    uri = builder.uri('layer/%s/distribution/%s' % (layer.code, kind))
    g.add((uri, RDF.type, DCAT.Distribution))
    if kind == 'ogc':
        url = '%s/ogc/collections/%s' % (base, layer.code)
        g.add((uri, DCAT.accessURL, URIRef(url)))
        g.add((uri, DCTERMS.title, Literal("OGC API Features : %s"
                    % layer.name, lang='fr')))
        g.add((uri, DCTERMS.description, Literal(
                    "Collection OGC API Features de la couche « %s » "
                    "(GeoJSON par pages, filtres bbox, datetime, CQL2)."
                    % layer.name, lang='fr')))
        g.add((uri, DCTERMS.conformsTo, builder.typed(OGC_FEATURES,
                    DCTERMS.Standard)))
        fmt = 'geojson'
    else:
        url = '%s/download/%s.geojson' % (base, layer.code)
        g.add((uri, DCAT.accessURL, URIRef(url)))
        g.add((uri, DCAT.downloadURL, URIRef(url)))
        g.add((uri, DCTERMS.title, Literal("GeoJSON : %s" % layer.name,
                    lang='fr')))
        g.add((uri, DCTERMS.description, Literal(
                    "Toute la couche « %s » en un fichier GeoJSON (WGS 84)."
                    % layer.name, lang='fr')))
        fmt = 'geojson'
    g.add((uri, DCTERMS.format, builder.typed(
                URIRef(voc.file_type_uri(fmt)), DCTERMS.MediaTypeOrExtent)))
    g.add((uri, DCAT.mediaType, builder.typed(
                URIRef(voc.media_type_uri(fmt)), DCTERMS.MediaType)))
    licence_uri = builder.typed(URIRef(voc.licence_uri(licence)),
        DCTERMS.LicenseDocument)
    g.add((uri, DCTERMS.license, licence_uri))
    for kind_ in LICENCE_TYPES.get(licence, []):
        g.add((licence_uri, DCTERMS.type, builder.typed(
                    URIRef(LICENCE_TYPE_BASE + kind_), SKOS.Concept,
                    prefLabel=Literal(kind_, lang='en'))))
    g.add((uri, DCTERMS.modified, Literal(modified.replace(microsecond=0),
                datatype=XSD.dateTime)))
    g.add((uri, DCATAP.availability, builder.typed(AVAILABILITY,
                SKOS.Concept, prefLabel=Literal("stable", lang='en'))))
    return uri
