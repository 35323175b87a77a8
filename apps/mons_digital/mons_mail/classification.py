"The classification plan of the city and the configurable mail types."
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Exclude, ModelSQL, ModelView, fields, tree)

from .exceptions import MailValidationError


class Classification(DeactivableMixin, tree(separator=' / '), ModelSQL,
        ModelView):
    "Hierarchical classification plan (e.g. 1.842.1)"
    __name__ = 'mail.classification'

    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True, translate=True)
    parent = fields.Many2One('mail.classification', "Parent",
        ondelete='RESTRICT')
    children = fields.One2Many('mail.classification', 'parent', "Children")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Exclude(t, (t.code, Equal)),
                'mons_mail.msg_classification_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    def get_rec_name(self, name):
        return f'{self.code} {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('code', *clause[1:]),
            ('name', *clause[1:]),
            ]


class Type(DeactivableMixin, ModelSQL, ModelView):
    "Mail type with its default treatment delay"
    __name__ = 'mail.type'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True, strip=True)
    delay = fields.Integer("Treatment Delay", required=True,
        help="In working days from the reception; 0 means no due date.")
    visible_to_all = fields.Boolean("Visible to All Staff",
        help="Letters of this type can be read by every staff member of "
        "the organisation, not only by their services, the mail office and "
        "the management. Confidential letters stay with their services. "
        "Set by the functional administrator.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Exclude(t, (t.code, Equal)),
                'mons_mail.msg_type_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_delay():
        return 15

    @staticmethod
    def default_visible_to_all():
        return False

    @classmethod
    def validate_fields(cls, types, field_names):
        super().validate_fields(types, field_names)
        if field_names is None or 'delay' in field_names:
            for type_ in types:
                if type_.delay is not None and type_.delay < 0:
                    raise MailValidationError(gettext(
                            'mons_mail.msg_delay_positive',
                            type=type_.rec_name))
