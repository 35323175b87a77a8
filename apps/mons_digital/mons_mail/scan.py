"Scans from the scanner drop folder, filed onto mail items by barcode."
import datetime as dt
import io
import logging
import os
import re
import shutil

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.mons_base import upload
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import MailError
from .ir import file_kind

logger = logging.getLogger(__name__)
NUMBER_RE = re.compile(r'\b[A-Z]{1,4}/\d{4}/\d{3,8}\b')
SCAN_EXTENSIONS = {'.pdf', '.png', '.jpg', '.jpeg', '.tif', '.tiff', '.gif'}


def first_page_image(data, dpi=200):
    "PIL image of the first page of a PDF, or the image itself"
    from PIL import Image
    kind = file_kind(data)
    if kind == 'pdf':
        import pypdfium2 as pdfium
        pdf = pdfium.PdfDocument(data)
        try:
            page = pdf[0]
            return page.render(scale=dpi / 72).to_pil()
        finally:
            pdf.close()
    elif kind == 'image':
        return Image.open(io.BytesIO(data))
    raise ValueError("neither a PDF nor an image")


def read_codes(data):
    """Registration numbers found on the first page: barcodes (Code 128,
    QR...) first, then the text layer of a PDF"""
    import zxingcpp
    codes = []
    image = first_page_image(data)
    for result in zxingcpp.read_barcodes(image):
        if result.text:
            codes.append(result.text.strip())
    if file_kind(data) == 'pdf':
        from pypdf import PdfReader
        try:
            text = PdfReader(io.BytesIO(data)).pages[0].extract_text() or ''
        except Exception:
            text = ''
        codes.extend(NUMBER_RE.findall(text))
    return codes


class Scan(Workflow, ModelSQL, ModelView):
    "Scanned document"
    __name__ = 'mail.scan'

    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='CASCADE')
    name = fields.Char("File Name", required=True, readonly=True)
    data = fields.Binary("File", filename='name', readonly=True)
    date = fields.DateTime("Received", readonly=True)
    code = fields.Char("Number Read", readonly=True)
    message = fields.Char("Problem", readonly=True)
    item = fields.Many2One('mail.item', "Mail Item",
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': Eval('state') != 'review'})
    state = fields.Selection([
            ('review', "To Review"),
            ('filed', "Filed"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('review', 'filed')}
        cls._buttons.update({
                'file': {
                    'invisible': Eval('state') != 'review',
                    'readonly': ~Eval('item'),
                    'depends': ['state', 'item'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'review'

    @staticmethod
    def default_date():
        return dt.datetime.now()

    @classmethod
    @ModelView.button
    @Workflow.transition('filed')
    def file(cls, scans):
        for scan in scans:
            if not scan.item:
                raise MailError(gettext('mons_mail.msg_scan_no_item',
                        name=scan.name))
            cls.attach(scan.item, scan.name, scan.data)
        cls.write(scans, {'data': None, 'message': None})

    @classmethod
    def attach(cls, item, name, data):
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Item = pool.get('mail.item')
        with Transaction().set_context(_check_access=False):
            Attachment.create([{
                        'resource': str(item),
                        'name': name,
                        'type': 'data',
                        'data': data,
                        }])
            Item.add_history([item], 'scan', comment=gettext(
                    'mons_mail.msg_history_scan', name=name))

    @classmethod
    def match(cls, data):
        "Return (item, code, message) for the content of a scan"
        Item = Pool().get('mail.item')
        try:
            codes = read_codes(data)
        except Exception as exception:
            return None, None, gettext('mons_mail.msg_scan_unreadable',
                error=str(exception))
        if not codes:
            return None, None, gettext('mons_mail.msg_scan_no_barcode')
        with Transaction().set_context(_check_access=False):
            for code in codes:
                items = Item.search([('number', '=', code)], limit=1)
                if items:
                    return items[0], code, None
        return None, codes[0], gettext('mons_mail.msg_scan_unknown_number',
            number=codes[0])

    @classmethod
    def process_file(cls, name, data, company):
        """File a scan onto its item or keep it for review; UploadError
        when it is no PDF or image that opens, or is past the limits"""
        if upload.check(data, name) not in {'pdf', 'image'}:
            raise upload.UnreadableUpload(gettext(
                    'mons_mail.msg_scan_not_pdf_image', name=name))
        item, code, message = cls.match(data)
        if item:
            cls.attach(item, name, data)
            scan = cls(company=item.company, name=name, code=code,
                item=item, state='filed')
        else:
            scan = cls(company=company, name=name, data=data, code=code,
                message=message, state='review')
        scan.save()
        return scan

    @classmethod
    def process_drop_folder(cls):
        "Cron: file every scan waiting in the drop folder"
        pool = Pool()
        Configuration = pool.get('mail.configuration')
        Company = pool.get('company.company')
        folder = Configuration(1).drop_folder
        if not folder:
            return []
        if not os.path.isdir(folder):
            logger.warning('scanner drop folder %s missing', folder)
            return []
        company_id = Transaction().context.get('company')
        if not company_id:
            companies = Company.search([], limit=1)
            company_id = companies[0].id if companies else None
        scans = []
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if not entry.is_file():
                continue
            if os.path.splitext(entry.name)[1].lower() not in SCAN_EXTENSIONS:
                continue
            with open(entry.path, 'rb') as fp:
                # One byte past the limit is enough to refuse it
                data = fp.read(upload.limits().max_size + 1)
            try:
                scan = cls.process_file(entry.name, data, company_id)
            except upload.UploadError as error:
                # Kept aside with the reason in the log: a broken file
                # never stops the scans after it
                logger.warning('scan %s refused: %s', entry.name,
                    error.message)
                scan = None
            else:
                scans.append(scan)
            target = os.path.join(folder, 'refused' if scan is None
                else 'done' if scan.state == 'filed' else 'review')
            os.makedirs(target, exist_ok=True)
            shutil.move(entry.path, os.path.join(target, entry.name))
        return scans

