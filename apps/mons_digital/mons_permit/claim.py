# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"Claims and observations received during an inquiry, with their authors."
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pyson import Eval

from .exceptions import PermitValidationError
from .file import fr_date


class Claim(ModelSQL, ModelView):
    __name__ = 'permit.claim'
    __string__ = "Inquiry Claim"

    inquiry = fields.Many2One('permit.inquiry', "Inquiry", required=True,
        ondelete='CASCADE')
    file = fields.Function(fields.Many2One('permit.file', "File"),
        'on_change_with_file')
    date = fields.Date("Received", required=True)
    kind = fields.Selection([
            ('claim', "Claim"),
            ('observation', "Observation"),
            ('petition', "Petition"),
            ], "Kind", required=True)
    author = fields.Many2One('party.party', "Author", ondelete='RESTRICT',
        help="The author as a contact of the directory.")
    author_name = fields.Char("Author Name",
        states={'required': ~Eval('author')},
        help="When the author is not in the directory.")
    signatures = fields.Integer("Signatures",
        states={'invisible': Eval('kind') != 'petition'})
    text = fields.Text("Text", required=True)
    in_time = fields.Function(fields.Boolean("Within the Inquiry"),
        'get_in_time')

    @staticmethod
    def default_kind():
        return 'claim'

    @staticmethod
    def default_signatures():
        return 1

    @fields.depends('inquiry', '_parent_inquiry.file')
    def on_change_with_file(self, name=None):
        return self.inquiry.file if self.inquiry else None

    def get_rec_name(self, name):
        author = self.author.rec_name if self.author else self.author_name
        return f'{author} ({fr_date(self.date)})'

    def get_in_time(self, name):
        inquiry = self.inquiry
        return bool(inquiry.start_date and inquiry.end_date
            and inquiry.start_date <= self.date <= inquiry.end_date)

    @classmethod
    def validate_fields(cls, claims, field_names):
        super().validate_fields(claims, field_names)
        if field_names is None or {'date', 'inquiry'} & field_names:
            string = cls.fields_get(['date'])['date']['string']
            for claim in claims:
                start = claim.inquiry.start_date
                if start and claim.date < start:
                    raise PermitValidationError(gettext(
                            'mons_permit.msg_claim_before_inquiry',
                            field=string, date=fr_date(claim.date),
                            start=fr_date(start)))
