"Column mapping of contact imports, remembered per service."
from sql.operators import Equal

from trytond.model import Exclude, ModelSQL, fields

from .crm_import_row import TARGETS
from .normalize import norm_text


class ImportMapping(ModelSQL):
    "Column mapping remembered per service"
    __name__ = 'mons.crm.import.mapping'

    service = fields.Many2One('mons.service', "Service", required=True,
        ondelete='CASCADE')
    header = fields.Char("Header", required=True)
    field = fields.Selection(TARGETS, "Field")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('service_header_unique', Exclude(t, (t.service, Equal),
                    (t.header, Equal)),
                'mons_crm.msg_import_mapping_unique'),
            ]

    @classmethod
    def remembered(cls, service):
        return {m.header: m.field for m in cls.search([
                    ('service', '=', service.id)])}

    @classmethod
    def remember(cls, service, columns):
        existing = {m.header: m for m in cls.search([
                    ('service', '=', service.id)])}
        to_create, to_write = [], []
        for column in columns:
            key = norm_text(column.header)
            if key in existing:
                if existing[key].field != column.field:
                    to_write.extend([[existing[key]],
                            {'field': column.field}])
            else:
                to_create.append({'service': service.id, 'header': key,
                        'field': column.field})
        if to_create:
            cls.create(to_create)
        if to_write:
            cls.write(*to_write)
