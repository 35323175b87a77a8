"""The desk's chrome and homes: menus lead somewhere, each role lands on
its home, the user's name comes without a currency."""
import unittest

from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction


class DeskTestCase(unittest.TestCase):
    "Test the desk of Mons Base"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module('mons_base')

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def user(self, login, groups):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user, = User.create([{'login': login, 'groups': [('add', [
                            ModelData.get_id('mons_base', g)
                            for g in groups])]}])
        return user

    def visible_menus(self, user):
        Menu = Pool().get('ir.ui.menu')
        with Transaction().set_user(user.id), \
                Transaction().set_context(_check_access=True):
            return {m.id for m in Menu.search([])}

    @with_transaction()
    def test_folder_without_usable_entry_is_hidden(self):
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        admin_group = ModelData.get_id('mons_base', 'group_admin')
        act = ModelData.get_id('mons_base', 'act_holiday')
        folder, = Menu.create([{'name': "Folder"}])
        entry, = Menu.create([{'name': "Entry", 'parent': folder.id,
                    'action': f'ir.action.act_window,{act}',
                    'groups': [('add', [admin_group])]}])
        employee = self.user('employee', ['group_employee'])
        admin = self.user('fadmin', ['group_admin'])

        menus = self.visible_menus(employee)
        self.assertNotIn(entry.id, menus)
        self.assertNotIn(folder.id, menus)
        menus = self.visible_menus(admin)
        self.assertIn(entry.id, menus)
        self.assertIn(folder.id, menus)

        with Transaction().set_user(employee.id), \
                Transaction().set_context(_check_access=True):
            self.assertEqual(Menu.search(
                    [('id', '=', folder.id)], count=True), 0)

    @with_transaction()
    def test_tryton_party_menu_is_for_the_admin(self):
        ModelData = Pool().get('ir.model.data')
        party = ModelData.get_id('party', 'menu_party')
        self.assertNotIn(party,
            self.visible_menus(self.user('employee2', ['group_employee'])))
        self.assertIn(party,
            self.visible_menus(self.user('fadmin2', ['group_admin'])))

    @with_transaction()
    def test_home_of_the_first_group(self):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action')

        def home(user):
            with Transaction().set_user(user.id):
                return User.get_preferences()['actions']

        def board(name):
            return Action.get_action_id(
                ModelData.get_id('mons_base', f'act_board_{name}'))

        employee = self.user('employee', ['group_employee'])
        chef = self.user('chef', ['group_employee', 'group_service_agent',
                'group_service_manager'])
        hr = self.user('rh', ['group_employee', 'group_hr_officer',
                'group_service_manager'])
        self.assertEqual(home(employee), [board('employee')])
        self.assertEqual(home(chef), [board('manager')])
        self.assertEqual(home(hr), [board('hr')])

        # Login actions the user chose replace the home
        own = Action.get_action_id(ModelData.get_id('mons_base', 'act_holiday'))
        User.write([chef], {'actions': [('add', [own])]})
        self.assertEqual(home(chef), [own])

    @with_transaction()
    def test_home_menu_opens_the_home(self):
        pool = Pool()
        OpenHome = pool.get('mons.home.open', type='wizard')
        ModelData = pool.get('ir.model.data')
        chef = self.user('chef', ['group_employee', 'group_service_manager'])
        with Transaction().set_user(chef.id):
            session_id, _, _ = OpenHome.create()
            result = OpenHome.execute(session_id, {}, 'start')
        action, = result['actions']
        self.assertEqual(action[0]['id'], Pool().get('ir.action').get_action_id(
                ModelData.get_id('mons_base', 'act_board_manager')))

    @with_transaction()
    def test_status_bar_without_currency(self):
        pool = Pool()
        User = pool.get('res.user')
        company = create_company()
        with set_company(company):
            user, = User.create([{'login': 'someone', 'name': "Eric Mahy",
                        'companies': [('add', [company.id])],
                        'company': company.id}])
            self.assertEqual(user.status_bar, "Eric Mahy")
            self.assertNotIn('[', user.status_bar)
