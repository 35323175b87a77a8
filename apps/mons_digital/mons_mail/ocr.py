"""OCR of image-only scans (ocrmypdf with Tesseract's French), run by the
queue: the text read is kept on the attachment and indexed on its letter."""
import logging
import os
import shutil
import subprocess
import tempfile

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)

QUEUE_NAME = 'mons_mail_ocr'
# Pages of a letter are read in well under a minute each
TIMEOUT = 15 * 60
# Scanners that write no resolution in their images scan at 300 dpi
IMAGE_DPI = 300


class OCRError(Exception):
    pass


def available():
    return bool(shutil.which('ocrmypdf'))


def ocr_text(data, kind, language='fra'):
    """Text read by Tesseract in a PDF (pages without text only) or an
    image; OCRError with ocrmypdf's reason when it fails"""
    if not available():
        raise OCRError("ocrmypdf is not installed")
    with tempfile.TemporaryDirectory(prefix='mons-ocr-') as folder:
        source = os.path.join(folder, 'scan.pdf' if kind == 'pdf'
            else 'scan.img')
        with open(source, 'wb') as fp:
            fp.write(data)
        sidecar = os.path.join(folder, 'text.txt')
        command = ['ocrmypdf', '--language', language, '--skip-text',
            '--sidecar', sidecar, '--output-type', 'pdf', '--optimize', '0',
            '--jobs', '1', '--quiet']
        if kind == 'image':
            command += ['--image-dpi', str(IMAGE_DPI)]
        command += [source, os.path.join(folder, 'out.pdf')]
        try:
            process = subprocess.run(command, capture_output=True,
                timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired as error:
            raise OCRError(f"timeout after {TIMEOUT} s") from error
        if process.returncode != 0:
            reason = process.stderr.decode('utf-8', 'replace').strip()
            raise OCRError(reason.splitlines()[-1] if reason
                else f"ocrmypdf exit {process.returncode}")
        with open(sidecar, encoding='utf-8', errors='replace') as fp:
            # Pages that had text already are marked, not read again
            return '\n'.join(line for line in fp.read().splitlines()
                if '[OCR skipped on page' not in line).strip()


class Attachment(metaclass=PoolMeta):
    __name__ = 'ir.attachment'

    ocr_state = fields.Selection([
            (None, ""),
            ('pending', "Waiting"),
            ('done', "Read"),
            ('failed', "Failed"),
            ], "OCR", readonly=True)
    ocr_text = fields.Text("Text Read by OCR", readonly=True)
    ocr_message = fields.Char("OCR Problem", readonly=True)

    @classmethod
    def copy(cls, attachments, default=None):
        default = default.copy() if default is not None else {}
        for name in ['ocr_state', 'ocr_text', 'ocr_message']:
            default.setdefault(name, None)
        return super().copy(attachments, default=default)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        changed = []
        for attachments, values in zip(actions, actions):
            if 'data' in values:
                changed.extend(attachments)
        if changed:
            # Another file: the text read from the former one is gone
            cls._ocr_store(changed, state=None, text=None, message=None)
        super().write(*args)

    @classmethod
    def _ocr_store(cls, attachments, **values):
        "Written in SQL: the OCR is an index, not an edit of the file"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        columns = [getattr(table, 'ocr_' + k) for k in values]
        ids = [a.id for a in attachments]
        if ids:
            cursor.execute(*table.update(columns, list(values.values()),
                    where=table.id.in_(ids)))
            # Values read before the update are dropped, as write() does
            transaction = Transaction()
            transaction.counter += 1
            for cache in transaction.cache.values():
                if cls.__name__ in cache:
                    for id_ in ids:
                        cache[cls.__name__].pop(id_, None)

    @classmethod
    def queue_ocr(cls, attachments):
        "Mark the scans to read and leave the reading to the queue"
        todo = [a for a in attachments if a.ocr_state not in {
                'pending', 'done', 'failed'}]
        if not todo:
            return
        cls._ocr_store(todo, state='pending', message=None)
        with Transaction().set_context(queue_name=QUEUE_NAME):
            cls.__queue__.run_ocr(todo)

    @classmethod
    def run_ocr(cls, attachments):
        """The queue's task: read each scan, keep its text, index the
        letters again; a scan that cannot be read says why"""
        pool = Pool()
        Item = pool.get('mail.item')
        from .ir import file_kind
        items = set()
        with Transaction().set_context(_check_access=False):
            for attachment in cls.browse([a.id for a in attachments]):
                if attachment.ocr_state != 'pending':
                    continue
                data = bytes(attachment.data or b'')
                try:
                    text = ocr_text(data, file_kind(data))
                except OCRError as error:
                    logger.warning('OCR of attachment %s failed: %s',
                        attachment.id, error)
                    cls._ocr_store([attachment], state='failed',
                        message=str(error)[:250])
                    continue
                cls._ocr_store([attachment], state='done', text=text or '',
                    message=None)
                resource = attachment.resource
                if resource is not None and getattr(
                        resource, '__name__', None) == 'mail.item':
                    items.add(resource.id)
            if items:
                Item.update_scan_text(Item.browse(list(items)))
