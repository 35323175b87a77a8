from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class MonsCrmTestCase(CompanyTestMixin, ModuleTestCase):
    "Test mons_crm module"
    module = 'mons_crm'


del ModuleTestCase
