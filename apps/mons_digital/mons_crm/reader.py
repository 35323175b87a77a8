"Reading of the Excel and CSV files the services keep their contacts in."
import csv
import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree

from trytond.i18n import gettext
from trytond.modules.mons_base import upload
from trytond.modules.mons_base.spreadsheet import (
    XLS_MAGIC, XLSX_MAGIC, cell_text, decode, first_sheet, read_errors)

from .exceptions import ImportFileError

EXCEL_EXTENSIONS = ('.xlsx', '.xlsm', '.xls')
# Columns read from a sheet: a contact list is never wider; a cell far to
# the right must not make every row as wide as the sheet
MAX_COLUMNS = 500
MIB = 2 ** 20
MERGE_RE = re.compile(
    rb'<(?:[\w.-]+:)?mergeCell\s[^>]*?ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


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
    """Header, data rows and line number of the header from raw rows, read
    one at a time: only the non-empty rows, as text, are kept"""
    header, header_line = None, None
    data = []
    width = 0
    for line, row in enumerate(rows, 1):
        if header is None:
            row = [cell_text(c) for c in row]
            if not any(row):
                continue
            while row and not row[-1]:
                row.pop()
            header, header_line, width = row, line, len(row)
            continue
        row = [cell_text(c) for c in row[:width]]
        if any(row):
            data.append((line, row + [''] * (width - len(row))))
    if header is None:
        raise ImportFileError(gettext(
                'mons_crm.msg_import_file_empty', file=filename))
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
    if not data:
        raise ImportFileError(gettext(
                'mons_crm.msg_import_file_no_rows', file=filename))
    return headers, data, header_line


def _local(tag):
    return tag.rsplit('}', 1)[-1]


def _first_sheet_path(archive):
    """Path inside the package of the workbook's first sheet, as openpyxl
    lists it first (OOXML transitional or strict namespaces alike)"""
    def target(base, rels_path, wanted):
        rels = ElementTree.fromstring(archive.read(rels_path))
        for rel in rels:
            if wanted(rel):
                path = rel.get('Target', '')
                if path.startswith('/'):
                    return path.lstrip('/')
                return posixpath.normpath(posixpath.join(base, path))
        return None

    workbook = target('', '_rels/.rels',
        lambda rel: rel.get('Type', '').endswith('/officeDocument'))
    if not workbook:
        return None
    folder, name = posixpath.split(workbook)
    root = ElementTree.fromstring(archive.read(workbook))
    sheet = next((e for e in root.iter() if _local(e.tag) == 'sheet'), None)
    if sheet is None:
        return None
    rid = next((v for k, v in sheet.attrib.items() if _local(k) == 'id'),
        None)
    return target(folder, posixpath.join(folder, '_rels', name + '.rels'),
        lambda rel: rel.get('Id') == rid)


def _merged_ranges(data):
    """Merged ranges of the first sheet, found by scanning its XML as a
    stream (they follow the cells): the file is never loaded whole"""
    ranges = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            path = _first_sheet_path(archive)
            if not path:
                return []
            with archive.open(path) as stream:
                # A tag cut between two chunks is whole in the next one
                tail = b''
                while chunk := stream.read(MIB):
                    text = tail + chunk
                    if b'mergeCell' in text:
                        for match in MERGE_RE.finditer(text):
                            ranges.setdefault(match.group(1).decode())
                    tail = text[-256:]
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError,
            OSError, ValueError):
        pass
    return list(ranges)


def read_excel(data, filename):
    from openpyxl.utils.cell import range_boundaries
    if data.startswith(XLS_MAGIC):
        raise ImportFileError(gettext(
                'mons_crm.msg_import_file_xls', file=filename))
    if not data.startswith(XLSX_MAGIC):
        raise ImportFileError(gettext(
                'mons_crm.msg_import_file_not_excel', file=filename))
    # Bounded before openpyxl inflates anything
    try:
        upload.check(data, filename, kinds={'zip'})
    except upload.UnreadableUpload as exception:
        raise ImportFileError(gettext(
                'mons_crm.msg_import_file_not_excel',
                file=filename)) from exception
    errors = read_errors()
    try:
        # Read-only: the rows are parsed as a stream, never held as cells
        with first_sheet(data) as sheet:
            if sheet is None:
                raise ImportFileError(gettext(
                        'mons_crm.msg_import_file_empty', file=filename))
            title = sheet.title
            headers, rows, header_line = _table(sheet.iter_rows(
                    max_col=MAX_COLUMNS, values_only=True), filename)
    except errors as exception:
        raise ImportFileError(gettext(
                'mons_crm.msg_import_file_not_excel',
                file=filename)) from exception
    for coord in _merged_ranges(data):
        try:
            _, min_row, _, max_row = range_boundaries(coord)
        except (TypeError, ValueError):
            continue
        if min_row <= header_line <= max_row:
            raise ImportFileError(gettext(
                    'mons_crm.msg_import_file_merged_header',
                    file=filename, cells=coord))
    return headers, rows, {'format': 'xlsx', 'sheet': title}


def read_csv(data, filename):
    text, encoding = decode(data)
    if not text.strip():
        raise ImportFileError(gettext(
                'mons_crm.msg_import_file_empty', file=filename))
    delimiter = sniff_delimiter(text)
    rows = list(csv.reader(io.StringIO(text, newline=''),
            delimiter=delimiter))
    headers, rows, _ = _table(rows, filename)
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
