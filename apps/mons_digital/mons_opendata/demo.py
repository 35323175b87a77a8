"""Demo inventory: about twenty datasets, several published with Mons data.

Coordinates are drawn around the centre of each section and written in
Belgian Lambert 72, as the city's GIS exports them, so the Lambert → WGS84
step of the pipeline is exercised by the demo too.
"""
import json

from trytond.pool import Pool
from trytond.transaction import Transaction

STREETS = ["Grand-Place", "Rue de Nimy", "Rue de la Chaussée",
    "Rue d'Havré", "Boulevard Dolez", "Avenue Reine Astrid",
    "Rue des Capucins", "Place du Parc", "Rue du Onze Novembre",
    "Chaussée de Bruxelles", "Rue de Bertaimont", "Avenue de Jemappes",
    "Rue Grande", "Place Communale", "Rue de l'Église", "Rue de la Gare"]


# Table Schema titles: the labels the portal shows above the columns
TITLES = {
    'nom': "Nom", 'adresse': "Adresse", 'section': "Section",
    'pmr': "Accessible PMR", 'gratuit': "Gratuit", 'horaire': "Horaire",
    'longitude': "Longitude", 'latitude': "Latitude",
    'capacite': "Capacité", 'places_libres': "Places libres",
    'tarif': "Tarif", 'places_pmr': "Places PMR",
    'reference': "Référence", 'rue': "Rue", 'nature': "Nature des travaux",
    'debut': "Début", 'fin': "Fin", 'circulation': "Circulation",
    'secteur': "Secteur d'activité", 'nombre': "Nombre",
    'objet': "Objet", 'decision': "Date de décision", 'statut': "Statut",
    'annee': "Année", 'type_aide': "Type d'aide", 'dossiers': "Dossiers",
    }


def _schema(*fields):
    return json.dumps({'fields': [
                {'name': n, 'type': t,
                    **({'title': TITLES[n]} if n in TITLES else {}),
                    **({'constraints': c} if c else {})}
                for n, t, c in fields]})


def _csv(header, rows):
    lines = [';'.join(header)] + [';'.join(str(v) for v in r) for r in rows]
    return ('\n'.join(lines) + '\n').encode('utf-8')


def _lambert(rng, section, spread=900):
    from pyproj import Transformer
    to_l72 = Transformer.from_crs('EPSG:4326', 'EPSG:31370', always_xy=True)
    x, y = to_l72.transform(float(section.longitude or 3.9567),
        float(section.latitude or 50.4542))
    return (round(x + rng.uniform(-spread, spread), 1),
        round(y + rng.uniform(-spread, spread), 1))


LAMBERT_STEPS = [
    {'kind': 'lambert', 'fields_': 'x,y', 'crs': '31370'},
    {'kind': 'drop', 'fields_': 'x,y'},
    ]


def load_demo(rng):
    pool = Pool()
    Dataset = pool.get('opendata.dataset')
    Service = pool.get('mons.service')
    Section = pool.get('mons.section')
    User = pool.get('res.user')
    Company = pool.get('company.company')

    existing = {d.code for d in Dataset.search([])}
    services = {s.code: s for s in Service.search([])}
    sections = Section.search([], order=[('code', 'ASC')])
    if not sections:
        from types import SimpleNamespace
        sections = [SimpleNamespace(name='Mons', latitude=50.4542,
                longitude=3.9567)]
    users = {u.login: u for u in User.search([])}
    companies = Company.search([], order=[('id', 'ASC')])
    ville = Transaction().context.get('company') or companies[0].id
    cpas = next((c.id for c in companies if 'CPAS' in c.rec_name), ville)
    steward = users.get('data')

    def service(code):
        return (services.get(code) or services.get('INFO-DATA')
            or next(iter(services.values()))).id

    def pick_section():
        return rng.choice(sections)

    # -- published datasets with data
    toilets = []
    for i in range(24):
        s = pick_section()
        x, y = _lambert(rng, s)
        toilets.append([f"Toilettes {s.name} {i + 1}",
                f"{rng.choice(STREETS)} {rng.randint(1, 120)}", s.name,
                rng.choice(['oui', 'non']), rng.choice(['oui', 'non']),
                rng.choice(['7h-19h', '8h-20h', '24h/24']), x, y])
    parkings = []
    for i, name in enumerate(["Grand-Place", "Gare", "Machine à Eau",
                "Les Grands Prés", "Hôpital Ambroise Paré", "Parc",
                "Arsonval", "Marché aux Herbes", "Lido", "Nimy Centre",
                "Jemappes Gare", "Cuesmes Place", "Ghlin Village",
                "Saint-Symphorien", "Obourg", "Havré"]):
        s = sections[i % len(sections)]
        x, y = _lambert(rng, s, 600)
        capacity = rng.choice([40, 60, 80, 120, 200, 350, 500, 800])
        parkings.append([f"Parking {name}", s.name, capacity,
                rng.randint(0, capacity), rng.choice(['payant', 'gratuit',
                        'zone bleue']), rng.randint(0, 12), x, y])
    works = []
    for i in range(60):
        s = pick_section()
        x, y = _lambert(rng, s)
        start_month = rng.randint(1, 12)
        works.append([f"CH-2026-{i + 1:03d}", rng.choice(STREETS), s.name,
                rng.choice(["Égouttage", "Réfection de voirie",
                        "Impétrants (gaz)", "Impétrants (eau)",
                        "Trottoirs", "Éclairage public"]),
                f"2026-{start_month:02d}-{rng.randint(1, 28):02d}",
                f"2026-{min(12, start_month + rng.randint(0, 4)):02d}-"
                f"{rng.randint(1, 28):02d}",
                rng.choice(["circulation alternée", "route barrée",
                        "aucune"]), x, y])
    shops = []
    for s in sections:
        for sector in ["Alimentation", "Horeca", "Équipement de la personne",
                "Services", "Santé et beauté"]:
            for _ in range(rng.randint(0, 12)):
                shops.append([f"Commerce {len(shops) + 1}", sector, s.name,
                        f"Exploitant {rng.randint(1, 999)}"])
    permits = []
    for i in range(80):
        s = pick_section()
        x, y = _lambert(rng, s)
        permits.append([f"PU/2025/{i + 1:04d}", rng.choice([
                        "Transformation d'une habitation",
                        "Construction d'une maison unifamiliale",
                        "Abattage d'arbres", "Modification de façade",
                        "Construction d'un immeuble à appartements",
                        "Changement d'affectation"]),
                s.name, f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                rng.choice(["octroyé", "octroyé", "octroyé sous conditions"]),
                f"Demandeur {rng.randint(1, 500)}", x, y])
    aid = []
    for s in sections:
        for year in (2024, 2025):
            for _ in range(rng.randint(5, 30)):
                aid.append([f"dossier-{len(aid) + 1}", s.name, year,
                        rng.choice(["RIS", "Aide médicale", "Énergie",
                                "Logement"])])

    geo = [('longitude', 'number', None), ('latitude', 'number', None)]
    published = [
        dict(code='toilettes-publiques', title="Toilettes publiques",
            service='TRAV-VOI', themes=['SOCI', 'HEAL'],
            keywords="toilettes, sanitaires, PMR, propreté",
            description="Localisation des toilettes publiques gérées par la "
            "Ville de Mons, avec l'accessibilité aux personnes à mobilité "
            "réduite, la gratuité et les heures d'ouverture.",
            frequency='ANNUAL', access='public',
            schema=_schema(('nom', 'string', {'required': True}),
                ('adresse', 'string', None), ('section', 'string', None),
                ('pmr', 'boolean', None), ('gratuit', 'boolean', None),
                ('horaire', 'string', None), *geo),
            steps=[{'kind': 'cast', 'fields_': 'pmr,gratuit',
                    'cast_type': 'boolean'}] + LAMBERT_STEPS,
            data=_csv(['nom', 'adresse', 'section', 'pmr', 'gratuit',
                    'horaire', 'x', 'y'], toilets)),
        dict(code='parkings', title="Parkings et capacité",
            service='TRAV', themes=['TRAN', 'REGI'],
            keywords="parking, stationnement, mobilité",
            description="Parkings publics de Mons avec leur capacité, le "
            "nombre de places libres au dernier relevé, le régime tarifaire "
            "et le nombre de places pour personnes handicapées.",
            frequency='DAILY', access='public',
            schema=_schema(('nom', 'string', {'required': True}),
                ('section', 'string', None),
                ('capacite', 'integer', {'minimum': 0}),
                ('places_libres', 'integer', {'minimum': 0}),
                ('tarif', 'string', None),
                ('places_pmr', 'integer', None), *geo),
            steps=LAMBERT_STEPS,
            data=_csv(['nom', 'section', 'capacite', 'places_libres',
                    'tarif', 'places_pmr', 'x', 'y'], parkings)),
        dict(code='chantiers-voirie', title="Chantiers sur la voirie",
            service='TRAV-VOI', themes=['TRAN'],
            keywords="travaux, chantiers, voirie, circulation",
            description="Chantiers en cours et planifiés sur les voiries "
            "communales de Mons : nature des travaux, dates de début et de "
            "fin, impact sur la circulation et localisation.",
            frequency='WEEKLY', access='public',
            schema=_schema(('reference', 'string', {'required': True}),
                ('rue', 'string', None), ('section', 'string', None),
                ('nature', 'string', None), ('debut', 'date', None),
                ('fin', 'date', None), ('circulation', 'string', None),
                *geo),
            steps=LAMBERT_STEPS,
            data=_csv(['reference', 'rue', 'section', 'nature', 'debut',
                    'fin', 'circulation', 'x', 'y'], works)),
        dict(code='commerces-par-section', title="Commerces par section",
            service='ECO', themes=['ECON', 'REGI'],
            keywords="commerces, économie, sections",
            description="Nombre de commerces par section de Mons et par "
            "secteur d'activité, agrégé depuis le registre communal des "
            "commerces (les exploitants ne sont pas publiés).",
            frequency='QUARTERLY', access='public', personal=True,
            personal_fields='exploitant',
            schema=_schema(('secteur', 'string', None),
                ('section', 'string', None), ('nombre', 'integer', None)),
            steps=[{'kind': 'aggregate', 'fields_': 'secteur,section',
                    'new_name': 'nombre'}],
            data=_csv(['nom', 'secteur', 'section', 'exploitant'], shops)),
        dict(code='permis-urbanisme-octroyes',
            title="Permis d'urbanisme octroyés",
            service='URB-PU', themes=['REGI', 'GOVE'],
            keywords="urbanisme, permis, CoDT",
            description="Permis d'urbanisme octroyés par le Collège communal "
            "de Mons : référence, objet, section, date de décision et "
            "localisation. Les demandeurs ne sont pas publiés.",
            frequency='MONTHLY', access='public', personal=True,
            personal_fields='demandeur',
            schema=_schema(('reference', 'string', {'required': True}),
                ('objet', 'string', None), ('section', 'string', None),
                ('decision', 'date', None), ('statut', 'string', None),
                *geo),
            steps=[{'kind': 'drop', 'fields_': 'demandeur'}]
            + LAMBERT_STEPS,
            data=_csv(['reference', 'objet', 'section', 'decision',
                    'statut', 'demandeur', 'x', 'y'], permits)),
        dict(code='aides-sociales-par-section',
            title="Aides sociales par section (interne)",
            service='CPAS-SOC', company=cpas, themes=['SOCI'],
            keywords="CPAS, aide sociale",
            description="Nombre de dossiers d'aide sociale du CPAS par "
            "section, année et type d'aide, pour le pilotage interne.",
            frequency='ANNUAL', access='internal', personal=True,
            personal_fields='dossier',
            schema=_schema(('section', 'string', None),
                ('annee', 'integer', None), ('type_aide', 'string', None),
                ('dossiers', 'integer', None)),
            steps=[{'kind': 'aggregate',
                    'fields_': 'section,annee,type_aide',
                    'new_name': 'dossiers'}],
            data=_csv(['dossier', 'section', 'annee', 'type_aide'], aid)),
        ]
    inventory = [
        ('budget-communal', "Budget communal", 'FIN', ['ECON', 'GOVE']),
        ('marches-publics', "Marchés publics attribués", 'FIN', ['GOVE']),
        ('population-par-section', "Population par section", 'POP',
            ['SOCI']),
        ('naissances-prenoms', "Prénoms des naissances", 'POP', ['SOCI']),
        ('evenements-agenda', "Agenda des événements", 'EVEN', ['EDUC']),
        ('musees-frequentation', "Fréquentation des musées", 'CULT',
            ['EDUC']),
        ('hebergements-touristiques', "Hébergements touristiques", 'TOUR',
            ['ECON', 'REGI']),
        ('arbres-remarquables', "Arbres remarquables", 'URB-ENV', ['ENVI']),
        ('collecte-dechets', "Calendrier de collecte des déchets",
            'URB-ENV', ['ENVI']),
        ('eclairage-public', "Points d'éclairage public", 'TRAV',
            ['ENER']),
        ('absenteisme-services', "Absentéisme par service", 'RH',
            ['GOVE']),
        ('courrier-volumes', "Volumes de courrier par service", 'COUR',
            ['GOVE']),
        ('couches-sig', "Catalogue des couches SIG", 'INFO-SIG', ['REGI']),
        ('logements-cpas', "Logements du CPAS", 'CPAS-LOG', ['SOCI']),
        ]
    to_create = []
    for d in published:
        if d['code'] in existing:
            continue
        to_create.append({
                'code': d['code'], 'title': d['title'],
                'description': d['description'],
                'company': d.get('company', ville),
                'service': service(d['service']),
                'steward': steward.id if steward else None,
                'contact_name': "Cellule données",
                'contact_email': 'opendata@ville.mons.be',
                'keywords': d['keywords'], 'themes': d['themes'],
                'frequency': d['frequency'], 'access_level': d['access'],
                'licence': 'CC_BY_4_0' if d['access'] == 'public'
                else 'PROP',
                'personal_data': d.get('personal', False),
                'personal_fields': d.get('personal_fields'),
                'temporal_start': None,
                'schema': d['schema'],
                'auto_refresh': False,
                'sources': [('create', [{
                                'name': "Export du service", 'kind': 'file',
                                'file': d['data'],
                                'file_name': d['code'] + '.csv',
                                'delimiter': ';'}])],
                'steps': [('create', [dict(s, sequence=i)
                            for i, s in enumerate(d['steps'])])],
                })
    for code, title, svc, themes in inventory:
        if code in existing:
            continue
        to_create.append({
                'code': code, 'title': title,
                'description': "%s, tenu par le service %s." % (
                    title, services[svc].name if svc in services else svc),
                'company': cpas if svc.startswith('CPAS') else ville,
                'service': service(svc),
                'steward': steward.id if steward else None,
                'themes': themes, 'frequency': 'ANNUAL',
                'access_level': 'internal',
                'personal_data': svc in {'RH', 'COUR', 'CPAS-LOG'},
                })
    if not to_create:
        return
    created = Dataset.create(to_create)
    by_code = {d.code: d for d in created}
    for d in published:
        dataset = by_code.get(d['code'])
        if not dataset:
            continue
        run, = Dataset.collect([dataset])
        if run.state not in {'ok', 'partial'}:
            continue
        Dataset.validate_dataset([dataset])
        if dataset.access_level == 'public':
            Dataset.approve([dataset])
        Dataset.publish([dataset])
