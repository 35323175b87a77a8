"Addresses of contacts: the municipality's section from the postal code."
from trytond.cache import Cache
from trytond.pool import Pool, PoolMeta
from trytond.model import fields

from .normalize import norm_text
from .personal import _PersonalChildMixin


class Address(_PersonalChildMixin, metaclass=PoolMeta):
    __name__ = 'party.address'

    section = fields.Many2One('mons.section', "Section",
        readonly=True, ondelete='SET NULL',
        help="Filled from the postal code and the city.")
    _sections_cache = Cache('party.address.sections', context=False)

    @classmethod
    def _sections(cls):
        result = cls._sections_cache.get(None)
        if result is None:
            Section = Pool().get('mons.section')
            by_city, by_code = {}, {}
            for section in Section.search([]):
                by_city[(section.postal_code, norm_text(section.name))] = (
                    section.id)
                by_code.setdefault(section.postal_code, []).append(section.id)
            result = (by_city, by_code)
            cls._sections_cache.set(None, result)
        return result

    @classmethod
    def find_section(cls, postal_code, city):
        if not postal_code:
            return None
        by_city, by_code = cls._sections()
        postal_code = postal_code.strip()
        section = by_city.get((postal_code, norm_text(city)))
        if section is None and len(by_code.get(postal_code, [])) == 1:
            section, = by_code[postal_code]
        return section

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or {'postal_code', 'city'} & field_names:
            section = self.find_section(self.postal_code, self.city)
            if section != (self.section.id if self.section else None):
                values['section'] = section
        return values
