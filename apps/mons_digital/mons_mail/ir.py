"Attachments of mail items (scans) and the scheduled jobs of the module."
import io
import logging

from trytond.i18n import gettext
from trytond.modules.mons_base import upload
from trytond.pool import Pool, PoolMeta

from .exceptions import AttachmentError
from .trusted import is_trusted

logger = logging.getLogger(__name__)

IMAGE_SIGNATURES = [
    b'\x89PNG\r\n\x1a\n', b'\xff\xd8\xff', b'II*\x00', b'MM\x00*',
    b'GIF87a', b'GIF89a',
    ]


ACTIVE_EXTENSIONS = (
    '.htm', '.html', '.xhtml', '.shtml', '.svg', '.svgz', '.xml', '.js',
    '.mht', '.mhtml')
ACTIVE_MARKERS = (b'<html', b'<!doctype html', b'<script', b'<svg',
    b'<?xml', b'<body', b'<iframe')


def is_active_content(name, data):
    """Markup a browser would run when the file is opened from the desk
    (HTML, SVG, XML): never kept on a letter, whatever the context"""
    if (name or '').lower().rstrip().endswith(ACTIVE_EXTENSIONS):
        return True
    head = bytes(data[:1024]).lstrip().lower()
    return any(marker in head for marker in ACTIVE_MARKERS) and not (
        head.startswith(b'%pdf-'))


def file_kind(data):
    "'pdf', 'image' or None from the first bytes of the content"
    head = bytes(data[:1024])
    if b'%PDF-' in head:
        return 'pdf'
    if any(head.startswith(s) for s in IMAGE_SIGNATURES):
        return 'image'
    return None


def pdf_text(data, max_pages=20):
    "Text layer of a PDF (empty for image-only scans)"
    from pypdf import PdfReader
    try:
        reader = PdfReader(io.BytesIO(data))
        return '\n'.join(
            (page.extract_text() or '') for page in reader.pages[:max_pages])
    except Exception:
        logger.info('could not extract the text of a PDF', exc_info=True)
        return ''


class Attachment(metaclass=PoolMeta):
    __name__ = 'ir.attachment'

    @classmethod
    def create(cls, vlist):
        # Check before storing anything: a refused scan leaves no trace
        cls._mail_check_values([v for v in vlist])
        attachments = super().create(vlist)
        cls._mail_attachments_changed(attachments)
        return attachments

    @classmethod
    def _mail_check_values(cls, vlist):
        pool = Pool()
        Item = pool.get('mail.item')
        for values in vlist:
            resource = values.get('resource')
            if isinstance(resource, (list, tuple)):
                resource = '%s,%s' % tuple(resource)
            if (not isinstance(resource, str)
                    or not resource.startswith('mail.item,')
                    or values.get('type', 'data') != 'data'):
                continue
            item = Item(int(resource.split(',')[1]))
            cls._mail_check_data(
                values.get('name') or '', values.get('data') or b'', item)

    @classmethod
    def _mail_check_data(cls, name, data, item):
        Configuration = Pool().get('mail.configuration')
        if isinstance(data, str):
            data = data.encode()
        if is_active_content(name, data):
            raise AttachmentError(gettext('mons_mail.msg_attachment_active',
                    name=name, item=item.rec_name))
        # Annexes of emails are kept as they came (office documents...):
        # only scans must be PDF or images
        if not is_trusted('inbound_annexes') and not file_kind(data):
            raise AttachmentError(gettext('mons_mail.msg_attachment_type',
                    name=name, item=item.rec_name))
        limit = Configuration(1).max_attachment_size
        size = len(data) / (1024 * 1024)
        if limit and size > limit:
            raise AttachmentError(gettext('mons_mail.msg_attachment_size',
                    name=name, item=item.rec_name,
                    size=f'{size:.1f}', limit=limit))
        if not is_trusted('inbound_annexes'):
            # A scan must open: its PDF or image structure is parsed, not
            # only its first bytes read
            upload.check(data, name)

    @classmethod
    def write(cls, *args):
        super().write(*args)
        actions = iter(args)
        changed = []
        for attachments, values in zip(actions, actions):
            if {'data', 'resource', 'name', 'type'} & set(values):
                changed.extend(attachments)
        if changed:
            cls._mail_attachments_changed(changed)

    @classmethod
    def _mail_attachments_changed(cls, attachments):
        pool = Pool()
        Item = pool.get('mail.item')
        items = set()
        for attachment in attachments:
            resource = attachment.resource
            if (resource is None or not hasattr(resource, '__name__')
                    or resource.__name__ != 'mail.item'
                    or attachment.type != 'data'):
                continue
            items.add(resource.id)
            cls._mail_check_data(
                attachment.name, attachment.data or b'', resource)
        if items:
            Item.update_scan_text(Item.browse(list(items)))


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('mail.item|send_reminders', "Send Mail Reminders"),
                ('mail.scan|process_drop_folder',
                    "Process the Scanner Drop Folder"),
                ])
