"Other-language versions of a mass email: each recipient reads theirs."
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pyson import Eval

from .email_template import CONTENT_HELP, check_content


class MessageVersion(ModelSQL, ModelView):
    "Mass Email in Another Language"
    __name__ = 'marketing.email.message.version'

    _states = {'readonly': Eval('message_state') != 'draft'}
    message = fields.Many2One('marketing.email.message', "Message",
        required=True, ondelete='CASCADE')
    message_state = fields.Function(fields.Char("Message State"),
        'on_change_with_message_state')
    language = fields.Many2One('ir.lang', "Language", required=True,
        states=_states)
    title = fields.Char("Title", required=True, states=_states)
    content = fields.Text("Content", required=True, states=_states,
        help=CONTENT_HELP)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('message')
        t = cls.__table__()
        cls._sql_constraints += [
            ('message_language_unique', Unique(t, t.message, t.language),
                'mons_crm.msg_message_version_unique'),
            ]

    @fields.depends('message', '_parent_message.state')
    def on_change_with_message_state(self, name=None):
        return self.message.state if self.message else None

    def get_rec_name(self, name):
        return f'{self.message.rec_name} ({self.language.code})'

    @classmethod
    def validate_fields(cls, versions, field_names):
        super().validate_fields(versions, field_names)
        if field_names and 'content' not in field_names:
            return
        for version in versions:
            check_content(version.content, version.rec_name)
