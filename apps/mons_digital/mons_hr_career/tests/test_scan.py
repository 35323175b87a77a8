"Bulk import of scanned career files."
import io
import zipfile

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool

from .org import as_user
from .test_career import CareerDBTestCase, with_org


def pdf(html):
    import weasyprint
    return weasyprint.HTML(string=html).write_pdf()


def separator_sheet(number):
    "A page with the agent number as a Code 128 barcode"
    import barcode
    from barcode.writer import SVGWriter
    out = io.BytesIO()
    barcode.get('code128', number, writer=SVGWriter()).write(out,
        options={'module_width': 0.5, 'module_height': 20})
    svg = out.getvalue().decode()
    svg = svg[svg.index('<svg'):]
    return ('<div style="page-break-after: always; margin: 20mm">'
        f'<div style="width: 120mm">{svg}</div></div>')


def page(text):
    return f'<div style="page-break-after: always"><p>{text}</p></div>'


class ScanImportTestCase(CareerDBTestCase):

    @with_org
    def test_zip_named_by_agent_number(self, org):
        pool = Pool()
        Import = pool.get('hr.career.scan.import')
        Line = pool.get('hr.career.scan.line')
        Document = pool.get('hr.career.document')
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, 'w') as zf:
            zf.writestr('dossiers/V001_DISC.pdf', pdf(page("Avertissement")))
            zf.writestr('V002.pdf', pdf(page("Contrat de Bob")))
            zf.writestr('V999.pdf', pdf(page("Inconnu")))
            zf.writestr('C001.pdf', pdf(page("Agent du CPAS")))
            zf.writestr('notes.txt', b"pas un PDF")
        with as_user(org.u_rh):
            record, = Import.create([{'company': org.ville.id,
                        'document_type': org.types['CONTRAT'].id,
                        'data': archive.getvalue(),
                        'filename': 'scans.zip'}])
            Import.process([record])
            record = Import(record.id)
            self.assertEqual((record.matched, record.unmatched), (2, 3))
            lines = {l.filename: (l.state, l.reason, l.type.code)
                for l in record.lines}
            self.assertEqual(lines, {
                    'V001_DISC.pdf': ('filed', None, 'DISC'),
                    'V002.pdf': ('filed', None, 'CONTRAT'),
                    'V999.pdf': ('pending', 'unknown_number', 'CONTRAT'),
                    # City HR's import does not reach the CPAS' files
                    'C001.pdf': ('pending', 'unknown_number', 'CONTRAT'),
                    'notes.txt': ('pending', 'not_pdf', 'CONTRAT'),
                    })
            alice_docs = Document.search([
                    ('file', '=', org.file(org.alice).id)])
            self.assertEqual([(d.type.code, d.confidential)
                    for d in alice_docs], [('DISC', True)])
            # The review list: HR picks the file of an unmatched scan
            unknown, = Line.search([('filename', '=', 'V999.pdf')])
            with self.assertRaises(UserError):
                Line.file_lines([unknown])
            Line.write([unknown], {'file': org.file(org.other).id})
            Line.file_lines([unknown])
            self.assertEqual(Line(unknown.id).document.file,
                org.file(org.other))
            text, = Line.search([('filename', '=', 'notes.txt')])
            Line.discard([text])
        with as_user(org.u_alice), self.assertRaises(AccessError):
            Import.search([])

    @with_org
    def test_pdf_split_by_barcode_sheets(self, org):
        pool = Pool()
        Import = pool.get('hr.career.scan.import')
        Document = pool.get('hr.career.document')
        from pypdf import PdfReader
        scans = pdf(page("Page orpheline") + separator_sheet('V001')
            + page("Diplôme p1") + page("Diplôme p2")
            + separator_sheet('V002') + page("Contrat de Bob"))
        with as_user(org.u_rh):
            record, = Import.create([{'company': org.ville.id,
                        'document_type': org.types['CONTRAT'].id,
                        'data': scans, 'filename': 'lot.pdf'}])
            Import.process([record])
            record = Import(record.id)
            lines = [(l.agent_number, l.state, l.reason)
                for l in record.lines]
            self.assertEqual(lines, [(None, 'pending', 'no_number'),
                    ('V001', 'filed', None), ('V002', 'filed', None)])
            alice, = Document.search([
                    ('file', '=', org.file(org.alice).id)])
            pages = PdfReader(io.BytesIO(alice.data)).pages
            self.assertEqual(len(pages), 2)
            self.assertIn("Diplôme p1", pages[0].extract_text())

    @with_org
    def test_refuses_what_is_not_scans(self, org):
        Import = Pool().get('hr.career.scan.import')
        with as_user(org.u_rh):
            record, = Import.create([{'company': org.ville.id,
                        'document_type': org.types['CONTRAT'].id,
                        'data': b'hello', 'filename': 'x.txt'}])
            with self.assertRaises(UserError) as cm:
                Import.process([record])
            self.assertIn('x.txt', cm.exception.message)
