"""Templates of reply letters, per service and mail type, written by the
functional administrator; the letter of an outgoing item takes the most
specific one.

A template is text with placeholders (``${greeting}``, ``${body}``...)
replaced by plain strings computed for each recipient: nothing of the
template is evaluated (no attribute, call or expression), so an author
cannot reach any record through it. Unknown placeholders are refused when
the template is saved, with their name."""
import re
import string

from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.pool import Pool

from .exceptions import MailValidationError

# name -> what it gives (shown in the help of the body)
PLACEHOLDERS = {
    'greeting': "greeting line by the contact's civility and title "
    "(\"Madame la Docteure,\")",
    'address_form': "how the contact is addressed (\"Madame la Docteure\")",
    'closing': "closing formula with the address form",
    'body': "text written by the agent on the letter",
    'subject': "subject of the letter",
    'our_reference': "registration number of the letter",
    'your_reference': "sender's reference of the letter answered",
    'your_letter_date': "date of the letter answered",
    'date': "date of the letter",
    'contact.name': "name of the recipient",
    'contact.first_name': "first name of the recipient",
    'contact.last_name': "last name of the recipient",
    'service': "service writing the letter",
    'agent': "agent in charge",
    'organisation': "organisation (City or CPAS)",
    }

DEFAULT_BODY = "${greeting}\n\n${body}\n\n${closing}"


class LetterTemplate(string.Template):
    # ${contact.name} is one name: values are looked up whole, never walked
    idpattern = r'[a-z][a-z_]*(?:\.[a-z][a-z_]*)?'
    flags = re.ASCII


# The greeting carries its comma ("Madame,"): one typed after it is dropped
_GREETING_COMMA = re.compile(r'(\$\{greeting\}|\$greeting\b)\s*,')


class TemplateRefused(Exception):

    def __init__(self, kind, detail, line):
        super().__init__(detail)
        self.kind = kind  # 'placeholder' or 'syntax'
        self.detail = detail
        self.line = line


def check(text):
    "Raise TemplateRefused at the first placeholder not offered"
    for match in LetterTemplate.pattern.finditer(text or ''):
        line = (text or '').count('\n', 0, match.start()) + 1
        name = match.group('named') or match.group('braced')
        if match.group('invalid') is not None:
            raise TemplateRefused('syntax',
                (text or '')[match.start():match.start() + 20], line)
        if name is not None and name not in PLACEHOLDERS:
            raise TemplateRefused('placeholder', name, line)


def render(text, values):
    "The letter's text from a checked template and values of PLACEHOLDERS"
    assert set(values) <= set(PLACEHOLDERS), set(values) - set(PLACEHOLDERS)
    check(text)
    text = _GREETING_COMMA.sub(r'\1', text or '')
    return LetterTemplate(text).substitute(
        {k: values.get(k) or '' for k in PLACEHOLDERS})


def documented():
    return ', '.join('${%s}' % name for name in PLACEHOLDERS)


class ReplyTemplate(DeactivableMixin, ModelSQL, ModelView):
    "Reply letter template"
    __name__ = 'mail.reply.template'

    name = fields.Char("Name", required=True)
    service = fields.Many2One('mons.service', "Service", ondelete='CASCADE',
        help="Empty: every service. The template of the service applies "
        "to its sub-services that have none.")
    type = fields.Many2One('mail.type', "Mail Type", ondelete='CASCADE',
        help="Empty: every mail type.")
    body = fields.Text("Text", required=True,
        help="Text of the letter between the references and the "
        "signature, with placeholders replaced for each recipient: "
        + documented() + ". Write $$ for a dollar sign. The most specific "
        "template is used: service and mail type, then mail type, then "
        "service, then the general one; a parent service counts for its "
        "sub-services.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def default_body(cls):
        return DEFAULT_BODY

    @classmethod
    def copy(cls, templates, default=None):
        # A copy is a draft of another wording: inactive until the
        # administrator sets where it applies
        default = default.copy() if default is not None else {}
        default.setdefault('active', False)
        return super().copy(templates, default=default)

    @classmethod
    def validate_fields(cls, templates, field_names):
        super().validate_fields(templates, field_names)
        if field_names is None or 'body' in field_names:
            for template in templates:
                cls.check_body(template)

    @classmethod
    def check_body(cls, template):
        try:
            check(template.body)
        except TemplateRefused as refused:
            if refused.kind == 'placeholder':
                raise MailValidationError(gettext(
                        'mons_mail.msg_reply_template_placeholder',
                        template=template.rec_name, line=refused.line,
                        placeholder='${%s}' % refused.detail,
                        available=documented())) from refused
            raise MailValidationError(gettext(
                    'mons_mail.msg_reply_template_syntax',
                    template=template.rec_name, line=refused.line,
                    text=refused.detail)) from refused

    @classmethod
    def validate(cls, templates):
        super().validate(templates)
        for template in templates:
            if not template.active:
                continue
            same = cls.search([
                    ('id', '!=', template.id),
                    ('service', '=',
                        template.service.id if template.service else None),
                    ('type', '=',
                        template.type.id if template.type else None),
                    ], limit=1)
            if same:
                raise MailValidationError(gettext(
                        'mons_mail.msg_reply_template_twice',
                        template=template.rec_name,
                        other=same[0].rec_name))

    @classmethod
    def best(cls, service, type_):
        """The most specific active template for a letter of the service
        and mail type: the mail type first (its wording may be required,
        e.g. the means of appeal of a decision), then the nearest service
        up the tree; None when there is none"""
        chain = []
        while service and service not in chain:
            chain.append(service)
            service = service.parent
        service_ids = [s.id for s in chain]
        templates = cls.search([
                ['OR', ('service', '=', None),
                    ('service', 'in', service_ids)],
                ['OR', ('type', '=', None),
                    ('type', '=', type_.id if type_ else None)],
                ])

        def rank(template):
            service_rank = (len(chain) - service_ids.index(template.service.id)
                if template.service else 0)
            return (bool(template.type), service_rank, -template.id)
        return max(templates, key=rank, default=None)

    @classmethod
    def text_for(cls, item, party):
        "The text of item's letter to party, as its template says"
        pool = Pool()
        Item = pool.get('mail.item')
        Report = pool.get('mail.item.letter', type='report')
        from .reply_letter import address_form, closing, greeting
        template = cls.best(item.service, item.type)
        body = template.body if template else DEFAULT_BODY

        answered = [link.target for link in item.links
            if link.kind == 'answer']
        readable = Item.readable(t.id for t in answered)
        answered = [t for t in answered if t.id in readable]
        your_reference = next((t.external_reference for t in answered
                if t.external_reference), None) or item.external_reference
        your_date = next((t.letter_date for t in answered
                if t.letter_date), None)
        Date = pool.get('ir.date')

        def date(value):
            return Report.format_date(value) if value else ''
        agent = item.agent
        values = {
            'greeting': greeting(party),
            'address_form': address_form(party),
            'closing': closing(party),
            'body': item.body,
            'subject': item.subject,
            'our_reference': item.number,
            'your_reference': your_reference,
            'your_letter_date': date(your_date),
            'date': date(item.sending_date or Date.today()),
            'contact.name': party.rec_name if party else '',
            'contact.first_name': getattr(party, 'first_name', None),
            'contact.last_name': getattr(party, 'last_name', None),
            'service': item.service.name if item.service else '',
            'agent': agent.party.rec_name if agent else '',
            'organisation': item.company.rec_name if item.company else '',
            }
        return render(body, values)
