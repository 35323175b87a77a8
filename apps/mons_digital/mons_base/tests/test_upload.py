# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""An upload within limits (upload.py): each refusal, in French, naming the
file and the limit, and what is accepted."""
import io
import os
import sqlite3
import tempfile
import time
import unittest
import zipfile

from trytond.modules.mons_base import upload
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction


def load_french():
    from trytond.modules import mons_base
    pool = Pool()
    Lang = pool.get('ir.lang')
    Translation = pool.get('ir.translation')
    fr, = Lang.search([('code', '=', 'fr')])
    Lang.write([fr], {'translatable': True})
    Translation.translation_import('fr', 'mons_base', os.path.join(
            os.path.dirname(mons_base.__file__), 'locale', 'fr.po'))


def container(members, document=True):
    "A ZIP of members {name: bytes}, an office document when document"
    output = io.BytesIO()
    with zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as archive:
        if document:
            archive.writestr('[Content_Types].xml', '<Types/>')
        for name, data in members.items():
            archive.writestr(name, data)
    return output.getvalue()


def pdf(encrypt=None):
    from pypdf import PdfWriter
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if encrypt:
        writer.encrypt(encrypt)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def geopackage(tables=True):
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, 'a.gpkg')
        connection = sqlite3.connect(path)
        if tables:
            connection.execute('CREATE TABLE gpkg_contents '
                '(table_name TEXT PRIMARY KEY, data_type TEXT)')
        else:
            connection.execute('CREATE TABLE autre (x)')
        connection.commit()
        connection.close()
        with open(path, 'rb') as file:
            return file.read()


class UploadTestCase(unittest.TestCase):
    "Uploads within limits"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('mons_base')

    def refused(self, data, filename, *words, **kwargs):
        with Transaction().set_context(language='fr'), \
                self.assertRaises(upload.UploadError) as cm:
            upload.check(data, filename, **kwargs)
        message = cm.exception.message
        self.assertIn(f'« {filename} »', message)
        for word in words:
            self.assertIn(word, message)
        return message

    @with_transaction()
    def test_zip_limits(self):
        "Inflated size, members and ratio from the central directory"
        load_french()
        xml = b'<row><c><v>1</v></c></row>' * (88 * 2 ** 20 // 26)
        bomb = container({'xl/worksheets/sheet1.xml': xml})
        self.assertLess(len(bomb), 400 * 1024)
        start = time.monotonic()
        self.refused(bomb, 'x.xlsx', 'se décompresse en 88 Mo',
            'au-delà de la limite de 50 Mo')
        self.assertLess(time.monotonic() - start, 1)
        # An archive (no office document) may inflate further...
        archive = container({'couche.shp': xml}, document=False)
        # ...but not past the ratio of a compression bomb
        self.refused(archive, 'couche.zip', 'compressé', '100 fois')
        self.refused(container({f'{i}.xml': b'<a/>' for i in range(1000)}),
            'foule.ods', 'contient 1001 fichiers', 'limite de 1000')
        self.refused(b'PK\x03\x04 rien', 'faux.docx', 'archive ZIP lisible')
        # A real workbook passes, and says what it is
        self.assertEqual(upload.check(container(
                    {'xl/worksheets/sheet1.xml': b'<row/>' * 1000}),
                'liste.xlsx'), 'zip')

    @with_transaction()
    def test_size_limit(self):
        "Any file past the given or configured size"
        load_french()
        self.refused(b'x' * 3000, 'gros.csv', 'trop volumineux', '2 Ko',
            max_size=2048)
        self.assertIsNone(upload.check(b'x' * 2000, 'petit.csv',
                max_size=2048))

    @with_transaction()
    def test_pdf_parsed(self):
        "A PDF that does not parse, is cut or encrypted is refused"
        load_french()
        good = pdf()
        self.assertEqual(upload.check(good, 'lettre.pdf'), 'pdf')
        self.refused(b'%PDF-1.4\n% zorglub\n', 'plainte.pdf', 'PDF lisible')
        self.refused(good[:len(good) // 2], 'coupe.pdf', 'PDF lisible')
        self.refused(pdf(encrypt='secret'), 'secret.pdf', 'PDF chiffré')
        self.refused(good, 'long.pdf', '1 pages', 'limite de 0',
            limits_=upload.limits()._replace(max_pdf_pages=0))

    @with_transaction()
    def test_image_parsed(self):
        "An image is parsed by Pillow, its pixels counted before decoding"
        from PIL import Image
        load_french()
        output = io.BytesIO()
        Image.new('RGB', (40, 30)).save(output, 'PNG')
        png = output.getvalue()
        self.assertEqual(upload.check(png, 'photo.png'), 'image')
        self.refused(png[:30], 'coupee.png', 'image lisible')
        self.refused(png, 'grande.png', '40 × 30 pixels',
            limits_=upload.limits()._replace(max_image_pixels=1000))

    @with_transaction()
    def test_geopackage(self):
        "A GeoPackage is an SQLite database with its tables, within a cap"
        load_french()
        data = geopackage()
        self.assertEqual(upload.check(data, 'couche.gpkg'), 'sqlite')
        self.refused(geopackage(tables=False), 'vide.gpkg',
            'GeoPackage lisible')
        self.refused(data[:len(data) - 100], 'coupe.gpkg',
            'GeoPackage lisible')
        self.refused(data, 'gros.gpkg', 'trop volumineux',
            limits_=upload.limits()._replace(max_geopackage=1024))

    @with_transaction()
    def test_kinds_parsed(self):
        "A reader of text formats is not refused for a signature by chance"
        load_french()
        text = b'nom;note\nA;voir %PDF-1.4 dans le dossier\n'
        self.assertIsNone(upload.check(text, 'notes.csv', kinds={'zip'}))
        self.assertIsNone(upload.check(text, 'notes.geojson',
                kinds=upload.GEO_KINDS))
        # Where PDFs are expected, the same bytes must parse as one
        self.refused(text, 'notes.pdf', 'PDF lisible')

    def test_limits_from_configuration(self):
        "The limits are read from [mons_upload], with defaults"
        from trytond import config
        limits = upload.limits()
        self.assertEqual(limits.max_unpacked_document, 50 * 2 ** 20)
        if not config.has_section(upload.SECTION):
            config.add_section(upload.SECTION)
        try:
            config.set(upload.SECTION, 'max_unpacked_document', '5')
            self.assertEqual(upload.limits().max_unpacked_document,
                5 * 2 ** 20)
        finally:
            config.set(upload.SECTION, 'max_unpacked_document', '0')
        self.assertEqual(upload.limits(), limits)
