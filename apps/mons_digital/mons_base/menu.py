# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""A folder of the menu shows only when it leads somewhere.

Tryton hides a menu entry whose window the user may not read and the
entries restricted to other groups, but it still shows their folders:
an employee would see "Données ouvertes" with nothing inside. A folder
(an entry without action) is kept only when one of its entries is."""
from trytond.pool import PoolMeta
from trytond.transaction import Transaction


class UIMenu(metaclass=PoolMeta):
    __name__ = 'ir.ui.menu'

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        transaction = Transaction()
        if (query or not transaction.check_access
                or transaction.context.get('_mons_menu_all')):
            return super().search(domain, offset=offset, limit=limit,
                order=order, count=count, query=query)
        menus = super().search(domain, order=order)
        if menus:
            useful = cls._useful_menu_ids()
            menus = [m for m in menus if m.id in useful]
        start = offset or 0
        menus = menus[start:start + limit] if limit is not None else (
            menus[start:])
        if count:
            return len(menus)
        return menus

    @classmethod
    def _useful_menu_ids(cls):
        "Ids of the visible entries that open something or lead to one"
        with Transaction().set_context(_mons_menu_all=True):
            visible = cls.search([])
        children = {}
        for menu in visible:
            children.setdefault(menu.parent.id if menu.parent else None,
                []).append(menu)
        useful = set()

        def visit(menu):
            found = bool(menu.action_keywords)
            for child in children.get(menu.id, []):
                found |= visit(child)
            if found:
                useful.add(menu.id)
            return found
        for menu in children.get(None, []):
            visit(menu)
        return useful
