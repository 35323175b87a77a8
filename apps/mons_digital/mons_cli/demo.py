"""Demo data of the suite: staff with users for every role, contacts with
Belgian addresses in the 19 sections, then each module's own demo. Seeded so
that every run produces the same data; looked up first so that a second run
adds nothing."""
import importlib
import random
import unicodedata

from .site import DEMO_PASSWORD, mons_modules

SEED = 7000  # the postal code of Mons

FIRST_NAMES = [
    'Marie', 'Nathalie', 'Isabelle', 'Sophie', 'Catherine', 'Julie',
    'Céline', 'Valérie', 'Anne', 'Christine', 'Laurence', 'Émilie', 'Aurélie',
    'Sarah', 'Manon', 'Camille', 'Léa', 'Chloé', 'Fatima', 'Aïcha',
    'Jean', 'Philippe', 'Michel', 'Pierre', 'Luc', 'Marc', 'Olivier',
    'Christophe', 'Laurent', 'Nicolas', 'Thomas', 'Julien', 'Maxime',
    'Antoine', 'François', 'Benoît', 'Grégory', 'Mehdi', 'Youssef', 'Kevin',
    ]
LAST_NAMES = [
    'Dupont', 'Lambert', 'Dubois', 'Martin', 'Leclercq', 'Lefebvre',
    'Delhaye', 'Hubert', 'Mahieu', 'Dufrane', 'Wauters', 'Jacobs', 'Peeters',
    'Janssens', 'Claes', 'Maes', 'Delattre', 'Lemaire', 'Renard', 'Henry',
    'Collard', 'Goffin', 'Bastin', 'Lejeune', 'Cornez', 'Gilson', 'Deneufbourg',
    'Dewez', 'Mercier', 'Baudour', 'Stiévenart', 'Carlier', 'Descamps',
    'Debève', 'Ghislain', 'Haulotte', 'Lhoir', 'Moreau', 'Naveau', 'Rousseau',
    ]
STREETS = {
    'MONS': ['Grand-Place', 'Rue de Nimy', "Rue d'Havré", 'Rue de la Chaussée',
        'Rue des Capucins', 'Boulevard Kennedy', 'Avenue Frère-Orban',
        'Rue du Onze Novembre', 'Rue de Bertaimont', 'Rue des Fripiers'],
    'CIPLY': ['Rue de Mons', 'Rue Louis Piérard'],
    'CUESMES': ['Rue de l\'Agrappe', 'Rue Ferrer', 'Rue du Pont'],
    'FLENU': ['Rue de Flénu', 'Place de Flénu', 'Rue Alfred Defuisseaux'],
    'GHLIN': ['Rue de Tournai', 'Rue du Parc', 'Place de Ghlin'],
    'HARMIGNIES': ['Rue Grande', 'Rue de Spiennes'],
    'HARVENG': ['Rue du Village', "Rue d'Asquillies"],
    'HAVRE': ['Rue du Château', 'Rue de la Gare'],
    'HYON': ['Avenue du Bois de Mons', 'Rue de Bouzanton', 'Rue Saint-Pierre'],
    'JEMAPPES': ['Avenue Roi Albert', 'Rue de la Station', 'Place de Jemappes'],
    'MAISIERES': ['Rue Grande', 'Chaussée de Bruxelles'],
    'MESVIN': ['Rue de la Fontaine', 'Rue du Temple'],
    'NIMY': ['Rue Mouzin', 'Rue des Fosses', 'Chaussée de Bruxelles'],
    'NOUVELLES': ['Rue de la Chapelle', 'Rue du Gros Chêne'],
    'OBOURG': ['Rue de la Station', 'Rue du Canal'],
    'SAINT-DENIS': ["Rue de l'Abbaye", 'Rue du Moulin'],
    'SAINT-SYMPHORIEN': ['Chaussée du Roeulx', 'Rue de Villers'],
    'SPIENNES': ['Rue de Nouvelles', 'Rue des Minières'],
    'VILLERS-SAINT-GHISLAIN': ['Rue de Binche', 'Rue Jean Jaurès'],
    }
ORGANISATION_NAMES = [
    'Boulangerie {}', 'Librairie {}', 'ASBL Les Amis de {}',
    'Comité des fêtes de {}', 'Cercle historique de {}', 'Garage {}',
    'Pharmacie {}', 'Brasserie {}', 'Architectes {} & associés',
    ]

# login, name, groups (mons_base XML ids), service code, manager?, company
ROLE_USERS = [
    ('courrier', 'Sylvie Courtois', ['group_mail_office'], 'COUR', False,
        'VILLE'),
    ('agent', 'Luc Agneessens', ['group_service_agent'], 'CULT', False,
        'VILLE'),
    ('chef', 'Chantal Lefèvre', ['group_service_manager',
            'group_service_agent'], 'CULT', True, 'VILLE'),
    ('rh', 'Rachid Haddad', ['group_hr_officer'], 'RH', False, 'VILLE'),
    ('rhchef', 'Hélène Rousseau', ['group_hr_manager', 'group_hr_officer',
            'group_service_manager'], 'RH', True, 'VILLE'),
    ('employe', 'Eric Mahy', [], 'TRAV-VOI', False, 'VILLE'),
    ('urbanisme', 'Ursule Bayot', ['group_urbanism', 'group_service_agent'],
        'URB-PU', False, 'VILLE'),
    ('data', 'Damien Taminiau', ['group_data_steward',
            'group_service_agent'], 'INFO-DATA', False, 'VILLE'),
    ('dpo', 'Delphine Poncelet', ['group_dpo', 'group_service_agent'],
        'DG-DPO', False, 'VILLE'),
    ('sig', 'Simon Gillard', ['group_gis_editor', 'group_service_agent'],
        'INFO-SIG', False, 'VILLE'),
    ('direction', 'Dominique Verheyden', ['group_direction',
            'group_service_manager'], 'DG', True, 'VILLE'),
    ('api', 'Intégrateur API', ['group_api'], None, False, 'VILLE'),
    ('cpas', 'Corinne Pasteels', ['group_service_agent'], 'CPAS-SOC', False,
        'CPAS'),
    ]
OTHER_STAFF = 40
CONTACTS = 300


def slug(text):
    text = unicodedata.normalize('NFKD', text)
    return ''.join(c for c in text if c.isalnum() and c.isascii()).lower()


def load_base(site, pool, companies):
    "Staff with their users and the contacts, before the modules' demo"
    rng = random.Random(SEED)
    staff = load_staff(pool, companies, rng)
    load_contacts(pool, rng)
    return staff


def module_demos():
    "(module, its demo module) of the installed modules that have one"
    for module in mons_modules():
        try:
            demo = importlib.import_module(f'trytond.modules.{module}.demo')
        except ModuleNotFoundError as exception:
            if exception.name != f'trytond.modules.{module}.demo':
                raise
            continue
        yield module, demo


def load_module(module, demo):
    demo.load_demo(random.Random(f'{SEED}-{module}'))


def load_staff(pool, companies, rng):
    ModelData = pool.get('ir.model.data')
    Group = pool.get('res.group')
    User = pool.get('res.user')
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    Service = pool.get('mons.service')
    Lang = pool.get('ir.lang')

    fr, = Lang.search([('code', '=', 'fr')])
    group = {}
    for data in ModelData.search([
                ('module', '=', 'mons_base'), ('model', '=', 'res.group')]):
        group[data.fs_id] = Group(data.db_id)
    services = {s.code: s for s in Service.search([])}
    existing = {u.login: u for u in User.search(
            [('active', 'in', [True, False])])}

    people = [(login, name, groups, service, manager, org)
        for login, name, groups, service, manager, org in ROLE_USERS]
    work_services = [c for c in services if c not in {'COUR', 'DG-DPO'}]
    used = set()
    while len(people) < len(ROLE_USERS) + OTHER_STAFF:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        login = f'{slug(first)}.{slug(last)}'
        if login in used:
            continue
        used.add(login)
        service = rng.choice(work_services)
        org = 'CPAS' if service.startswith('CPAS') else 'VILLE'
        people.append((login, f'{first} {last}', ['group_service_agent'],
                service, False, org))

    to_create = [p for p in people if p[0] not in existing]
    if to_create:
        parties = Party.create([{'name': p[1]} for p in to_create])
        employees = Employee.create([{
                    'party': party.id,
                    'company': companies[p[5]].id,
                    } for party, p in zip(parties, to_create)])
        users = User.create([{
                    'login': p[0], 'name': p[1],
                    'password': DEMO_PASSWORD,
                    'language': fr.id,
                    'email': f'{p[0]}@demo.mons.be',
                    'groups': [('add', [group[g].id for g in
                                {'group_employee', *p[2]}])],
                    'companies': [('add', [c.id for c in companies.values()]
                            if p[0] in {'direction', 'api'}
                            else [companies[p[5]].id])],
                    'company': companies[p[5]].id,
                    'employees': [('add', [e.id])],
                    'employee': e.id,
                    } for e, p in zip(employees, to_create)])
        for (login, _, _, code, manager, _), employee in zip(
                to_create, employees):
            if not code:
                continue
            service = services[code]
            if manager:
                Service.write([service], {'manager': employee.id})
            else:
                Service.write([service],
                    {'members': [('add', [employee.id])]})
        for user in users:
            existing[user.login] = user
    admin = User.search([('login', '=', 'admin')])[0]
    if not admin.employees:
        party, = Party.create([{'name': 'Administrateur fonctionnel'}])
        employee, = Employee.create([{'party': party.id,
                    'company': companies['VILLE'].id}])
        User.write([admin], {
                'companies': [('add', [c.id for c in companies.values()])],
                'company': companies['VILLE'].id,
                'employees': [('add', [employee.id])],
                'employee': employee.id,
                'language': fr.id,
                'groups': [('add', [g.id for g in group.values()])],
                })
    return people


def load_contacts(pool, rng):
    Party = pool.get('party.party')
    Country = pool.get('country.country')
    Section = pool.get('mons.section')
    belgium, = Country.search([('code', '=', 'BE')])
    sections = {s.code: s for s in Section.search([])}
    if Party.search([('addresses.city', 'in',
                    [s.name for s in sections.values()]),
                ('name', '!=', 'Ville de Mons'),
                ('name', '!=', 'CPAS de Mons')], limit=1):
        return
    rows = []
    for index in range(CONTACTS):
        code = rng.choice(list(STREETS))
        section = sections[code]
        street = f'{rng.choice(STREETS[code])} {rng.randint(1, 180)}'
        if index % 6 == 0:
            name = rng.choice(ORGANISATION_NAMES).format(
                rng.choice(LAST_NAMES))
            email = f'contact@{slug(name)[:20]}.be'
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f'{first} {last}'
            email = f'{slug(first)}.{slug(last)}{index}@example.be'
        phone = '+32 65 ' + ' '.join(
            f'{rng.randint(10, 99)}' for _ in range(3))
        mechanisms = [{'type': 'email', 'value': email}]
        if index % 3:
            mechanisms.append({'type': 'phone', 'value': phone})
        rows.append({
                'name': name,
                'addresses': [('create', [{
                                'street': street,
                                'postal_code': section.postal_code,
                                'city': section.name,
                                'country': belgium.id}])],
                'contact_mechanisms': [('create', mechanisms)],
                })
    Party.create(rows)
