"""Uploads of contact lists within limits: compression bombs and crowded
archives refused before anything is inflated, large files analysed by the
queue, Excel read as a stream (mixed into the module test case)."""
import io
import time
import tracemalloc
import zipfile

import openpyxl

from trytond import config
from trytond.exceptions import UserError
from trytond.modules.mons_base import upload
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .. import reader
from .import_tests import xlsx
from .tools import load_french as load_crm_french
from .tools import setup_city


def inflating_xlsx(megabytes):
    """A real workbook plus one sheet part of megabytes of repeated XML:
    a few hundred kilobytes that inflate to megabytes"""
    base = xlsx([["Nom", "Email"], ["Paul Martin", "paul@example.be"]])
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, \
            zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
        target.writestr('xl/worksheets/sheet2.xml',
            row * (megabytes * 2 ** 20 // len(row)))
    return output.getvalue()


def load_french():
    "French of mons_crm and of mons_base, which tells the limits"
    import os
    from trytond.modules import mons_base
    load_crm_french()
    Translation = Pool().get('ir.translation')
    Translation.translation_import('fr', 'mons_base', os.path.join(
            os.path.dirname(mons_base.__file__), 'locale', 'fr.po'))


class overridden_config:
    "Set [mons_upload] options for the time of a block"

    def __init__(self, **values):
        self.values = values

    def __enter__(self):
        if not config.has_section(upload.SECTION):
            config.add_section(upload.SECTION)
        self.previous = {k: config.get(upload.SECTION, k)
            for k in self.values}
        for key, value in self.values.items():
            config.set(upload.SECTION, key, str(value))

    def __exit__(self, *exc):
        for key, value in self.previous.items():
            # 0 stands for the default
            config.set(upload.SECTION, key, value or '0')


class UploadTests:

    def _new_import(self, city, data, filename):
        pool = Pool()
        Import = pool.get('mons.crm.import')
        EmailList = pool.get('marketing.email.list')
        list_, = EmailList.create([{'name': "Voeux",
                    'service': city['cult'].id}])
        return Import.create([{
                    'name': filename, 'service': city['cult'].id,
                    'list_': list_.id, 'file': data,
                    'filename': filename}])

    @with_transaction()
    def test_upload_inflating_xlsx_refused(self):
        "An xlsx inflating past the limit is refused at once, in French"
        pool = Pool()
        Import = pool.get('mons.crm.import')
        load_french()
        city = setup_city()
        bomb = inflating_xlsx(60)
        self.assertLess(len(bomb), 2 ** 20)
        start = time.monotonic()
        with Transaction().set_context(language='fr'), \
                self.assertRaisesRegex(UserError,
                    "Le fichier « bombe.xlsx » se décompresse en 60 Mo, "
                    "au-delà de la limite de 50 Mo."):
            self._new_import(city, bomb, 'bombe.xlsx')
        self.assertLess(time.monotonic() - start, 2)
        # Written over an accepted import's file: refused the same way
        import_, = self._new_import(city, xlsx([["Nom"], ["Paul"]]),
            'liste.xlsx')
        with self.assertRaisesRegex(UserError, "50"):
            Import.write([import_], {'file': bomb, 'filename': 'b.xlsx'})
        # The reader refuses it too, whoever calls it
        with self.assertRaises(upload.UploadError):
            reader.read_table(bomb, 'bombe.xlsx')

    @with_transaction()
    def test_upload_ratio_and_members_refused(self):
        "Highly compressed or crowded containers are refused"
        load_french()
        city = setup_city()
        # 5 MB within the size limit, but compressed a thousand times
        with Transaction().set_context(language='fr'), \
                self.assertRaisesRegex(UserError,
                    "« dense.xlsx » est compressé [0-9]+ fois, au-delà de la "
                    "limite de 100 fois"):
            self._new_import(city, inflating_xlsx(5), 'dense.xlsx')
        crowded = io.BytesIO()
        with zipfile.ZipFile(crowded, 'w') as archive:
            archive.writestr('[Content_Types].xml', '<Types/>')
            for i in range(1001):
                archive.writestr(f'xl/part{i}.xml', '<a/>')
        with Transaction().set_context(language='fr'), \
                self.assertRaisesRegex(UserError,
                    "« foule.xlsx » contient 1002 fichiers, au-delà de la "
                    "limite de 1000"):
            self._new_import(city, crowded.getvalue(), 'foule.xlsx')
        # A CSV is read whole: held to the limit of an inflated workbook
        with overridden_config(max_unpacked_document=1), \
                Transaction().set_context(language='fr'), \
                self.assertRaisesRegex(UserError,
                    "« longue.csv » est trop volumineux .* la limite est de "
                    "1 Mo"):
            self._new_import(city, b'Nom;Email\n' + b'Paul;p@ex.be\n'
                * 100000, 'longue.csv')
        # The limits are the configuration's
        with overridden_config(max_members=2000):
            self._new_import(city, crowded.getvalue(), 'foule.xlsx')

    @with_transaction()
    def test_upload_analysis_queued_past_threshold(self):
        "A large file is analysed by the queue and its import shows it"
        pool = Pool()
        Import = pool.get('mons.crm.import')
        Queue = pool.get('ir.queue')
        city = setup_city()
        small, = self._new_import(city, b'Nom;Email\nPaul;p@example.be\n',
            'petit.csv')
        data = xlsx([["Nom", "Email"]] + [
                [f"Personne {i}", f"p{i}@example.be"] for i in range(300)])
        self.assertGreater(len(data), 2048)
        large, = self._new_import(city, data, 'grand.xlsx')
        merged, = self._new_import(city, xlsx([["Coordonnées", None],
                    ["Nom", "Email"]] + [[f"P{i}", f"p{i}@example.be"]
                    for i in range(300)], merge='A1:B1'), 'fusion.xlsx')
        with overridden_config(queue_above_kib=2):
            Import.analyse([small, large, merged])
        self.assertEqual(Import(small.id).state, 'mapped')
        self.assertEqual(Import(large.id).state, 'analysing')
        self.assertFalse(Import(large.id).columns)
        tasks = [t for t in Queue.search([('name', '=', 'mons_crm_import')])
            if t.data['method'] == 'analyse_queued']
        self.assertEqual([t.data['instances'] for t in tasks],
            [(large.id, merged.id)])
        for task in tasks:
            task.run()
        large = Import(large.id)
        self.assertEqual(large.state, 'mapped')
        self.assertEqual(large.total_rows, 300)
        self.assertEqual([c.field for c in large.columns],
            ['last_name', 'email'])
        # A file the queue cannot read goes back to draft with the reason
        merged = Import(merged.id)
        self.assertEqual(merged.state, 'draft')
        self.assertIn("A1:B1", merged.problem)

    def test_upload_excel_read_as_a_stream(self):
        "The rows are streamed: far less memory than loading the workbook"
        data = xlsx([["Nom", "Prénom", "Email", "CP", "Ville"]] + [
                [f"Nom {i}", f"Prénom {i}", f"p{i}@example.be", 7000,
                    "Mons"] for i in range(4000)])

        def peak(function):
            tracemalloc.start()
            try:
                function()
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

        def whole():
            workbook = openpyxl.load_workbook(io.BytesIO(data))
            list(workbook.worksheets[0].iter_rows(values_only=True))

        result = []
        streamed = peak(
            lambda: result.append(reader.read_table(data, 'liste.xlsx')))
        headers, rows, info = result[0]
        self.assertEqual(len(rows), 4000)
        self.assertEqual(rows[-1], (4001, [
                    "Nom 3999", "Prénom 3999", "p3999@example.be", "7000",
                    "Mons"]))
        self.assertLess(streamed, peak(whole) * 0.6)
