"Typed documents of a career file and their retention rules."
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.modules.mons_base import upload
from trytond.pool import Pool

from .dates import today


class DocumentType(DeactivableMixin, ModelSQL, ModelView):
    "A type of career document with its confidentiality and retention rule."
    __string__ = "Career Document Type"
    __name__ = 'hr.career.document.type'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True, strip=True,
        help="Also read in the names of scanned files: "
        "<agent number>_<code>.pdf.")
    confidential = fields.Boolean("Confidential",
        help="Documents of this type are read by HR only, not by the "
        "agent.")
    retention_years = fields.Integer("Retention (Years)",
        help="Years the documents are kept; empty for ever.")
    retention_from = fields.Selection([
            ('document', "Document Date"),
            ('exit', "Agent's Exit"),
            ], "Retention From", required=True)
    delete_after_retention = fields.Boolean("Delete After Retention",
        help="Delete the documents once their retention ends (else they "
        "are listed for HR to decide).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'mons_hr_career.msg_document_type_code_unique'),
            ]

    @staticmethod
    def default_retention_from():
        return 'exit'

    @classmethod
    def by_code(cls, code):
        types = cls.search([('code', '=', code)], limit=1)
        return types[0] if types else None


class Document(ModelSQL, ModelView):
    """A document of a career file (contract, diploma, evaluation, medical
    aptitude, disciplinary measure, training certificate...)."""
    __string__ = "Career Document"
    __name__ = 'hr.career.document'

    file = fields.Many2One('hr.career.file', "Career File", required=True,
        ondelete='CASCADE')
    type = fields.Many2One('hr.career.document.type', "Type",
        required=True, ondelete='RESTRICT')
    name = fields.Char("Name", required=True)
    date = fields.Date("Date", required=True)
    confidential = fields.Boolean("Confidential",
        help="Read by HR only, not by the agent.")
    data = fields.Binary("File", filename='filename', file_id='file_id')
    filename = fields.Char("File Name")
    file_id = fields.Char("File ID", readonly=True)
    origin = fields.Reference("Origin", selection='get_origins',
        readonly=True)
    retention_until = fields.Function(fields.Date("Kept Until",
            help="Empty while the agent is in service when kept from "
            "their exit, or when kept for ever."),
        'get_retention_until')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def get_origins(cls):
        IrModel = Pool().get('ir.model')
        models = ['hr.evaluation', 'hr.training.request',
            'hr.career.scan.line']
        return [(None, '')] + [(m, IrModel.get_name(m)) for m in models]

    @staticmethod
    def default_date():
        return today()

    @fields.depends('type', 'confidential')
    def on_change_type(self):
        if self.type:
            self.confidential = bool(self.type.confidential)

    @classmethod
    def create(cls, vlist):
        Type = Pool().get('hr.career.document.type')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            # A confidential type keeps its documents confidential
            if values.get('type') and Type(values['type']).confidential:
                values['confidential'] = True
        return super().create(vlist)

    @classmethod
    def validate_fields(cls, documents, field_names):
        super().validate_fields(documents, field_names)
        if field_names is None or 'data' in field_names:
            for document in documents:
                if document.data:
                    upload.check(document.data,
                        document.filename or document.name)

    def get_retention_until(self, name):
        years = self.type.retention_years
        if not years:
            return None
        start = self.date if self.type.retention_from == 'document' \
            else self.file.exit_date
        if not start:
            return None
        try:
            return start.replace(year=start.year + years)
        except ValueError:
            return start.replace(year=start.year + years, day=28)

    @classmethod
    def purge_expired(cls, date=None):
        "Delete the documents whose type deletes them after retention"
        date = date or today()
        documents = cls.search([
                ('type.delete_after_retention', '=', True),
                ('type.retention_years', '!=', None),
                ])
        expired = [d for d in documents
            if d.retention_until and d.retention_until < date]
        cls.delete(expired)
        return expired
