"""Synthetic Belgian contacts for the contacts (CRM) benchmarks.

Deterministic (seeded): `contacts(n, duplicate_rate)` returns contact dicts
(id, first, last, name, emails, phones, street, postal_code, city) and the
set of known duplicate pairs (the copies made with typing variations)."""
import random
import unicodedata

FIRST = ["Jean", "Marie", "Pierre", "Sophie", "Luc", "Anne", "Michel",
    "Isabelle", "Philippe", "Catherine", "Marc", "Nathalie", "Eric", "Julie",
    "Hélène", "François", "Zoé", "Théo", "Chloé", "Noël", "Amélie", "Loïc",
    "Jan", "Els", "Pieter", "Lotte", "Hans", "Greta", "Mohamed", "Fatima",
    "Yasmine", "Karim", "Giuseppe", "Maria", "Luca", "Emma", "Louis",
    "Lucas", "Léa", "Olivia", "Arthur", "Jules", "Camille", "Manon",
    "Hugo", "Inès", "Nora", "Adam", "Sarah", "Victor"]
LAST = ["Dupont", "Lambert", "Martin", "Dubois", "Leroy", "Lefèvre",
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes",
    "Goossens", "Wouters", "De Smet", "Dumont", "Renard", "Simon", "Laurent",
    "Lejeune", "Collard", "Denis", "Hubert", "François", "Gilson", "Piret",
    "Delhaye", "Wauthier", "Bernard", "Lemaire", "Dupuis", "Noël",
    "Fontaine", "Petit", "Carlier", "Dethier", "Masson", "Urbain",
    "Vandenberghe", "Van Damme", "El Amrani", "Benali", "Russo", "Esposito",
    "Moreau", "Lecomte", "Dasnoy", "Baudouin", "Hallet", "Louis", "Mathieu",
    "Henry", "Remy", "Charlier", "Delvaux", "Leclercq", "Gérard", "Marchal",
    "Stevens"]
SECTIONS = [("7000", "Mons"), ("7011", "Ghlin"), ("7012", "Jemappes"),
    ("7012", "Flénu"), ("7020", "Nimy"), ("7020", "Maisières"),
    ("7021", "Havré"), ("7022", "Hyon"), ("7022", "Mesvin"),
    ("7022", "Nouvelles"), ("7022", "Harveng"), ("7022", "Harmignies"),
    ("7024", "Ciply"), ("7030", "Saint-Symphorien"),
    ("7031", "Villers-Saint-Ghislain"), ("7032", "Spiennes"),
    ("7033", "Cuesmes"), ("7034", "Obourg"), ("7034", "Saint-Denis")]
STREETS = ["Rue de Nimy", "Rue d'Havré", "Grand-Rue", "Rue de la Chaussée",
    "Avenue Reine Astrid", "Boulevard Dolez", "Rue des Fripiers",
    "Chaussée de Binche", "Rue du Onze Novembre", "Avenue du Tir",
    "Rue de Bertaimont", "Place du Parc", "Rue des Tuileries",
    "Route d'Obourg", "Rue de la Station", "Rue de l'Église",
    "Chemin de la Procession", "Rue Grande", "Rue du Village",
    "Avenue de l'Hôpital"]
# Belgium has tens of thousands of family names: common ones plus names
# made of a particle, a root and an ending keep the blocks realistic
ROOTS = ["Lamb", "Mart", "Dub", "Ler", "Fev", "Peet", "Jans", "Ma", "Jac",
    "Mert", "Will", "Cla", "Goss", "Wout", "Sme", "Dum", "Ren", "Sim",
    "Laur", "Lej", "Coll", "Den", "Hub", "Fran", "Gil", "Pir", "Delh",
    "Waut", "Bern", "Lem", "Dup", "Font", "Pet", "Carl", "Deth", "Mass",
    "Urb", "Vand", "Damm", "Amr", "Bena", "Russ", "Espo", "Mor", "Lec",
    "Dasn", "Baud", "Hall", "Math", "Henr", "Charl", "Delv", "Gér", "Marc",
    "Stev", "Hoeb", "Brug", "Kerk", "Mol", "Verh", "Roos", "Bast", "Cop",
    "Deg", "Fiev", "Gob", "Hen", "Ist", "Jor", "Kai", "Lor", "Mich", "Nys",
    "Oll", "Poul", "Quin", "Rob", "Sterck", "Tho", "Ver", "Wal", "Yern"]
ENDINGS = ["", "s", "x", "et", "ez", "ier", "mans", "aert", "ens", "in",
    "ot", "eau", "ard", "ick", "on", "aux", "ée", "ijn", "ois", "elle"]
PARTICLES = ["", "", "", "De ", "Van ", "Le ", "Du ", "Vanden", "Della "]
DOMAINS = ["example.be", "mail.be", "skynet.example", "proximus.example",
    "gmail.example", "hotmail.example"]


def last_name(rng):
    if rng.random() < 0.4:
        return rng.choice(LAST)
    particle = rng.choice(PARTICLES)
    root = rng.choice(ROOTS) + rng.choice(ENDINGS)
    return (particle + root.lower()) if particle.endswith('n') and \
        not particle.endswith(' ') else particle + root


def ascii(text):
    return ''.join(c for c in unicodedata.normalize('NFKD', text)
        if not unicodedata.combining(c)).lower().replace(' ', '')


def _variant(rng, contact, new_id):
    "The same person typed again by another service"
    first, last = contact['first'], contact['last']
    style = rng.randrange(5)
    if style == 0:
        name = f'{last.upper()} {first}'
    elif style == 1:
        name = ascii(first) + ' ' + last.lower()
    elif style == 2:
        # a typo in the last name
        i = rng.randrange(1, len(last))
        name = f'{first} {last[:i]}{last[i:][1:] or "e"}' if len(last) > 3 \
            else f'{first} {last}e'
    elif style == 3:
        name = f'  {first}   {last} '
    else:
        name = f'{first} {last}'
    phones = contact['phones']
    if phones and rng.random() < 0.7:
        number = phones[0].replace('+32 ', '0').replace(' ', '')
        phones = [rng.choice([number, phones[0].replace(' ', ''),
                    '0032' + number[1:]])]
    elif rng.random() < 0.5:
        phones = []
    emails = contact['emails']
    if emails and rng.random() < 0.6:
        emails = [rng.choice([emails[0].upper(), emails[0]])]
    elif style != 2:
        emails = []
    street = contact['street'][0] if contact['street'] else ''
    if street and rng.random() < 0.5:
        street = street.replace('Rue', 'r.').replace('Avenue', 'Av.')
    return {
        'id': new_id, 'first': first, 'last': last, 'name': name,
        'emails': emails, 'phones': phones, 'street': [street],
        'postal_code': contact['postal_code'], 'city': contact['city'],
        }


def contacts(n, duplicate_rate=0.02, seed=2026, start_id=1):
    rng = random.Random(seed)
    originals = int(n / (1 + duplicate_rate))
    result = []
    for i in range(originals):
        first, last = rng.choice(FIRST), last_name(rng)
        postal_code, city = rng.choice(SECTIONS)
        phone = '+32 %d %02d %02d %02d' % (
            rng.choice([65, 470, 471, 472, 475, 477, 478, 479, 485, 496]),
            rng.randint(10, 99), rng.randint(10, 99), rng.randint(10, 99))
        result.append({
                'id': start_id + i, 'first': first, 'last': last,
                'name': f'{first} {last}',
                'emails': [f'{ascii(first)}.{ascii(last)}{i}@'
                    f'{rng.choice(DOMAINS)}'] if rng.random() < 0.8 else [],
                'phones': [phone] if rng.random() < 0.6 else [],
                'street': [f'{rng.choice(STREETS)} {rng.randint(1, 250)}'],
                'postal_code': postal_code, 'city': city,
                })
    pairs = set()
    next_id = start_id + originals
    while len(result) < n:
        original = rng.choice(result[:originals])
        copy = _variant(rng, original, next_id)
        result.append(copy)
        pairs.add((original['id'], next_id))
        next_id += 1
    rng.shuffle(result)
    return result, pairs


def rows(contacts_, existing_share, seed=7):
    """Import rows (header + values) for contacts, as a service's Excel
    list with French headers"""
    rng = random.Random(seed)
    header = ["Civilité", "Prénom", "Nom", "E-mail", "Téléphone", "Rue",
        "CP", "Localité", "Langue"]
    data = []
    for contact in contacts_:
        data.append([rng.choice(["M.", "Mme", ""]), contact['first'],
                contact['last'],
                contact['emails'][0] if contact['emails'] else '',
                contact['phones'][0] if contact['phones'] else '',
                contact['street'][0] if isinstance(contact['street'], list)
                and contact['street'] else contact['street'] or '',
                contact['postal_code'], contact['city'],
                rng.choice(["FR", "FR", "FR", "NL", "fr"])])
    return header, data
