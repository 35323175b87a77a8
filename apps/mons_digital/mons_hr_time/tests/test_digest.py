from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .test_module import MONDAY, DBTestCase, ev, td, with_org


class DigestTestCase(DBTestCase):
    "Daily e-mail of the open clocking anomalies"

    @with_transaction()
    @with_org
    def test_digest(self, o):
        pool = Pool()
        Line = pool.get('attendance.line')
        Day = pool.get('attendance.day')
        Anomaly = pool.get('attendance.anomaly')
        Email = pool.get('ir.email')
        ContactMechanism = pool.get('party.contact_mechanism')
        User = pool.get('res.user')
        ContactMechanism.create([{'party': o.alice.party.id,
                    'type': 'email', 'value': 'alice@example.com'}])
        chef = o.user('chef', o.chef)
        User.write([chef], {'email': 'chef@example.com'})
        tuesday, wednesday = MONDAY + td(days=1), MONDAY + td(days=2)
        Line.clock([ev('B001', MONDAY, '08:00', 'in')])
        Day.compute({(o.bob.id, tuesday)})
        Day.compute({(o.other.id, tuesday)})

        Anomaly.send_digest(date=MONDAY + td(days=6))  # a Sunday
        self.assertFalse(Email.search([]))

        Anomaly.send_digest(date=wednesday)
        emails = {e.recipients: e for e in Email.search([])}
        self.assertEqual(set(emails),
            {'alice@example.com', 'chef@example.com'})
        alice = emails['alice@example.com']
        # The test database has no French loaded: the English source
        self.assertIn("Clocking anomalies", alice.subject)
        self.assertIn("Hello Alice", alice.body)
        # The day as the language writes it, never ISO
        self.assertIn(Pool().get('ir.lang').get().strftime(
                MONDAY), alice.body)
        self.assertNotIn("2026-03-02", alice.body)
        self.assertIn("/portal/pointage", alice.body)
        self.assertNotIn("Bob", alice.body)
        manager = emails['chef@example.com']
        self.assertIn("Alice", manager.body)
        self.assertIn("Bob", manager.body)
        # Other's service has no manager: nobody approves, nobody is told
        self.assertNotIn("Other", manager.body)
        self.assertEqual(alice.resource.recipient, o.alice)
        self.assertEqual(alice.resource.count, 1)

        # The mails are readable by their recipient and HR only
        bob = o.user('bob', o.bob)
        alice_user = o.user('alice', o.alice)
        hr = o.user('hr', o.other, groups=('group_hr_officer',))
        for user, expected in [(bob, set()),
                (alice_user, {alice.id}),
                (chef, {manager.id}),
                (hr, {alice.id, manager.id})]:
            with Transaction().set_user(user.id), \
                    Transaction().set_context(_check_access=True):
                self.assertEqual({e.id for e in Email.search([])}, expected,
                    user.login)
        with Transaction().set_user(bob.id), \
                Transaction().set_context(_check_access=True):
            with self.assertRaises(AccessError):
                Email.read([alice.id], ['body'])

        # Corrected anomalies are no longer sent
        Email.delete(Email.search([]))
        Line.clock([ev('B001', MONDAY, '16:30', 'out')])
        Anomaly.send_digest(date=wednesday)
        manager, = Email.search([])
        self.assertNotIn("Alice", manager.body)
