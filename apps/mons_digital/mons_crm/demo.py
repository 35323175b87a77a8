"""Demo data of the contacts: the base demo contacts spread over services,
languages, categories and lists, a few relations and deliberate
duplicates to review and merge."""
import datetime as dt

from trytond.pool import Pool
from trytond.transaction import Transaction

from .normalize import strip_accents

CATEGORIES = ["Culture", "Tourisme", "Associations", "Presse",
    "Commerçants", "Écoles"]
# name, owning service, shared with, kind, public, description
LISTS = [
    ("Vœux de Nouvel An", 'DG', ['COMM'], 'event', False,
        "Cartes de vœux du Collège communal."),
    ("Doudou 2026", 'EVEN', ['TOUR', 'CULT'], 'event', True,
        "Programme et informations pratiques de la Ducasse de Mons."),
    ("Saison culturelle", 'CULT', [], 'thematic', True,
        "Spectacles, expositions et ateliers de la saison."),
    ("Lettre du tourisme", 'TOUR', ['COMM'], 'thematic', True,
        "Nouveautés touristiques de Mons et de ses sections."),
    ("Commerçants du centre", 'ECO', [], 'thematic', False,
        "Informations aux commerçants de l'intra-muros."),
    ]
TEMPLATE = ('<html><body><p>${greeting}</p>'
    '<p>La Ville de Mons a le plaisir de vous présenter le programme du '
    'Doudou 2026.</p>'
    '<p><a href="${preferences_url}">Gérer mes abonnements</a> — '
    '<a href="${unsubscribe_url}">Se désabonner</a></p></body></html>')
DUPLICATES = 12


def load_demo(rng):
    pool = Pool()
    Party = pool.get('party.party')
    Service = pool.get('mons.service')
    Category = pool.get('party.category')
    EmailList = pool.get('marketing.email.list')
    Email = pool.get('marketing.email')
    Section = pool.get('mons.section')
    Relation = pool.get('party.relation')
    ModelData = pool.get('ir.model.data')
    Template = pool.get('mons.crm.email.template')
    Message = pool.get('marketing.email.message')
    Duplicate = pool.get('party.duplicate')
    Lang = pool.get('ir.lang')

    services = {s.code: s for s in Service.search([])}
    if not services:
        return
    if EmailList.search([('name', '=', LISTS[0][0])], limit=1):
        return  # already loaded

    categories = {c.name: c for c in Category.search([
                ('name', 'in', CATEGORIES)])}
    missing = [n for n in CATEGORIES if n not in categories]
    for category in Category.create([{'name': n} for n in missing]):
        categories[category.name] = category

    contacts = Party.search([
            ('addresses.section', '!=', None),
            ], order=[('id', 'ASC')])
    organisations = [p for p in contacts
        if p.email and p.email.startswith('contact@')]
    persons = [p for p in contacts if p not in organisations]
    service_codes = [c for c in ['CULT', 'TOUR', 'EVEN', 'COMM', 'ECO',
            'POP', 'CPAS-SOC'] if c in services]

    # Kind, language, owning and using services, categories
    to_write = []
    for party in organisations:
        to_write.extend([[party], {'crm_kind': 'organisation'}])
    for party in contacts:
        owner = services[rng.choice(service_codes)]
        users = {owner.id} | {services[c].id for c in rng.sample(
                service_codes, rng.randint(0, 2))}
        roll = rng.random()
        language = ('nl' if roll < 0.10 else 'de' if roll < 0.13
            else 'en' if roll < 0.16 else 'fr')
        values = {
            'owner_service': owner.id,
            'crm_services': [('add', sorted(users))],
            'language': language,
            'categories': [('add', [categories[n].id for n in rng.sample(
                            CATEGORIES, rng.randint(0, 2))])],
            }
        if party in persons and ' ' in (party.name or ''):
            first, last = party.name.split(' ', 1)
            values.update({'first_name': first, 'last_name': last,
                    'civility': rng.choice(['mr', 'mrs', None])})
        to_write.extend([[party], values])
    if to_write:
        Party.write(*to_write)

    # Relations: people working for or member of organisations
    works_for = ModelData.get_id('mons_crm', 'relation_type_works_for')
    member_of = ModelData.get_id('mons_crm', 'relation_type_member_of')
    relations = []
    if organisations:
        for party in persons[:len(persons) // 4]:
            relations.append({'from_': party.id,
                    'to': rng.choice(organisations).id,
                    'type': rng.choice([works_for, member_of])})
    Relation.create(relations)

    # Lists with subscriptions of several services; a saved filter reads as
    # its responsible user (the Culture agent for the Culture list)
    User = pool.get('res.user')
    users = {u.login: u for u in User.search([
                ('login', 'in', ['agent', 'admin'])])}
    admin = users.get('admin')
    agent = users.get('agent') or admin
    french = Lang.search([('code', '=', 'fr')], limit=1)
    sections = {s.code: s for s in Section.search([])}
    lists = {}
    for name, owner, shared, kind, public, description in LISTS:
        if owner not in services:
            continue
        values = {
            'name': name, 'service': services[owner].id,
            'shared_services': [('add', [services[c].id for c in shared
                        if c in services])],
            'kind': kind, 'public': public, 'description': description,
            }
        if french:
            values['language'] = french[0].id
        if name == "Saison culturelle":
            values['filter_categories'] = [('add',
                    [categories["Culture"].id])]
            values['filter_owner'] = agent.id if agent else None
        if name == "Commerçants du centre" and 'MONS' in sections:
            values['filter_categories'] = [('add',
                    [categories["Commerçants"].id])]
            values['filter_sections'] = [('add', [sections['MONS'].id])]
            values['filter_owner'] = admin.id if admin else None
        lists[name], = EmailList.create([values])
    with_email = [p for p in contacts if p.email]
    subscriptions = []
    today = dt.datetime.combine(dt.date.today(), dt.time(9))
    for name, list_ in lists.items():
        if list_.filter_categories:
            continue
        size = min(len(with_email), rng.randint(40, 120))
        for party in rng.sample(with_email, size):
            subscriptions.append({
                    'list_': list_.id, 'contact': party.id,
                    'email': party.email,
                    'source': rng.choice(['desk', 'import', 'paper',
                            'portal']),
                    'consent_proof': "Formulaire papier signé (démo)",
                    'subscribed_at': today - dt.timedelta(
                        days=rng.randint(1, 900)),
                    })
    Email.create(subscriptions)
    EmailList.build_from_filters(
        [l for l in lists.values() if l.filter_categories])

    # Deliberate duplicates: the same people typed again by another service
    copies = []
    for party in rng.sample(persons, min(DUPLICATES, len(persons))):
        address = party.addresses[0] if party.addresses else None
        style = len(copies) % 4
        first = party.first_name or ''
        last = party.last_name or party.name
        name = {
            0: f'{last.upper()} {first}',
            1: strip_accents(f'{first} {last}').lower(),
            2: f'{first}  {last} ',
            3: f'{first} {last}'.replace('e', 'é', 1),
            }[style]
        mechanisms = []
        if party.email and style != 2:
            mechanisms.append({'type': 'email',
                    'value': party.email.upper() if style == 0
                    else party.email})
        if party.phone:
            mechanisms.append({'type': 'phone',
                    'value': party.phone.replace(' ', '')})
        other = [c for c in service_codes
            if party.owner_service is None
            or c != party.owner_service.code]
        copies.append({
                'name': name, 'crm_kind': 'person',
                'owner_service': services[rng.choice(other)].id,
                'language': party.language,
                'contact_mechanisms': [('create', mechanisms)],
                'addresses': [('create', [{
                                'street_unstructured': (
                                    address.street_unstructured or '')
                                .replace('Rue', 'r.'),
                                'postal_code': address.postal_code,
                                'city': address.city,
                                'country': address.country.id
                                if address.country else None,
                                }])] if address else [],
                })
    Party.create(copies)
    with Transaction().set_context(_skip_warnings=True):
        Duplicate.detect()

    # A template and a draft mass email
    template, = Template.create([{
                'name': "Programme du Doudou",
                'service': services['EVEN'].id if 'EVEN' in services
                else None,
                'title': "Le Doudou 2026 : le programme",
                'content': TEMPLATE,
                }])
    if "Doudou 2026" in lists:
        Message.create([{
                    'list_': lists["Doudou 2026"].id,
                    'template': template.id,
                    'title': template.title,
                    'content': template.content,
                    }])
