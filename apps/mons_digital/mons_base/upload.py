# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""An upload within limits: every uploaded file is checked here before any
reader opens it.

What a reader would have to inflate or parse is measured first, without
inflating it: a ZIP container (xlsx, ods, docx, zipped Shapefile) by its
central directory, which Python's zipfile also uses to bound what it
inflates; a PDF and an image by parsing their structure (pypdf, Pillow),
never by their first bytes alone; a GeoPackage as an SQLite database.

The limits are read from the trytond configuration, section
``[mons_upload]`` (sizes in MiB)::

    [mons_upload]
    max_size = 100                 # any uploaded file
    max_unpacked_document = 50     # xlsx, ods, docx... once inflated
    max_unpacked_archive = 500     # a ZIP archive (Shapefile) once inflated
    max_members = 1000             # files inside a ZIP container
    max_ratio = 100                # inflated size / compressed size
    max_pdf_pages = 5000
    max_image_megapixels = 100
    max_geopackage = 200
    queue_above_kib = 256          # imports analysed by the queue past it
"""
import io
import os
import sqlite3
import tempfile
import zipfile
from collections import namedtuple

from trytond import config
from trytond.exceptions import UserError
from trytond.i18n import gettext

SECTION = 'mons_upload'
MIB = 2 ** 20
# A container inflating to less than this is never refused for its ratio:
# small files cannot hurt, and tiny XML parts compress very well
RATIO_FLOOR = MIB

Limits = namedtuple('Limits', [
        'max_size', 'max_unpacked_document', 'max_unpacked_archive',
        'max_members', 'max_ratio', 'max_pdf_pages', 'max_image_pixels',
        'max_geopackage'])

ZIP_SIGNATURES = (b'PK\x03\x04', b'PK\x05\x06')
PDF_SIGNATURE = b'%PDF-'
SQLITE_SIGNATURE = b'SQLite format 3\x00'
IMAGE_SIGNATURES = (
    b'\x89PNG\r\n\x1a\n', b'\xff\xd8\xff', b'II*\x00', b'MM\x00*',
    b'GIF87a', b'GIF89a', b'BM')
# Parts that make a ZIP an office document (OOXML, OpenDocument)
DOCUMENT_MARKERS = {'[Content_Types].xml', 'mimetype'}


class UploadError(UserError):
    "An uploaded file is refused (size, type or content)"


class UnreadableUpload(UploadError):
    """The file is not what its signature says (a ZIP, PDF, image or
    GeoPackage that does not parse): a reader may answer with its own,
    more telling message, as it could not open the file either"""


def human_size(size):
    "Size in French units (octets, Ko, Mo, Go)"
    size = float(size)
    for unit in ('octets', 'Ko', 'Mo'):
        if size < 1024:
            break
        size /= 1024
    else:
        unit = 'Go'
    if unit == 'octets':
        return f'{int(size)} {unit}'
    return f'{size:.1f} {unit}'.replace('.', ',').replace(',0 ', ' ')


def _get(name, default):
    value = config.getint(SECTION, name, default=default)
    return value if value and value > 0 else default


def limits():
    "The limits of the configuration, with their defaults"
    return Limits(
        max_size=_get('max_size', 100) * MIB,
        max_unpacked_document=_get('max_unpacked_document', 50) * MIB,
        max_unpacked_archive=_get('max_unpacked_archive', 500) * MIB,
        max_members=_get('max_members', 1000),
        max_ratio=_get('max_ratio', 100),
        max_pdf_pages=_get('max_pdf_pages', 5000),
        max_image_pixels=_get('max_image_megapixels', 100) * 10 ** 6,
        max_geopackage=_get('max_geopackage', 200) * MIB)


def queue_threshold():
    "Size in bytes past which an import's analysis is left to the queue"
    return _get('queue_above_kib', 256) * 1024


def kind_of(data):
    "'zip', 'pdf', 'image', 'sqlite' or None from the content's signature"
    head = bytes(data[:1024])
    if head.startswith(ZIP_SIGNATURES):
        return 'zip'
    if PDF_SIGNATURE in head:
        return 'pdf'
    if head.startswith(SQLITE_SIGNATURE):
        return 'sqlite'
    if head.startswith(IMAGE_SIGNATURES) or (
            head[:4] == b'RIFF' and head[8:12] == b'WEBP'):
        return 'image'
    return None


ALL_KINDS = frozenset({'zip', 'pdf', 'image', 'sqlite'})
# What map files may be: zipped Shapefile, GeoPackage (GeoJSON, CSV: text)
GEO_KINDS = frozenset({'zip', 'sqlite'})


def check(data, filename, max_size=None, limits_=None, kinds=ALL_KINDS):
    """Check an uploaded file before it is opened and return its kind
    ('zip', 'pdf', 'image', 'sqlite' or None for other content).

    kinds are the kinds whose content is parsed: a reader of text formats
    (CSV, GeoJSON) leaves out 'pdf' and 'image', whose signatures may occur
    in a text by chance.

    Raise UploadError, in the user's language and naming the file and the
    limit, when it is larger than max_size (or the configured maximum),
    inflates past the limits, or is a PDF, image or GeoPackage that does
    not parse."""
    limits_ = limits_ or limits()
    data = bytes(data or b'')
    filename = os.path.basename((filename or '').replace('\\', '/'))
    maximum = min(filter(None, [max_size, limits_.max_size]))
    if len(data) > maximum:
        raise UploadError(gettext('mons_base.msg_upload_too_large',
                filename=filename, size=human_size(len(data)),
                limit=human_size(maximum)))
    kind = kind_of(data)
    if kind not in kinds:
        return None
    checker = {
        'zip': check_zip,
        'pdf': check_pdf,
        'image': check_image,
        'sqlite': check_geopackage,
        }.get(kind)
    if checker:
        checker(data, filename, limits_)
    return kind


def check_zip(data, filename, limits_=None):
    """Members, inflated size and ratio from the central directory: nothing
    is inflated. Return the names of the members."""
    limits_ = limits_ or limits()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError,
            EOFError, OSError) as exception:
        raise UnreadableUpload(gettext(
                'mons_base.msg_upload_zip_unreadable',
                filename=filename, error=str(exception))) from exception
    if len(members) > limits_.max_members:
        raise UploadError(gettext('mons_base.msg_upload_zip_members',
                filename=filename, count=len(members),
                limit=limits_.max_members))
    names = [m.filename for m in members]
    document = bool(DOCUMENT_MARKERS & set(names))
    maximum = (limits_.max_unpacked_document if document
        else limits_.max_unpacked_archive)
    unpacked = sum(m.file_size for m in members)
    if unpacked > maximum:
        raise UploadError(gettext(
                'mons_base.msg_upload_unpacked_too_large',
                filename=filename, size=human_size(unpacked),
                limit=human_size(maximum)))
    packed = sum(m.compress_size for m in members) or 1
    ratio = unpacked / packed
    if unpacked > RATIO_FLOOR and ratio > limits_.max_ratio:
        raise UploadError(gettext('mons_base.msg_upload_zip_ratio',
                filename=filename, ratio=int(ratio),
                limit=limits_.max_ratio))
    return names


def check_pdf(data, filename, limits_=None):
    "Parse the PDF: refused when it does not parse, is encrypted or empty"
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    limits_ = limits_ or limits()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UnreadableUpload(gettext(
                    'mons_base.msg_upload_pdf_encrypted',
                    filename=filename))
        pages = len(reader.pages)
        if pages:
            # The first page's tree must resolve, as a reader will need it
            reader.pages[0].mediabox
    except UploadError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError,
            IndexError, RecursionError, OSError) as exception:
        raise UnreadableUpload(gettext(
                'mons_base.msg_upload_pdf_unreadable',
                filename=filename,
                error=str(exception) or type(exception).__name__)
            ) from exception
    if not pages:
        raise UnreadableUpload(gettext(
                'mons_base.msg_upload_pdf_unreadable',
                filename=filename, error='0 page'))
    if pages > limits_.max_pdf_pages:
        raise UploadError(gettext('mons_base.msg_upload_pdf_pages',
                filename=filename, count=pages, limit=limits_.max_pdf_pages))
    return pages


def check_image(data, filename, limits_=None):
    """Parse the image with Pillow: its header and, as far as Pillow's
    verify goes, its data; refused past the pixel limit before decoding"""
    limits_ = limits_ or limits()
    try:
        from PIL import Image
    except ImportError:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > limits_.max_image_pixels:
                raise UploadError(gettext(
                        'mons_base.msg_upload_image_too_large',
                        filename=filename, width=width, height=height,
                        limit=limits_.max_image_pixels // 10 ** 6))
            image.verify()
    except UploadError:
        raise
    except Exception as exception:
        # Pillow raises many kinds (OSError, SyntaxError, ValueError,
        # struct.error, DecompressionBombError...) for a broken image
        raise UnreadableUpload(gettext(
                'mons_base.msg_upload_image_unreadable',
                filename=filename,
                error=str(exception) or type(exception).__name__)
            ) from exception
    return width, height


def check_geopackage(data, filename, limits_=None):
    """A GeoPackage is an SQLite database: within its size cap, its header
    consistent with its length, and its GeoPackage tables readable"""
    limits_ = limits_ or limits()
    if len(data) > limits_.max_geopackage:
        raise UploadError(gettext('mons_base.msg_upload_too_large',
                filename=filename, size=human_size(len(data)),
                limit=human_size(limits_.max_geopackage)))
    unreadable = 'mons_base.msg_upload_geopackage_unreadable'
    if len(data) < 100 or not data.startswith(SQLITE_SIGNATURE):
        raise UnreadableUpload(gettext(unreadable, filename=filename,
                error='SQLite'))
    page_size = int.from_bytes(data[16:18], 'big')
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(data[28:32], 'big')
    if page_size < 512 or page_size & (page_size - 1) or (
            pages and pages * page_size != len(data)):
        raise UnreadableUpload(gettext(unreadable, filename=filename,
                error='SQLite'))
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, 'upload.gpkg')
        with open(path, 'wb') as file:
            file.write(data)
        try:
            connection = sqlite3.connect(
                'file:%s?mode=ro' % path, uri=True)
            try:
                connection.execute('SELECT count(*) FROM gpkg_contents'
                    ).fetchone()
            finally:
                connection.close()
        except sqlite3.Error as exception:
            raise UnreadableUpload(gettext(unreadable, filename=filename,
                    error=str(exception))) from exception
