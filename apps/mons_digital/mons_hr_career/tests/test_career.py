"Career file: history and current values, documents, reads, rights."
import datetime as dt
import functools
import unittest

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from .org import Org, as_user


def with_org(func):
    @functools.wraps(func)
    @with_transaction()
    def wrapper(self):
        org = Org()
        try:
            return func(self, org)
        finally:
            org.close()
    return wrapper


class CareerDBTestCase(unittest.TestCase):
    "A database with the module, dropped afterwards as ModuleTestCase does"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('mons_hr_career', lang='fr')

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()


class CareerFileTestCase(CareerDBTestCase):

    @with_org
    def test_current_values_follow_effective_dates(self, org):
        "Each change is an event with its effective date; the file shows "
        "the values effective on the day"
        pool = Pool()
        Event = pool.get('hr.career.event')
        File = pool.get('hr.career.file')
        Date = pool.get('ir.date')
        today = Date.today()
        file = org.file(org.alice)
        self.assertEqual((file.statute, file.step, file.working_time),
            ('statutory', 0, 1.0))
        Event.create([
                {'file': file.id, 'kind': 'step', 'step': 2,
                    'effective_date': today - dt.timedelta(days=30)},
                {'file': file.id, 'kind': 'working_time',
                    'working_time': 0.8,
                    'effective_date': today - dt.timedelta(days=10)},
                {'file': file.id, 'kind': 'promotion', 'grade': 'C1',
                    'scale': 'C1', 'step': 3,
                    'effective_date': today + dt.timedelta(days=20)},
                ])
        file = File(file.id)
        self.assertEqual(file.step, 2)
        self.assertEqual(file.step_date, today - dt.timedelta(days=30))
        self.assertEqual(file.working_time, 0.8)
        self.assertEqual(file.grade, 'D4')
        self.assertEqual(file.statute, 'statutory')
        # The promotion is effective later: the nightly update shows it then
        later = file.values_at(today + dt.timedelta(days=20))
        self.assertEqual((later['grade'], later['step'], later['grade_date']),
            ('C1', 3, today + dt.timedelta(days=20)))
        with Transaction().set_context(_career_today=today):
            File.update_current()
        self.assertEqual(File(file.id).grade, 'D4')
        # Deleting an event gives back the previous values
        Event.delete(Event.search([('file', '=', file.id),
                    ('kind', '=', 'working_time')]))
        self.assertEqual(File(file.id).working_time, 1.0)

    @with_org
    def test_working_time_is_a_fraction(self, org):
        Event = Pool().get('hr.career.event')
        with self.assertRaises(ValidationError) as cm:
            Event.create([{'file': org.file(org.bob).id,
                        'kind': 'working_time', 'working_time': 80,
                        'effective_date': dt.date(2026, 1, 1)}])
        self.assertIn('80', cm.exception.message)

    @with_org
    def test_document_retention(self, org):
        "Retention runs from the document's date or the agent's exit; "
        "types that say so are deleted after it"
        pool = Pool()
        Document = pool.get('hr.career.document')
        file = org.file(org.alice)
        disc, contract = Document.create([
                {'file': file.id, 'type': org.types['DISC'].id,
                    'name': "Avertissement", 'date': dt.date(2019, 4, 1)},
                {'file': file.id, 'type': org.types['CONTRAT'].id,
                    'name': "Contrat", 'date': dt.date(2018, 3, 15)},
                ])
        # A confidential type makes its documents confidential
        self.assertTrue(disc.confidential)
        self.assertEqual(disc.retention_until, dt.date(2024, 4, 1))
        self.assertIsNone(contract.retention_until)
        file.exit_date = dt.date(2030, 6, 30)
        file.save()
        self.assertEqual(Document(contract.id).retention_until,
            dt.date(2080, 6, 30))
        self.assertEqual(Document.purge_expired(dt.date(2024, 4, 1)), [])
        self.assertEqual(Document.purge_expired(dt.date(2024, 4, 2)),
            [disc])
        self.assertEqual(Document.search([]), [contract])

    @with_org
    def test_document_over_the_upload_limit(self, org):
        "A document past the upload limit is refused naming the file"
        from trytond import config
        from trytond.modules.mons_base.upload import UploadError
        Document = Pool().get('hr.career.document')
        if not config.has_section('mons_upload'):
            config.add_section('mons_upload')
        config.set('mons_upload', 'max_size', '1')
        try:
            with as_user(org.u_rh), self.assertRaises(UploadError) as cm:
                Document.create([{'file': org.file(org.alice).id,
                            'type': org.types['CONTRAT'].id,
                            'name': "Contrat", 'filename': 'contrat.pdf',
                            'data': b'%PDF-1.4' + b' ' * (2 * 2 ** 20)}])
            self.assertIn('contrat.pdf', cm.exception.message)
        finally:
            # 0 is "not configured": the default limit again
            config.set('mons_upload', 'max_size', '0')

    @with_org
    def test_reads_are_logged(self, org):
        "A user reading a file leaves who and when; internal reads do not"
        pool = Pool()
        File = pool.get('hr.career.file')
        Read = pool.get('hr.career.file.read')
        file = org.file(org.alice)
        File.read([file.id], ['agent_number'])
        self.assertEqual(Read.search([]), [])
        with as_user(org.u_rh):
            File.read([file.id], ['agent_number', 'grade'])
        reads = Read.search([])
        self.assertEqual([(r.file, r.user) for r in reads],
            [(file, org.u_rh)])
        self.assertTrue(reads[0].date)
        # Only the HR manager and the DPO read the log
        with as_user(org.u_rh), self.assertRaises(AccessError):
            Read.search([])

    @with_org
    def test_rights_on_files(self, org):
        "HR reads the files of its organisation only; the agent their own "
        "without confidential parts; a manager no file"
        pool = Pool()
        File = pool.get('hr.career.file')
        Document = pool.get('hr.career.document')
        alice = org.file(org.alice)
        Document.create([
                {'file': alice.id, 'type': org.types['DISC'].id,
                    'name': "Avertissement"},
                {'file': alice.id, 'type': org.types['CONTRAT'].id,
                    'name': "Contrat"},
                ])
        corinne = org.file(org.corinne)
        with as_user(org.u_rh):
            numbers = {f.agent_number for f in File.search([])}
            self.assertIn('V001', numbers)
            self.assertNotIn('C001', numbers)
            with self.assertRaises(AccessError):
                File.read([corinne.id], ['agent_number'])
            self.assertEqual(len(Document.search([])), 2)
            notes = File.read([alice.id], ['hr_notes'])
            self.assertIn('hr_notes', notes[0])
        with as_user(org.u_rh_cpas):
            self.assertEqual([f.agent_number for f in File.search([])],
                ['C001'])
        Event = pool.get('hr.career.event')
        Profile = pool.get('hr.competency.profile')
        Profile.create([{'file': org.file(org.bob).id,
                    'competency': org.excel.id,
                    'level': org.excel.levels[0].id}])
        with as_user(org.u_alice):
            self.assertEqual(File.search([]), [alice])
            # The history and profile follow their file's rules
            self.assertEqual({e.file for e in Event.search([])}, {alice})
            self.assertEqual(Profile.search([]), [])
            with self.assertRaises(AccessError):
                Event.create([{'file': alice.id, 'kind': 'step', 'step': 9,
                            'effective_date': dt.date(2026, 1, 1)}])
            with self.assertRaises(AccessError):
                File.read([org.file(org.bob).id], ['agent_number'])
            # Confidential documents and HR notes stay with HR
            self.assertEqual([d.name for d in Document.search([])],
                ["Contrat"])
            with self.assertRaises(AccessError):
                File.read([alice.id], ['hr_notes'])
            # The agent reads, never changes, their file
            with self.assertRaises(AccessError):
                File.write([alice], {'agent_number': 'X'})
        with as_user(org.u_rh):
            # Current values come from the events only
            with self.assertRaises(UserError) as cm:
                File.write([alice], {'grade': 'A5'})
            self.assertIn('Grade', cm.exception.message)
        with as_user(org.u_chef):
            self.assertEqual(File.search([]), [org.file(org.chef)])
        with as_user(org.u_cpas):
            self.assertEqual(File.search([]), [corinne])
