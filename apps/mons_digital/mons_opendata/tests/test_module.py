from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class MonsOpendataTestCase(CompanyTestMixin, ModuleTestCase):
    "Test mons_opendata module"
    module = 'mons_opendata'


del ModuleTestCase
