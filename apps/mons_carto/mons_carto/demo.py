# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Demo layers over Mons.

The 19 sections are APPROXIMATE polygons: Voronoi cells around the
approximate centre of each former commune, clipped to a rough outline of
the municipality. They are not the official cadastral boundaries.
"""
import datetime as dt
import json

import numpy as np
import shapely

from trytond.pool import Pool

# Approximate centres (WGS84) of the 19 sections, used when mons.section
# has no coordinates
SECTIONS = [
    ('Ciply', '7024', 50.4167, 3.9333),
    ('Cuesmes', '7033', 50.4333, 3.9167),
    ('Flénu', '7012', 50.4333, 3.8833),
    ('Ghlin', '7011', 50.4833, 3.9000),
    ('Harmignies', '7022', 50.4000, 4.0167),
    ('Harveng', '7022', 50.3917, 3.9833),
    ('Havré', '7021', 50.4667, 4.0500),
    ('Hyon', '7022', 50.4333, 3.9667),
    ('Jemappes', '7012', 50.4500, 3.8833),
    ('Maisières', '7020', 50.4833, 3.9667),
    ('Mesvin', '7022', 50.4167, 3.9667),
    ('Mons', '7000', 50.4542, 3.9523),
    ('Nimy', '7020', 50.4750, 3.9500),
    ('Nouvelles', '7022', 50.4000, 3.9667),
    ('Obourg', '7034', 50.4667, 4.0000),
    ('Saint-Denis', '7034', 50.4833, 4.0167),
    ('Saint-Symphorien', '7030', 50.4333, 4.0167),
    ('Spiennes', '7032', 50.4167, 4.0000),
    ('Villers-Saint-Ghislain', '7031', 50.4333, 4.0500),
    ]

POIS = [
    ("Beffroi de Mons", 'patrimoine', 50.4539, 3.9497,
        "Rue des Gades"),
    ("Hôtel de Ville", 'administration', 50.4546, 3.9518,
        "Grand-Place 22"),
    ("Collégiale Sainte-Waudru", 'patrimoine', 50.4545, 3.9468,
        "Place du Chapitre"),
    ("Gare de Mons", 'transport', 50.4531, 3.9420, "Place Léopold"),
    ("BAM — Beaux-Arts Mons", 'culture', 50.4561, 3.9476,
        "Rue Neuve 8"),
    ("Mundaneum", 'culture', 50.4563, 3.9558, "Rue de Nimy 76"),
    ("Mons Memorial Museum", 'culture', 50.4573, 3.9458,
        "Boulevard Dolez 51"),
    ("Maison Van Gogh", 'culture', 50.4385, 3.9233,
        "Rue du Pavillon 3, Cuesmes"),
    ("Minières néolithiques de Spiennes", 'patrimoine', 50.4225, 3.9897,
        "Rue du Point du Jour, Spiennes"),
    ("Lac du Grand Large", 'sport', 50.4649, 3.9342,
        "Chemin du Grand Large"),
    ("Parc du Waux-Hall", 'sport', 50.4547, 3.9593, "Avenue Reine Astrid"),
    ("Université de Mons", 'enseignement', 50.4606, 3.9567,
        "Place du Parc 20"),
    ("Hôpital Ambroise Paré", 'santé', 50.4596, 3.9397,
        "Boulevard Kennedy 2"),
    ("Piscine du Grand Large", 'sport', 50.4668, 3.9374,
        "Avenue du Tir"),
    ("Théâtre royal", 'culture', 50.4548, 3.9512, "Grand-Place"),
    ("CPAS de Mons", 'administration', 50.4510, 3.9536,
        "Rue de Bertaimont 40"),
    ]

WORKS = [
    ("Rue de Nimy", 'en_cours', [(3.9520, 50.4556), (3.9545, 50.4585),
            (3.9560, 50.4612)]),
    ("Boulevard Dolez", 'planifie', [(3.9445, 50.4560), (3.9440, 50.4530),
            (3.9446, 50.4503)]),
    ("Rue de la Chaussée", 'en_cours', [(3.9505, 50.4540),
            (3.9470, 50.4535), (3.9445, 50.4532)]),
    ("Avenue Reine Astrid", 'termine', [(3.9580, 50.4530),
            (3.9600, 50.4560), (3.9610, 50.4590)]),
    ("Chaussée de Binche", 'planifie', [(3.9600, 50.4490),
            (3.9700, 50.4450), (3.9820, 50.4410)]),
    ("Route d'Obourg", 'en_cours', [(3.9650, 50.4600), (3.9800, 50.4640),
            (3.9990, 50.4670)]),
    ("Rue de Jemappes", 'termine', [(3.9380, 50.4530), (3.9200, 50.4510),
            (3.8900, 50.4500)]),
    ("Chaussée du Roeulx", 'planifie', [(3.9650, 50.4650),
            (3.9900, 50.4760), (4.0150, 50.4830)]),
    ("Avenue du Tir", 'en_cours', [(3.9360, 50.4640), (3.9400, 50.4680)]),
    ("Rue de Bertaimont", 'termine', [(3.9530, 50.4520),
            (3.9540, 50.4480), (3.9560, 50.4440)]),
    ]

LOAD_POINTS = 4000


def _collection(features):
    return json.dumps({'type': 'FeatureCollection',
            'features': features}).encode()


def _feature(geometry, **properties):
    return {'type': 'Feature', 'geometry': geometry,
        'properties': properties}


def section_polygons(centres):
    "Approximate section shapes: Voronoi cells clipped to a rough outline"
    points = shapely.points([(lon, lat) for _, _, lat, lon in centres])
    outline = shapely.convex_hull(shapely.multipoints(points)).buffer(
        0.018, quad_segs=4)
    cells = shapely.voronoi_polygons(shapely.multipoints(points),
        extend_to=outline)
    polygons = []
    for point in points:
        cell = next(c for c in cells.geoms if c.contains(point))
        polygons.append(shapely.intersection(cell, outline))
    return polygons


def load_demo(rng):
    pool = Pool()
    Layer = pool.get('carto.layer')
    LayerClass = pool.get('carto.layer.class')
    Section = pool.get('mons.section')
    Service = pool.get('mons.service')
    Model = pool.get('ir.model')
    ModelData = pool.get('ir.model.data')

    existing = {l.code for l in Layer.search([], )}
    services = {s.code: s.id for s in Service.search([
                ('code', 'in', ['INFO-SIG', 'TRAV-VOI', 'CULT', 'URB'])])}

    sections = [(s.name, s.postal_code, s.latitude, s.longitude)
        for s in Section.search([], order=[('name', 'ASC')])
        if s.latitude and s.longitude]
    if len(sections) < 19:
        sections = SECTIONS

    def create(values, classes=()):
        values.setdefault('service', services.get('INFO-SIG'))
        layer, = Layer.create([values])
        if classes:
            LayerClass.create([{'layer': layer.id, 'value': v, 'label': l,
                        'colour': c, 'sequence': i}
                    for i, (v, l, c) in enumerate(classes)])
        return layer

    if 'sections' not in existing:
        layer = create({
                'name': "Sections de Mons (contours approximatifs)",
                'code': 'sections', 'public': True, 'sequence': 10,
                'geometry_type': 'polygon', 'colour': '#1b3a6b',
                'fill_opacity': 0.08, 'line_width': 2,
                'label_field': 'nom', 'popup_fields': 'nom,code_postal,note',
                'field_labels': "nom = Section\ncode_postal = Code postal\n"
                "note = Remarque",
                'cluster': False,
                'description': "Les 19 sections (anciennes communes) de "
                "Mons. Contours APPROXIMATIFS (cellules de Voronoï autour "
                "du centre de chaque section), pas les limites cadastrales.",
                })
        polygons = section_polygons(sections)
        layer.load_file(_collection([
                    _feature(json.loads(shapely.to_geojson(polygon)),
                        nom=name, code_postal=postal,
                        note="contour approximatif")
                    for (name, postal, _, _), polygon
                    in zip(sections, polygons)]), 'sections.geojson')

    if 'poi' not in existing:
        layer = create({
                'name': "Points d'intérêt", 'code': 'poi', 'public': True,
                'sequence': 20, 'geometry_type': 'point',
                'colour': '#6a3d9a', 'label_field': 'nom',
                'classify_field': 'categorie',
                'popup_fields': 'nom,categorie,adresse',
                'field_labels': "nom = Nom\ncategorie = Catégorie\n"
                "adresse = Adresse",
                'service': services.get('CULT'), 'cluster': False,
                'description': "Lieux publics, culturels et patrimoniaux.",
                }, classes=[
                ('culture', "Culture", '#e31a1c'),
                ('patrimoine', "Patrimoine", '#ff7f00'),
                ('transport', "Transport", '#1f78b4'),
                ('sport', "Sport et loisirs", '#33a02c'),
                ('enseignement', "Enseignement", '#6a3d9a'),
                ('santé', "Santé", '#b15928'),
                ('administration', "Administration", '#1b3a6b'),
                ])
        layer.load_file(_collection([
                    _feature({'type': 'Point', 'coordinates': [lon, lat]},
                        nom=name, categorie=category, adresse=address)
                    for name, category, lat, lon, address in POIS]),
            'poi.geojson')

    if 'chantiers' not in existing:
        layer = create({
                'name': "Chantiers de voirie", 'code': 'chantiers',
                'public': True, 'sequence': 30, 'geometry_type': 'line',
                'colour': '#a3122b', 'line_width': 5, 'label_field': 'rue',
                'classify_field': 'statut', 'date_field': 'debut',
                'popup_fields': 'rue,statut,debut,fin,entreprise',
                'field_labels': "rue = Rue\nstatut = Statut\n"
                "debut = Début\nfin = Fin prévue\nentreprise = Entreprise",
                'service': services.get('TRAV-VOI'),
                'description': "Chantiers sur la voirie communale.",
                }, classes=[
                ('en_cours', "En cours", '#e31a1c'),
                ('planifie', "Planifié", '#ff7f00'),
                ('termine', "Terminé", '#7f7f7f'),
                ])
        start = dt.date(2026, 3, 2)
        features = []
        for index, (street, state, coordinates) in enumerate(WORKS):
            begin = start + dt.timedelta(days=rng.randrange(0, 240))
            features.append(_feature(
                    {'type': 'LineString',
                        'coordinates': [list(c) for c in coordinates]},
                    rue=street, statut=state, debut=begin.isoformat(),
                    fin=(begin + dt.timedelta(
                            days=rng.randrange(10, 120))).isoformat(),
                    entreprise=rng.choice(["Travaux Hainaut SA",
                            "Voirie Wallonne SPRL", "Régie communale"])))
        layer.load_file(_collection(features), 'chantiers.geojson')

    if 'eclairage' not in existing:
        urbanism = ModelData.get_id('mons_base', 'group_urbanism')
        agents = ModelData.get_id('mons_base', 'group_service_agent')
        layer = create({
                'name': "Points lumineux (éclairage public)",
                'code': 'eclairage', 'public': False, 'sequence': 40,
                'groups': [('add', [urbanism, agents])],
                'geometry_type': 'point', 'colour': '#f0b400',
                'label_field': 'reference', 'cluster': True,
                'popup_fields': 'reference,puissance_w,type,section',
                'field_labels': "reference = Référence\n"
                "puissance_w = Puissance (W)\ntype = Type de lampe\n"
                "section = Section",
                'service': services.get('TRAV-VOI'),
                'source_crs': 'EPSG:31370',
                'description': "Couche interne de charge : quelques "
                "milliers de points lumineux (données fictives en Lambert "
                "72).",
                })
        # Around the section centres, in Lambert 72 to exercise the
        # conversion
        from .geo import transform_points
        lons = np.array([s[3] for s in sections])
        lats = np.array([s[2] for s in sections])
        xs, ys = transform_points(lons, lats, 'EPSG:4326', 'EPSG:31370')
        features = []
        for index in range(LOAD_POINTS):
            centre = rng.randrange(len(sections))
            x = float(xs[centre]) + rng.gauss(0, 700)
            y = float(ys[centre]) + rng.gauss(0, 700)
            features.append(_feature(
                    {'type': 'Point', 'coordinates': [round(x, 2),
                            round(y, 2)]},
                    reference='PL-%05d' % (index + 1),
                    puissance_w=rng.choice([35, 50, 70, 100]),
                    type=rng.choice(['LED', 'sodium', 'LED']),
                    section=sections[centre][0]))
        layer.load_file(_collection(features), 'eclairage.geojson')

    if 'sections-centres' not in existing:
        model, = Model.search([('name', '=', 'mons.section')])
        # The layer reads as a GIS editor of the demo, else the admin
        User = pool.get('res.user')
        editors = User.search([
                ('groups', '=', ModelData.get_id(
                        'mons_base', 'group_gis_editor')),
                ('id', '!=', ModelData.get_id('res', 'user_admin')),
                ], limit=1, order=[('id', 'ASC')])
        owner = editors[0].id if editors else ModelData.get_id(
            'res', 'user_admin')
        create({
                'name': "Centres des sections (donnée vivante)",
                'code': 'sections-centres', 'public': True, 'sequence': 50,
                'active': True, 'source': 'model', 'model': model.id,
                'owner': owner,
                'longitude_field': 'longitude', 'latitude_field': 'latitude',
                'model_fields': 'name,postal_code', 'label_field': 'name',
                'geometry_type': 'point', 'colour': '#33a02c',
                'cluster': False,
                'description': "Lue en direct depuis le modèle des sections "
                "(mons.section).",
                })

    if 'adresses' not in existing:
        # What the city loads from the regional address register (ICAR /
        # BeST) as a CSV or GeoPackage; here the addresses of the demo
        # places and the middle of the demo streets, APPROXIMATE positions
        layer = create({
                'name': "Adresses (démo, positions approximatives)",
                'code': 'adresses', 'public': True, 'active': True,
                'sequence': 60, 'geometry_type': 'point',
                'colour': '#555555', 'label_field': 'adresse',
                'popup_fields': 'adresse,rue,code_postal',
                'field_labels': "adresse = Adresse\nrue = Rue\n"
                "code_postal = Code postal",
                'cluster': True,
                'description': "Rues et adresses de Mons cherchées par la "
                "carte (démonstration : en production, le registre "
                "régional des adresses).",
                })
        features = []
        for _, _, lat, lon, address in POIS:
            street = address.split(',')[0].rstrip('0123456789 ')
            features.append(_feature(
                    {'type': 'Point', 'coordinates': [lon, lat]},
                    adresse='%s, 7000 Mons' % address, rue=street,
                    code_postal='7000'))
        for street, _, coordinates in WORKS:
            lon, lat = coordinates[len(coordinates) // 2]
            features.append(_feature(
                    {'type': 'Point', 'coordinates': [lon, lat]},
                    adresse='%s, 7000 Mons' % street, rue=street,
                    code_postal='7000'))
        layer.load_file(_collection(features), 'adresses.geojson')
        Configuration = pool.get('carto.configuration')
        config = Configuration(1)
        if not config.address_layer:
            config.address_layer = layer
            config.save()
