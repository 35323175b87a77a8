from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class MonsHrTimeTestCase(CompanyTestMixin, ModuleTestCase):
    "Test mons_hr_time module"
    module = 'mons_hr_time'


del ModuleTestCase
