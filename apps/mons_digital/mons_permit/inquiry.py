# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Public inquiries and project announcements: their period (15 or 30
days, suspended in summer and at year end, rolled past weekends and
holidays), the neighbouring parcels and owners to notify within the
radius, and the rule that nothing is decided before they end."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import deadline
from .exceptions import PermitValidationError, PermitWorkflowError
from .file import check_state, computed_holidays, explain, fr_date, today


class Inquiry(Workflow, ModelSQL, ModelView):
    __name__ = 'permit.inquiry'
    __string__ = "Public Inquiry"

    _draft = Eval('state') == 'draft'

    file = fields.Many2One('permit.file', "File", required=True,
        ondelete='CASCADE', states={'readonly': ~_draft})
    kind = fields.Selection([
            ('inquiry', "Public Inquiry"),
            ('announcement', "Announcement"),
            ], "Kind", required=True, states={'readonly': ~_draft})
    start_date = fields.Date("Opening Date", required=True,
        states={'readonly': ~_draft},
        help="First day of the inquiry (counted).")
    days = fields.Integer("Days", required=True,
        states={'readonly': ~_draft},
        help="15 days, or 30 where the procedure says so.")
    radius = fields.Integer("Radius (m)", required=True,
        states={'readonly': ~_draft},
        help="Owners of the parcels within this distance of the file's "
        "parcels are notified (50 m, 200 m with an impact study).")
    end_date = fields.Function(fields.Date("Closing Date"), 'get_end')
    end_explanation = fields.Function(
        fields.Text("How the Closing Date Is Computed"), 'get_end')
    neighbours = fields.One2Many('permit.inquiry.neighbour', 'inquiry',
        "Neighbours to Notify", readonly=True)
    claims = fields.One2Many('permit.claim', 'inquiry', "Claims",
        states={'readonly': Eval('state') == 'cancelled'})
    claim_count = fields.Function(fields.Integer("Claims"), 'get_claim_count')
    state = fields.Selection([
            ('draft', "Draft"),
            ('open', "Open"),
            ('closed', "Closed"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('start_date', 'DESC'))
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'closed'),
            ('draft', 'cancelled'),
            ('open', 'cancelled'),
            }
        cls._buttons.update({
                'list_neighbours': {
                    'invisible': ~Eval('state').in_(['draft', 'open']),
                    'icon': 'tryton-search',
                    'depends': ['state'],
                    },
                'open': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'open']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_kind():
        return 'inquiry'

    @staticmethod
    def default_days():
        return 15

    @staticmethod
    def default_radius():
        return 50

    def get_rec_name(self, name):
        return f'{self.file.rec_name} ({fr_date(self.start_date)})'

    def compute_end(self):
        if not self.start_date or not self.days:
            return None
        company = self.file.company.id if self.file.company else None
        return deadline.inquiry_end(self.start_date, self.days,
            computed_holidays(self.start_date, self.days + 60, company))

    @classmethod
    def get_end(cls, inquiries, names):
        result = {n: {} for n in names}
        for inquiry in inquiries:
            computed = inquiry.compute_end()
            if 'end_date' in names:
                result['end_date'][inquiry.id] = (
                    computed.date if computed else None)
            if 'end_explanation' in names:
                result['end_explanation'][inquiry.id] = (
                    explain(computed.steps) if computed else None)
        return result

    def get_claim_count(self, name):
        return len(self.claims)

    @classmethod
    def validate_fields(cls, inquiries, field_names):
        super().validate_fields(inquiries, field_names)
        if field_names is None or {'start_date', 'file'} & field_names:
            string = cls.fields_get(['start_date'])['start_date']['string']
            for inquiry in inquiries:
                file = inquiry.file
                reference = file.complete_date or file.deposit_date
                if reference and inquiry.start_date < reference:
                    raise PermitValidationError(gettext(
                            'mons_permit.msg_inquiry_before_completeness',
                            field=string, date=fr_date(inquiry.start_date),
                            complete=fr_date(reference),
                            file=file.rec_name))

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        File = Pool().get('permit.file')
        for values in vlist:
            values.pop('neighbours', None)
            if values.get('state', 'draft') != 'draft':
                raise PermitWorkflowError(gettext(
                        'mons_permit.msg_workflow_field',
                        field=cls.fields_get(['state'])['state']['string']))
            values.pop('state', None)
            if values.get('file'):
                file = File(values['file'])
                if file.state not in {'complete', 'inquiry'}:
                    raise PermitWorkflowError(gettext(
                            'mons_permit.msg_inquiry_before_complete',
                            file=file.rec_name, state=file.state_string,
                            action='start_inquiry'))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        if not Transaction().context.get('_permit_workflow'):
            actions = iter(args)
            for inquiries, values in zip(actions, actions):
                if 'state' in values:
                    raise PermitWorkflowError(gettext(
                            'mons_permit.msg_workflow_field',
                            field=cls.fields_get(['state'])['state'][
                                'string']))
        super().write(*args)

    @classmethod
    def delete(cls, inquiries):
        for inquiry in inquiries:
            if inquiry.state != 'draft':
                raise PermitWorkflowError(gettext(
                        'mons_permit.msg_inquiry_delete',
                        inquiry=inquiry.rec_name))
        super().delete(inquiries)

    @classmethod
    @ModelView.button
    @check_state('list_neighbours', ['draft', 'open'])
    def list_neighbours(cls, inquiries):
        "List the parcels and owners within the radius, again if asked"
        pool = Pool()
        Parcel = pool.get('permit.parcel')
        Neighbour = pool.get('permit.inquiry.neighbour')
        Neighbour.delete([n for i in inquiries for n in i.neighbours])
        to_create = []
        for inquiry in inquiries:
            parcels = list(inquiry.file.parcels)
            if not parcels:
                raise PermitWorkflowError(gettext(
                        'mons_permit.msg_inquiry_no_parcel',
                        file=inquiry.file.rec_name))
            for parcel, distance in Parcel.near(parcels, inquiry.radius):
                to_create.append({
                        'inquiry': inquiry.id,
                        'parcel': parcel.id,
                        'distance': round(distance, 1),
                        'owners': [('add', [o.id for o in parcel.owners])],
                        })
        Neighbour.create(to_create)

    @classmethod
    @ModelView.button
    @check_state('open', ['draft'])
    @Workflow.transition('open')
    def open(cls, inquiries):
        pass

    @classmethod
    @ModelView.button
    @check_state('close', ['open'])
    @Workflow.transition('closed')
    def close(cls, inquiries):
        date = today()
        for inquiry in inquiries:
            if inquiry.end_date >= date:
                raise PermitWorkflowError(gettext(
                        'mons_permit.msg_inquiry_not_ended',
                        inquiry=inquiry.rec_name,
                        end=fr_date(inquiry.end_date)))

    @classmethod
    @ModelView.button
    @check_state('cancel', ['draft', 'open'])
    @Workflow.transition('cancelled')
    def cancel(cls, inquiries):
        pass


class Neighbour(ModelSQL, ModelView):
    __name__ = 'permit.inquiry.neighbour'
    __string__ = "Neighbour to Notify"

    inquiry = fields.Many2One('permit.inquiry', "Inquiry", required=True,
        ondelete='CASCADE')
    parcel = fields.Many2One('permit.parcel', "Parcel", required=True,
        ondelete='RESTRICT')
    distance = fields.Float("Distance (m)", digits=(16, 1))
    owners = fields.Many2Many('permit.inquiry.neighbour-party.party',
        'neighbour', 'party', "Owners")
    address = fields.Function(fields.Char("Address"), 'get_address')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('distance', 'ASC'))

    def get_address(self, name):
        return self.parcel.address


class NeighbourOwner(ModelSQL):
    __name__ = 'permit.inquiry.neighbour-party.party'
    __string__ = "Neighbour - Owner"

    neighbour = fields.Many2One('permit.inquiry.neighbour', "Neighbour",
        required=True, ondelete='CASCADE')
    party = fields.Many2One('party.party', "Owner", required=True,
        ondelete='RESTRICT')


class File(metaclass=PoolMeta):
    __name__ = 'permit.file'

    inquiries = fields.One2Many('permit.inquiry', 'file', "Inquiries",
        readonly=True)
    inquiry_end = fields.Function(fields.Date("Inquiry Closing Date"),
        'get_inquiry_end')

    def running_inquiries(self):
        return [i for i in self.inquiries if i.state in {'draft', 'open'}]

    def get_inquiry_end(self, name):
        dates = [i.end_date for i in self.inquiries
            if i.state != 'cancelled' and i.end_date]
        return max(dates) if dates else None

    def has_inquiry_or_opinions(self):
        return (super().has_inquiry_or_opinions()
            or any(i.state != 'cancelled' for i in self.inquiries))

    def pending_deadlines(self):
        result = super().pending_deadlines()
        for inquiry in self.inquiries:
            if inquiry.state == 'open':
                result.append((inquiry.end_date,
                        gettext('mons_permit.msg_deadline_inquiry')))
        return result

    @classmethod
    @ModelView.button
    @check_state('start_inquiry', ['complete'],
        'mons_permit.msg_inquiry_before_complete')
    def start_inquiry(cls, files):
        "Create the inquiry of each file and open it on the desk"
        pool = Pool()
        Inquiry = pool.get('permit.inquiry')
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action')
        date = today()
        to_create = []
        for file in files:
            type_ = file.procedure_type
            kind = ('announcement' if type_.requires_inquiry == 'announcement'
                else 'inquiry')
            to_create.append({
                    'file': file.id,
                    'kind': kind,
                    'start_date': max(date, file.complete_date or date),
                    'days': type_.inquiry_days or 15,
                    'radius': type_.inquiry_radius or 50,
                    })
        inquiries = Inquiry.create(to_create)
        cls._to_inquiry(files)
        action = Action(Action.get_action_id(ModelData.get_id(
                    'mons_permit', 'act_inquiry'))).get_action_value()
        action['res_id'] = [i.id for i in inquiries]
        action['views'] = list(reversed(action['views']))
        return action

    @classmethod
    def check_inquiry_ended(cls, files, action, date=None):
        super().check_inquiry_ended(files, action, date=date)
        for file in files:
            for inquiry in file.running_inquiries():
                raise PermitWorkflowError(gettext(
                        'mons_permit.msg_inquiry_running',
                        file=file.rec_name,
                        end=fr_date(inquiry.end_date)))

    @classmethod
    def check_dates(cls, files, field_names=None):
        super().check_dates(files, field_names)
        if field_names is not None and 'decision_date' not in field_names:
            return
        string = cls.fields_get(['decision_date'])['decision_date']['string']
        for file in files:
            end = file.inquiry_end
            if file.decision_date and end and file.decision_date <= end:
                raise PermitValidationError(gettext(
                        'mons_permit.msg_decision_before_inquiry_end',
                        field=string, date=fr_date(file.decision_date),
                        end=fr_date(end), file=file.rec_name))
