"Two reminder levels per mail type and escalation, on dated cases."
import datetime as dt
import unittest
import urllib.parse

import trytond.config as config
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from trytond.modules.mons_mail.trusted import trusted

from .test_module import Setup, load_french

# A Wednesday; the days around it are named in the cases
DUE = dt.date(2026, 12, 9)
FRIDAY_BEFORE = dt.date(2026, 12, 4)
MONDAY = dt.date(2026, 12, 7)
THURSDAY = dt.date(2026, 12, 10)
FRIDAY = dt.date(2026, 12, 11)
NEXT_MONDAY = dt.date(2026, 12, 14)
PUBLIC = 'https://courrier.mons.test'


class MailReminderTestCase(unittest.TestCase):
    "Reminders of mail items: level 1, level 2, escalation, links"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('mons_mail')

    def setUp(self):
        super().setUp()
        previous = config.get('portal', 'url', default=None)
        if not config.has_section('portal'):
            config.add_section('portal')
        config.set('portal', 'url', PUBLIC)

        # An empty address is no address (public_url falls back)
        self.addCleanup(config.set, 'portal', 'url', previous or '')

    def sent(self, item):
        Email = Pool().get('ir.email')
        return [(e.recipients, e.subject, e.body) for e in Email.search(
                [('resource', '=', str(item))], order=[('id', 'ASC')])]

    @with_transaction()
    def test_two_levels_then_escalation(self):
        "Before the due date, after it, then the service manager"
        pool = Pool()
        Item = pool.get('mail.item')
        Type = pool.get('mail.type')
        History = pool.get('mail.item.history')
        load_french()
        s = Setup()
        try:
            with Transaction().set_context(language='fr'):
                self._two_levels(s, Item, Type, History)
        finally:
            s.close()

    def _two_levels(self, s, Item, Type, History):
        type_, = Type.create([{'name': "Plainte", 'code': 'PLA',
                    'delay': 10, 'reminder_before_days': 2,
                    'reminder_after_days': 1, 'escalation_days': 2}])
        item = s.item(subject="Plainte voirie", service=s.cult.id,
            agent=s.emp['Agent'].id, type=type_.id)
        Item.register([item])
        Item.assign([item])
        with trusted('due_date_computed'):
            Item.write([item], {'due_date': DUE})

        # Three working days before: too early
        Item.send_reminders(date=FRIDAY_BEFORE)
        self.assertEqual(self.sent(item), [])
        # Two working days before: level 1 to the agent
        Item.send_reminders(date=MONDAY)
        (to, subject, body), = self.sent(item)
        self.assertEqual(to, 'agent@mons.test')
        self.assertIn(item.number, subject)
        self.assertIn("09/12/2026", body)
        url = (f'{PUBLIC}/#' + urllib.parse.quote(
                f'{Transaction().database.name}/model/mail.item/{item.id}'))
        self.assertIn(f"Ouvrir le courrier : {url}", body)
        self.assertEqual(Item(item.id).reminder_date, MONDAY)
        # Once only
        Item.send_reminders(date=DUE)
        self.assertEqual(len(self.sent(item)), 1)

        # One working day after the due date: level 2 to the agent
        Item.send_reminders(date=THURSDAY)
        self.assertEqual(len(self.sent(item)), 2)
        to, subject, body = self.sent(item)[1]
        self.assertEqual(to, 'agent@mons.test')
        self.assertIn("Second rappel", subject)
        self.assertIn(url, body)
        self.assertEqual(Item(item.id).reminder2_date, THURSDAY)
        self.assertIsNone(Item(item.id).escalation_date)

        # One working day after level 2: not yet
        Item.send_reminders(date=FRIDAY)
        self.assertEqual(len(self.sent(item)), 2)
        # Two working days after (the weekend does not count): the manager
        # in person, not the service's shared address
        Item.send_reminders(date=NEXT_MONDAY)
        self.assertEqual(len(self.sent(item)), 3)
        to, subject, body = self.sent(item)[2]
        self.assertEqual(to, 'chef@mons.test')
        self.assertIn("Agent", body)
        self.assertIn("10/12/2026", body)
        self.assertIn(url, body)
        self.assertEqual(Item(item.id).escalation_date, NEXT_MONDAY)
        Item.send_reminders(date=NEXT_MONDAY + dt.timedelta(days=7))
        self.assertEqual(len(self.sent(item)), 3)
        self.assertEqual([h.new_value for h in History.search([
                        ('item', '=', item.id), ('action', '=', 'reminder')],
                    order=[('id', 'ASC')])],
            ["Premier rappel envoyé", "Second rappel envoyé",
                "Signalé au chef de service"])

        # The overdue digest links every letter
        Email = Pool().get('ir.email')
        digest = Email.search([('resource', '=', str(s.cult))],
            order=[('id', 'DESC')], limit=1)[0]
        self.assertIn(url, digest.body)

        # The levels are the server's: the agent cannot reset them
        with s.as_user(s.agent):
            with self.assertRaises(AccessError):
                Item.write([Item(item.id)], {'reminder2_date': None})

    @with_transaction()
    def test_closed_item_not_reminded(self):
        "An answered letter gets no second reminder nor escalation"
        pool = Pool()
        Item = pool.get('mail.item')
        load_french()
        s = Setup()
        try:
            item = s.item(subject="Réponse donnée", service=s.cult.id,
                agent=s.emp['Agent'].id)
            Item.register([item])
            Item.assign([item])
            with trusted('due_date_computed'):
                Item.write([item], {'due_date': DUE})
            with s.as_user(s.agent):
                Item.take([Item(item.id)])
                Item.answer([Item(item.id)])
            Item.send_reminders(date=NEXT_MONDAY)
            self.assertEqual(self.sent(item), [])
        finally:
            s.close()
