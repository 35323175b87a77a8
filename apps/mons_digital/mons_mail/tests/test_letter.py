"Outgoing letters: civility, references, signature, recipients, kept PDF."
import datetime as dt
import io
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .. import reply_letter
from .test_module import Setup, load_french


def pdf_pages_text(data):
    from pypdf import PdfReader
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


class MailLetterTestCase(unittest.TestCase):
    "The letter of an outgoing item, as the agent writes and registers it"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The contacts' civility and title come from the contacts module
        activate_module(['mons_mail', 'mons_crm'])

    def test_address_forms(self):
        "How a letter addresses each kind of contact"
        class P:
            def __init__(self, civility=None, title=None, kind='person'):
                self.civility, self.title, self.crm_kind = (
                    civility, title, kind)
        cases = [
            (P('mrs'), "Madame,"), (P('mr'), "Monsieur,"),
            (P(None), "Madame, Monsieur,"), (P('mx'), "Madame, Monsieur,"),
            (P('mrs', 'dr'), "Madame la Docteure,"),
            (P(None, 'dr'), "Docteur,"), (P('mr', 'me'), "Maître,"),
            (P('mr', 'prof'), "Monsieur le Professeur,"),
            (P('mrs', kind='organisation'), "Madame, Monsieur,"),
            (None, "Madame, Monsieur,"),
            ]
        for party, expected in cases:
            self.assertEqual(reply_letter.greeting(party), expected)
        self.assertIn("agréer, Madame la Docteure, l'expression",
            reply_letter.closing(P('mrs', 'dr')))

    @with_transaction()
    def test_reply_letter_recipients_kept(self):
        "A reply to Dr Lambert with a copy: two letters, kept when registered"
        pool = Pool()
        Item = pool.get('mail.item')
        Party = pool.get('party.party')
        Attachment = pool.get('ir.attachment')
        History = pool.get('mail.item.history')
        Letter = pool.get('mail.item.letter', type='report')
        load_french()
        s = Setup()
        try:
            with Transaction().set_context(language='fr'):
                self._reply_letter(s, Item, Party, Attachment, History,
                    Letter)
        finally:
            s.close()

    def _reply_letter(self, s, Item, Party, Attachment, History, Letter):
        Party.write([s.emp['Agent'].party], {
                'contact_mechanisms': [('create', [{
                                'type': 'phone',
                                'value': '+3265405060'}])]})
        lambert, copy = Party.create([{
                    'name': "Claire Lambert", 'crm_kind': 'person',
                    'first_name': "Claire", 'last_name': "Lambert",
                    'civility': 'mrs', 'title': 'dr',
                    'addresses': [('create', [{
                                    'street_unstructured':
                                    "Rue de Nimy 5",
                                    'postal_code': '7000',
                                    'city': "Mons"}])]}, {
                    'name': "ASBL Quartier Nord",
                    'crm_kind': 'organisation',
                    'addresses': [('create', [{
                                    'street_unstructured':
                                    "Place du Parc 2",
                                    'postal_code': '7000',
                                    'city': "Mons"}])]}])
        incoming = s.item(service=s.cult.id, party=lambert.id,
            subject="Demande de subside",
            external_reference="CL-2026-17")
        Item.write([incoming], {'letter_date': dt.date(2026, 11, 20)})
        Item.register([incoming])
        Item.assign([incoming])
        with s.as_user(s.agent):
            Item.take([Item(incoming.id)])
            reply_id, = Item.reply([Item(incoming.id)])['res_id']
            Item.write([Item(reply_id)], {
                    'body': "Votre demande est acceptée.",
                    'recipients': [('create', [
                                {'party': copy.id, 'kind': 'cc'}])]})
            _, content, _, _ = Letter.execute([reply_id], {})
        first, second = pdf_pages_text(content)
        for page in [first, second]:
            self.assertIn("Votre demande est acceptée.", page)
            self.assertIn("CL-2026-17 du 20/11/2026", page)
            self.assertIn("Copie : ASBL Quartier Nord", page)
            self.assertIn("Agent", page)
            self.assertIn("+32 65 40 50 60", page)
        self.assertIn("Madame la Docteure,", first)
        self.assertIn("Rue de Nimy 5", first)
        self.assertIn("Place du Parc 2", second)
        self.assertIn("Madame, Monsieur,", second)
        self.assertNotIn("Docteure", second)

        # Registered: the letter as printed, with its number, is kept
        with s.as_user(s.courrier):
            Item.register([Item(reply_id)])
        reply = Item(reply_id)
        kept, = Attachment.search([('resource', '=', str(reply))])
        self.assertEqual(kept.name,
            f"Lettre {reply.number}".replace('/', '-') + '.pdf')
        pages = pdf_pages_text(bytes(kept.data))
        self.assertEqual(len(pages), 2)
        self.assertIn(reply.number, pages[0])
        self.assertTrue(History.search([('item', '=', reply.id),
                    ('action', '=', 'letter')]))

    @with_transaction()
    def test_outgoing_validation_by_manager(self):
        "A type asking for it: the service manager validates before it leaves"
        pool = Pool()
        Item = pool.get('mail.item')
        Type = pool.get('mail.type')
        History = pool.get('mail.item.history')
        load_french()
        s = Setup()
        try:
            with Transaction().set_context(language='fr'):
                self._validation(s, Item, Type, History)
        finally:
            s.close()

    def _validation(self, s, Item, Type, History):
        from trytond.exceptions import UserError
        from trytond.model.modelview import AccessButtonError
        sensitive, = Type.create([{'name': "Décision", 'code': 'DEC',
                    'delay': 10, 'outgoing_validation': True}])
        incoming = s.item(service=s.cult.id, type=sensitive.id)
        Item.register([incoming])
        Item.assign([incoming])
        with s.as_user(s.agent):
            Item.take([Item(incoming.id)])
            reply_id, = Item.reply([Item(incoming.id)])['res_id']
            Item.write([Item(reply_id)], {'type': sensitive.id,
                    'body': "Décision favorable."})
            self.assertTrue(Item(reply_id).validation_required)
            with self.assertRaisesRegex(UserError, "validé par le chef"):
                Item.register([Item(reply_id)])
            # The agent cannot validate, nor write the validation
            with self.assertRaises(AccessButtonError):
                Item.validate_letter([Item(reply_id)])
        # The director is a manager, but not of this service
        with s.as_user(s.direction):
            with self.assertRaises(UserError):
                Item.validate_letter([Item(reply_id)])
        with s.as_user(s.chef):
            Item.validate_letter([Item(reply_id)])
        reply = Item(reply_id)
        self.assertEqual(reply.validated_by, s.chef)
        self.assertTrue(History.search([('item', '=', reply.id),
                    ('action', '=', 'validate'), ('user', '=', s.chef.id)]))
        # Changed after the validation: to validate again
        with s.as_user(s.agent):
            Item.write([Item(reply_id)], {'body': "Décision défavorable."})
            self.assertIsNone(Item(reply_id).validated_by)
            with self.assertRaisesRegex(UserError, "validé par le chef"):
                Item.register([Item(reply_id)])
        with s.as_user(s.chef):
            Item.validate_letter([Item(reply_id)])
        with s.as_user(s.agent):
            Item.register([Item(reply_id)])
        self.assertEqual(Item(reply_id).state, 'registered')

    @with_transaction()
    def test_outgoing_validation_by_service(self):
        "A service asking for it: any letter it sends is validated first"
        pool = Pool()
        Item = pool.get('mail.item')
        Service = pool.get('mons.service')
        History = pool.get('mail.item.history')
        load_french()
        s = Setup()
        try:
            with Transaction().set_context(language='fr'):
                self._service_validation(s, Item, Service, History)
        finally:
            s.close()

    def _service_validation(self, s, Item, Service, History):
        from trytond.exceptions import UserError
        from trytond.model.exceptions import AccessError
        from .test_module import group
        pool = Pool()
        User = pool.get('res.user')
        admin, = User.create([{'name': "Admin fonctionnel",
                    'login': 'fonctionnel',
                    'companies': [('add', [s.company.id])],
                    'company': s.company.id,
                    'groups': [('add', [group('employee'),
                                group('admin')])]}])
        # The manager may not decide that their letters need no validation
        with s.as_user(s.chef):
            with self.assertRaises(AccessError):
                Service.write([Service(s.cult.id)],
                    {'outgoing_validation': True})
        with s.as_user(admin):
            Service.write([Service(s.cult.id)], {'outgoing_validation': True})
        incoming = s.item(service=s.cult.id)
        Item.register([incoming])
        Item.assign([incoming])
        with s.as_user(s.agent):
            Item.take([Item(incoming.id)])
            reply_id, = Item.reply([Item(incoming.id)])['res_id']
            Item.write([Item(reply_id)], {'body': "Accord."})
            self.assertTrue(Item(reply_id).validation_required)
            with self.assertRaisesRegex(UserError, "validé par le chef"):
                Item.register([Item(reply_id)])
        with s.as_user(s.chef):
            Item.validate_letter([Item(reply_id)])
        with s.as_user(s.agent):
            Item.register([Item(reply_id)])
        self.assertEqual(Item(reply_id).state, 'registered')
        self.assertTrue(History.search([('item', '=', reply_id),
                    ('action', '=', 'validate'), ('user', '=', s.chef.id)]))
        # Another service's letters leave without it
        other = s.item(service=s.trav.id, direction='outgoing')
        self.assertFalse(other.validation_required)
