"Reusable content of mass emails, checked by the sandbox when saved."
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import template_sandbox
from .exceptions import MailingError

CONTENT_HELP = (
    "HTML with placeholders replaced for each recipient: "
    "${greeting} (greeting line in the contact's language), ${first_name}, "
    "${last_name}, ${party.name}, ${party.first_name}, ${party.last_name}, "
    "${party.civility}, ${party.language}, ${email.email} (address of the "
    "recipient), ${list.name}, ${list.description}, ${sender.name} "
    "(service sending), ${sender.email}, ${sender.organisation}, "
    "${unsubscribe_url} and ${preferences_url}. Conditions: "
    "{% if party %}...{% else %}...{% endif %} or "
    "${party.name if party else email.email}; filters: upper, lower, "
    "title, capitalize, trim, default. Nothing else is accepted.")


def check_content(content, name):
    """The compiled template of content, or a MailingError naming what the
    sandbox refuses"""
    try:
        return template_sandbox.parse(content)
    except template_sandbox.TemplateRefused as refused:
        if refused.kind == 'syntax':
            message = gettext('mons_crm.msg_template_syntax',
                template=name, line=refused.line or 1,
                error=refused.detail)
        elif refused.kind == 'placeholder':
            message = gettext('mons_crm.msg_template_placeholder',
                template=name, placeholder='${%s}' % refused.detail,
                available=', '.join(template_sandbox.documented()))
        else:
            message = gettext('mons_crm.msg_template_expression',
                template=name, expression=refused.detail)
        raise MailingError(message) from refused


class EmailTemplate(ModelSQL, ModelView):
    "Reusable email content"
    __name__ = 'mons.crm.email.template'

    name = fields.Char("Name", required=True)
    service = fields.Many2One('mons.service', "Service", ondelete='SET NULL')
    title = fields.Char("Subject", required=True)
    content = fields.Text("Content", required=True, help=CONTENT_HELP)

    @classmethod
    def default_service(cls):
        # A template belongs to the organisation of its author's service
        User = Pool().get('res.user')
        if Transaction().user:
            services = User.get_services_ids()
            if services:
                return services[0]

    @classmethod
    def validate_fields(cls, templates, field_names):
        super().validate_fields(templates, field_names)
        if field_names and 'content' not in field_names:
            return
        for template in templates:
            check_content(template.content, template.rec_name)
