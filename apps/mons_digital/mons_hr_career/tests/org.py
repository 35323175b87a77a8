"A small City and CPAS with staff, services and career files, for tests."
import contextlib
import datetime as dt
from decimal import Decimal

from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.transaction import Transaction


@contextlib.contextmanager
def as_user(user):
    "Act as user with the access rights and record rules enforced"
    with Transaction().set_user(user.id), \
            Transaction().set_context(_check_access=True, language='fr',
                company=user.company.id if user.company else None,
                employee=user.employee.id if user.employee else None):
        yield


class Org:
    "City (ville) and CPAS, agents with career files and demo-like roles"

    def __init__(self):
        self.ville = create_company(name="Ville de Mons")
        self.cpas = create_company(name="CPAS de Mons",
            currency=self.ville.currency)
        self.ctx = set_company(self.ville)
        self.ctx.__enter__()
        try:
            self.build()
        except BaseException:
            self.close()
            raise

    def build(self):
        pool = Pool()
        Service = pool.get('mons.service')
        Type = pool.get('hr.career.document.type')
        Competency = pool.get('hr.competency')
        Job = pool.get('hr.job.description')
        Mention = pool.get('hr.evaluation.mention')
        self.chef = self.employee("Chantal Chef")
        self.alice = self.employee("Alice Agent")
        self.bob = self.employee("Bob Agent")
        self.other = self.employee("Olivier Autre")
        self.rh = self.employee("Rachid RH")
        self.corinne = self.employee("Corinne CPAS", self.cpas)
        self.rh_cpas = self.employee("Carla RH CPAS", self.cpas)
        self.service, = Service.create([{'name': "Culture", 'code': 'CULT',
                    'company': self.ville.id, 'manager': self.chef.id,
                    'members': [('add', [self.alice.id, self.bob.id])]}])
        self.other_service, = Service.create([{'name': "Travaux",
                    'code': 'TRAV', 'company': self.ville.id,
                    'members': [('add', [self.other.id])]}])
        self.hr_service, = Service.create([{'name': "RH",
                    'code': 'RH', 'company': self.ville.id,
                    'members': [('add', [self.rh.id])]}])
        self.cpas_service, = Service.create([{'name': "Social",
                    'code': 'CPAS-SOC', 'company': self.cpas.id,
                    'members': [('add', [self.corinne.id])]}])
        self.types = {t.code: t for t in Type.create([
                    {'code': 'CONTRAT', 'name': "Contrat",
                        'retention_years': 50, 'retention_from': 'exit'},
                    {'code': 'DISC', 'name': "Disciplinaire",
                        'confidential': True, 'retention_years': 5,
                        'retention_from': 'document',
                        'delete_after_retention': True},
                    {'code': 'EVAL', 'name': "Évaluation",
                        'retention_years': 10, 'retention_from': 'document'},
                    {'code': 'TRAIN', 'name': "Attestation de formation",
                        'retention_from': 'exit'},
                    ])}
        self.communication, self.excel = Competency.create([
                {'code': 'COM', 'name': "Communication",
                    'kind': 'behavioural',
                    'levels': [('create', [
                                {'name': "Notions", 'sequence': 1},
                                {'name': "Autonome", 'sequence': 2},
                                {'name': "Expert", 'sequence': 3}])]},
                {'code': 'XLS', 'name': "Tableur",
                    'levels': [('create', [
                                {'name': "Notions", 'sequence': 1},
                                {'name': "Autonome", 'sequence': 2}])]},
                ])
        self.job, = Job.create([{'name': "Agent d'accueil",
                    'company': self.ville.id, 'service': self.service.id,
                    'objectives': "Accueillir le public\nTenir l'agenda",
                    'competencies': [('create', [
                                {'competency': self.communication.id,
                                    'level': self.communication.levels[1].id},
                                {'competency': self.excel.id,
                                    'level': self.excel.levels[1].id},
                                ])]}])
        Mention.create([
                {'name': "Insuffisante", 'min_score': Decimal(0)},
                {'name': "À améliorer", 'min_score': Decimal('1.5')},
                {'name': "Positive", 'min_score': Decimal('2.5'),
                    'favourable': True},
                {'name': "Excellente", 'min_score': Decimal('3.5'),
                    'favourable': True},
                ])
        self.files = {}
        for employee, number, statute, hired, service in [
                (self.alice, 'V001', 'statutory', dt.date(2018, 3, 15),
                    self.service),
                (self.bob, 'V002', 'contractual', dt.date(2025, 9, 1),
                    self.service),
                (self.chef, 'V003', 'statutory', dt.date(2010, 1, 4),
                    self.service),
                (self.other, 'V004', 'statutory', dt.date(2015, 6, 1),
                    self.other_service),
                (self.rh, 'V005', 'contractual', dt.date(2019, 2, 1),
                    self.hr_service),
                (self.corinne, 'C001', 'contractual', dt.date(2020, 5, 1),
                    self.cpas_service),
                ]:
            self.files[employee.id] = self.career_file(employee, number,
                statute, hired, service)
        self.u_chef = self.user('chef', self.chef, ['group_service_manager'])
        self.u_alice = self.user('alice', self.alice)
        self.u_bob = self.user('bob', self.bob)
        self.u_rh = self.user('rh', self.rh, ['group_hr_officer'])
        self.u_cpas = self.user('cpas', self.corinne, company=self.cpas)
        self.u_rh_cpas = self.user('rhcpas', self.rh_cpas,
            ['group_hr_officer'], self.cpas)

    def close(self):
        self.ctx.__exit__(None, None, None)

    def employee(self, name, company=None):
        pool = Pool()
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        party, = Party.create([{'name': name}])
        return Employee.create([{'party': party.id,
                    'company': (company or self.ville).id}])[0]

    def career_file(self, employee, number, statute, hired, service,
            job=None):
        File = Pool().get('hr.career.file')
        job = job if job is not None else (
            self.job if service == self.service else None)
        file, = File.create([{'employee': employee.id,
                    'company': employee.company.id,
                    'agent_number': number, 'hire_date': hired,
                    'appointment_date': (hired if statute == 'statutory'
                        else None),
                    'events': [('create', [{
                                    'kind': 'hire',
                                    'effective_date': hired,
                                    'statute': statute, 'grade': 'D4',
                                    'scale': 'D4', 'step': 0,
                                    'service': service.id,
                                    'job_description': job.id if job
                                    else None,
                                    'working_time': 1.0}])]}])
        return file

    def file(self, employee):
        return Pool().get('hr.career.file')(self.files[employee.id].id)

    def user(self, login, employee, groups=(), company=None):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        company = company or self.ville
        group_ids = [ModelData.get_id('mons_base', g)
            for g in ('group_employee',) + tuple(groups)]
        user, = User.create([{'login': login, 'name': login,
                    'employees': [('add', [employee.id])],
                    'employee': employee.id,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'groups': [('add', group_ids)]}])
        return user
