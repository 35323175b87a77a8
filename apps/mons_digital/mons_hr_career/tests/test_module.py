from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.mons_base.tests import (
    DeskViewsTestMixin, FrenchTranslationTestMixin)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class MonsHrCareerTestCase(
        DeskViewsTestMixin, FrenchTranslationTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test Mons HR Career module"
    module = 'mons_hr_career'

    @property
    def _skip_company_rule(self):
        # Scanned files follow their import's rule (__access__)
        return super()._skip_company_rule | {
            ('hr.career.scan.line', 'company')}

    @with_transaction()
    def test_job_description_competencies(self):
        "A job description lists competencies with a level of their own"
        pool = Pool()
        Competency = pool.get('hr.competency')
        Job = pool.get('hr.job.description')
        company = create_company()
        with set_company(company):
            comp, other = Competency.create([
                    {'code': 'COM', 'name': "Communication",
                        'kind': 'behavioural',
                        'levels': [('create', [
                                    {'name': "Base", 'sequence': 1},
                                    {'name': "Expert", 'sequence': 2}])]},
                    {'code': 'EXC', 'name': "Excel",
                        'levels': [('create', [{'name': "Base"}])]},
                    ])
            self.assertEqual([l.rank for l in comp.levels], [1, 2])
            job, = Job.create([{'name': "Accueil", 'company': company.id,
                        'objectives': "Accueillir\n\n Orienter ",
                        'competencies': [('create', [{
                                        'competency': comp.id,
                                        'level': comp.levels[1].id}])]}])
            self.assertEqual(job.competencies[0].kind, 'behavioural')
            self.assertEqual(job.objective_lines(),
                ["Accueillir", "Orienter"])
            from trytond.model.exceptions import DomainValidationError
            with self.assertRaises(DomainValidationError):
                Job.write([job], {'competencies': [('create', [{
                                    'competency': other.id,
                                    'level': comp.levels[0].id}])]})


del ModuleTestCase
