"Data migrations of the site (patches/), each applied once."
from trytond.model import Exclude, ModelSQL, ModelView, fields
from sql.operators import Equal


class Patch(ModelSQL, ModelView):
    __name__ = 'mons.site.patch'

    name = fields.Char("Name", required=True, readonly=True)
    applied = fields.DateTime("Applied", required=True, readonly=True)
    duration = fields.Float("Duration (s)", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('name_unique', Exclude(t, (t.name, Equal)),
                'mons_base.msg_patch_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))
