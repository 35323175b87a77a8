"Links between mail items: answer to, follow-up of, duplicate of."
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import Exclude, Index, ModelSQL, ModelView, fields

from .exceptions import MailValidationError


class Link(ModelSQL, ModelView):
    "Link between two mail items"
    __name__ = 'mail.item.link'

    item = fields.Many2One('mail.item', "Mail Item", required=True,
        ondelete='CASCADE')
    target = fields.Many2One('mail.item', "Linked Item", required=True,
        ondelete='CASCADE')
    kind = fields.Selection([
            ('answer', "Answer to"),
            ('follow_up', "Follow-up of"),
            ('duplicate', "Duplicate of"),
            ], "Kind", required=True)
    target_subject = fields.Function(fields.Char("Subject"),
        'get_target_field')
    item_subject = fields.Function(fields.Char("Subject"),
        'get_item_field')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('item')
        t = cls.__table__()
        cls._sql_constraints += [
            ('link_unique', Exclude(t, (t.item, Equal), (t.target, Equal),
                    (t.kind, Equal)),
                'mons_mail.msg_link_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.target, Index.Equality())))

    @staticmethod
    def default_kind():
        return 'follow_up'

    def get_target_field(self, name):
        return self.target.subject if self.target else None

    def get_item_field(self, name):
        return self.item.subject if self.item else None

    @classmethod
    def validate_fields(cls, links, field_names):
        super().validate_fields(links, field_names)
        for link in links:
            if link.item == link.target:
                raise MailValidationError(gettext('mons_mail.msg_link_self'))
