# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""The home each role lands on after login.

A home is a board (a Tryton dashboard view) of the lists that wait for
the role, each with tabs that count what is to do. ``mons.home`` says
which board a group opens; a user opens the board of their first group
by sequence, unless they chose their own login actions in their
preferences. The boards live in home.xml; each module puts its lists on
them with ``mons.home.panel`` records (its own home.xml): Tryton does not
let a view inherit a board, and a panel the user may not read is left
out instead of showing an access error."""
from lxml import etree

from trytond.model import ModelSQL, ModelView, fields, sequence_ordered
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction
from trytond.wizard import StateAction, Wizard


class Home(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'mons.home'
    __string__ = "Home of a Role"

    group = fields.Many2One('res.group', "Group", required=True,
        ondelete='CASCADE')
    action = fields.Many2One('ir.action.act_window', "Board", required=True,
        ondelete='CASCADE', domain=[('res_model', '=', None)],
        help="The board opened after login.")

    @classmethod
    def home_of(cls, group_ids):
        "The home of the first group by sequence among group_ids"
        homes = cls.search([('group', 'in', list(group_ids))], limit=1)
        return homes[0] if homes else None


class HomePanel(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'mons.home.panel'
    __string__ = "Home Panel"

    board = fields.Many2One('ir.ui.view', "Board", required=True,
        ondelete='CASCADE', domain=[('type', '=', 'board')])
    action = fields.Many2One('ir.action.act_window', "List", required=True,
        ondelete='CASCADE', domain=[('res_model', '!=', None)])

    @classmethod
    def panels_of(cls, board_id):
        "Actions of the panels of the board the user may read"
        ModelAccess = Pool().get('ir.model.access')
        return [p.action for p in cls.search([('board', '=', board_id)])
            if ModelAccess.check(
                p.action.res_model, 'read', raise_exception=False)]


class View(metaclass=PoolMeta):
    __name__ = 'ir.ui.view'

    def view_get(self, model=None):
        result = super().view_get(model=model)
        if result.get('type') == 'board' and not self.inherit:
            actions = Pool().get('mons.home.panel').panels_of(self.id)
            if actions:
                tree = etree.fromstring(result['arch'])
                for action in actions:
                    tree.append(etree.Element('action', name=str(action.id)))
                result = dict(result,
                    arch=etree.tostring(tree, encoding='unicode'))
        return result


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def _get_preferences(cls, user, context_only=False):
        pool = Pool()
        Home = pool.get('mons.home')
        preferences = super()._get_preferences(
            user, context_only=context_only)
        if context_only or user.actions:
            return preferences
        if user.id == Transaction().user:
            groups = cls.get_groups()
        else:
            groups = [g.id for g in user.groups]
        home = Home.home_of(groups)
        if home:
            actions = list(preferences.get('actions') or [])
            actions.append(home.action.action.id)
            preferences['actions'] = actions
        return preferences


class OpenHome(Wizard):
    __name__ = 'mons.home.open'
    start = StateAction('mons_base.act_board_employee')

    def do_start(self, action):
        pool = Pool()
        Home = pool.get('mons.home')
        User = pool.get('res.user')
        home = Home.home_of(User.get_groups())
        if home:
            action = home.action.action.get_action_value()
        return action, {}
