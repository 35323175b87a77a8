"""Bulk import of scanned paper files into the career files: a ZIP of PDFs
named by agent number (<number>[_<type code>].pdf), or one PDF whose files
are separated by barcode sheets carrying the agent number. What cannot be
matched waits in a review list."""
import io
import os
import re
import zipfile

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.mons_base import upload
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import CareerError
from .workflow import WorkflowFieldsMixin

# A separator sheet's barcode: the agent number, optionally prefixed
SEPARATOR_RE = re.compile(r'^(?:AGENT[:\-\s]*)?([A-Za-z0-9\-]{2,20})$')


def page_codes(page, dpi=150):
    "Texts of the barcodes of a pypdfium2 page"
    import zxingcpp
    image = page.render(scale=dpi / 72).to_pil()
    return [r.text.strip() for r in zxingcpp.read_barcodes(image)
        if r.text and r.text.strip()]


def split_by_separators(data):
    """[(agent number or None, PDF bytes)]: a page with a barcode starts
    a new file for the number it carries and is left out; pages before the
    first separator come with None"""
    import pypdfium2 as pdfium
    from pypdf import PdfReader, PdfWriter
    pdf = pdfium.PdfDocument(data)
    try:
        separators = {}
        for index in range(len(pdf)):
            for code in page_codes(pdf[index]):
                match = SEPARATOR_RE.match(code)
                if match:
                    separators[index] = match.group(1)
                    break
    finally:
        pdf.close()
    reader = PdfReader(io.BytesIO(data))
    parts, current, pages = [], None, []

    def flush():
        if pages:
            writer = PdfWriter()
            for p in pages:
                writer.add_page(reader.pages[p])
            out = io.BytesIO()
            writer.write(out)
            parts.append((current, out.getvalue()))
    for index in range(len(reader.pages)):
        if index in separators:
            flush()
            current, pages = separators[index], []
        else:
            pages.append(index)
    flush()
    return parts


class ScanImport(WorkflowFieldsMixin, Workflow, ModelSQL, ModelView):
    """A bulk import of scanned paper files: a ZIP of PDFs named by agent
    number or a PDF split by barcode separator sheets."""
    __string__ = "Career Scan Import"
    __name__ = 'hr.career.scan.import'

    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'draft'})
    document_type = fields.Many2One('hr.career.document.type',
        "Document Type", required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'draft'},
        help="Type of the documents whose file name gives none.")
    data = fields.Binary("Scans", filename='filename', required=True,
        states={'readonly': Eval('state') != 'draft'},
        help="A ZIP of PDFs named <agent number>[_<type code>].pdf, or one "
        "PDF with a barcode separator sheet before each agent's pages.")
    filename = fields.Char("File Name",
        states={'readonly': Eval('state') != 'draft'})
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", readonly=True, required=True)
    lines = fields.One2Many('hr.career.scan.line', 'scan_import', "Files",
        readonly=True)
    matched = fields.Function(fields.Integer("Filed"), 'get_counts')
    unmatched = fields.Function(fields.Integer("To Review"), 'get_counts')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {('draft', 'done')}
        cls._buttons.update({
                'process': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def get_counts(cls, imports, names):
        result = {n: {} for n in names}
        for record in imports:
            filed = sum(1 for l in record.lines if l.state == 'filed')
            result.get('matched', {})[record.id] = filed
            result.get('unmatched', {})[record.id] = len(record.lines) - filed
        return result

    def parts(self):
        "[(file name, agent number or None, type code or None, PDF bytes)]"
        data = bytes(self.data or b'')
        kind = upload.check(data, self.filename or 'scans',
            kinds={'zip', 'pdf'})
        parts = []
        if kind == 'zip':
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in archive.infolist():
                    if info.is_dir():
                        continue
                    name = os.path.basename(info.filename)
                    if not name or name.startswith('.'):
                        continue
                    content = archive.read(info)
                    stem, ext = os.path.splitext(name)
                    number, _, code = stem.partition('_')
                    if ext.lower() != '.pdf' or upload.kind_of(
                            content) != 'pdf':
                        parts.append((name, None, None, content))
                        continue
                    upload.check_pdf(content, name)
                    parts.append((name, number.strip() or None,
                            code.strip() or None, content))
        elif kind == 'pdf':
            for index, (number, content) in enumerate(
                    split_by_separators(data), 1):
                parts.append((f'{self.filename or "scan"} ({index})',
                        number, None, content))
        else:
            raise CareerError(gettext('mons_hr_career.msg_scan_kind',
                    filename=self.filename or ''))
        return parts

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def process(cls, imports):
        pool = Pool()
        Line = pool.get('hr.career.scan.line')
        File = pool.get('hr.career.file')
        Type = pool.get('hr.career.document.type')
        for record in imports:
            lines = []
            for name, number, code, content in record.parts():
                file = None
                if number:
                    files = File.search([('company', '=', record.company.id),
                            ('agent_number', '=', number)], limit=1)
                    file = files[0] if files else None
                type_ = (Type.by_code(code) if code else None) \
                    or record.document_type
                if upload.kind_of(content) != 'pdf':
                    reason = 'not_pdf'
                elif not number:
                    reason = 'no_number'
                elif not file:
                    reason = 'unknown_number'
                else:
                    reason = None
                lines.append(Line(scan_import=record, filename=name,
                        agent_number=number, data=content, type=type_,
                        file=file, reason=reason, state='pending'))
            Line.save(lines)
            Line.file_lines([l for l in lines if not l.reason])


class ScanLine(WorkflowFieldsMixin, Workflow, ModelSQL, ModelView):
    """A scanned file of an import: filed in a career file, or waiting in the
    review list."""
    __string__ = "Scanned File"
    __name__ = 'hr.career.scan.line'
    _workflow_fields = ('state', 'scan_import', 'filename', 'agent_number',
        'data', 'reason', 'document')

    scan_import = fields.Many2One('hr.career.scan.import', "Import",
        required=True, ondelete='CASCADE', readonly=True)
    filename = fields.Char("File Name", readonly=True)
    agent_number = fields.Char("Agent Number", readonly=True)
    data = fields.Binary("File", filename='filename', readonly=True)
    reason = fields.Selection([
            (None, ""),
            ('no_number', "No agent number found"),
            ('unknown_number', "Unknown agent number"),
            ('not_pdf', "Not a PDF"),
            ], "Not Matched Because", readonly=True)
    file = fields.Many2One('hr.career.file', "Career File",
        ondelete='SET NULL',
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': Eval('state') != 'pending'})
    type = fields.Many2One('hr.career.document.type', "Type",
        required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'pending'})
    company = fields.Function(fields.Many2One('company.company',
            "Organisation"), 'on_change_with_company')
    document = fields.Many2One('hr.career.document', "Document",
        readonly=True, ondelete='SET NULL')
    state = fields.Selection([
            ('pending', "To Review"),
            ('filed', "Filed"),
            ('discarded', "Discarded"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Rights and rules are those of the parent record
        cls.__access__.add('scan_import')
        cls._transitions |= {('pending', 'filed'), ('pending', 'discarded')}
        cls._buttons.update({
                'file_lines': {
                    'invisible': Eval('state') != 'pending',
                    'depends': ['state'],
                    },
                'discard': {
                    'invisible': Eval('state') != 'pending',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'pending'

    @fields.depends('scan_import', '_parent_scan_import.company')
    def on_change_with_company(self, name=None):
        return self.scan_import.company if self.scan_import else None

    @classmethod
    @ModelView.button
    @Workflow.transition('filed')
    def file_lines(cls, lines):
        Document = Pool().get('hr.career.document')
        for line in lines:
            if not line.file:
                raise CareerError(gettext(
                        'mons_hr_career.msg_scan_line_no_file',
                        filename=line.filename))
            if upload.kind_of(line.data or b'') != 'pdf':
                raise CareerError(gettext('mons_hr_career.msg_scan_kind',
                        filename=line.filename))
        documents = Document.create([{
                    'file': l.file.id,
                    'type': l.type.id,
                    'name': l.filename,
                    'data': l.data,
                    'filename': l.filename,
                    'origin': str(l),
                    } for l in lines])
        for line, document in zip(lines, documents):
            line.document = document
            line.reason = None
        cls.save(lines)

    @classmethod
    @ModelView.button
    @Workflow.transition('discarded')
    def discard(cls, lines):
        pass
