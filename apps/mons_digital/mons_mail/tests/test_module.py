from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class MonsMailTestCase(CompanyTestMixin, ModuleTestCase):
    "Test mons_mail module"
    module = 'mons_mail'


del ModuleTestCase
