# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Failed sign-ins slow nobody's thread and lock out no owner."""
import re
import time

from trytond.config import config
from trytond.modules.mons_base.sign_in_throttle import SignInThrottled
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, RouteTestCase, with_transaction)
from trytond.transaction import Transaction

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = 'Spiennes-1234'


class SignInThrottleTestCase(RouteTestCase):
    "Throttling of citizens' and staff's sign-ins"
    module = 'mons_base'
    language = 'fr'

    def setUp(self):
        super().setUp()
        self.address = f'throttle.{self.id().rsplit(".", 1)[-1]}@example.be'
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            WebUser = pool.get('web.user')
            Party = pool.get('party.party')
            party = Party(name='Marie Dupont')
            party.save()
            user = WebUser(email=self.address, party=party)
            user.save()
            WebUser.write([user], {'password': PASSWORD})
            transaction.commit()

    def portal(self, path=''):
        return f'/{self.db_name}/portal/{path}'

    def sign_in(self, client, password, address):
        "POST the login form from the network address; the response"
        page = client.get(self.portal('compte/connexion'),
            environ_base={'REMOTE_ADDR': address})
        token = TOKEN_RE.search(page.text).group(1)
        return client.post(self.portal('compte/connexion'), data={
                'csrf_token': token, 'email': self.address,
                'password': password},
            environ_base={'REMOTE_ADDR': address})

    def test_address_waits_owner_elsewhere_signs_in(self):
        "Failures from one address hold that address only, told how long"
        client = self.client()
        start = time.monotonic()
        for _ in range(config.getint('session', 'max_attempt', default=5)):
            response = self.sign_in(client, 'mauvais', '192.0.2.10')
            self.assertEqual(response.status_code, 400)
        # No sleep in the request's thread: Tryton's is 2**n - 1 s
        self.assertLess(time.monotonic() - start, 10)
        response = self.sign_in(client, PASSWORD, '192.0.2.10')
        self.assertEqual(response.status_code, 429, response.text)
        self.assertGreater(int(response.headers['Retry-After']), 0)
        self.assertIn('id="f-password-erreur"', response.text)
        self.assertRegex(response.text,
            r'Trop de tentatives depuis cette adresse\. Réessayez dans '
            r'\d+ minutes?')
        # The owner, from their own address, is not concerned
        response = self.sign_in(self.client(), PASSWORD, '198.51.100.7')
        self.assertEqual(response.status_code, 303, response.text)

    def test_reset_unlocks(self):
        "The emailed reset link works from a held address and frees it"
        client = self.client()
        for _ in range(config.getint('session', 'max_attempt', default=5)):
            self.sign_in(client, 'mauvais', '192.0.2.20')
        self.assertEqual(
            self.sign_in(client, PASSWORD, '192.0.2.20').status_code, 429)
        with Transaction().start(DB_NAME, 0) as transaction:
            WebUser = Pool().get('web.user')
            user, = WebUser.search([('email', '=', self.address)])
            user.set_reset_password_token()
            user.save()
            reset_token = user.reset_password_token
            transaction.commit()
        page = client.get(self.portal(
                f'compte/nouveau-mot-de-passe?token={reset_token}'
                f'&email={self.address}'),
            environ_base={'REMOTE_ADDR': '192.0.2.20'})
        csrf = TOKEN_RE.search(page.text).group(1)
        response = client.post(self.portal('compte/nouveau-mot-de-passe'),
            data={'csrf_token': csrf, 'token': reset_token,
                'email': self.address, 'password': 'Nimy-Obourg-2026',
                'password_confirm': 'Nimy-Obourg-2026'},
            environ_base={'REMOTE_ADDR': '192.0.2.20'})
        self.assertEqual(response.status_code, 303, response.text)
        response = self.sign_in(client, 'Nimy-Obourg-2026', '192.0.2.20')
        self.assertEqual(response.status_code, 303, response.text)

    def test_account_tried_from_many_addresses(self):
        "A login tried from everywhere waits, past its own limit"
        previous = config.get('session', 'max_attempt_account',
            default='100')
        config.set('session', 'max_attempt_account', '6')
        self.addCleanup(
            config.set, 'session', 'max_attempt_account', previous)
        client = self.client()
        for n in range(6):
            response = self.sign_in(client, 'mauvais', f'203.0.113.{n}')
            self.assertEqual(response.status_code, 400)
        response = self.sign_in(client, PASSWORD, '203.0.113.99')
        self.assertEqual(response.status_code, 429, response.text)

    @with_transaction(context={'_request': {'remote_addr': '192.0.2.30'}})
    def test_staff_sign_in_not_slowed(self):
        "The desk's sign-in: no sleep, the address waits, told how long"
        pool = Pool()
        User = pool.get('res.user')
        user = User(login='agent-throttle', name="Agent")
        user.save()
        User.write([user], {'password': 'Mons-Borinage-2026'})
        start = time.monotonic()
        for _ in range(config.getint('session', 'max_attempt', default=5)):
            self.assertFalse(User.get_login(
                    'agent-throttle', {'password': 'mauvais'}))
        with self.assertRaises(SignInThrottled) as raised:
            User.get_login('agent-throttle',
                {'password': 'Mons-Borinage-2026'})
        self.assertGreater(raised.exception.retry_after, 0)
        self.assertLess(time.monotonic() - start, 10)
        with Transaction().set_context(
                _request={'remote_addr': '198.51.100.8'}):
            self.assertEqual(User.get_login(
                    'agent-throttle', {'password': 'Mons-Borinage-2026'}),
                user.id)


del RouteTestCase
