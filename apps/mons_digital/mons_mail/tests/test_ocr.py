"OCR of image-only scans by the queue, with a real Tesseract run."
import io
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

from trytond.modules.mons_mail import ocr

from .test_module import Setup, load_french

FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'
LINES = [
    "Demande de subvention culturelle",
    "Quartier de Jemappes, rue de la Station",
    "Madame l'Échevine, veuillez agréer",
    ]


def scanned_letter(lines=LINES, fmt='PDF'):
    """An image-only page as a scanner makes it: words drawn in a bitmap,
    saved as a PDF (or an image) with no text layer"""
    from PIL import Image, ImageDraw, ImageFont
    font = ImageFont.truetype(FONT, 48)
    image = Image.new('L', (2480, 1200), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((150, 150 + index * 120), line, font=font, fill=0)
    output = io.BytesIO()
    image.save(output, fmt, resolution=300)
    return output.getvalue()


@unittest.skipUnless(ocr.available(), "ocrmypdf is not installed")
class MailOCRTestCase(unittest.TestCase):
    "Image-only scans read by Tesseract in the queue, found by the search"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('mons_mail')

    def run_ocr_tasks(self):
        Queue = Pool().get('ir.queue')
        tasks = Queue.search([('name', '=', ocr.QUEUE_NAME),
                ('finished_at', '=', None)])
        for task in tasks:
            task.run()
        return tasks

    @with_transaction()
    def test_ocr_of_image_only_scan(self):
        "The mail office attaches a scan; the queue reads it; agents find it"
        pool = Pool()
        Item = pool.get('mail.item')
        Attachment = pool.get('ir.attachment')
        from .. import ir
        load_french()
        s = Setup()
        try:
            item = s.item(subject="Courrier scanné", service=s.cult.id)
            Item.register([item])
            Item.assign([item])
            data = scanned_letter()
            self.assertEqual(ir.pdf_text(data).strip(), '')
            with s.as_user(s.courrier):
                attachment, = Attachment.create([{
                            'resource': str(item), 'name': 'scan.pdf',
                            'type': 'data', 'data': data}])
            # Nothing read in the request: the queue does it
            self.assertIsNone(Item(item.id).scan_text)
            self.assertEqual(Attachment(attachment.id).ocr_state, 'pending')
            tasks = self.run_ocr_tasks()
            self.assertEqual(len(tasks), 1)
            # The task runs as the user who attached the scan
            self.assertEqual(tasks[0].data['user'], s.courrier.id)
            attachment = Attachment(attachment.id)
            self.assertEqual(attachment.ocr_state, 'done')
            text = Item(item.id).scan_text
            for word in ["subvention", "culturelle", "Jemappes", "Station",
                    "Échevine"]:
                self.assertIn(word, text)
            with s.as_user(s.agent):
                self.assertEqual(Item.search(
                        [('text', 'ilike', 'subvention jemappes')]),
                    [Item(item.id)])
                self.assertEqual(Item.search(
                        [('text', 'ilike', 'echevine')]), [Item(item.id)])
                self.assertEqual(Item.search(
                        [('text', 'ilike', 'absentmot')]), [])
            # Indexed once: saving the letter again queues nothing
            Item.update_scan_text([Item(item.id)])
            self.assertEqual(self.run_ocr_tasks(), [])
        finally:
            s.close()

    @with_transaction()
    def test_ocr_of_photo_not_of_text_pdf(self):
        "A photo is read too; a PDF with its text layer is not read again"
        pool = Pool()
        Item = pool.get('mail.item')
        Attachment = pool.get('ir.attachment')
        from .test_module import pdf_with_text
        load_french()
        s = Setup()
        try:
            item = s.item(subject="Photo", service=s.cult.id)
            Item.register([item])
            with s.as_user(s.courrier):
                Attachment.create([{
                            'resource': str(item), 'name': 'photo.png',
                            'type': 'data',
                            'data': scanned_letter(
                                ["Permis d'environnement Hyon"], 'PNG')}])
                typed, = Attachment.create([{
                            'resource': str(item), 'name': 'lettre.pdf',
                            'type': 'data',
                            'data': pdf_with_text("Parcelle Ghlin")}])
            self.assertEqual(len(self.run_ocr_tasks()), 1)
            self.assertIsNone(Attachment(typed.id).ocr_state)
            text = Item(item.id).scan_text
            self.assertIn("Hyon", text)
            self.assertIn("Ghlin", text)
        finally:
            s.close()
