"""Scan-first intake: sheets of pre-numbered barcode labels printed in
advance; a scan carrying one of them fills the letter of its number."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import MailError
from .report import MailReport

MAX_LABELS = 240


class LabelSheet(Workflow, ModelSQL, ModelView):
    "Sheet of pre-numbered labels"
    __name__ = 'mail.label.sheet'

    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'draft'})
    count = fields.Integer("Labels", required=True,
        states={'readonly': Eval('state') != 'draft'},
        help="Number of registration numbers to reserve and print "
        "(24 labels per A4 sheet).")
    reserved_at = fields.DateTime("Reserved at", readonly=True)
    reserved_by = fields.Many2One('res.user', "Reserved by", readonly=True)
    first_number = fields.Char("First Number", readonly=True)
    last_number = fields.Char("Last Number", readonly=True)
    items = fields.One2Many('mail.item', 'label_sheet', "Mail Items",
        readonly=True,
        help="One letter per label: filled when its scan comes in.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('reserved', "Reserved"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._transitions |= {('draft', 'reserved')}
        cls._buttons.update({
                'reserve': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_count():
        return 24

    @staticmethod
    def default_state():
        return 'draft'

    def get_rec_name(self, name):
        if self.first_number:
            return f'{self.first_number} – {self.last_number}'
        return str(self.id)

    @classmethod
    def validate_fields(cls, sheets, field_names):
        super().validate_fields(sheets, field_names)
        for sheet in sheets:
            if not (0 < (sheet.count or 0) <= MAX_LABELS):
                raise MailError(gettext('mons_mail.msg_label_sheet_count',
                        count=sheet.count, maximum=MAX_LABELS))

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            # Numbers and state come from the Reserve button only
            for name in ['state', 'first_number', 'last_number',
                    'reserved_at', 'reserved_by']:
                values.pop(name, None)
        return super().create(vlist)

    @classmethod
    def copy(cls, sheets, default=None):
        default = default.copy() if default is not None else {}
        for name in ['items', 'first_number', 'last_number', 'reserved_at',
                'reserved_by']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(sheets, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('reserved')
    def reserve(cls, sheets):
        """Draw the numbers from the incoming sequence of the year, one
        draft letter per label: no number is lost, an unused label stays a
        draft letter to close"""
        pool = Pool()
        Item = pool.get('mail.item')
        YearSequence = pool.get('mail.sequence.year')
        Date = pool.get('ir.date')
        today = Date.today()
        user = Transaction().user
        for sheet in sheets:
            sequence = YearSequence.get_sequence(
                sheet.company, 'incoming', today.year)
            # The letters are the server's: the mail office may reserve
            # labels, not write registration numbers
            with without_check_access():
                items = Item.create([{
                            'company': sheet.company.id,
                            'direction': 'incoming',
                            'medium': 'paper',
                            }] * sheet.count)
                numbers = []
                with Transaction().set_context(date=today):
                    for item in items:
                        number = sequence.get()
                        numbers.append(number)
                        Item.write([item], {
                                'number': number,
                                'label_sheet': sheet.id,
                                })
                Item.add_history(items, 'label', 'draft',
                    comment=gettext('mons_mail.msg_history_label_reserved',
                        sheet=f'{numbers[0]} – {numbers[-1]}'))
            cls.write([sheet], {
                    'first_number': numbers[0],
                    'last_number': numbers[-1],
                    'reserved_at': dt.datetime.now(),
                    'reserved_by': user,
                    })


class Item(metaclass=PoolMeta):
    __name__ = 'mail.item'

    label_sheet = fields.Many2One('mail.label.sheet', "Label Sheet",
        readonly=True, ondelete='RESTRICT',
        states={'invisible': ~Eval('label_sheet')},
        help="The sheet of pre-printed labels the number was reserved on.")

    @classmethod
    def copy(cls, items, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('label_sheet', None)
        return super().copy(items, default=default)


class Scan(metaclass=PoolMeta):
    __name__ = 'mail.scan'

    @classmethod
    def attach(cls, item, name, data):
        "A label's letter is received the day its scan comes in"
        pool = Pool()
        Item = pool.get('mail.item')
        Date = pool.get('ir.date')
        super().attach(item, name, data)
        if item.state == 'draft' and item.label_sheet \
                and not item.reception_date:
            with without_check_access():
                Item.write([item], {'reception_date': Date.today()})


class LabelSheetReport(MailReport):
    "The labels of a sheet, printed as the letters' labels"
    __name__ = 'mail.label.sheet.labels'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['records'] = [i for sheet in records
            for i in sorted(sheet.items, key=lambda i: i.number or '')]
        context['record'] = None
        return context
