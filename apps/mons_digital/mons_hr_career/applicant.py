"""Applicants to a job opening and their selection pipeline.

An application starts on the portal as a draft the person may save and
finish later through a secret link, or on the desk when HR types a paper
application. Once received it moves through screening, tests, interview
and a decision, only through the buttons of HR; a decision is e-mailed to
the person. The state, the dates, the duplicate link and the secret are
never written by a client (REST or desk)."""
import datetime as dt
import hashlib
import re
import secrets

try:
    import phonenumbers
except ImportError:
    phonenumbers = None

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools.email_ import (
    EmailNotValidError, normalize_email, validate_email)
from trytond.transaction import Transaction, without_check_access

from trytond.modules.mons_base.notify import send_email

OPEN_STATES = ('received', 'screening', 'tests', 'interview')
FINAL_STATES = ('accepted', 'rejected', 'withdrawn')
SMS_LENGTH = 160
EMAIL_RE = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$')


class ApplicantValidationError(ValidationError):
    pass


class ApplicantWorkflowError(AccessError):
    "A user tried to change what only the pipeline's buttons change"


def norm_email(value):
    "Lower-case normalised address, or '' when it is not one"
    value = (value or '').strip()
    if not value:
        return ''
    try:
        validate_email(value)
    except EmailNotValidError:
        return ''
    if not EMAIL_RE.match(value):
        return ''
    return normalize_email(value).lower()


def norm_phone(value, region='BE'):
    "E.164 form of a phone number (Belgian by default), or ''"
    value = (value or '').strip()
    if not value:
        return ''
    compact = re.sub(r'[\s./()-]', '', value)
    if phonenumbers:
        try:
            number = phonenumbers.parse(compact, region)
        except phonenumbers.NumberParseException:
            return ''
        if not phonenumbers.is_possible_number(number):
            return ''
        return phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.E164)
    digits = re.sub(r'\D', '', compact)
    if compact.startswith('+'):
        return '+' + digits if len(digits) >= 9 else ''
    if digits.startswith('0') and len(digits) in {9, 10}:
        return '+32' + digits[1:]
    return ''


def hash_token(token):
    return hashlib.sha256((token or '').encode()).hexdigest()


class Applicant(Workflow, ModelSQL, ModelView):
    __string__ = "Applicant"
    __name__ = 'hr.applicant'
    # Set by the portal and the buttons only
    _workflow_fields = (
        'state', 'source', 'received_date', 'state_date', 'token_hash',
        'duplicate_of', 'sms_text', 'anonymised', 'email_key', 'phone_key')
    # What a client may give when creating: a received paper application
    _client_defaults = {'state': 'received', 'source': 'desk',
        'anonymised': False}

    opening = fields.Many2One('hr.job.opening', "Job Opening", required=True,
        ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'received'})
    # Copied from the opening: the organisation whose HR reads it
    company = fields.Many2One('company.company', "Organisation",
        required=True, readonly=True, ondelete='RESTRICT')
    number = fields.Function(fields.Char("Number"), 'get_number',
        searcher='search_number')
    name = fields.Char("Name", required=True,
        states={'readonly': Eval('anonymised', False)})
    email = fields.Char("E-mail",
        states={'readonly': Eval('anonymised', False)})
    phone = fields.Char("Phone",
        states={'readonly': Eval('anonymised', False)})
    experience_text = fields.Text("Experience in Own Words",
        states={'readonly': Eval('anonymised', False)},
        help="What the person has done and can do, as they wrote it.")
    cv = fields.Binary("CV", filename='cv_name',
        states={'readonly': Eval('anonymised', False)})
    cv_name = fields.Char("CV File Name",
        states={'readonly': Eval('anonymised', False)})
    hr_notes = fields.Text("HR Notes",
        states={'readonly': Eval('anonymised', False)})
    state = fields.Selection([
            ('draft', "Being Written"),
            ('received', "Received"),
            ('screening', "Screening"),
            ('tests', "Tests"),
            ('interview', "Interview"),
            ('accepted', "Accepted"),
            ('rejected', "Rejected"),
            ('withdrawn', "Withdrawn"),
            ], "State", required=True, readonly=True, sort=False)
    source = fields.Selection([
            ('portal', "Portal"),
            ('desk', "Desk"),
            ], "Received Through", required=True, readonly=True)
    received_date = fields.DateTime("Received On", readonly=True)
    state_date = fields.Date("State Since", readonly=True,
        help="Day of the last step; the retention period runs from the "
        "decision.")
    duplicate_of = fields.Many2One('hr.applicant', "Duplicate Of",
        readonly=True, ondelete='SET NULL',
        help="Earlier application of the same person to the same opening "
        "(same e-mail or phone).")
    duplicates = fields.One2Many('hr.applicant', 'duplicate_of',
        "Later Applications", readonly=True)
    is_duplicate = fields.Function(fields.Boolean("Duplicate"),
        'get_is_duplicate')
    sms_text = fields.Char("SMS Text", readonly=True,
        help="Short confirmation (160 characters at most) ready to be "
        "sent by SMS.")
    anonymised = fields.Boolean("Anonymised", readonly=True)
    email_key = fields.Char("Normalised E-mail", readonly=True)
    phone_key = fields.Char("Normalised Phone", readonly=True)
    token_hash = fields.Char("Link Secret", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('received_date', 'DESC NULLS LAST'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.token_hash, Index.Equality())),
                Index(t, (t.opening, Index.Range()),
                    (t.email_key, Index.Equality())),
                })
        cls._transitions |= {
            ('draft', 'received'),
            ('received', 'screening'),
            ('screening', 'tests'),
            ('screening', 'interview'),
            ('tests', 'interview'),
            ('interview', 'accepted'),
            }
        for state in OPEN_STATES:
            cls._transitions |= {(state, 'rejected'), (state, 'withdrawn')}
        cls._buttons.update({
                'screen': {
                    'invisible': Eval('state') != 'received',
                    'depends': ['state'],
                    },
                'test': {
                    'invisible': Eval('state') != 'screening',
                    'depends': ['state'],
                    },
                'interview': {
                    'invisible': ~Eval('state').in_(['screening', 'tests']),
                    'depends': ['state'],
                    },
                'accept': {
                    'invisible': Eval('state') != 'interview',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': ~Eval('state').in_(list(OPEN_STATES)),
                    'depends': ['state'],
                    },
                'withdraw': {
                    'invisible': ~Eval('state').in_(list(OPEN_STATES)),
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        # What HR types on the desk is a received paper application
        return 'received'

    @staticmethod
    def default_source():
        return 'desk'

    @staticmethod
    def default_anonymised():
        return False

    @fields.depends('opening', '_parent_opening.company')
    def on_change_opening(self):
        self.company = self.opening.company if self.opening else None

    def get_number(self, name):
        return f'CAND-{self.id:05d}' if self.id and self.id > 0 else None

    @classmethod
    def search_number(cls, name, clause):
        _, operator, value = clause[:3]
        if isinstance(value, str):
            digits = re.sub(r'\D', '', value)
            if operator == '=' and digits:
                return [('id', '=', int(digits))]
            if operator in {'ilike', 'like'}:
                digits = digits.lstrip('0')
                return [('id', '=', int(digits))] if digits else []
        return [('id', '=', -1)]

    def get_rec_name(self, name):
        return f'{self.number or ""} {self.name}'.strip()

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR', ('name',) + tuple(clause[1:]),
            ('number',) + tuple(clause[1:])]

    def get_is_duplicate(self, name):
        return bool(self.duplicate_of)

    # The workflow: only the buttons, never a client's write

    @classmethod
    def check_modification(cls, mode, applicants, values=None,
            external=False):
        super().check_modification(
            mode, applicants, values=values, external=external)
        if not external:
            return
        if mode == 'write':
            for applicant in applicants:
                if applicant.state == 'draft' or applicant.anonymised:
                    raise ApplicantWorkflowError(gettext(
                            'mons_hr_career.msg_applicant_not_editable',
                            applicant=applicant.rec_name))

    @classmethod
    def _check_client_values(cls, values):
        "A client's create gives no workflow field (but their defaults)"
        for name in cls._workflow_fields:
            value = values.get(name)
            if value and cls._client_defaults.get(name) != value:
                raise ApplicantWorkflowError(gettext(
                        'mons_hr_career.msg_applicant_workflow_field',
                        field=cls.__names__(name)['field'],
                        applicant=values.get('name') or ''))

    @classmethod
    def _refuse_field(cls, applicant, name):
        raise ApplicantWorkflowError(gettext(
                'mons_hr_career.msg_applicant_workflow_field',
                field=cls.__names__(name)['field'],
                applicant=applicant.rec_name or applicant.name or ''))

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Opening = pool.get('hr.job.opening')
        transaction = Transaction()
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if transaction.user and transaction.check_access:
                cls._check_client_values(values)
            values.update(cls._keys(values))
            if values.get('opening') is not None:
                # The opening's organisation, whatever the client said
                with without_check_access():
                    values['company'] = Opening(
                        values['opening']).company.id
            if values.get('state', 'received') != 'draft':
                values.setdefault('received_date', dt.datetime.now())
                values.setdefault('state_date', dt.date.today())
        applicants = super().create(vlist)
        cls._link_duplicates(
            [a for a in applicants if a.state != 'draft'])
        return applicants

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        args = []
        transaction = Transaction()
        for applicants, values in zip(actions, actions):
            if transaction.user and transaction.check_access:
                for name in cls._workflow_fields:
                    if name in values:
                        cls._refuse_field(applicants[0], name)
            values = values.copy()
            values.pop('company', None)
            if values.get('opening') is not None:
                Opening = Pool().get('hr.job.opening')
                with without_check_access():
                    values['company'] = Opening(
                        values['opening']).company.id
            if 'email' in values or 'phone' in values:
                for applicant in applicants:
                    keys = cls._keys({
                            'email': values.get('email', applicant.email),
                            'phone': values.get('phone', applicant.phone),
                            })
                    args.extend(([applicant], {**values, **keys}))
                continue
            args.extend((applicants, values))
        super().write(*args)

    @staticmethod
    def _keys(values):
        keys = {}
        if 'email' in values:
            keys['email_key'] = norm_email(values['email']) or None
        if 'phone' in values:
            keys['phone_key'] = norm_phone(values['phone']) or None
        return keys

    @classmethod
    def validate_fields(cls, applicants, field_names):
        super().validate_fields(applicants, field_names)
        if field_names & {'email', 'phone', 'state', 'anonymised'}:
            for applicant in applicants:
                applicant.check_contact()

    def check_contact(self, sending=False):
        "A received application must say how to reach the person"
        if (self.state == 'draft' and not sending) or self.anonymised:
            return
        if self.email and not self.email_key:
            raise ApplicantValidationError(gettext(
                    'mons_hr_career.msg_applicant_email_invalid',
                    email=self.email))
        if self.phone and not self.phone_key:
            raise ApplicantValidationError(gettext(
                    'mons_hr_career.msg_applicant_phone_invalid',
                    phone=self.phone))
        if not self.email_key and not self.phone_key:
            raise ApplicantValidationError(gettext(
                    'mons_hr_career.msg_applicant_no_contact'))

    def find_duplicate(self):
        "The earliest other received application of the same person"
        if not self.opening or not (self.email_key or self.phone_key):
            return None
        contact = ['OR']
        if self.email_key:
            contact.append(('email_key', '=', self.email_key))
        if self.phone_key:
            contact.append(('phone_key', '=', self.phone_key))
        with without_check_access():
            others = self.search([
                    ('id', '!=', self.id),
                    ('opening', '=', self.opening.id),
                    ('state', '!=', 'draft'),
                    ('anonymised', '=', False),
                    contact,
                    ], order=[('received_date', 'ASC'), ('id', 'ASC')],
                limit=1)
        if not others:
            return None
        first = others[0]
        return first.duplicate_of or first

    @classmethod
    def _link_duplicates(cls, applicants):
        "Link a later application to the first one: flagged, not doubled"
        for applicant in applicants:
            if applicant.duplicate_of:
                continue
            first = applicant.find_duplicate()
            if first and first.id < applicant.id:
                cls.write([applicant], {'duplicate_of': first.id})

    # Portal: drafts saved by the person, then sent

    @classmethod
    def find_by_token(cls, token):
        """The application of a secret link; the link is the person's only
        key to it (it is not stored, only its hash)"""
        if not token or len(token) > 100:
            return None
        with without_check_access():
            found = cls.search([
                    ('token_hash', '=', hash_token(token)),
                    ('anonymised', '=', False),
                    ], limit=1)
        return found[0] if found else None

    @classmethod
    def save_draft(cls, opening, values, applicant=None):
        """Create or update the person's draft; returns (draft, token) with
        a new token for a new draft (None otherwise)"""
        values = {k: values.get(k) for k in (
                'name', 'email', 'phone', 'experience_text', 'cv', 'cv_name')
            if k in values}
        if values.get('cv') is None:
            values.pop('cv', None)
            values.pop('cv_name', None)
        values['name'] = values.get('name') or '?'
        token = None
        if applicant is None:
            token = secrets.token_urlsafe(24)
            applicant, = cls.create([{**values,
                        'opening': opening.id,
                        'state': 'draft',
                        'source': 'portal',
                        'token_hash': hash_token(token),
                        }])
        else:
            if applicant.state != 'draft':
                raise ApplicantWorkflowError(gettext(
                        'mons_hr_career.msg_applicant_already_sent',
                        applicant=applicant.rec_name))
            cls.write([applicant], values)
        return applicant, token

    @classmethod
    @Workflow.transition('received')
    def submit(cls, applicants):
        "The person sends the application: received, checked, confirmed"
        now = dt.datetime.now()
        for applicant in applicants:
            opening = applicant.opening
            if not opening.open_for_applications:
                raise ApplicantValidationError(gettext(
                        'mons_hr_career.msg_opening_not_open',
                        opening=opening.rec_name))
        for applicant in applicants:
            applicant.check_contact(sending=True)
        cls.write(applicants, {
                'received_date': now,
                'state_date': now.date(),
                })
        cls._link_duplicates(applicants)
        for applicant in applicants:
            cls.write([applicant], {'sms_text': applicant.make_sms_text()})
            applicant.send_confirmation()

    def make_sms_text(self):
        "Confirmation that fits one SMS (160 characters)"
        organisation = self.opening.company.rec_name
        template = gettext('mons_hr_career.msg_applicant_sms',
            number=self.number, title='{title}', organisation=organisation)
        room = SMS_LENGTH - len(template.replace('{title}', ''))
        title = self.opening.title
        if len(title) > room:
            title = title[:max(room - 1, 0)].rstrip() + '…'
        return template.replace('{title}', title)[:SMS_LENGTH]

    def send_confirmation(self):
        if not self.email_key:
            return None
        body = gettext('mons_hr_career.msg_applicant_received_body',
            name=self.name, title=self.opening.title, number=self.number,
            organisation=self.opening.company.rec_name)
        if self.duplicate_of:
            body += '\n\n' + gettext(
                'mons_hr_career.msg_applicant_duplicate_body',
                number=self.duplicate_of.number)
        return self._email(gettext(
                'mons_hr_career.msg_applicant_received_subject',
                title=self.opening.title), body)

    def send_resume_link(self, url):
        "E-mail the link to finish a saved draft"
        if not self.email_key:
            return None
        return self._email(
            gettext('mons_hr_career.msg_applicant_draft_subject',
                title=self.opening.title),
            gettext('mons_hr_career.msg_applicant_draft_body',
                name=self.name, title=self.opening.title, url=url))

    def _email(self, subject, body):
        # Recording the sent e-mail on the application is the system's act,
        # whoever pressed the button
        with without_check_access(), Transaction().set_user(0):
            return send_email(self.email_key, subject, body,
                resource=self)

    # The pipeline's buttons (groups in applicant.xml)

    @classmethod
    def _stamp(cls, applicants):
        cls.write(applicants, {'state_date': dt.date.today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('screening')
    def screen(cls, applicants):
        cls._stamp(applicants)

    @classmethod
    @ModelView.button
    @Workflow.transition('tests')
    def test(cls, applicants):
        cls._stamp(applicants)

    @classmethod
    @ModelView.button
    @Workflow.transition('interview')
    def interview(cls, applicants):
        cls._stamp(applicants)

    @classmethod
    @ModelView.button
    @Workflow.transition('accepted')
    def accept(cls, applicants):
        cls._stamp(applicants)
        for applicant in applicants:
            applicant._notify_decision('accepted')

    @classmethod
    @ModelView.button
    @Workflow.transition('rejected')
    def reject(cls, applicants):
        cls._stamp(applicants)
        for applicant in applicants:
            applicant._notify_decision('rejected')

    @classmethod
    @ModelView.button
    @Workflow.transition('withdrawn')
    def withdraw(cls, applicants):
        cls._stamp(applicants)

    def _notify_decision(self, decision):
        if not self.email_key or self.anonymised:
            return None
        with Transaction().set_context(language='fr'):
            return self._email(
                gettext('mons_hr_career.msg_applicant_decision_subject',
                    title=self.opening.title),
                gettext(f'mons_hr_career.msg_applicant_{decision}_body',
                    name=self.name, title=self.opening.title,
                    organisation=self.opening.company.rec_name))

    # Retention (cron) and the KPI

    @classmethod
    def purge_expired(cls, today=None):
        """Anonymise the decided applications past the retention period
        and delete the drafts never sent; returns (anonymised, deleted)"""
        pool = Pool()
        Configuration = pool.get('hr.recruitment.configuration')
        Email = pool.get('ir.email')
        Attachment = pool.get('ir.attachment')
        config = Configuration(1)
        today = today or dt.date.today()
        limit = _months_before(today, config.get_retention_months())
        drafts_limit = dt.datetime.combine(
            today - dt.timedelta(days=config.get_draft_days()), dt.time())
        with without_check_access():
            expired = cls.search([
                    ('state', 'in', list(FINAL_STATES)),
                    ('state_date', '<', limit),
                    ('anonymised', '=', False),
                    ])
            drafts = cls.search([
                    ('state', '=', 'draft'),
                    ('create_date', '<', drafts_limit),
                    ])
            resources = [str(a) for a in expired + drafts]
            if resources:
                Email.delete(Email.search(
                        [('resource', 'in', resources)]))
                Attachment.delete(Attachment.search(
                        [('resource', 'in', resources)]))
            if expired:
                cls.anonymise(expired)
            if drafts:
                cls.delete(drafts)
        return expired, drafts

    @classmethod
    def anonymise(cls, applicants):
        "Erase what identifies the person; the counts stay"
        for applicant in applicants:
            cls.write([applicant], {
                    'name': gettext(
                        'mons_hr_career.msg_applicant_anonymous_name',
                        number=applicant.number),
                    'email': None, 'phone': None,
                    'experience_text': None, 'hr_notes': None,
                    'cv': None, 'cv_name': None,
                    'sms_text': None, 'token_hash': None,
                    'anonymised': True,
                    })

    @classmethod
    def count_received_online(cls, start=None, end=None, companies=None):
        """KPI "applications received online": applications sent from the
        portal between start and end (dates, included), anonymised ones
        included. The count is a number, not personal data."""
        domain = [('source', '=', 'portal'), ('state', '!=', 'draft')]
        if start:
            domain.append(('received_date', '>=',
                    dt.datetime.combine(start, dt.time())))
        if end:
            domain.append(('received_date', '<',
                    dt.datetime.combine(end + dt.timedelta(days=1),
                        dt.time())))
        if companies is not None:
            domain.append(('opening.company', 'in', list(companies)))
        with without_check_access():
            return cls.search_count(domain)


def _months_before(date, months):
    month = date.month - months
    year = date.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(date.day, [31, 29 if year % 4 == 0 and (
                    year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][month - 1])
    return dt.date(year, month, day)
