"""Demo data of recruitment: openings of the City and of the CPAS (some
published on the portal, one draft) and applications at every step of
the selection, one of them a duplicate. The demo's applicants have no
e-mail address when a decision is taken: no message leaves the demo."""
import datetime as dt

from trytond.pool import Pool

OPENINGS = [
    # organisation, service, title, contract, hours, days left, publish,
    # the job, what we look for
    ('VILLE', 'TRAV-VOI', "Ouvrier ou ouvrière de voirie", 'permanent', 38,
        30, True,
        "Vous entretenez les rues de Mons : nids-de-poule, trottoirs, "
        "signalisation. Vous travaillez en équipe, dehors, avec des "
        "outils et de petits engins.",
        "Être en bonne forme physique.\nAimer le travail en équipe.\n"
        "Le permis B est un plus, pas une obligation."),
    ('VILLE', 'TRAV-PROP', "Agent ou agente de propreté publique",
        'fixed_term', 38, 20, True,
        "Vous gardez propres les places, les parcs et les rues du centre. "
        "Horaire de jour, parfois le samedi.",
        "Être ponctuel.\nAimer le contact avec les habitants."),
    ('VILLE', 'CULT', "Agent ou agente d'accueil au musée", 'replacement',
        19, 45, False,
        "Vous accueillez les visiteurs et vous les orientez.",
        "Aimer le contact. Parler une autre langue est un plus."),
    ('CPAS', 'CPAS-SOC', "Aide familial ou aide familiale", 'permanent',
        30.4, 25, True,
        "Vous aidez des personnes âgées ou malades chez elles : courses, "
        "repas, petit entretien, présence.",
        "Le certificat d'aide familiale.\nÊtre patient et à l'écoute."),
    ('CPAS', 'CPAS-INS', "Commis de cuisine (article 60)", 'article_60',
        38, 40, True,
        "Vous préparez les repas du restaurant social avec le cuisinier. "
        "Un contrat pour reprendre pied dans le travail.",
        "Aimer cuisiner. Aucune expérience n'est demandée."),
    ]

APPLICANTS = [
    # opening index, name, phone, e-mail, experience, steps, received days ago
    (0, "Youssef Benali", '0470 12 34 56', None,
        "J'ai travaillé 5 ans dans le bâtiment, surtout du pavage.",
        ['screen', 'interview'], 12),
    (0, "Kevin Delattre", '0471 22 33 44', None,
        "Manœuvre en intérim, puis jardinier.", ['screen', 'reject'], 20),
    (0, "Grégory Lhoir", '0472 98 76 54', 'gregory.lhoir@example.be',
        "Pas de diplôme mais je sais conduire une mini-pelle.", [], 2),
    (0, "Y. Benali", '+32 470 12 34 56', None,
        "Je renvoie ma candidature au cas où.", [], 1),
    (1, "Fatima El Amrani", '0473 45 67 89', None,
        "J'ai nettoyé des bureaux pendant 3 ans, le matin tôt.",
        ['screen', 'test'], 9),
    (1, "Marc Haulotte", '0474 10 20 30', None,
        "Ouvrier communal à Quévy pendant 2 ans.",
        ['screen', 'interview', 'accept'], 30),
    (3, "Aïcha Naveau", '0475 55 44 33', 'aicha.naveau@example.be',
        "J'ai gardé ma grand-mère pendant deux ans et je fais le ménage "
        "chez des voisins.", ['screen'], 5),
    (3, "Céline Mahieu", '0476 66 77 88', None,
        "Aide familiale diplômée, 10 ans dans une ASBL.",
        ['screen', 'interview'], 15),
    (4, "Mehdi Carlier", '0477 11 11 11', None,
        "J'aime cuisiner pour ma famille, j'ai fait la plonge dans une "
        "brasserie.", ['withdraw'], 8),
    (4, "Sarah Debève", '0478 22 22 22', None, None, [], 3),
    ]


def load_demo(rng):
    pool = Pool()
    Company = pool.get('company.company')
    Service = pool.get('mons.service')
    Opening = pool.get('hr.job.opening')
    Applicant = pool.get('hr.applicant')
    Configuration = pool.get('hr.recruitment.configuration')
    if Opening.search([], limit=1):
        return
    # The settings HR would choose, written so that the desk shows them
    Configuration.write([Configuration(1)], {'retention_months': 24,
            'draft_days': 30, 'cv_max_size': 5})
    companies = {}
    for company in Company.search([]):
        code = 'CPAS' if 'CPAS' in company.rec_name.upper() else 'VILLE'
        companies[code] = company
    services = {s.code: s for s in Service.search([])}
    today = dt.date.today()
    openings = []
    for (org, service, title, contract, hours, days, publish, description,
            profile) in OPENINGS:
        service = services.get(service)
        opening, = Opening.create([{
                    'title': title,
                    'company': companies[org].id,
                    'service': service.id if service else None,
                    'contract_type': contract,
                    'hours': hours,
                    'closing_date': today + dt.timedelta(days=days),
                    'location': "Mons",
                    'description': description,
                    'profile': profile,
                    }])
        if publish:
            Opening.publish([opening])
        openings.append(opening)
    now = dt.datetime.now().replace(microsecond=0)
    for (index, name, phone, email, experience, steps,
            ago) in APPLICANTS:
        applicant, = Applicant.create([{
                    'opening': openings[index].id,
                    'name': name,
                    'phone': phone,
                    'email': email,
                    'experience_text': experience,
                    'state': 'received',
                    'source': 'portal',
                    'received_date': now - dt.timedelta(
                        days=ago, hours=rng.randint(0, 8)),
                    'state_date': today - dt.timedelta(days=ago),
                    }])
        applicant.sms_text = applicant.make_sms_text()
        applicant.save()
        for step in steps:
            getattr(Applicant, step)([applicant])
