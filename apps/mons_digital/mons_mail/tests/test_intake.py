"Scan-first intake with pre-numbered labels; e-mails named by their sender."
import unittest
from email.message import EmailMessage
from email.headerregistry import Address

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .test_module import Setup, load_french, pdf_with_barcode


class MailIntakeTestCase(unittest.TestCase):
    "Labels printed in advance, scans carrying them, e-mail senders"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('mons_mail')

    @with_transaction()
    def test_scan_first_with_prenumbered_labels(self):
        "Reserve a sheet, print it, a scan with one label fills its letter"
        pool = Pool()
        Sheet = pool.get('mail.label.sheet')
        Item = pool.get('mail.item')
        Scan = pool.get('mail.scan')
        Report = pool.get('mail.label.sheet.labels', type='report')
        Attachment = pool.get('ir.attachment')
        load_french()
        s = Setup()
        try:
            with Transaction().set_context(language='fr'):
                # Only the mail office reserves numbers
                with s.as_user(s.agent):
                    with self.assertRaises(AccessError):
                        Sheet.create([{'company': s.company.id,
                                    'count': 3}])
                with s.as_user(s.courrier):
                    with self.assertRaisesRegex(UserError, "1000"):
                        Sheet.create([{'company': s.company.id,
                                    'count': 1000}])
                    sheet, = Sheet.create([{'company': s.company.id,
                                'count': 3, 'first_number': 'X'}])
                    self.assertIsNone(sheet.first_number)
                    Sheet.reserve([sheet])
                    sheet = Sheet(sheet.id)
                    self.assertEqual(sheet.state, 'reserved')
                    numbers = sorted(i.number for i in sheet.items)
                    self.assertEqual(len(set(numbers)), 3)
                    self.assertEqual((sheet.first_number, sheet.last_number),
                        (numbers[0], numbers[-1]))
                    self.assertTrue(all(i.state == 'draft'
                            for i in sheet.items))
                    ext, content, _, name = Report.execute([sheet.id], {})
                    self.assertEqual(ext, 'pdf')
                    self.assertTrue(content.startswith(b'%PDF'))
                    self.assertNotIn('/', name)
                    # A label's letter is the server's: its number stays
                    item = [i for i in sheet.items
                        if i.number == numbers[1]][0]
                    with self.assertRaises(AccessError):
                        Item.write([item], {'label_sheet': None})

                # The scanner: a page carrying the second label
                scan = Scan.process_file('lettre.pdf',
                    pdf_with_barcode(numbers[1]), s.company.id)
                self.assertEqual((scan.state, scan.item, scan.code),
                    ('filed', item, numbers[1]))
                item = Item(item.id)
                self.assertEqual([a.name for a in Attachment.search(
                                [('resource', '=', str(item))])],
                    ['lettre.pdf'])
                self.assertIsNotNone(item.reception_date)
                # The mail office completes it; registering keeps the
                # number printed on the letter
                with s.as_user(s.courrier):
                    Item.write([item], {'party': s.sender.id,
                            'subject': "Lettre scannée d'abord"})
                    Item.register([Item(item.id)])
                item = Item(item.id)
                self.assertEqual((item.state, item.number),
                    ('registered', numbers[1]))
                # The next letter registered the usual way gets the next
                # number after the sheet, not one of the labels
                other = s.item(subject="Lettre ordinaire")
                Item.register([other])
                self.assertNotIn(Item(other.id).number, numbers)
                self.assertGreater(Item(other.id).number, numbers[-1])
        finally:
            s.close()

    @with_transaction()
    def test_email_sender_display_name(self):
        "A new contact from an e-mail is named as the sender signs"
        pool = Pool()
        Inbox = pool.get('inbound.email.inbox')
        Email = pool.get('inbound.email')
        load_french()
        s = Setup()
        try:
            inbox, = Inbox.create([{'name': "courrier@mons.be",
                        'rules': [('create', [{
                                        'action':
                                        'mail.item|from_inbound_email',
                                        'mail_company': s.company.id,
                                        }])]}])
            msg = EmailMessage()
            msg['From'] = Address("Hélène Lefèvre-Dubois",
                addr_spec='helene.lefevre@example.be')
            msg['To'] = 'courrier@mons.be'
            msg['Subject'] = "Question"
            msg.set_content("Bonjour")
            bare = EmailMessage()
            bare['From'] = 'anonyme@example.be'
            bare['To'] = 'courrier@mons.be'
            bare['Subject'] = "Sans nom"
            bare.set_content("Bonjour")
            emails = Email.create([
                    {'inbox': inbox.id, 'data': m.as_bytes(),
                        'data_type': 'raw'} for m in [msg, bare]])
            # Encoded on the wire (RFC 2047), read back in clear
            self.assertIn(b'=?utf-8?', msg.as_bytes())
            Email.process(emails)
            named, anonymous = [Email(e.id).result for e in emails]
            self.assertEqual(named.party.name, "Hélène Lefèvre-Dubois")
            self.assertEqual(named.email_from, 'helene.lefevre@example.be')
            self.assertEqual(named.party.email, 'helene.lefevre@example.be')
            self.assertEqual(anonymous.party.name, 'anonyme@example.be')
        finally:
            s.close()
