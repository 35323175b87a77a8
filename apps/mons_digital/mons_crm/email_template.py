"Reusable content of mass emails."
from genshi.template import MarkupTemplate
from genshi.template import TemplateError as GenshiTemplateError

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields

from .exceptions import MailingError


class EmailTemplate(ModelSQL, ModelView):
    "Reusable email content"
    __name__ = 'mons.crm.email.template'

    name = fields.Char("Name", required=True)
    service = fields.Many2One('mons.service', "Service", ondelete='SET NULL')
    title = fields.Char("Subject", required=True)
    content = fields.Text("Content", required=True,
        help="XHTML with ${greeting}, ${party.name}, ${first_name}, "
        "${last_name}, ${email.email} and ${unsubscribe_url}.")

    @classmethod
    def validate_fields(cls, templates, field_names):
        super().validate_fields(templates, field_names)
        for template in templates:
            try:
                MarkupTemplate(template.content)
            except GenshiTemplateError as exception:
                raise MailingError(gettext(
                        'mons_crm.msg_template_invalid',
                        template=template.rec_name,
                        exception=exception)) from exception
