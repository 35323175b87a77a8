# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Spreadsheets the services keep (Excel .xlsx, CSV) read as text.

Shared by the imports of the modules (contacts, old mail register): the
cells as the user sees them, the CSV encodings Belgian Windows writes, and
the first sheet of a workbook opened as a stream. Each import bounds the
upload first (mons_base.upload) and says in its own words what it cannot
read."""
import contextlib
import datetime as dt
import io
import zipfile
from xml.etree import ElementTree

XLSX_MAGIC = b'PK\x03\x04'
XLS_MAGIC = b'\xd0\xcf\x11\xe0'


def read_errors():
    "What openpyxl raises on a damaged or foreign workbook"
    from openpyxl.utils.exceptions import InvalidFileException
    return (InvalidFileException, zipfile.BadZipFile, KeyError, OSError,
        ValueError, TypeError, ElementTree.ParseError)


def cell_text(value):
    "A cell as text: whole numbers without '.0', dates in ISO"
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        # A time object is never false: midnight is compared
        return (value.date().isoformat() if value.time() == dt.time()
            else value.isoformat())
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def decode(data):
    """Text and encoding of a CSV: UTF-8 (with or without BOM), UTF-16 with
    its BOM, else Windows-1252, the default of Excel on Belgian Windows"""
    if data.startswith(b'\xef\xbb\xbf'):
        return data[3:].decode('utf-8'), 'utf-8-sig'
    if data.startswith((b'\xff\xfe', b'\xfe\xff')):
        return data.decode('utf-16'), 'utf-16'
    try:
        return data.decode('utf-8'), 'utf-8'
    except UnicodeDecodeError:
        pass
    try:
        return data.decode('cp1252'), 'cp1252'
    except UnicodeDecodeError:
        return data.decode('latin-1'), 'latin-1'


@contextlib.contextmanager
def first_sheet(data):
    """The first worksheet of an .xlsx as a read-only stream (None when the
    workbook has none); read_errors() when it cannot be opened"""
    import openpyxl
    workbook = openpyxl.load_workbook(
        io.BytesIO(data), read_only=True, data_only=True)
    try:
        if not workbook.worksheets:
            yield None
            return
        sheet = workbook.worksheets[0]
        # The declared dimension may be wrong (rows past it are data) or
        # huge (empty rows as wide as the sheet): rows are read as they come
        sheet.reset_dimensions()
        yield sheet
    finally:
        workbook.close()
