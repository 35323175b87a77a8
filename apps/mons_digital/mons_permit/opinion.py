# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Opinions asked to the consulted bodies (fire service, SPW departments,
CCATM, water company, the regional official…): each body is a contact of
the directory with its own answering period; requests are reminded before
their deadline and the reply is attached."""
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import deadline
from .exceptions import PermitValidationError, PermitWorkflowError
from .file import check_state, computed_holidays, explain, fr_date, today


class Body(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'permit.opinion.body'
    __string__ = "Consulted Body"

    party = fields.Many2One('party.party', "Contact", required=True,
        ondelete='RESTRICT')
    code = fields.Char("Code", required=True, strip=True)
    days = fields.Integer("Answering Days", required=True,
        help="Days the body has to answer, from the request.")
    regional_official = fields.Boolean("Regional Official",
        help="Its opinion brings the longest decision deadline.")
    email = fields.Char("Email", help="Where the requests are sent.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'mons_permit.msg_body_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @staticmethod
    def default_days():
        return 30

    def get_rec_name(self, name):
        return self.party.rec_name


class Opinion(Workflow, ModelSQL, ModelView):
    __name__ = 'permit.opinion'
    __string__ = "Opinion"

    _draft = Eval('state') == 'draft'

    file = fields.Many2One('permit.file', "File", required=True,
        ondelete='CASCADE', states={'readonly': ~_draft})
    body = fields.Many2One('permit.opinion.body', "Body", required=True,
        ondelete='RESTRICT', states={'readonly': ~_draft})
    days = fields.Integer("Answering Days", required=True,
        states={'readonly': ~_draft})
    request_date = fields.Date("Request Date",
        states={'readonly': ~_draft},
        help="Today when left empty at the request.")
    due_date = fields.Function(fields.Date("Answer Due"), 'get_due')
    due_explanation = fields.Function(
        fields.Text("How the Answer Date Is Computed"), 'get_due')
    reply_date = fields.Date("Reply Date",
        states={'readonly': Eval('state') != 'requested'})
    result = fields.Selection([
            (None, ""),
            ('favourable', "Favourable"),
            ('conditional', "Favourable with Conditions"),
            ('unfavourable', "Unfavourable"),
            ('deemed', "Deemed Favourable (no answer in time)"),
            ], "Result", states={'readonly': Eval('state') != 'requested'})
    reply = fields.Text("Reply",
        states={'readonly': Eval('state') != 'requested'})
    reply_file = fields.Binary("Reply Document", filename='reply_filename',
        states={'readonly': Eval('state') != 'requested'})
    reply_filename = fields.Char("Reply File Name",
        states={'readonly': Eval('state') != 'requested'})
    reminded = fields.Date("Reminder Sent", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('requested', "Requested"),
            ('replied', "Replied"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('request_date', 'DESC'))
        cls._transitions |= {
            ('draft', 'requested'),
            ('requested', 'replied'),
            ('draft', 'cancelled'),
            ('requested', 'cancelled'),
            }
        cls._buttons.update({
                'request': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-email',
                    'depends': ['state'],
                    },
                'record_reply': {
                    'invisible': Eval('state') != 'requested',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'requested']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_days():
        return 30

    @fields.depends('body')
    def on_change_body(self):
        if self.body:
            self.days = self.body.days

    def get_rec_name(self, name):
        return f'{self.body.rec_name} - {self.file.rec_name}'

    def compute_due(self):
        if not self.request_date or not self.days:
            return None
        company = self.file.company.id if self.file.company else None
        return deadline.add_days(self.request_date, self.days,
            computed_holidays(self.request_date, self.days, company),
            label='request')

    @classmethod
    def get_due(cls, opinions, names):
        result = {n: {} for n in names}
        for opinion in opinions:
            computed = opinion.compute_due()
            if 'due_date' in names:
                result['due_date'][opinion.id] = (
                    computed.date if computed else None)
            if 'due_explanation' in names:
                result['due_explanation'][opinion.id] = (
                    explain(computed.steps) if computed else None)
        return result

    @classmethod
    def validate_fields(cls, opinions, field_names):
        super().validate_fields(opinions, field_names)
        if field_names is not None and not (
                {'request_date', 'reply_date', 'file'} & field_names):
            return
        strings = cls.fields_get(['request_date', 'reply_date'])
        for opinion in opinions:
            deposit = opinion.file.deposit_date
            for name in ['request_date', 'reply_date']:
                value = getattr(opinion, name)
                if value and deposit and value < deposit:
                    raise PermitValidationError(gettext(
                            'mons_permit.msg_date_before_deposit',
                            field=strings[name]['string'],
                            date=fr_date(value), deposit=fr_date(deposit),
                            file=opinion.file.rec_name))
            if (opinion.reply_date and opinion.request_date
                    and opinion.reply_date < opinion.request_date):
                raise PermitValidationError(gettext(
                        'mons_permit.msg_reply_before_request',
                        field=strings['reply_date']['string'],
                        file=opinion.file.rec_name))

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            for name in ['state', 'reminded']:
                value = values.pop(name, None)
                if value not in {None, 'draft'}:
                    raise PermitWorkflowError(gettext(
                            'mons_permit.msg_workflow_field',
                            field=cls.fields_get([name])[name]['string']))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        if not Transaction().context.get('_permit_workflow'):
            actions = iter(args)
            for opinions, values in zip(actions, actions):
                for name in ['state', 'reminded']:
                    if name in values:
                        raise PermitWorkflowError(gettext(
                                'mons_permit.msg_workflow_field',
                                field=cls.fields_get([name])[name][
                                    'string']))
        super().write(*args)

    @classmethod
    def _workflow_write(cls, opinions, values):
        with Transaction().set_context(_permit_workflow=True):
            cls.write(opinions, values)

    @classmethod
    @ModelView.button
    @check_state('request', ['draft'])
    @Workflow.transition('requested')
    def request(cls, opinions):
        date = today()
        for opinion in opinions:
            if opinion.file.state not in {'complete', 'inquiry', 'opinions'}:
                raise PermitWorkflowError(gettext(
                        'mons_permit.msg_opinion_file_state',
                        file=opinion.file.rec_name,
                        state=opinion.file.state_string))
            if not opinion.request_date:
                cls.write([opinion], {'request_date': date})

    @classmethod
    @ModelView.button
    @check_state('record_reply', ['requested'])
    @Workflow.transition('replied')
    def record_reply(cls, opinions):
        strings = cls.fields_get(['reply_date', 'result'])
        for opinion in opinions:
            for name in ['reply_date', 'result']:
                if not getattr(opinion, name):
                    raise PermitWorkflowError(gettext(
                            'mons_permit.msg_opinion_reply_missing',
                            field=strings[name]['string'],
                            opinion=opinion.rec_name))

    @classmethod
    @ModelView.button
    @check_state('cancel', ['draft', 'requested'])
    @Workflow.transition('cancelled')
    def cancel(cls, opinions):
        pass


class File(metaclass=PoolMeta):
    __name__ = 'permit.file'

    opinions = fields.One2Many('permit.opinion', 'file', "Opinions",
        states={'readonly': ~Eval('state').in_(
                ['complete', 'inquiry', 'opinions', 'decision'])})

    def has_inquiry_or_opinions(self):
        return (super().has_inquiry_or_opinions()
            or any(o.state != 'cancelled' for o in self.opinions))

    def decision_days(self):
        if not self.official_opinion and any(
                o.body.regional_official for o in self.opinions
                if o.state != 'cancelled'):
            return self.procedure_type.decision_days_official, 'official'
        return super().decision_days()

    def pending_deadlines(self):
        result = super().pending_deadlines()
        for opinion in self.opinions:
            if opinion.state == 'requested' and opinion.due_date:
                result.append((opinion.due_date, gettext(
                            'mons_permit.msg_deadline_opinion',
                            body=opinion.body.rec_name)))
        return result
