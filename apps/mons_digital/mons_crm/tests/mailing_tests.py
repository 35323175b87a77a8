"Mass email tests against a real local SMTP server."
import datetime as dt
import socket
import email as email_lib
from email import policy
from email.utils import parsedate_to_datetime

from aiosmtpd.controller import Controller

import trytond.config as config
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import create_person, setup_city

CONTENT = ('<html><body><p>${greeting}</p>'
    '<p>Programme du Doudou pour ${party.name if party else email.email}.</p>'
    '<p><a href="${unsubscribe_url}">Se désabonner</a></p>'
    '</body></html>')


class Mailbox:
    "SMTP handler keeping messages and refusing some recipients"

    def __init__(self, refused=()):
        self.messages = []
        self.raw = []
        self.refused = set(refused)

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.refused:
            return '550 5.1.1 Mailbox unavailable'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.content)
        self.messages.append((list(envelope.rcpt_tos),
                email_lib.message_from_bytes(
                    envelope.content, policy=policy.default)))
        return '250 Message accepted'


class MailingTests:

    def start_smtp(self):
        "Real SMTP server on a free local port for the test"
        with socket.socket() as sock:
            sock.bind(('127.0.0.1', 0))
            port = sock.getsockname()[1]
        self.mailbox = Mailbox(refused={'bounce@example.be'})
        self.smtp = Controller(self.mailbox, hostname='127.0.0.1', port=port)
        self.smtp.start()
        email_uri = config.get('email', 'uri')
        config.set('email', 'uri', f'smtp://127.0.0.1:{port}')

        def stop():
            try:
                self.smtp.stop(no_assert=True)
            except RuntimeError:
                # The loop of the server thread may already be closed
                pass
            config.set('email', 'uri', email_uri)
        self.addCleanup(stop)

    def assert_deliverable(self, raw):
        "The headers as mailbox providers read them, on the wire"
        head, _, _ = raw.partition(b'\r\n\r\n')
        if not _:
            head, _, _ = raw.partition(b'\n\n')
        lines = {}
        for line in head.decode('ascii').splitlines():
            if line[:1] not in (' ', '\t'):
                name, _, value = line.partition(':')
                lines[name.lower()] = value.strip()
        # RFC 2369/8058: a plain <URL>, never RFC 2047 encoded words
        self.assertRegex(lines['list-unsubscribe'],
            r'^<https?://[^>\s]+/portal/listes/desabonner\?token=[^>\s]+>$')
        self.assertEqual(lines['list-unsubscribe-post'],
            'List-Unsubscribe=One-Click')
        self.assertNotIn('=?', lines['list-unsubscribe'])
        self.assertTrue(parsedate_to_datetime(lines["date"]))
        self.assertRegex(lines['message-id'], r'^<[^@>\s]+@[^>\s]+>$')
        message = email_lib.message_from_bytes(raw, policy=policy.default)
        self.assertEqual(message.get_content_type(), 'multipart/alternative')
        self.assertEqual([p.get_content_type() for p in message.iter_parts()],
            ['text/plain', 'text/html'])

    def body(self, message):
        return message.get_body(('html',)).get_content()

    @with_transaction()
    def test_mass_email(self):
        "Personalised, throttled queue, statuses, unsubscribe at once"
        pool = Pool()
        EmailList = pool.get('marketing.email.list')
        Email = pool.get('marketing.email')
        Message = pool.get('marketing.email.message')
        Template = pool.get('mons.crm.email.template')
        Recipient = pool.get('marketing.email.message.recipient')
        Configuration = pool.get('mons.crm.configuration')
        Queue = pool.get('ir.queue')
        SendTest = pool.get('marketing.email.send_test', type='wizard')
        self.start_smtp()
        city = setup_city()
        Configuration.create([{'send_batch_size': 2, 'send_interval': 30}])
        helene = create_person("Hélène", "Dupont", civility='mrs',
            email='helene@example.be')
        jan = create_person("Jan", "Peeters", civility='mr', language='nl',
            email='jan@example.be')
        leaver = create_person("Luc", "Depart", civility='mr',
            email='luc@example.be')
        list_, = EmailList.create([{'name': "Doudou",
                    'service': city['cult'].id}])
        subs = Email.create([
                {'list_': list_.id, 'contact': helene.id},
                {'list_': list_.id, 'contact': jan.id},
                {'list_': list_.id, 'contact': leaver.id},
                {'list_': list_.id, 'email': 'bounce@example.be'},
                ])
        template, = Template.create([{'name': "Doudou",
                    'title': "Le Doudou 2026", 'content': CONTENT}])
        message = Message(list_=list_, template=template)
        message.on_change_template()
        message.save()
        self.assertEqual(message.title, "Le Doudou 2026")

        # Test send to one address, personalised like the real one
        session_id, _, _ = SendTest.create()
        send_test = SendTest(session_id)
        send_test.start.message = message
        send_test.start.email = subs[1]
        send_test.transition_send()
        (to, mail), = self.mailbox.messages
        self.assertEqual(to, ['jan@example.be'])
        # No Dutch version of this message: Jan reads the French one, with
        # its French greeting (never a Dutch greeting on a French text)
        self.assertIn("Monsieur Peeters,", self.body(mail))
        self.assertIn('/portal/listes/desabonner?token=', mail['List-Unsubscribe'])
        self.assert_deliverable(self.mailbox.raw[-1])
        self.mailbox.messages.clear()

        Message.send([message])
        message = Message(message.id)
        self.assertEqual(message.state, 'sending')
        self.assertEqual(message.count_total, 4)
        self.assertEqual(message.progress, 0)
        tasks = Queue.search([('name', '=', 'mons_crm_mailing')],
            order=[('id', 'ASC')])
        self.assertEqual(len(tasks), 2)
        self.assertEqual(
            (tasks[1].scheduled_at - tasks[0].scheduled_at).seconds, 30)

        # Unsubscribing after the message is queued is honoured
        Email.unsubscribe([subs[2].email_token])

        first, second = [t.data['args'][0] for t in tasks]
        Message.send_batch([message], first)
        message = Message(message.id)
        self.assertEqual(message.state, 'sending')
        self.assertEqual(message.progress, 0.5)
        Message.send_batch([message], second)
        message = Message(message.id)
        self.assertEqual(message.state, 'sent')
        states = {r.address: r.state for r in message.recipients}
        self.assertEqual(states, {
                'helene@example.be': 'sent', 'jan@example.be': 'sent',
                'luc@example.be': 'unsubscribed',
                'bounce@example.be': 'bounced'})
        self.assertEqual((message.count_sent, message.count_bounced,
                message.count_unsubscribed), (2, 1, 1))
        self.assertEqual(Email(subs[3].id).bounces, 1)
        bodies = {tuple(to): self.body(m) for to, m in self.mailbox.messages}
        self.assertIn("Madame Dupont,", bodies[('helene@example.be',)])
        self.assertIn("Programme du Doudou pour Hélène Dupont",
            bodies[('helene@example.be',)])
        self.assertEqual(len(bodies), 2)

        # A bounce reported later by the mail server
        self.assertEqual(Recipient.record_bounce('jan@example.be'), 1)
        self.assertEqual(Message(message.id).count_bounced, 2)

        # marketing_email's cron does not send a second time
        Message.process()
        self.assertEqual(len(self.mailbox.messages), 2)

    @with_transaction()
    def test_mass_email_languages_failure_schedule_bounces(self):
        """Each reader gets the version of their language; a failed send
        shows why and resumes; scheduled sending; bounces read from the
        bounce mailbox stop the sending after the limit"""
        pool = Pool()
        EmailList = pool.get('marketing.email.list')
        Email = pool.get('marketing.email')
        Message = pool.get('marketing.email.message')
        Recipient = pool.get('marketing.email.message.recipient')
        Configuration = pool.get('mons.crm.configuration')
        Lang = pool.get('ir.lang')
        Queue = pool.get('ir.queue')
        Inbox = pool.get('inbound.email.inbox')
        Inbound = pool.get('inbound.email')
        self.start_smtp()
        city = setup_city()
        Configuration.create([{'send_batch_size': 10, 'send_interval': 0,
                    'bounce_limit': 2}])
        fr, = Lang.search([('code', '=', 'fr')])
        nl, = Lang.search([('code', '=', 'nl')])
        helene = create_person("Hélène", "Dupont", civility='mrs',
            email='helene@example.be')
        jan = create_person("Jan", "Peeters", civility='mr', language='nl',
            email='jan@example.be')
        anna = create_person("Anna", "Schmitz", civility='mrs',
            language='de', email='anna@example.be')
        list_, = EmailList.create([{'name': "Doudou",
                    'service': city['cult'].id}])
        Email.create([{'list_': list_.id, 'contact': p.id}
                for p in [helene, jan, anna]])
        message, = Message.create([{'list_': list_.id, 'language': fr.id,
                    'title': "Le Doudou", 'content': '<p>${greeting}</p>'
                    '<p>Programme du Doudou.</p>',
                    'versions': [('create', [{'language': nl.id,
                                    'title': "De Doudou",
                                    'content': '<p>${greeting}</p>'
                                    '<p>Programma van de Doudou.</p>'}])],
                    }])
        # The mail server is down: the mailing says so and waits
        email_uri = config.get('email', 'uri')
        with socket.socket() as sock:
            sock.bind(('127.0.0.1', 0))
            closed_port = sock.getsockname()[1]
        config.set('email', 'uri', f'smtp://127.0.0.1:{closed_port}')
        Message.send([message])
        task, = Queue.search([('name', '=', 'mons_crm_mailing')])
        Message.send_batch([message], task.data['args'][0])
        message = Message(message.id)
        self.assertEqual(message.state, 'failed')
        self.assertTrue(message.failure)
        self.assertEqual(message.count_pending, 3)
        config.set('email', 'uri', email_uri)
        Message.resume([message])
        message = Message(message.id)
        self.assertEqual((message.state, message.failure), ('sending', None))
        task, = Queue.search([('name', '=', 'mons_crm_mailing'),
                ('id', '!=', task.id)])
        Message.send_batch([message], task.data['args'][0])
        self.assertEqual(Message(message.id).state, 'sent')
        mails = {tuple(to): m for to, m in self.mailbox.messages}
        self.assertEqual(mails[('jan@example.be',)]['Subject'], "De Doudou")
        self.assertIn("Geachte heer Peeters,", self.body(
                mails[('jan@example.be',)]))
        self.assertIn("Programma van de Doudou.", self.body(
                mails[('jan@example.be',)]))
        # No German version: the French one, greeting included
        self.assertEqual(mails[('anna@example.be',)]['Subject'], "Le Doudou")
        self.assertIn("Madame Schmitz,", self.body(
                mails[('anna@example.be',)]))
        self.assertIn("Madame Dupont,", self.body(
                mails[('helene@example.be',)]))

        # Bounces from the bounce mailbox (RFC 3464 reports)
        inbox, = Inbox.create([{'name': "Retours",
                    'rules': [('create', [{'action':
                                    'marketing.email.message.recipient'
                                    '|from_bounce_email'}])]}])

        def report(address, status):
            return ('From: MAILER-DAEMON@mx.example.be\r\n'
                'To: retours@mons.test\r\n'
                'Subject: Undelivered Mail Returned to Sender\r\n'
                'MIME-Version: 1.0\r\n'
                'Content-Type: multipart/report; '
                'report-type=delivery-status; boundary="B"\r\n\r\n'
                '--B\r\nContent-Type: text/plain\r\n\r\n'
                'Delivery failed.\r\n'
                '--B\r\nContent-Type: message/delivery-status\r\n\r\n'
                'Reporting-MTA: dns; mx.example.be\r\n\r\n'
                f'Final-Recipient: rfc822; {address}\r\n'
                f'Action: failed\r\nStatus: {status}\r\n\r\n'
                '--B--\r\n').encode()

        def receive(raw):
            inbound, = Inbound.create([{'inbox': inbox.id, 'data': raw,
                        'data_type': 'raw'}])
            Inbound.process([inbound])
            return Inbound(inbound.id)

        # A full mailbox (4.2.2) is retried by the server: not a bounce
        receive(report('jan@example.be', '4.2.2'))
        jan_sub, = Email.search([('email', '=', 'jan@example.be')])
        self.assertEqual(jan_sub.bounces, 0)
        inbound = receive(report('jan@example.be', '5.1.1'))
        self.assertEqual(inbound.result.address, 'jan@example.be')
        self.assertEqual(inbound.result.state, 'bounced')
        self.assertEqual(Email(jan_sub.id).bounces, 1)

        # Scheduled sending of a second message, at its time
        self.mailbox.messages.clear()
        second, = Message.copy([message], {'title': "Le Doudou, suite"})
        second.send_at = dt.datetime.now() + dt.timedelta(hours=1)
        second.save()
        Message.schedule([second])
        Message.send_due()
        self.assertEqual(Message(second.id).state, 'scheduled')
        Message.write([second], {
                'send_at': dt.datetime.now() - dt.timedelta(minutes=5)})
        Message.send_due()
        self.assertEqual(Message(second.id).state, 'sending')
        # A second hard bounce reaches the limit: no more mails to Jan
        Email.write([jan_sub], {'bounces': 2})
        for task in Queue.search([('name', '=', 'mons_crm_mailing'),
                    ('finished_at', '=', None)]):
            if list(task.data['instances']) == [second.id]:
                Message.send_batch([Message(second.id)], task.data['args'][0])
        states = {r.address: r.state for r in Message(second.id).recipients}
        self.assertEqual(states, {'helene@example.be': 'sent',
                'anna@example.be': 'sent', 'jan@example.be': 'bounced'})
        self.assertEqual(sorted(to for to, _ in self.mailbox.messages),
            [['anna@example.be'], ['helene@example.be']])

        # A version is checked like the message itself (last: the refused
        # write is not rolled back inside the test's transaction)
        draft, = Message.copy([message])
        with self.assertRaisesRegex(UserError, r"\(nl\).*\$\{salutation\}"):
            Message.write([draft], {'versions': [('write',
                            [v.id for v in draft.versions],
                            {'content': '<p>${salutation}</p>'})]})

    @with_transaction()
    def test_mass_email_bad_template(self):
        "A broken template is refused with its name"
        pool = Pool()
        Template = pool.get('mons.crm.email.template')
        with self.assertRaisesRegex(UserError, "Broken"):
            Template.create([{'name': "Broken", 'title': "x",
                        'content': '<p>${greeting</p>'}])
        self.assertTrue(Transaction().database)
