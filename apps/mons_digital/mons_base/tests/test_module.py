import datetime as dt

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from trytond.modules.mons_base.tests.tools import (
    DeskViewsTestMixin, FrenchTranslationTestMixin)
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class MonsBaseTestCase(
        DeskViewsTestMixin, FrenchTranslationTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test Mons Base module"
    module = 'mons_base'

    @property
    def _skip_company_rule(self):
        # Holidays without organisation are shared: the rule there is an OR.
        # Services are the organisation chart every staff user reads: their
        # global rule covers create, write and delete only. The
        # municipality's main organisation is public: every page shows it.
        return super()._skip_company_rule | {('mons.holiday', 'company'),
            ('mons.service', 'company'),
            ('mons.municipality', 'organisation')}

    @with_transaction()
    def test_working_days_skip_weekend_and_holidays(self):
        pool = Pool()
        Holiday = pool.get('mons.holiday')
        company = create_company()
        Holiday.create([{'date': dt.date(2026, 12, 25), 'name': "Noël"}])
        # Thursday 24 + 1 working day: Friday 25 is a holiday -> Monday 28
        self.assertEqual(
            Holiday.add_working_days(dt.date(2026, 12, 24), 1, company),
            dt.date(2026, 12, 28))
        self.assertEqual(Holiday.working_days_between(
                dt.date(2026, 12, 21), dt.date(2026, 12, 27)), 4)

    @with_transaction()
    def test_belgian_french_dates(self):
        "French is written as in Belgium, 03/12/2026, not 03.12.2026"
        Lang = Pool().get('ir.lang')
        self.assertEqual(Lang.get('fr').strftime(dt.date(2026, 12, 3)),
            '03/12/2026')

    def test_report_filenames_keep_no_separator(self):
        from trytond.modules.mons_base.report_filename import safe_filename
        self.assertEqual(safe_filename('Étiquette-E/2026/00012'),
            'Étiquette-E-2026-00012')
        self.assertEqual(safe_filename('a:b*c?"d"<e>|f\\g'), 'a-b-c-d-e-f-g')
        self.assertEqual(safe_filename('/..'), 'document')

    @with_transaction()
    def test_services_of_user(self):
        pool = Pool()
        Service = pool.get('mons.service')
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')
        User = pool.get('res.user')
        company = create_company()
        with set_company(company):
            boss, agent = Employee.create([
                    {'party': Party.create([{'name': "Boss"}])[0].id,
                        'company': company.id},
                    {'party': Party.create([{'name': "Agent"}])[0].id,
                        'company': company.id},
                    ])
            top, = Service.create([{'name': "Direction", 'code': 'DG',
                        'company': company.id, 'kind': 'direction',
                        'manager': boss.id}])
            child, = Service.create([{'name': "Cell", 'code': 'DG-C',
                        'company': company.id, 'parent': top.id,
                        'members': [('add', [agent.id])]}])
            other, = Service.create([{'name': "Other", 'code': 'OT',
                        'company': company.id}])
            u_boss, u_agent = User.create([
                    {'login': 'boss', 'employees': [('add', [boss.id])],
                        'employee': boss.id},
                    {'login': 'agent', 'employees': [('add', [agent.id])],
                        'employee': agent.id},
                    ])
            self.assertEqual(Service.services_of_user(u_boss.id),
                sorted([top.id, child.id]))
            self.assertEqual(Service.services_of_user(u_agent.id), [child.id])
            self.assertEqual(Service.search([('users', '=', u_agent.id)]),
                [child])
            self.assertEqual(child.rec_name, 'DG-C - Cell')

    @with_transaction()
    def test_service_chart_read_by_staff_changed_by_organisation(self):
        "Staff read every organisation's services, change only their own"
        pool = Pool()
        Service = pool.get('mons.service')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        from trytond.exceptions import UserError
        from trytond.transaction import Transaction
        city = create_company(name="Ville")
        cpas = create_company(name="CPAS")
        city_service, = Service.create([{'name': "Urbanisme", 'code': 'URB',
                    'company': city.id, 'kind': 'direction'}])
        cpas_service, = Service.create([{'name': "Action sociale",
                    'code': 'AS', 'company': cpas.id, 'kind': 'direction'}])
        manager = ModelData.get_id('mons_base', 'group_hr_manager')
        public = ModelData.get_id('mons_base', 'group_public')
        staff, outsider = User.create([
                # Like the admin, who holds every group, Public included
                {'login': 'rh_cpas', 'groups': [('add', [manager, public])],
                    'companies': [('add', [cpas.id])], 'company': cpas.id},
                {'login': 'visitor', 'groups': [('add', [public])],
                    'companies': [('add', [cpas.id])], 'company': cpas.id},
                ])
        transaction = Transaction()
        with transaction.set_user(staff.id), \
                transaction.set_context(_check_access=True,
                    company=cpas.id, companies=[cpas.id]):
            self.assertEqual(
                {r['rec_name'] for r in Service.read(
                        [city_service.id, cpas_service.id], ['rec_name'])},
                {'URB - Urbanisme', 'AS - Action sociale'})
            self.assertEqual(len(Service.search([])), 2)
            Service.write([Service(cpas_service.id)], {'phone': '065'})
            with self.assertRaises(UserError):
                Service.write([Service(city_service.id)], {'phone': '065'})
        with transaction.set_user(outsider.id), \
                transaction.set_context(_check_access=True,
                    company=cpas.id, companies=[cpas.id]):
            self.assertEqual(Service.search([]), [Service(cpas_service.id)])
            with self.assertRaises(UserError):
                Service.read([city_service.id], ['name'])


del ModuleTestCase
