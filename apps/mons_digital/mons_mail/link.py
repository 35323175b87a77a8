"Links between mail items: answer to, follow-up of, duplicate of."
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import Exclude, Index, ModelSQL, ModelView, fields
from trytond.pool import Pool

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
    target_subject = fields.Function(fields.Char("Subject",
            help="Empty when the linked item is one you may not read."),
        'get_subjects')
    item_subject = fields.Function(fields.Char("Subject",
            help="Empty when the linking item is one you may not read."),
        'get_subjects')

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

    @classmethod
    def get_subjects(cls, links, names):
        """Subjects of the linked items, only of those the user may read:
        a link to a confidential letter must not tell its subject"""
        Item = Pool().get('mail.item')
        ends = {'target_subject': 'target', 'item_subject': 'item'}
        ids = {getattr(l, ends[n]).id for l in links for n in names}
        readable = Item.readable(ids)
        result = {n: {} for n in names}
        for name in names:
            for link in links:
                end = getattr(link, ends[name])
                result[name][link.id] = (
                    end.subject if end.id in readable else None)
        return result

    @classmethod
    def validate_fields(cls, links, field_names):
        super().validate_fields(links, field_names)
        for link in links:
            if link.item == link.target:
                raise MailValidationError(gettext('mons_mail.msg_link_self'))
