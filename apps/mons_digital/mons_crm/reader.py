"Reading of the Excel and CSV files the services keep their contacts in."
import csv
import datetime as dt
import io
import zipfile

from trytond.i18n import gettext

from .exceptions import ImportFileError

XLSX_MAGIC = b'PK\x03\x04'
XLS_MAGIC = b'\xd0\xcf\x11\xe0'
EXCEL_EXTENSIONS = ('.xlsx', '.xlsm', '.xls')


def _cell(value):
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return (value.date().isoformat() if not value.time()
            else value.isoformat())
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def decode(data):
    """Text and encoding of a CSV: UTF-8 (with or without BOM), else
    Windows-1252, the default of Excel on Belgian Windows."""
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


def sniff_delimiter(text):
    sample = '\n'.join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=';,\t|').delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ''
        counts = {d: first.count(d) for d in ';,\t|'}
        best = max(counts, key=counts.get)
        return best if counts[best] else ','


def _table(rows, filename):
    "Header, data rows and line number of the header from raw rows"
    rows = [[_cell(c) for c in row] for row in rows]
    header_index = next(
        (i for i, row in enumerate(rows) if any(row)), None)
    if header_index is None:
        raise ImportFileError(gettext(
                'mons_crm.msg_import_file_empty', file=filename))
    header = rows[header_index]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    headers, seen = [], set()
    for i, name in enumerate(header, 1):
        name = name or gettext('mons_crm.msg_import_column_unnamed',
            number=i)
        base, n = name, 2
        while name.lower() in seen:
            name = f'{base} ({n})'
            n += 1
        seen.add(name.lower())
        headers.append(name)
    data = []
    for offset, row in enumerate(rows[header_index + 1:], 1):
        row = (row + [''] * width)[:width]
        if any(row):
            data.append((header_index + 1 + offset, row))
    if not data:
        raise ImportFileError(gettext(
                'mons_crm.msg_import_file_no_rows', file=filename))
    return headers, data


def read_excel(data, filename):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException
    if data.startswith(XLS_MAGIC):
        raise ImportFileError(gettext(
                'mons_crm.msg_import_file_xls', file=filename))
    if not data.startswith(XLSX_MAGIC):
        raise ImportFileError(gettext(
                'mons_crm.msg_import_file_not_excel', file=filename))
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError,
            ValueError) as exception:
        raise ImportFileError(gettext(
                'mons_crm.msg_import_file_not_excel',
                file=filename)) from exception
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None or sheet.max_row is None:
        raise ImportFileError(gettext(
                'mons_crm.msg_import_file_empty', file=filename))
    rows = list(sheet.iter_rows(values_only=True))
    header_row = next((i for i, row in enumerate(rows, 1)
            if any(c not in (None, '') for c in row)), None)
    if header_row is not None:
        for merged in sheet.merged_cells.ranges:
            if merged.min_row <= header_row <= merged.max_row:
                raise ImportFileError(gettext(
                        'mons_crm.msg_import_file_merged_header',
                        file=filename, cells=merged.coord))
    headers, rows = _table(rows, filename)
    return headers, rows, {'format': 'xlsx', 'sheet': sheet.title}


def read_csv(data, filename):
    text, encoding = decode(data)
    if not text.strip():
        raise ImportFileError(gettext(
                'mons_crm.msg_import_file_empty', file=filename))
    delimiter = sniff_delimiter(text)
    rows = list(csv.reader(io.StringIO(text, newline=''),
            delimiter=delimiter))
    headers, rows = _table(rows, filename)
    return headers, rows, {
        'format': 'csv', 'encoding': encoding, 'delimiter': delimiter}


def read_table(data, filename):
    """(headers, [(line number, values)], info) of an uploaded file;
    ImportFileError with a French message when it cannot be read."""
    filename = filename or ''
    if not data:
        raise ImportFileError(gettext(
                'mons_crm.msg_import_file_empty', file=filename))
    name = filename.lower()
    if name.endswith(EXCEL_EXTENSIONS) or data.startswith(
            (XLSX_MAGIC, XLS_MAGIC)):
        return read_excel(data, filename)
    if b'\x00' in data[:4096] and not data.startswith((b'\xff\xfe',
                b'\xfe\xff')):
        raise ImportFileError(gettext(
                'mons_crm.msg_import_file_unknown', file=filename))
    return read_csv(data, filename)


def write_xlsx(headers, rows):
    import openpyxl
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def write_csv(headers, rows):
    "CSV as Belgian Excel opens it: Windows-1252 with semicolons"
    output = io.StringIO(newline='')
    writer = csv.writer(output, delimiter=';')
    writer.writerow(headers)
    writer.writerows(rows)
    return output.getvalue().encode('cp1252', errors='replace')
