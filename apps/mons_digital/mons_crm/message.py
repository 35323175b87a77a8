"Mass emails: personalised rendering, throttled sending, deliveries."
import datetime as dt
import smtplib

from sql.aggregate import Count

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.report import html_to_text
from trytond.sendmail import get_smtp_server
from trytond.tools import grouped_slice
from trytond.tools.email_ import format_address, set_from_header
from trytond.modules.mons_base.email_message import new_message
from trytond.transaction import Transaction, without_check_access

from . import template_sandbox
from .email_template import CONTENT_HELP, check_content
from .exceptions import MailingError
from .party import GREETINGS


class Message(metaclass=PoolMeta):
    __name__ = 'marketing.email.message'

    template = fields.Many2One('mons.crm.email.template', "Template",
        ondelete='SET NULL',
        states={'readonly': Eval('state') != 'draft'})
    recipients = fields.One2Many('marketing.email.message.recipient',
        'message', "Recipients", readonly=True)
    progress = fields.Function(fields.Float("Progress", digits=(1, 2)),
        'get_counts')
    count_total = fields.Function(fields.Integer("Recipients"), 'get_counts')
    count_sent = fields.Function(fields.Integer("Sent"), 'get_counts')
    count_bounced = fields.Function(fields.Integer("Bounced"), 'get_counts')
    count_unsubscribed = fields.Function(
        fields.Integer("Unsubscribed"), 'get_counts')
    count_pending = fields.Function(fields.Integer("Pending"), 'get_counts')
    language = fields.Many2One('ir.lang', "Language", required=True,
        states={'readonly': Eval('state') != 'draft'},
        help="Language of the title and content above: recipients of "
        "another language get their version, or else this one.")
    versions = fields.One2Many('marketing.email.message.version', 'message',
        "Other Languages",
        states={'readonly': Eval('state') != 'draft'})
    send_at = fields.DateTime("Send at",
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('state') == 'scheduled',
            },
        help="Sent by the scheduler at this time when scheduled.")
    failure = fields.Text("Failure", readonly=True,
        states={'invisible': ~Eval('failure')})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.content.help = CONTENT_HELP
        cls.state.selection.extend([
                ('scheduled', "Scheduled"),
                ('failed', "Failed"),
                ])
        cls._transitions |= {
            ('draft', 'scheduled'),
            ('scheduled', 'draft'),
            ('scheduled', 'sending'),
            ('sending', 'failed'),
            ('failed', 'sending'),
            }
        cls._buttons['draft']['invisible'] = ~Eval('state').in_(
            ['sending', 'scheduled'])
        cls._buttons.update({
                'schedule': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'resume': {
                    'invisible': Eval('state') != 'failed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def copy(cls, messages, default=None):
        # A copy is a new mailing: none of the deliveries, failure or
        # schedule of the original
        default = dict(default or {})
        default.setdefault('recipients', None)
        default.setdefault('failure', None)
        default.setdefault('send_at', None)
        return super().copy(messages, default=default)

    @classmethod
    def default_language(cls):
        Lang = Pool().get('ir.lang')
        code = Transaction().context.get('language') or 'fr'
        langs = Lang.search([('code', '=', code)], limit=1) or Lang.search(
            [('code', '=', 'fr')], limit=1)
        return langs[0].id if langs else None

    @classmethod
    def validate_fields(cls, messages, field_names):
        super().validate_fields(messages, field_names)
        if field_names and 'send_at' not in field_names:
            return
        now = dt.datetime.now()
        for message in messages:
            if message.state == 'draft' and message.send_at \
                    and message.send_at < now - dt.timedelta(minutes=1) \
                    and (not field_names or 'send_at' in field_names):
                raise MailingError(gettext('mons_crm.msg_send_at_past',
                        message=message.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('scheduled')
    def schedule(cls, messages):
        "Leave the message to the scheduler, which sends it at send_at"
        for message in messages:
            if not message.send_at:
                raise MailingError(gettext('mons_crm.msg_send_at_required',
                        message=message.rec_name))
            message._templates()

    @classmethod
    def send_due(cls):
        "Cron: send the scheduled messages whose time has come"
        messages = cls.search([
                ('state', '=', 'scheduled'),
                ('send_at', '<=', dt.datetime.now()),
                ])
        if messages:
            cls.send(messages)

    @classmethod
    @Workflow.transition('failed')
    def fail(cls, messages, error):
        "A batch could not be sent: the mailing shows why and waits"
        cls.write(messages, {'failure': gettext(
                    'mons_crm.msg_mailing_failed',
                    at=dt.datetime.now().replace(microsecond=0),
                    error=error)})

    @classmethod
    @ModelView.button
    @Workflow.transition('sending')
    def resume(cls, messages):
        "Send the pending deliveries of a failed mailing"
        pool = Pool()
        Configuration = pool.get('mons.crm.configuration')
        for message in messages:
            message._templates()
        cls.write(messages, {'failure': None})
        config_ = Configuration(1)
        cls.schedule_batches(messages, config_.send_batch_size,
            config_.send_interval)

    @fields.depends('template', 'title', 'content')
    def on_change_template(self):
        if self.template:
            self.title = self.template.title
            self.content = self.template.content

    @classmethod
    def get_counts(cls, messages, names):
        pool = Pool()
        Recipient = pool.get('marketing.email.message.recipient')
        table = Recipient.__table__()
        cursor = Transaction().connection.cursor()
        counts = {m.id: {} for m in messages}
        for sub_ids in grouped_slice([m.id for m in messages], 1000):
            cursor.execute(*table.select(
                    table.message, table.state, Count(table.id),
                    where=table.message.in_(list(sub_ids)),
                    group_by=[table.message, table.state]))
            for message_id, state, count in cursor:
                counts[message_id][state] = count
        result = {n: {} for n in names}
        for message in messages:
            c = counts[message.id]
            total = sum(c.values())
            done = total - c.get('pending', 0)
            values = {
                'count_total': total,
                'count_sent': c.get('sent', 0),
                'count_bounced': c.get('bounced', 0),
                'count_unsubscribed': c.get('unsubscribed', 0),
                'count_pending': c.get('pending', 0),
                'progress': (done / total) if total else 0.0,
                }
            for name in names:
                result[name][message.id] = values[name]
        return result

    @classmethod
    @ModelView.button
    @Workflow.transition('sending')
    def send(cls, messages):
        """Freeze the recipients and queue the sending in throttled
        batches."""
        pool = Pool()
        Recipient = pool.get('marketing.email.message.recipient')
        Email = pool.get('marketing.email')
        Configuration = pool.get('mons.crm.configuration')
        super().send(messages)
        config_ = Configuration(1)
        for message in messages:
            if not message.content:
                raise MailingError(gettext(
                        'mons_crm.msg_message_no_content',
                        message=message.rec_name))
            message._templates()
            if message.recipients:
                continue
            emails = Email.search([
                    ('list_', '=', message.list_.id),
                    ('active', '=', True),
                    ('bounces', '<', config_.bounce_limit),
                    ])
            Recipient.create([{
                        'message': message.id,
                        'email': e.id,
                        'address': e.email,
                        'party': e.contact.id if e.contact else None,
                        } for e in emails])
        cls.schedule_batches(messages, config_.send_batch_size,
            config_.send_interval)

    @classmethod
    def schedule_batches(cls, messages, batch_size, interval):
        "Queue batches of pending recipients spaced by interval seconds"
        pool = Pool()
        Recipient = pool.get('marketing.email.message.recipient')
        transaction = Transaction()
        for message in messages:
            pending = Recipient.search([
                    ('message', '=', message.id),
                    ('state', '=', 'pending'),
                    ], order=[('id', 'ASC')])
            ids = [r.id for r in pending]
            for i, start in enumerate(range(0, len(ids), batch_size)):
                with transaction.set_context(
                        queue_name='mons_crm_mailing',
                        queue_scheduled_at=dt.timedelta(
                            seconds=i * interval)):
                    cls.__queue__.send_batch(
                        [message], ids[start:start + batch_size])
            if not ids:
                cls.sent([message])

    @classmethod
    def process(cls, messages=None, emails=None, smtpd_datamanager=None):
        # The cron of marketing_email would send again to every address:
        # our messages are sent through their recipients; a test send
        # (emails given) is rendered like the real one.
        pool = Pool()
        Configuration = pool.get('mons.crm.configuration')
        if emails:
            for message in messages:
                message.deliver(emails)
            return
        if messages is None:
            messages = cls.search([('state', '=', 'sending')])
        # Only the messages whose batches were lost (no task waiting)
        Queue = pool.get('ir.queue')
        busy = set()
        # The queue is the server's own (mons_base/queue.xml)
        with without_check_access():
            tasks = Queue.search([
                    ('name', '=', 'mons_crm_mailing'),
                    ('finished_at', '=', None),
                    ])
        for task in tasks:
            if task.data.get('method') == 'send_batch':
                busy.update(task.data.get('instances') or [])
        messages = [m for m in messages if m.id not in busy]
        config_ = Configuration(1)
        cls.schedule_batches(messages, config_.send_batch_size, 0)

    @classmethod
    def send_batch(cls, messages, recipient_ids):
        pool = Pool()
        Recipient = pool.get('marketing.email.message.recipient')
        for message in messages:
            if message.state != 'sending':
                continue
            recipients = Recipient.search([
                    ('id', 'in', recipient_ids),
                    ('message', '=', message.id),
                    ('state', '=', 'pending'),
                    ])
            try:
                message.deliver_recipients(recipients)
            except (MailingError, smtplib.SMTPException, OSError) as error:
                # Committed with the deliveries already made: the other
                # batches stop, the rest stays pending for "Resume"
                cls.fail([message], str(error) or error.__class__.__name__)
                continue
            if not Recipient.search([
                        ('message', '=', message.id),
                        ('state', '=', 'pending'),
                        ], limit=1):
                cls.sent([message])

    @classmethod
    def check_content(cls, messages, field_names=None):
        # Replaces marketing_email's Genshi check: the content renders in
        # the sandbox, which knows only the documented placeholders
        if field_names and 'content' not in field_names:
            return
        for message in messages:
            if message.content:
                check_content(message.content, message.rec_name)

    def _template(self):
        return check_content(self.content, self.rec_name)

    def _templates(self):
        """{language code: (title, template)}: this message's own language
        and each other-language version, all checked before any sending"""
        own = self.language.code if self.language else 'fr'
        templates = {own: (self.title, self._template())}
        for version in self.versions:
            templates[version.language.code] = (version.title,
                check_content(version.content, version.rec_name))
        templates[None] = templates[own]
        return templates

    def recipient_language(self, email, templates):
        "The language the subscription reads: its contact's if written"
        party = email.contact
        code = party.language if party and party.language else None
        if code in templates:
            return code
        return self.language.code if self.language else 'fr'

    def sandbox_values(self, email, language=None):
        """The documented placeholders for a subscription, as plain values
        (never records: the template cannot walk from them)"""
        party = email.contact
        list_ = self.list_
        service = list_.service if list_ else None
        from_cfg = (config.get('marketing', 'email_from')
            or config.get('email', 'from'))
        language = language or (party.language if party else None) or 'fr'
        if party:
            greeting = party.get_greeting(language)
            contact = {
                'name': party.name or '',
                'first_name': party.first_name or '',
                'last_name': party.last_name or '',
                'civility': party.civility or '',
                'language': language,
                }
        else:
            greeting = GREETINGS.get(language, GREETINGS['fr'])[None]
            contact = {}
        return {
            'greeting': greeting,
            'first_name': contact.get('first_name', ''),
            'last_name': contact.get('last_name', ''),
            'unsubscribe_url': email.get_email_unsubscribe_url(),
            'preferences_url': email.get_preferences_url(),
            'party': contact,
            'email': {'email': email.email or ''},
            'list': {
                'name': (list_.name or '') if list_ else '',
                'description': (list_.description or '') if list_ else '',
                },
            'sender': {
                'name': service.name if service else '',
                'email': self.from_ or from_cfg or '',
                'organisation': (service.company.rec_name
                    if service and service.company else ''),
                },
            }

    def render(self, email, templates=None):
        """Personalised (subject, html) for a subscription, in the language
        of its contact when the message has a version in it"""
        templates = templates or self._templates()
        language = self.recipient_language(email, templates)
        title, template = templates[language]
        try:
            content = template_sandbox.render(
                template, self.sandbox_values(email, language))
        except template_sandbox.TemplateRefused as refused:
            raise MailingError(gettext('mons_crm.msg_template_expression',
                    template=self.rec_name,
                    expression=refused.detail)) from refused
        return title, content

    def build_email(self, email, templates=None):
        title, content = self.render(email, templates=templates)
        from_cfg = (config.get('marketing', 'email_from')
            or config.get('email', 'from'))
        msg = new_message(self.from_ or from_cfg)
        set_from_header(msg, from_cfg, self.from_ or from_cfg)
        name = email.contact.rec_name if email.contact else ''
        msg['To'] = format_address(email.email, name)
        msg['Subject'] = title
        msg['List-Unsubscribe'] = f'<{email.get_email_unsubscribe_url()}>'
        msg['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click'
        # Text first, HTML last: readers show the last part they can draw
        if content_text := html_to_text(content):
            msg.set_content(content_text)
            msg.add_alternative(content, subtype='html')
        else:
            msg.set_content(content, subtype='html')
        return msg

    def deliver(self, emails):
        "Send now to the given subscriptions (test send)"
        templates = self._templates()
        server = get_smtp_server(strict=True)
        try:
            for email in emails:
                msg = self.build_email(email, templates=templates)
                server.send_message(msg)
        finally:
            server.quit()

    def deliver_recipients(self, recipients):
        pool = Pool()
        Recipient = pool.get('marketing.email.message.recipient')
        Email = pool.get('marketing.email')
        Configuration = pool.get('mons.crm.configuration')
        templates = self._templates()
        limit = Configuration(1).bounce_limit
        server = None
        now = dt.datetime.now
        to_write = []
        bounced = []
        try:
            for recipient in recipients:
                email = recipient.email
                # Unsubscribing is honoured up to the last moment
                if not email or not email.active:
                    to_write.extend([[recipient], {
                                'state': 'unsubscribed'}])
                    continue
                if (email.bounces or 0) >= limit:
                    to_write.extend([[recipient], {
                                'state': 'bounced',
                                'error': gettext(
                                    'mons_crm.msg_address_bouncing',
                                    count=email.bounces),
                                }])
                    continue
                msg = self.build_email(email, templates=templates)
                if server is None:
                    server = get_smtp_server(strict=True)
                try:
                    server.send_message(msg)
                except smtplib.SMTPRecipientsRefused as exception:
                    to_write.extend([[recipient], {
                                'state': 'bounced',
                                'error': str(exception)[:500],
                                }])
                    bounced.append(email)
                except smtplib.SMTPException as exception:
                    to_write.extend([[recipient], {
                                'state': 'failed',
                                'error': str(exception)[:500],
                                }])
                else:
                    to_write.extend([[recipient], {
                                'state': 'sent', 'sent_at': now()}])
        finally:
            if server is not None:
                try:
                    server.quit()
                except smtplib.SMTPException:
                    pass
            if to_write:
                Recipient.write(*to_write)
        for email in bounced:
            Email.write([email], {'bounces': (email.bounces or 0) + 1})
