"""Reading of an old mail register kept as a spreadsheet (CSV or Excel
.xlsx): the header and the rows as text, with their line numbers.

The upload is bounded by mons_base.upload before any reader opens it; the
workbook is read as a stream (openpyxl read-only), and at most MAX_ROWS
rows are kept: an old register is imported one year (one file) at a
time."""
import csv
import io

from trytond.i18n import gettext
from trytond.modules.mons_base import upload
from trytond.modules.mons_base.spreadsheet import (
    XLS_MAGIC, XLSX_MAGIC, cell_text, decode, first_sheet, read_errors)

from .exceptions import RegisterImportError

# Rows imported at once, in the request: a year of a city's register
MAX_ROWS = 20000
# A register never has more columns; a stray cell far to the right must
# not make every row as wide as the sheet
MAX_COLUMNS = 50


def check_upload(data, filename):
    "The suite's limits of uploads, before anything is parsed"
    upload.check(data, filename, kinds={'zip'},
        max_size=upload.limits().max_unpacked_document)


def _table(rows, filename):
    "(header, [(line, values)]) from raw rows; blank rows are skipped"
    header, data, width = None, [], 0
    for line, row in enumerate(rows, 1):
        row = [cell_text(c) for c in row[:MAX_COLUMNS]]
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


def read_csv(data, filename):
    text, _ = decode(data)
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
    try:
        with first_sheet(data) as sheet:
            if sheet is None:
                raise RegisterImportError(gettext(
                        'mons_mail.msg_register_import_file_empty',
                        file=filename))
            return _table(sheet.iter_rows(
                    max_col=MAX_COLUMNS, values_only=True), filename)
    except read_errors() as exception:
        raise RegisterImportError(gettext(
                'mons_mail.msg_register_import_unreadable',
                file=filename)) from exception


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
