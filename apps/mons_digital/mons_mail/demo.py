"Demo data of the mail module: plan, types and a few hundred items."
import datetime as dt

from trytond.pool import Pool
from trytond.transaction import Transaction

# An excerpt of the classification plan of Walloon municipal archives
CLASSIFICATION = [
    ('1', "Administration générale", None),
    ('1.7', "Organisation et fonctionnement", '1'),
    ('1.71', "Conseil et collège communal", '1.7'),
    ('1.75', "Personnel communal", '1.7'),
    ('1.77', "Courrier, archives et informatique", '1.7'),
    ('1.8', "Services à la population", '1'),
    ('1.84', "Sécurité publique et police", '1.8'),
    ('1.85', "Culture, sports et loisirs", '1.8'),
    ('1.852', "Manifestations et festivités", '1.85'),
    ('1.857', "Tourisme", '1.85'),
    ('1.87', "Action sociale", '1.8'),
    ('2', "Finances", None),
    ('2.07', "Taxes et redevances", '2'),
    ('2.08', "Marchés publics", '2'),
    ('4', "Territoire", None),
    ('4.1', "Urbanisme", '4'),
    ('4.11', "Permis d'urbanisme", '4.1'),
    ('4.2', "Environnement", '4'),
    ('4.3', "Voirie et travaux", '4'),
    ('4.31', "Entretien des voiries", '4.3'),
    ]
TYPES = [
    ('LET', "Lettre ordinaire", 15),
    ('DEM', "Demande de citoyen", 20),
    ('PLA', "Plainte", 10),
    ('FAC', "Facture", 30),
    ('INV', "Invitation", 5),
    ('MAR', "Marché public", 10),
    ('REC', "Recours", 5),
    ('INF', "Pour information", 0),
    ]
SUBJECTS = {
    'CULT': [("Demande de salle pour un concert", '1.85'),
        ("Subside pour l'académie de musique", '1.85'),
        ("Programme du festival au Doudou", '1.852')],
    'TOUR': [("Demande de brochures touristiques", '1.857'),
        ("Visite guidée du beffroi", '1.857')],
    'EVEN': [("Autorisation de brocante", '1.852'),
        ("Occupation de la Grand-Place", '1.852')],
    'URB-PU': [("Demande de permis pour une véranda", '4.11'),
        ("Réclamation enquête publique", '4.11'),
        ("Certificat d'urbanisme n° 1", '4.1')],
    'URB-ENV': [("Dépôt sauvage signalé", '4.2'),
        ("Permis d'environnement classe 3", '4.2')],
    'TRAV-VOI': [("Nid de poule rue de Nimy", '4.31'),
        ("Éclairage public en panne", '4.3'),
        ("Demande de placement d'un miroir", '4.3')],
    'FIN': [("Réclamation taxe immondices", '2.07'),
        ("Facture de fournitures", '2'),
        ("Offre marché de nettoyage", '2.08')],
    'RH': [("Candidature spontanée", '1.75'),
        ("Demande d'attestation de service", '1.75')],
    'POP': [("Demande d'acte de naissance", '1.8'),
        ("Changement d'adresse", '1.8')],
    'DG': [("Invitation du Gouverneur", '1.71'),
        ("Question au collège communal", '1.71')],
    }
CONFIDENTIAL_SUBJECTS = [
    ("Plainte pour harcèlement", 'RH', '1.75'),
    ("Dossier disciplinaire", 'RH', '1.75'),
    ("Signalement au DPO", 'DG-DPO', '1.77'),
    ]
ITEMS = 320


def load_demo(rng):
    pool = Pool()
    Item = pool.get('mail.item')
    Classification = pool.get('mail.classification')
    Type = pool.get('mail.type')
    Service = pool.get('mons.service')
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    Date = pool.get('ir.date')

    codes = {c.code: c for c in Classification.search(
            [('code', 'in', [c for c, _, _ in CLASSIFICATION])])}
    for code, name, parent in CLASSIFICATION:
        if code not in codes:
            codes[code], = Classification.create([{
                        'code': code, 'name': name,
                        'parent': codes[parent].id if parent else None}])
    types = {t.code: t for t in Type.search(
            [('code', 'in', [c for c, _, _ in TYPES])])}
    missing = [{'code': c, 'name': n, 'delay': d} for c, n, d in TYPES
        if c not in types]
    for type_ in Type.create(missing):
        types[type_.code] = type_

    if Item.search([('external_reference', 'like', 'DEMO-%')], limit=1):
        return
    company_id = Transaction().context.get('company')
    services = {s.code: s for s in Service.search([
                ('code', 'in', list(SUBJECTS) + ['RH', 'DG-DPO']),
                ('company', '=', company_id)])}
    if not services:
        return
    employees = {e.id: e for e in Employee.search(
            [('company', '=', company_id)])}
    parties = Party.search([
            ('id', 'not in', [e.party.id for e in employees.values()]),
            ('addresses', '!=', None),
            ], order=[('id', 'ASC')], limit=300)
    if not parties:
        return
    today = Date.today()
    vlist, plans = [], []
    for index in range(ITEMS):
        confidential = index % 25 == 7
        if confidential:
            subject, code, classification = rng.choice(CONFIDENTIAL_SUBJECTS)
        else:
            code = rng.choice(sorted(SUBJECTS))
            subject, classification = rng.choice(SUBJECTS[code])
        service = services.get(code) or rng.choice(list(services.values()))
        direction = 'outgoing' if index % 5 == 4 else 'incoming'
        reception = today - dt.timedelta(days=rng.randint(0, 70))
        party = rng.choice(parties)
        type_ = rng.choice(list(types.values()))
        medium = rng.choice(['paper', 'paper', 'paper', 'email', 'email',
                'registered', 'hand', 'web'])
        values = {
            'company': company_id,
            'direction': direction,
            'medium': medium,
            'party': party.id,
            'email_from': party.email if medium == 'email' else None,
            'subject': subject,
            'letter_date': reception - dt.timedelta(days=rng.randint(1, 5)),
            'type': type_.id if direction == 'incoming' else None,
            'classification': codes[classification].id,
            'keywords': ', '.join(rng.sample(
                    ['subside', 'salle', 'voirie', 'taxe', 'permis',
                        'plainte', 'culture', 'événement', 'Jemappes',
                        'Nimy', 'Cuesmes', 'Ghlin'], 2)),
            'external_reference': f'DEMO-{index:04d}',
            'confidential': confidential,
            'service': service.id,
            'body': f"{subject}. Courrier de démonstration n° {index + 1}.",
            }
        if direction == 'incoming':
            values['reception_date'] = reception
        else:
            values['sending_date'] = reception
        members = [e for e in service.members] + (
            [service.manager] if service.manager else [])
        state = rng.choices(
            ['draft', 'registered', 'assigned', 'in_treatment', 'answered',
                'closed'], weights=[5, 10, 25, 30, 15, 15])[0]
        if direction == 'outgoing':
            state = 'draft' if state == 'draft' else 'closed'
        vlist.append(values)
        plans.append((state, rng.choice(members) if members else None,
                rng.random() < 0.3))
    items = Item.create(vlist)
    by_state = {}
    for item, (state, agent, copy) in zip(items, plans):
        by_state.setdefault(state, []).append((item, agent, copy))
    # Register in reception order so numbers follow the dates
    to_register = sorted(
        [i for s, rows in by_state.items() if s != 'draft' for i, _, _ in rows],
        key=lambda i: (i.reception_date or i.sending_date, i.id))
    Item.register(to_register)
    # Due dates computed from the (past) reception dates
    for state in ['assigned', 'in_treatment', 'answered', 'closed']:
        rows = [(i, a, c) for i, a, c in by_state.get(state, [])
            if i.direction == 'incoming']
        if not rows:
            continue
        Item.assign([i for i, _, _ in rows])
        copies = [i for i, _, c in rows if c]
        if copies and 'DG' in services:
            Item.write(copies, {'copy_services': [
                        ('add', [services['DG'].id])]})
        if state == 'assigned':
            continue
        with_agent = [(i, a) for i, a, _ in rows if a]
        for item, agent in with_agent:
            Item.write([item], {'agent': agent.id})
        Item.take([i for i, _, _ in rows])
        if state == 'in_treatment':
            continue
        Item.answer([i for i, _, _ in rows])
        if state == 'closed':
            Item.close([i for i, _, _ in rows])
    outgoing_closed = [i for i, _, _ in by_state.get('closed', [])
        if i.direction == 'outgoing']
    if outgoing_closed:
        Item.close(outgoing_closed)
