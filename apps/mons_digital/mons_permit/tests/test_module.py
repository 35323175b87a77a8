import datetime as dt

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.mons_base.tests import (
    DeskViewsTestMixin, FrenchTranslationTestMixin)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class MonsPermitTestCase(
        DeskViewsTestMixin, FrenchTranslationTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test Mons Permit module"
    module = 'mons_permit'

    @property
    def _skip_company_rule(self):
        # Permits are the City's only; who sees a file is decided by the
        # groups (urbanism staff) and, for citizens, by the portal's rule on
        # the applicant: a company rule would hide their own files from
        # portal users, who belong to no organisation.
        return super()._skip_company_rule | {('permit.file', 'company')}

    @with_transaction()
    def test_procedure_types_shipped(self):
        "The 15 procedure types of the CoDT and environment are shipped"
        ProcedureType = Pool().get('permit.procedure_type')
        codes = {t.code for t in ProcedureType.search([])}
        self.assertEqual(codes, {
                'PU', 'PU_SANS_ARCHI', 'PURB', 'CU1', 'CU2', 'PPUB', 'PUN1',
                'PUN2', 'PINT', 'PIC', 'PE1', 'PE2', 'DECL3', 'DIV', 'NOT'})
        pe1, = ProcedureType.search([('code', '=', 'PE1')])
        self.assertEqual(pe1.decision_days, 140)

    @with_transaction()
    def test_deposit_gives_reference(self):
        "The deposit gives a reference and the decision due is computed"
        pool = Pool()
        File = pool.get('permit.file')
        Party = pool.get('party.party')
        ProcedureType = pool.get('permit.procedure_type')
        company = create_company()
        with set_company(company):
            party, = Party.create([{'name': "Jean Dupont"}])
            pu, = ProcedureType.search([('code', '=', 'PU')])
            file, = File.create([{'procedure_type': pu.id,
                        'applicant': party.id, 'object': "Véranda",
                        'deposit_date': dt.date(2026, 4, 3)}])
            File.deposit([file])
            self.assertEqual(file.state, 'deposited')
            self.assertTrue(file.reference.startswith('URB/'))
            self.assertEqual(file.completeness_due, dt.date(2026, 4, 23))


del ModuleTestCase
