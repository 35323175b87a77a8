from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class MonsCartoTestCase(CompanyTestMixin, ModuleTestCase):
    "Test mons_carto module"
    module = 'mons_carto'


del ModuleTestCase
