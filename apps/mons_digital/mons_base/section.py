"The territorial sections (former communes) of the municipality."
from sql.operators import Equal

from trytond.model import Exclude, ModelSQL, ModelView, fields


class Section(ModelSQL, ModelView):
    __name__ = 'mons.section'

    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True, strip=True)
    postal_code = fields.Char("Postal Code", required=True)
    latitude = fields.Float("Latitude", digits=(3, 6),
        help="Approximate centre, WGS84.")
    longitude = fields.Float("Longitude", digits=(3, 6),
        help="Approximate centre, WGS84.")
    nis = fields.Char("NIS Code", strip=True,
        help="Statistical code (Statbel) of the former commune.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Exclude(t, (t.code, Equal)),
                'mons_base.msg_section_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    def get_rec_name(self, name):
        return f'{self.name} ({self.postal_code})'

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('name', *clause[1:]),
            ('postal_code', *clause[1:]),
            ]
