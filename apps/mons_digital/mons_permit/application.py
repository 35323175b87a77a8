# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""A citizen's application on the portal, from its first step to the
permit file it becomes.

Anyone may start one: the anonymous visitor (group "Public") or a citizen
signed in on the portal (group "Portal User"). Until it is submitted it is
a draft reachable by its secret link (save and come back). The portal
pages act as that visitor: record rules let them read and change only the
application whose token the link carries (signed in: also their own), and
only while it is a draft (portal_rights.py gives the rules their context).

Submitting is the one controlled way a visitor creates a permit file: the
button checks the application (fields and required documents), creates
the file deposited with origin 'portal', hands it the documents, and mails
the acknowledgement with the file's reference.
"""
import datetime as dt
import re
import secrets

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from trytond.exceptions import UserError

# Context keys the portal routes set (clients cannot: desk RPC and REST
# drop the private keys)
TOKEN_KEY = '_permit_application_token'
WEB_USER_KEY = '_mons_web_user'

# 17-character CaPaKey: division (5 digits), section (letter), radical
# (4 digits) "/" bis (2 digits), exponent (letter or _), power (3 digits)
CAPAKEY = re.compile(r'^\d{5}[A-Z]\d{4}/\d{2}[A-Z_]\d{3}$')
POSTAL_CODE = re.compile(r'^\d{4}$')
PHONE = re.compile(r'^\+?[\d /.()-]{8,20}$')
EMAIL = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$')

# What the portal accepts for the documents of an application
DOCUMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png']
DOCUMENT_MAX_BYTES = 10 * 2 ** 20

# Fields set by the workflow only: never taken from a create or a write
WORKFLOW_FIELDS = {'token', 'state', 'file', 'reference', 'submitted_at',
    'web_user'}

STEP_FIELDS = {
    'demandeur': ['applicant_name', 'applicant_email', 'applicant_phone',
        'applicant_street', 'applicant_postal_code', 'applicant_city'],
    'lieu': ['location_street', 'section', 'capakey', 'description',
        'works_start'],
    }
REQUIRED = {'applicant_name', 'applicant_email', 'applicant_street',
    'applicant_postal_code', 'applicant_city', 'location_street',
    'section', 'description'}


class ApplicationError(UserError):
    "An application that cannot be submitted as it is (field named)"


def normalise_capakey(value):
    "The 17-character form of a CaPaKey typed with spaces or in lowercase"
    return re.sub(r'\s+', '', value or '').upper()


class Application(ModelSQL, ModelView):
    __name__ = 'permit.application'
    __string__ = "Permit Application"
    _rec_name = 'token'

    token = fields.Char("Token", readonly=True, required=True,
        help="Secret part of the link to the draft application.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('submitted', "Submitted"),
            ], "State", readonly=True, required=True, sort=False)
    web_user = fields.Many2One('web.user', "Portal Account", readonly=True,
        ondelete='SET NULL')
    procedure_type = fields.Many2One('permit.procedure_type',
        "Procedure Type", required=True, ondelete='RESTRICT',
        domain=[('online', '=', True)],
        states={'readonly': Eval('state') != 'draft'})
    applicant_name = fields.Char("Applicant",
        states={'readonly': Eval('state') != 'draft'})
    applicant_company = fields.Char("Company",
        states={'readonly': Eval('state') != 'draft'})
    applicant_email = fields.Char("E-mail",
        states={'readonly': Eval('state') != 'draft'})
    applicant_phone = fields.Char("Phone",
        states={'readonly': Eval('state') != 'draft'})
    applicant_street = fields.Char("Applicant Street",
        states={'readonly': Eval('state') != 'draft'})
    applicant_postal_code = fields.Char("Applicant Postal Code",
        states={'readonly': Eval('state') != 'draft'})
    applicant_city = fields.Char("Applicant City",
        states={'readonly': Eval('state') != 'draft'})
    location_street = fields.Char("Address of the Project",
        states={'readonly': Eval('state') != 'draft'})
    section = fields.Many2One('mons.section', "Section", ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'draft'})
    capakey = fields.Char("CaPaKey",
        states={'readonly': Eval('state') != 'draft'},
        help="Cadastral parcel in its 17-character form, "
        "e.g. 53053A0123/00B000.")
    description = fields.Text("Object",
        states={'readonly': Eval('state') != 'draft'})
    works_start = fields.Date("Planned Start of Works",
        states={'readonly': Eval('state') != 'draft'})
    documents = fields.One2Many('permit.application.document', 'application',
        "Documents", states={'readonly': Eval('state') != 'draft'})
    submitted_at = fields.DateTime("Submitted at", readonly=True)
    file = fields.Many2One('permit.file', "Permit File", readonly=True,
        ondelete='RESTRICT')
    reference = fields.Char("Reference", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('token_unique', Unique(t, t.token),
                'mons_permit.msg_application_token_unique'),
            ]
        cls._order = [('id', 'DESC')]
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def create(cls, vlist):
        context = Transaction().context
        vlist = [{k: v for k, v in values.items()
                if k not in WORKFLOW_FIELDS} for values in vlist]
        for values in vlist:
            # The route chose the token it links to (a private key of the
            # context), else a new one: never a value sent by a client
            values['token'] = (
                context.get(TOKEN_KEY) or secrets.token_urlsafe(24))
            values['state'] = 'draft'
            values['web_user'] = context.get(WEB_USER_KEY)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        if Transaction().check_access:
            actions = iter(args)
            for applications, values in zip(actions, actions):
                touched = WORKFLOW_FIELDS & set(values)
                if touched:
                    raise AccessError(gettext(
                            'mons_permit.msg_application_workflow_field',
                            field=sorted(touched)[0]))
                for application in applications:
                    if application.state != 'draft':
                        raise AccessError(gettext(
                                'mons_permit.msg_application_submitted',
                                reference=application.reference or ''))
        super().write(*args)

    @classmethod
    def copy(cls, applications, default=None):
        default = dict(default or {})
        default.setdefault('documents', None)
        return super().copy(applications, default=default)

    # -- checks, shared by the portal's steps and the submit button
    def errors_of(self, step=None, labels=None):
        """{field: French message} of what is missing or wrong, for one
        step of the portal ('demandeur', 'lieu', 'documents') or all;
        labels names the fields as the page shows them"""
        labels = labels or {}
        errors = {}
        steps = [step] if step else ['demandeur', 'lieu', 'documents']
        for name in [n for s in steps for n in STEP_FIELDS.get(s, [])]:
            value = getattr(self, name)
            if isinstance(value, str):
                value = value.strip()
            if name in REQUIRED and not value:
                errors[name] = gettext('mons_permit.msg_application_required',
                    field=self.field_label(name, labels))
                continue
            message = self._check_value(name, value, labels)
            if message:
                errors[name] = message
        if 'documents' in steps:
            for kind in self.missing_documents():
                errors[f'document_{kind.id}'] = gettext(
                    'mons_permit.msg_application_document_missing',
                    document=kind.rec_name)
        return errors

    def _check_value(self, name, value, labels=None):
        if not value:
            return None
        if name == 'applicant_email' and not EMAIL.match(value):
            return gettext('mons_permit.msg_application_email',
                field=self.field_label(name, labels))
        if name == 'applicant_postal_code' and not POSTAL_CODE.match(value):
            return gettext('mons_permit.msg_application_postal_code',
                field=self.field_label(name, labels))
        if name == 'applicant_phone' and not PHONE.match(value):
            return gettext('mons_permit.msg_application_phone',
                field=self.field_label(name, labels))
        if name == 'capakey' and not CAPAKEY.match(value):
            return gettext('mons_permit.msg_application_capakey',
                field=self.field_label(name, labels), value=value)
        if name == 'works_start':
            today = Pool().get('ir.date').today()
            if value < today:
                return gettext('mons_permit.msg_application_works_start',
                    field=self.field_label(name, labels),
                    date=value.strftime('%d/%m/%Y'))
        return None

    def field_label(self, name, labels=None):
        "The field's label as the page shows it, else the model's"
        return (labels or {}).get(name) or self.fields_get(
            [name])[name]['string']

    def required_documents(self):
        "The documents the application's procedure type lists"
        if not self.procedure_type:
            return []
        return list(self.procedure_type.documents)

    def missing_documents(self):
        "The mandatory documents not given yet"
        given = {d.document_type.id for d in self.documents
            if d.document_type}
        return [d for d in self.required_documents()
            if d.mandatory and d.id not in given]

    @classmethod
    def validate_fields(cls, applications, field_names):
        super().validate_fields(applications, field_names)
        for application in applications:
            for name in {'capakey', 'applicant_email', 'works_start',
                    'applicant_postal_code', 'applicant_phone'} & set(
                        field_names or STEP_FIELDS['demandeur']
                        + STEP_FIELDS['lieu']):
                message = application._check_value(
                    name, getattr(application, name))
                if message:
                    raise ApplicationError(message)

    # -- submission
    @classmethod
    @ModelView.button
    def submit(cls, applications):
        pool = Pool()
        File = pool.get('permit.file')
        Attachment = pool.get('ir.attachment')
        now = dt.datetime.now()
        applications = [a for a in applications if a.state == 'draft']
        for application in applications:
            errors = application.errors_of()
            if errors:
                raise ApplicationError(next(iter(errors.values())))
        # The visitor may create applications only: the file, its
        # documents and the e-mail are created by this button, for them
        with without_check_access():
            for application in applications:
                file, = File.create([application._file_values()])
                File._deposit([file])
                Attachment.create([{
                            'resource': str(file),
                            'name': document.name,
                            'data': document.data,
                            'description': document.document_type.rec_name
                            if document.document_type else None,
                            } for document in application.documents])
                application._post_submit(file, now)
        return None

    def _file_values(self):
        pool = Pool()
        Configuration = pool.get('permit.configuration')
        Company = pool.get('company.company')
        service = Configuration(1).portal_service
        if service:
            company = service.company
        else:
            companies = Company.search([], order=[('id', 'ASC')], limit=1)
            company = companies[0] if companies else None
        description = self.description or ''
        return {
            'company': company.id if company else None,
            'service': service.id if service else None,
            # The office assigns the file: no officer yet
            'officer': None,
            'procedure_type': self.procedure_type.id,
            'origin': 'portal',
            'application': self.id,
            'web_user': self.web_user.id if self.web_user else None,
            'applicant': self._applicant_party().id,
            'address': self.location_street,
            'section': self.section.id if self.section else None,
            # The object is published: its first line, as the citizen
            # wrote it; the whole text stays in the description
            'object': description.strip().splitlines()[0][:200]
            if description.strip() else self.procedure_type.name,
            'description': '\n\n'.join(filter(None, [description,
                        self.capakey and f'CaPaKey : {self.capakey}',
                        self.works_start and "Début des travaux envisagé : "
                        + self.works_start.strftime('%d/%m/%Y')])),
            'portal_applicant': self.applicant_summary(),
            }

    def _applicant_party(self):
        """The party of the citizen's account, else a new contact of the
        directory with what the applicant entered"""
        Party = Pool().get('party.party')
        if self.web_user and self.web_user.party:
            return self.web_user.party
        mechanisms = [('create', [{'type': 'email',
                            'value': self.applicant_email}])]
        if self.applicant_phone:
            mechanisms[0][1].append(
                {'type': 'phone', 'value': self.applicant_phone})
        party, = Party.create([{
                    'name': self.applicant_company or self.applicant_name,
                    'contact_mechanisms': mechanisms,
                    'addresses': [('create', [{
                                    'street': self.applicant_street,
                                    'postal_code': self.applicant_postal_code,
                                    'city': self.applicant_city,
                                    }])],
                    }])
        return party

    def applicant_summary(self):
        lines = [self.applicant_name]
        if self.applicant_company:
            lines.append(self.applicant_company)
        lines.append(self.applicant_street or '')
        lines.append(f'{self.applicant_postal_code or ""} '
            f'{self.applicant_city or ""}'.strip())
        lines.append(self.applicant_email or '')
        if self.applicant_phone:
            lines.append(self.applicant_phone)
        return '\n'.join(l for l in lines if l)

    def _post_submit(self, file, now):
        self.__class__.write([self], {
                'state': 'submitted',
                'file': file.id,
                'reference': file.reference,
                'submitted_at': now,
                })
        self.send_acknowledgement(file)

    @property
    def resume_url(self):
        "The secret link back to the draft (or to its acknowledgement)"
        from trytond.modules.mons_base.web_user import public_url
        database = Transaction().database.name
        step = 'recapitulatif' if self.state == 'draft' else 'envoyee'
        return (f'{public_url()}/{database}/portal/urbanisme/demande/'
            f'{self.token}/{step}')

    @classmethod
    def send_link(cls, applications):
        """E-mail the link to come back to each draft that has an address
        (the page shows it too)"""
        from trytond.modules.mons_base.notify import send_email
        from .application_mail import resume_link
        for application in applications:
            if application.state != 'draft' or not application.applicant_email \
                    or application._check_value(
                        'applicant_email', application.applicant_email):
                continue
            subject, body = resume_link(application)
            # The visitor reads their application only: the message's log
            # is written by this method, for them
            with without_check_access():
                send_email(application.applicant_email, subject, body,
                    application)

    def send_acknowledgement(self, file):
        from trytond.modules.mons_base.notify import send_email
        from .application_mail import acknowledgement
        subject, body = acknowledgement(self, file)
        send_email(self.applicant_email, subject, body, file)


class ApplicationDocument(ModelSQL, ModelView):
    __name__ = 'permit.application.document'
    __string__ = "Permit Application Document"

    application = fields.Many2One('permit.application', "Application",
        required=True, ondelete='CASCADE')
    document_type = fields.Many2One('permit.procedure_type.document',
        "Document",
        ondelete='RESTRICT')
    name = fields.Char("File Name", required=True)
    data = fields.Binary("File", filename='name', required=True)
    mimetype = fields.Char("Type", readonly=True)
    size = fields.Integer("Size", readonly=True)

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            data = values.get('data') or b''
            values['size'] = len(data)
        return super().create(vlist)


class Configuration(metaclass=PoolMeta):
    __name__ = 'permit.configuration'

    portal_service = fields.Many2One('mons.service',
        "Service Receiving Online Applications", ondelete='RESTRICT',
        help="The files submitted on the portal are given to this service "
        "(and its organisation).")


class File(metaclass=PoolMeta):
    __name__ = 'permit.file'

    application = fields.Many2One('permit.application', "Portal Application",
        readonly=True, ondelete='RESTRICT')
    web_user = fields.Many2One('web.user', "Portal Account", readonly=True,
        ondelete='SET NULL',
        help="The citizen's account that follows the file on the portal.")
    portal_applicant = fields.Text("Applicant (as entered online)",
        readonly=True)
