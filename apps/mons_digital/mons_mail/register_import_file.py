"""Reading of an old mail register kept as a spreadsheet (CSV or Excel
.xlsx): the header and the rows as text, with their line numbers.

The upload is bounded by mons_base.upload before any reader opens it; the
workbook is read as a stream (openpyxl read-only), and at most MAX_ROWS
rows are kept: an old register is imported one year (one file) at a
time."""
import csv
import datetime as dt
import io
import zipfile
from xml.etree import ElementTree

from trytond.i18n import gettext
from trytond.modules.mons_base import upload

from .exceptions import RegisterImportError

XLSX_MAGIC = b'PK\x03\x04'
XLS_MAGIC = b'\xd0\xcf\x11\xe0'
# Rows imported at once, in the request: a year of a city's register
MAX_ROWS = 20000
# A register never has more columns; a stray cell far to the right must
# not make every row as wide as the sheet
MAX_COLUMNS = 50


def check_upload(data, filename):
    "The suite's limits of uploads, before anything is parsed"
    upload.check(data, filename, kinds={'zip'},
        max_size=upload.limits().max_unpacked_document)


def _cell(value):
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _table(rows, filename):
    "(header, [(line, values)]) from raw rows; blank rows are skipped"
    header, data, width = None, [], 0
    for line, row in enumerate(rows, 1):
        row = [_cell(c) for c in row[:MAX_COLUMNS]]
        if header is None:
            if not any(row):
                continue
            while row and not row[-1]:
                row.pop()
            header, width = (line, row), len(row)
            continue
        if not any(row):
            continue
        if len(data) >= MAX_ROWS:
            raise RegisterImportError(gettext(
                    'mons_mail.msg_register_import_too_many_rows',
                    file=filename, maximum=MAX_ROWS))
        # A value beyond the last named column is kept so that the
        # analysis names it instead of dropping it
        data.append((line, row + [''] * (width - len(row))))
    if header is None or not data:
        raise RegisterImportError(gettext(
                'mons_mail.msg_register_import_file_empty', file=filename))
    return header, data


def decode(data):
    """Text of a CSV: UTF-8 (with or without BOM), else Windows-1252, the
    default of Excel on Belgian Windows"""
    if data.startswith(b'\xef\xbb\xbf'):
        return data[3:].decode('utf-8')
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError:
        return data.decode('cp1252', errors='replace')


def read_csv(data, filename):
    text = decode(data)
    first = text.lstrip().split('\n', 1)[0]
    counts = {d: first.count(d) for d in ';,\t'}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ';'
    try:
        return _table(csv.reader(io.StringIO(text, newline=''),
                delimiter=delimiter), filename)
    except csv.Error as exception:
        raise RegisterImportError(gettext(
                'mons_mail.msg_register_import_unreadable',
                file=filename)) from exception


def read_xlsx(data, filename):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException
    errors = (InvalidFileException, zipfile.BadZipFile, KeyError, OSError,
        ValueError, TypeError, ElementTree.ParseError)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True)
    except errors as exception:
        raise RegisterImportError(gettext(
                'mons_mail.msg_register_import_unreadable',
                file=filename)) from exception
    try:
        if not workbook.worksheets:
            raise RegisterImportError(gettext(
                    'mons_mail.msg_register_import_file_empty',
                    file=filename))
        sheet = workbook.worksheets[0]
        # The declared dimension may be wrong: rows are read as they come
        sheet.reset_dimensions()
        try:
            return _table(sheet.iter_rows(
                    max_col=MAX_COLUMNS, values_only=True), filename)
        except errors as exception:
            raise RegisterImportError(gettext(
                    'mons_mail.msg_register_import_unreadable',
                    file=filename)) from exception
    finally:
        workbook.close()


def read(data, filename):
    """((header line, names), [(line, values)]) of the uploaded register;
    RegisterImportError or UploadError with a French message otherwise"""
    data = bytes(data or b'')
    filename = filename or ''
    if not data.strip():
        raise RegisterImportError(gettext(
                'mons_mail.msg_register_import_file_empty', file=filename))
    try:
        check_upload(data, filename)
    except upload.UnreadableUpload as exception:
        raise RegisterImportError(gettext(
                'mons_mail.msg_register_import_unreadable',
                file=filename)) from exception
    if data.startswith(XLS_MAGIC):
        raise RegisterImportError(gettext(
                'mons_mail.msg_register_import_xls', file=filename))
    if data.startswith(XLSX_MAGIC):
        return read_xlsx(data, filename)
    if b'\x00' in data[:4096]:
        raise RegisterImportError(gettext(
                'mons_mail.msg_register_import_unreadable', file=filename))
    return read_csv(data, filename)
