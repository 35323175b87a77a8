"GDPR: consents, double opt-in, export of a person's data."
import datetime as dt
import json

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.modules.mons_base.report_filename import SafeFilenameReport
from trytond.rpc import RPC
from trytond.sendmail import send_message_transactional
from trytond.modules.mons_base.email_message import stamp
from trytond.modules.mons_base.municipality import identity
from trytond.tools.email_ import set_from_header
from trytond.transaction import (
    Transaction, inactive_records, without_check_access)

from .exceptions import ConsentError
from .sources import LEGAL_BASES, SOURCES
from .normalize import valid_email


class Consent(ModelSQL, ModelView):
    "Consent of a person to receive the emails of a list"
    __name__ = 'mons.crm.consent'

    party = fields.Many2One('party.party', "Contact", ondelete='CASCADE',
        readonly=True)
    email = fields.Char("Email", readonly=True)
    list_ = fields.Many2One('marketing.email.list', "List",
        ondelete='SET NULL', readonly=True)
    subscription = fields.Many2One('marketing.email', "Subscription",
        ondelete='SET NULL', readonly=True)
    source = fields.Selection(SOURCES, "Source", readonly=True)
    legal_basis = fields.Selection(LEGAL_BASES, "Legal Basis", readonly=True)
    given_at = fields.DateTime("Given at", readonly=True)
    confirmed_at = fields.DateTime("Confirmed at", readonly=True,
        help="Date of the confirmation by email (double opt-in).")
    withdrawn_at = fields.DateTime("Withdrawn at", readonly=True)
    proof = fields.Text("Proof", readonly=True)
    ip_address = fields.Char("IP Address", readonly=True)
    state = fields.Selection([
            ('requested', "Waiting for Confirmation"),
            ('given', "Given"),
            ('withdrawn', "Withdrawn"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.party, Index.Range())),
                Index(t, (t.subscription, Index.Range())),
                })
        cls._order = [('given_at', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_state(cls):
        return 'given'

    def get_rec_name(self, name):
        return f'{self.email} - {self.list_.rec_name if self.list_ else ""}'

    @classmethod
    def record_for(cls, subscriptions):
        "Record the consent of new subscriptions"
        pool = Pool()
        Email = pool.get('marketing.email')
        context = Transaction().context
        now = dt.datetime.now()
        vlist = []
        for email in subscriptions:
            if email.consent:
                continue
            vlist.append({
                    'party': email.contact.id if email.contact else None,
                    'email': email.email,
                    'list_': email.list_.id,
                    'subscription': email.id,
                    'source': email.source,
                    'legal_basis': email.legal_basis,
                    'given_at': now,
                    'proof': email.consent_proof,
                    'ip_address': context.get('crm_ip_address'),
                    'state': 'given' if email.active else 'requested',
                    })
        if not vlist:
            return []
        consents = cls.create(vlist)
        to_write = []
        for email, consent in zip(
                [e for e in subscriptions if not e.consent], consents):
            to_write.extend([[email], {'consent': consent.id}])
        with Transaction().set_context(_check_access=False):
            Email.write(*to_write)
        return consents

    @classmethod
    def follow_subscriptions(cls, subscriptions):
        "Confirm or withdraw the consent as the subscription changes"
        now = dt.datetime.now()
        confirm, withdraw = [], []
        for email in subscriptions:
            consent = email.consent
            if not consent:
                continue
            if email.active and consent.state != 'given':
                confirm.append(consent)
            elif not email.active and consent.state == 'given':
                withdraw.append(consent)
        to_write = []
        if confirm:
            to_write.extend([confirm, {
                        'state': 'given', 'confirmed_at': now,
                        'withdrawn_at': None}])
        if withdraw:
            to_write.extend([withdraw, {
                        'state': 'withdrawn', 'withdrawn_at': now}])
        if to_write:
            cls.write(*to_write)


class EmailList(metaclass=PoolMeta):
    __name__ = 'marketing.email.list'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__.update({
                'public_subscribe': RPC(readonly=False, instantiate=0),
                })

    def public_subscribe(self, email, ip_address=None):
        """Subscription asked from the portal: recorded as waiting and
        confirmed only through the link sent to the address (double
        opt-in)."""
        pool = Pool()
        Email = pool.get('marketing.email')
        Party = pool.get('party.party')
        if not self.public:
            raise ConsentError(gettext(
                    'mons_crm.msg_list_not_public', list=self.rec_name))
        address = valid_email(email)
        if not address:
            raise ConsentError(gettext(
                    'mons_crm.msg_public_email_invalid', email=email))
        email = address
        with inactive_records():
            records = Email.search([
                    ('email', '=', email),
                    ('list_', '=', self.id),
                    ])
        with Transaction().set_context(crm_ip_address=ip_address):
            if records:
                record, = records
            else:
                parties = Party.search([
                        ('contact_mechanisms', 'where', [
                                ('type', '=', 'email'),
                                ('value', 'ilike', email),
                                ]),
                        ], limit=1)
                record, = Email.create([{
                            'email': email,
                            'list_': self.id,
                            'active': False,
                            'source': 'portal',
                            'contact': parties[0].id if parties else None,
                            'consent_proof': gettext(
                                'mons_crm.msg_consent_proof_portal',
                                ip=ip_address or '?'),
                            }])
        if not record.active:
            from_cfg = (config.get('marketing', 'email_from')
                or config.get('email', 'from'))
            msg, title = record.get_email_subscribe()
            set_from_header(msg, from_cfg, from_cfg)
            msg['To'] = record.email
            msg['Subject'] = title
            stamp(msg, from_cfg)
            send_message_transactional(msg)
        return record.id


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'gdpr_export_json': {},
                'gdpr_export_pdf': {},
                })

    @classmethod
    @ModelView.button_action('mons_crm.report_party_gdpr_json')
    def gdpr_export_json(cls, parties):
        pass

    @classmethod
    @ModelView.button_action('mons_crm.report_party_gdpr_pdf')
    def gdpr_export_pdf(cls, parties):
        pass

    def gdpr_data(self):
        "Everything held about the contact, as JSON-ready data"
        pool = Pool()
        Replace = pool.get('party.replace', type='wizard')

        def value(v):
            if isinstance(v, (dt.date, dt.datetime)):
                return v.isoformat()
            if hasattr(v, 'rec_name'):
                return v.rec_name
            return v

        # Called after the access check of the report (DPO, steward...): the
        # DPO answering a request must see every record about the person
        with inactive_records(), without_check_access():
            party = self.__class__(self.id)
            result = {
                'contact': {n: value(getattr(party, n)) for n in [
                        'code', 'name', 'crm_kind', 'civility', 'first_name',
                        'last_name', 'birth_date', 'language', 'crm_notes',
                        'owner_service', 'last_used', 'active',
                        'create_date', 'write_date']},
                'services': [s.rec_name for s in party.crm_services],
                'categories': [c.rec_name for c in party.categories],
                'addresses': [{
                        'address': a.full_address,
                        'section': value(a.section),
                        'active': a.active,
                        } for a in party.addresses],
                'contact_mechanisms': [{
                        'type': m.type, 'value': m.value,
                        'active': m.active,
                        } for m in party.contact_mechanisms],
                'relations': [{
                        'type': r.type.rec_name, 'to': r.to.rec_name,
                        } for r in getattr(party, 'relations', [])],
                'subscriptions': [{
                        'list': s.list_.rec_name, 'email': s.email,
                        'active': s.active, 'source': s.source,
                        'subscribed_at': value(s.subscribed_at),
                        'unsubscribed_at': value(s.unsubscribed_at),
                        } for s in party.subscriptions],
                'consents': [{
                        'list': value(c.list_), 'email': c.email,
                        'state': c.state, 'source': c.source,
                        'given_at': value(c.given_at),
                        'confirmed_at': value(c.confirmed_at),
                        'withdrawn_at': value(c.withdrawn_at),
                        'proof': c.proof, 'ip_address': c.ip_address,
                        } for c in party.consents],
                }
            # Records of every other module pointing to the person
            references = {}
            skip = {'party.address', 'party.contact_mechanism',
                'marketing.email', 'mons.crm.consent',
                'party.party-mons.service', 'party.party-party.category',
                'party.relation'}
            for model_name, field_name in Replace.fields_to_replace():
                if model_name in skip:
                    continue
                Model = pool.get(model_name)
                records = Model.search([(field_name, '=', self.id)])
                if records:
                    references.setdefault(model_name, []).extend(
                        r.rec_name for r in records)
            result['references'] = references
        return result


class GDPRJSON(SafeFilenameReport):
    "Export of a contact's data as JSON"
    __name__ = 'party.party.gdpr_json'

    @classmethod
    def execute(cls, ids, data):
        pool = Pool()
        Party = pool.get('party.party')
        ActionReport = pool.get('ir.action.report')
        ids = list(map(int, ids))
        with without_check_access():
            if data.get('action_id') is None:
                action_report, = ActionReport.search([
                        ('report_name', '=', cls.__name__)], limit=1)
            else:
                action_report = ActionReport(data['action_id'])
        cls.check_access(action_report, 'party.party', ids)
        parties = Party.browse(ids)
        content = [p.gdpr_data() for p in parties]
        if len(content) == 1:
            content, = content
        name = 'rgpd-' + '-'.join(p.code for p in parties)
        return ('json', json.dumps(content, indent=2, ensure_ascii=False,
                default=str).encode('utf-8'), False, name)


class GDPRPDF(SafeFilenameReport):
    "Export of a contact's data as PDF"
    __name__ = 'party.party.gdpr_pdf'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['gdpr'] = {r.id: r.gdpr_data() for r in records}
        # the controller of the data: the site's local authority
        context['municipality'] = identity()
        return context
