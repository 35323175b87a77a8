"""Demo data of careers: document types, a competency dictionary, job
descriptions, mentions, a career file for each demo agent, evaluation
cycles of the year with their evaluations, a training catalogue with
sessions, budgets and requests, and a scan import with a file to review;
then the recruitment demo. Each part looks its data up first, so that a
second run adds nothing."""
import datetime as dt
import io
import random
import zipfile
from decimal import Decimal

from trytond.pool import Pool

from .dates import add_months

DOCUMENT_TYPES = [
    # code, name, confidential, years, from, delete after
    ('CONTRAT', "Contrat et avenants", False, 50, 'exit', False),
    ('DIPLOME', "Diplôme", False, None, 'exit', False),
    ('EVAL', "Évaluation", False, 10, 'document', False),
    ('MED', "Aptitude médicale", True, 5, 'document', True),
    ('DISC', "Mesure disciplinaire", True, 5, 'document', True),
    ('TRAIN', "Attestation de formation", False, 10, 'exit', False),
    ]
LEVELS = ["Notions", "Pratique", "Maîtrise", "Expertise"]
LEVEL_TEXTS = [
    "Connaît les bases, a besoin d'être accompagné.",
    "Applique seul dans les situations courantes.",
    "Maîtrise les situations complexes et conseille les collègues.",
    "Fait référence, forme les autres et fait évoluer les pratiques.",
    ]
COMPETENCIES = [
    ('ACC', "Accueil du public", 'behavioural'),
    ('COM', "Communication écrite", 'behavioural'),
    ('EQU', "Travail en équipe", 'behavioural'),
    ('USA', "Orientation usager", 'behavioural'),
    ('BUR', "Bureautique", 'technical'),
    ('LEG', "Législation communale", 'technical'),
    ('PRJ', "Gestion de projet", 'technical'),
    ('SEC', "Sécurité sur chantier", 'technical'),
    ('SOC', "Aide sociale (loi organique des CPAS)", 'technical'),
    ]
# name, grade, mission, objectives, {competency code: level index}
JOBS = [
    ("Agent administratif", 'D4',
        "Traiter les dossiers du service et renseigner les usagers.",
        "Traiter les dossiers dans les délais\nAccueillir les usagers",
        {'ACC': 1, 'COM': 1, 'BUR': 2, 'LEG': 1}),
    ("Chef de service", 'A1',
        "Diriger le service, planifier le travail et évaluer l'équipe.",
        "Atteindre les objectifs du plan stratégique\nÉvaluer l'équipe",
        {'COM': 2, 'EQU': 2, 'PRJ': 2, 'LEG': 2}),
    ("Agent technique", 'D2',
        "Exécuter les travaux d'entretien et de voirie.",
        "Réaliser les interventions planifiées\nRespecter la sécurité",
        {'SEC': 2, 'EQU': 1}),
    ("Assistant social", 'B1',
        "Accompagner les usagers et instruire les demandes d'aide.",
        "Instruire les demandes dans le délai légal\nAccompagner les usagers",
        {'SOC': 2, 'USA': 2, 'COM': 1}),
    ]
MENTIONS = [("Insuffisante", '0', False), ("À améliorer", '1.5', False),
    ("Positive", '2.5', True), ("Excellente", '3.5', True)]
COURSES = [
    # name, kind, hours, cost, {competency: level index}
    ("Accueil des publics fragiles", 'internal', 7, 0, {'ACC': 2}),
    ("Excel perfectionnement", 'external', 14, 350, {'BUR': 2}),
    ("Marchés publics : les bases", 'external', 21, 600, {'LEG': 2}),
    ("Sécurité sur chantier (VCA)", 'external', 16, 420, {'SEC': 2}),
    ("Gestion de projet", 'external', 21, 750, {'PRJ': 2}),
    ]


def _get_or_create(Model, domain, values):
    records = Model.search(domain, limit=1)
    if records:
        return records[0]
    return Model.create([values])[0]


def _org_code(company):
    return 'CPAS' if 'CPAS' in company.rec_name.upper() else 'VILLE'


def load_demo(rng):
    pool = Pool()
    Company = pool.get('company.company')
    seeds = [rng.random() for _ in range(4)]
    types = _load_types()
    competencies = _load_competencies()
    _load_mentions()
    companies = Company.search([])
    jobs = {c.id: _load_jobs(c, competencies) for c in companies}
    files = _load_files(random.Random(seeds[0]), jobs, competencies)
    _load_cycles(random.Random(seeds[1]), companies, files)
    _load_training(random.Random(seeds[2]), companies, competencies, files)
    _load_scans(companies, types)
    _load_documents(types)
    # Recruitment (helper C2's part) after the job descriptions it uses
    from . import recruitment_demo
    recruitment_demo.load_demo(random.Random(seeds[3]))
    # Recruitment (helper-C2's part): openings and applicants
    from . import recruitment_demo
    recruitment_demo.load_demo(random.Random(seeds[3]))


def _load_types():
    Type = Pool().get('hr.career.document.type')
    return {code: _get_or_create(Type, [('code', '=', code)], {
                'code': code, 'name': name, 'confidential': confidential,
                'retention_years': years, 'retention_from': start,
                'delete_after_retention': delete})
        for code, name, confidential, years, start, delete
        in DOCUMENT_TYPES}


def _load_competencies():
    Competency = Pool().get('hr.competency')
    return {code: _get_or_create(Competency, [('code', '=', code)], {
                'code': code, 'name': name, 'kind': kind,
                'levels': [('create', [{'sequence': i + 1, 'name': level,
                                'description': text}
                            for i, (level, text) in enumerate(
                                zip(LEVELS, LEVEL_TEXTS))])]})
        for code, name, kind in COMPETENCIES}


def _load_mentions():
    Mention = Pool().get('hr.evaluation.mention')
    for name, score, favourable in MENTIONS:
        _get_or_create(Mention, [('name', '=', name)], {'name': name,
                'min_score': Decimal(score), 'favourable': favourable})


def _load_jobs(company, competencies):
    Job = Pool().get('hr.job.description')
    org = _org_code(company)
    jobs = {}
    for name, grade, mission, objectives, required in JOBS:
        if (name == "Assistant social") != (org == 'CPAS') \
                and name != "Chef de service":
            continue
        jobs[name] = _get_or_create(Job, [('name', '=', name),
                ('company', '=', company.id)], {
                'name': name, 'company': company.id, 'grade': grade,
                'mission': mission, 'objectives': objectives,
                'competencies': [('create', [{
                                'competency': competencies[c].id,
                                'level': competencies[c].levels[i].id}
                            for c, i in required.items()])]})
    return jobs


def _job_for(employee, service, jobs):
    if service and service.manager == employee:
        return jobs.get("Chef de service")
    if service and service.code.startswith('TRAV'):
        return jobs.get("Agent technique")
    return jobs.get("Assistant social") or jobs.get("Agent administratif")


def _load_files(rng, jobs, competencies):
    pool = Pool()
    Employee = pool.get('company.employee')
    Service = pool.get('mons.service')
    File = pool.get('hr.career.file')
    Profile = pool.get('hr.competency.profile')
    User = pool.get('res.user')
    today = dt.date.today()
    existing = {f.employee.id: f for f in File.search([])}
    logins = {u.employee.id: u.login for u in User.search([
                ('employee', '!=', None)])}
    numbers = {'VILLE': 0, 'CPAS': 0}
    for file in existing.values():
        org = _org_code(file.company)
        numbers[org] = max(numbers[org], int(file.agent_number[1:]))
    to_create = []
    for employee in Employee.search([], order=[('id', 'ASC')]):
        if employee.id in existing:
            continue
        org = _org_code(employee.company)
        numbers[org] += 1
        services = Service.search(['OR', ('members', '=', employee.id),
                ('manager', '=', employee.id)], limit=1)
        service = services[0] if services else None
        job = _job_for(employee, service, jobs[employee.company.id])
        login = logins.get(employee.id, '')
        statutory = rng.random() < 0.6 or login in {'chef', 'rhchef',
            'direction'}
        if login in {'employe', 'agent'}:
            # Their evaluation falls in this year's statutory cycle
            hired = add_months(dt.date(today.year, 3, 1), -12 * 5)
            statutory = True
        else:
            hired = dt.date(rng.randint(2002, today.year - 1),
                rng.randint(1, 12), rng.randint(1, 28))
        fraction = 1.0
        if employee.work_schedules:
            fraction = employee.work_schedules[0].fraction or 1.0
        grade = job.grade if job else 'D4'
        events = [{'kind': 'hire', 'effective_date': hired,
                'statute': 'contractual', 'grade': grade, 'scale': grade,
                'step': 0, 'service': service.id if service else None,
                'job_description': job.id if job else None,
                'working_time': 1.0,
                'contract_reference': f'CT-{hired.year}-{employee.id:04d}'}]
        appointed = None
        if statutory:
            appointed = add_months(hired, 12)
            if appointed < today:
                events.append({'kind': 'appointment',
                        'effective_date': appointed,
                        'statute': 'statutory'})
            else:
                appointed = None
        step_date = add_months(hired, 24)
        step = 0
        while step_date < today and step < 6:
            step += 1
            events.append({'kind': 'step', 'effective_date': step_date,
                    'step': step})
            step_date = add_months(step_date, 24)
        if fraction != 1.0:
            events.append({'kind': 'working_time',
                    'effective_date': add_months(today, -3),
                    'working_time': fraction,
                    'description': "Réduction du temps de travail "
                    "(convenance personnelle)."})
        to_create.append({
                'employee': employee.id, 'company': employee.company.id,
                'agent_number': f'{org[0]}{numbers[org]:04d}',
                'hire_date': hired,
                'trial_end_date': add_months(hired, 12 if statutory else 6),
                'appointment_date': appointed,
                'events': [('create', events)]})
    files = File.create(to_create) if to_create else []
    profiles = []
    for file in files:
        for required in (file.job_description.competencies
                if file.job_description else []):
            if rng.random() < 0.7:
                levels = required.competency.levels
                profiles.append({'file': file.id,
                        'competency': required.competency.id,
                        'level': rng.choice(levels).id,
                        'date': add_months(today, -rng.randint(1, 30))})
    if profiles:
        Profile.create(profiles)
    return File.search([])


def _load_cycles(rng, companies, files):
    pool = Pool()
    Cycle = pool.get('hr.evaluation.cycle')
    Evaluation = pool.get('hr.evaluation')
    Line = pool.get('hr.evaluation.line')
    User = pool.get('res.user')
    today = dt.date.today()
    start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    logins = {u.employee.id: u.login for u in User.search([
                ('employee', '!=', None)])}
    for company in companies:
        org = _org_code(company)
        for population, interval, label in [
                ('statutory', 24, "statutaires"),
                ('contractual', 12, "contractuels"),
                ('trial', None, "stagiaires")]:
            name = f"{org} {today.year} – agents {label}"
            if Cycle.search([('name', '=', name)]):
                continue
            cycle, = Cycle.create([{'name': name, 'company': company.id,
                        'population': population, 'start_date': start,
                        'end_date': end, 'interval_months': interval}])
            Cycle.open([cycle])
            evaluations = Cycle.generate([cycle])
            # Some under way, so that every step is on the desk: the
            # self-service employee has a self-assessment to write, the
            # agent of Culture an interview to hold with the manager
            for evaluation in evaluations:
                roll = rng.random()
                login = logins.get(evaluation.employee.id)
                if login == 'employe':
                    roll = 0.4
                elif login == 'agent':
                    roll = 0.6
                if roll < 0.3:
                    continue
                Evaluation.ask_self_assessment([evaluation])
                if roll < 0.5:
                    continue
                Evaluation.write([evaluation], {'self_assessment':
                        "J'ai atteint mes objectifs et suivi une formation."})
                Evaluation.submit_self_assessment([evaluation])
                if roll < 0.7:
                    continue
                # Held before the due date when that is still ahead, so
                # the demo's states do not depend on the day it is built
                Evaluation.write([evaluation], {'interview_date':
                        min(evaluation.due_date, today)})
                for line in Evaluation(evaluation.id).lines:
                    level = None
                    if line.competency:
                        level = rng.choice(line.competency.levels).id
                    Line.write([line], {'score': rng.choice([2, 3, 3, 4]),
                            'assessed_level': level})
                Evaluation.complete([evaluation])


def _load_training(rng, companies, competencies, files):
    pool = Pool()
    Course = pool.get('hr.training.course')
    Session = pool.get('hr.training.session')
    Budget = pool.get('hr.training.budget')
    Request = pool.get('hr.training.request')
    Service = pool.get('mons.service')
    Party = pool.get('party.party')
    today = dt.date.today()
    provider = _get_or_create(Party, [('name', '=', "Institut provincial "
                "de formation (Hainaut)")],
        {'name': "Institut provincial de formation (Hainaut)"})
    for company in companies:
        courses = []
        for i, (name, kind, hours, cost, gained) in enumerate(COURSES):
            course = _get_or_create(Course, [('name', '=', name),
                    ('company', '=', company.id)], {
                    'name': name, 'company': company.id, 'kind': kind,
                    'provider': provider.id if kind == 'external' else None,
                    'duration': hours, 'cost': Decimal(cost),
                    'competencies': [('create', [{
                                    'competency': competencies[c].id,
                                    'level': competencies[c].levels[l].id}
                                for c, l in gained.items()])]})
            if not course.sessions:
                first = today + dt.timedelta(days=14 + 21 * i)
                Session.create([
                        {'course': course.id, 'company': company.id,
                            'start_date': today - dt.timedelta(days=40),
                            'end_date': today - dt.timedelta(days=39),
                            'places': 12, 'location': "Hôtel de Ville"},
                        {'course': course.id, 'company': company.id,
                            'start_date': first,
                            'end_date': first + dt.timedelta(days=1),
                            'places': 12, 'location': "Hôtel de Ville"},
                        ])
            courses.append(Course(course.id))
        for service in Service.search([('company', '=', company.id)]):
            # From the year of the past sessions (the last one, in early
            # January) to next year's
            first_year = (today - dt.timedelta(days=40)).year
            for year in range(first_year, today.year + 2):
                _get_or_create(Budget, [('service', '=', service.id),
                        ('year', '=', year)], {'company': company.id,
                        'service': service.id, 'year': year,
                        'amount': Decimal(rng.choice([1500, 2500, 4000]))})
        if Request.search([('company', '=', company.id)], limit=1):
            continue
        company_files = [f for f in files if f.company == company
            and f.service]
        rng.shuffle(company_files)
        for n, file in enumerate(company_files[:12]):
            course = rng.choice(courses)
            past, future = sorted(course.sessions,
                key=lambda s: s.start_date)[:2]
            session = past if n % 3 == 0 else future
            request, = Request.create([{'employee': file.employee.id,
                        'company': company.id, 'service': file.service.id,
                        'course': course.id, 'session': session.id,
                        'year': session.start_date.year,
                        'reason': "Renforcer mes compétences pour le "
                        "service."}])
            if n % 4 == 3:
                continue
            Request.request([request])
            if n % 4 == 2:
                continue
            Request.approve([request])
            if session == past:
                Request.attend([request])


def _load_scans(companies, types):
    pool = Pool()
    Import = pool.get('hr.career.scan.import')
    File = pool.get('hr.career.file')
    if Import.search([], limit=1):
        return
    import weasyprint
    for company in companies:
        files = File.search([('company', '=', company.id)],
            order=[('agent_number', 'ASC')], limit=2)
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, 'w') as zf:
            for file in files:
                zf.writestr(f'{file.agent_number}_DIPLOME.pdf',
                    weasyprint.HTML(string=f"<h1>Diplôme</h1><p>"
                        f"{file.employee.rec_name}</p>").write_pdf())
            zf.writestr('scan_0042.pdf', weasyprint.HTML(
                    string="<p>Page sans matricule</p>").write_pdf())
        record, = Import.create([{'company': company.id,
                    'document_type': types['CONTRAT'].id,
                    'data': archive.getvalue(),
                    'filename': f'scans-{_org_code(company).lower()}.zip'}])
        Import.process([record])


def _load_documents(types):
    "A contract for every file, a medical aptitude (confidential) for some"
    pool = Pool()
    File = pool.get('hr.career.file')
    Document = pool.get('hr.career.document')
    if Document.search([('type', '=', types['CONTRAT'].id)], limit=1):
        return
    import weasyprint
    documents = []
    for n, file in enumerate(File.search([])):
        documents.append({'file': file.id, 'type': types['CONTRAT'].id,
                'name': f"Contrat de travail {file.agent_number}",
                'date': file.hire_date, 'filename': 'contrat.pdf',
                'data': weasyprint.HTML(string=f"<h1>Contrat de travail</h1>"
                    f"<p>{file.employee.rec_name}</p>").write_pdf()})
        if n % 3 == 0:
            documents.append({'file': file.id, 'type': types['MED'].id,
                    'name': "Aptitude médicale", 'date': file.hire_date,
                    'filename': 'aptitude.pdf',
                    'data': weasyprint.HTML(string="<p>Apte</p>"
                        ).write_pdf()})
    Document.create(documents)
