"""Payroll export for Persée: one line per employee, period and pay code,
in a configurable CSV or fixed-width layout (see doc/payroll.rst)."""
import csv
import datetime as dt
import io
from collections import defaultdict

from sql import Literal, Null
from sql.aggregate import Sum
from sql.conditionals import Case, Coalesce

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    ModelSQL, ModelView, Workflow, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from .exceptions import PayrollError
from .overtime import KINDS

COLUMN_FIELDS = [
    ('payroll_number', "Payroll Number"),
    ('employee_code', "Employee Code"),
    ('badge', "Badge"),
    ('employee_name', "Employee Name"),
    ('period_start', "Period Start"),
    ('period_end', "Period End"),
    ('pay_code', "Pay Code"),
    ('quantity', "Quantity"),
    ('unit', "Unit"),
    ('constant', "Constant"),
    ]


class PayCode(ModelSQL, ModelView):
    "Payroll Pay Code"
    __name__ = 'hr.time.pay.code'

    code = fields.Char("Code", required=True, strip=True,
        help="Code expected by the payroll tool.")
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection([
            ('worked', "Worked Hours"),
            ('overtime', "Paid Overtime"),
            ('leave', "Leave"),
            ('telework', "Telework Days"),
            ('absence', "Unjustified Absence Days"),
            ('incomplete', "Incomplete Days"),
            ], "Kind", required=True,
        help="Incomplete days (an unpaired clocking carried at the close) "
        "are exported under their own code, never as 0 hours.")
    overtime_kind = fields.Selection([(None, "")] + KINDS, "Overtime Rate",
        states={
            'invisible': Eval('kind') != 'overtime',
            'required': Eval('kind') == 'overtime',
            })
    leave_type = fields.Many2One('attendance.leave.type', "Leave Type",
        states={
            'invisible': Eval('kind') != 'leave',
            'required': Eval('kind') == 'leave',
            })

    def get_rec_name(self, name):
        return f'{self.code} - {self.name}'


class Layout(ModelSQL, ModelView):
    "Payroll Export Layout"
    __name__ = 'hr.time.payroll.layout'

    name = fields.Char("Name", required=True)
    format = fields.Selection([
            ('csv', "CSV"),
            ('fixed', "Fixed Width"),
            ], "Format", required=True)
    delimiter = fields.Char("Delimiter", size=1,
        states={
            'invisible': Eval('format') != 'csv',
            'required': Eval('format') == 'csv',
            })
    header = fields.Boolean("Header Line",
        states={'invisible': Eval('format') != 'csv'})
    decimal_separator = fields.Char("Decimal Separator", size=1,
        help="Empty in fixed width means implied decimals (8.50 → 850).")
    encoding = fields.Selection([
            ('utf-8', "UTF-8"),
            ('latin-1', "Latin-1"),
            ], "Encoding", required=True)
    columns = fields.One2Many('hr.time.payroll.column', 'layout', "Columns")

    @staticmethod
    def default_format():
        return 'csv'

    @staticmethod
    def default_delimiter():
        return ';'

    @staticmethod
    def default_header():
        return True

    @staticmethod
    def default_decimal_separator():
        return ','

    @staticmethod
    def default_encoding():
        return 'utf-8'

    def render(self, rows):
        "Text of the file for rows (dicts keyed by column field)"
        lines = [[c.format(row) for c in self.columns] for row in rows]
        if self.format == 'csv':
            output = io.StringIO()
            writer = csv.writer(output, delimiter=self.delimiter or ';',
                lineterminator='\r\n')
            if self.header:
                writer.writerow([c.name for c in self.columns])
            writer.writerows(lines)
            return output.getvalue()
        result = []
        for number, (row, values) in enumerate(zip(rows, lines), 1):
            parts = []
            for column, value in zip(self.columns, values):
                if len(value) > column.width:
                    raise PayrollError(gettext(
                            'mons_hr_time.msg_payroll_value_too_long',
                            line=number, column=column.name, value=value,
                            width=column.width))
                fill = column.fill or ' '
                if column.align == 'right':
                    parts.append(value.rjust(column.width, fill))
                else:
                    parts.append(value.ljust(column.width, fill))
            result.append(''.join(parts))
        return '\r\n'.join(result) + ('\r\n' if result else '')


class Column(sequence_ordered(), ModelSQL, ModelView):
    "Payroll Export Column"
    __name__ = 'hr.time.payroll.column'

    # Rights and rules of the parent, as Tryton's own lines
    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('layout')

    layout = fields.Many2One('hr.time.payroll.layout', "Layout",
        required=True, ondelete='CASCADE')
    name = fields.Char("Title", required=True)
    field = fields.Selection(COLUMN_FIELDS, "Content", required=True)
    constant = fields.Char("Constant",
        states={'invisible': Eval('field') != 'constant'})
    width = fields.Integer("Width", help="Characters in fixed width.")
    align = fields.Selection([
            ('left', "Left"),
            ('right', "Right"),
            ], "Alignment", required=True)
    fill = fields.Char("Fill", size=1)
    decimals = fields.Integer("Decimals")
    date_format = fields.Char("Date Format",
        help="Python strftime format, e.g. %Y%m%d.")

    @staticmethod
    def default_align():
        return 'left'

    @staticmethod
    def default_decimals():
        return 2

    @staticmethod
    def default_date_format():
        return '%Y%m%d'

    @staticmethod
    def default_width():
        return 10

    def format(self, row):
        if self.field == 'constant':
            return self.constant or ''
        value = row.get(self.field)
        if value is None:
            return ''
        if isinstance(value, dt.date):
            return value.strftime(self.date_format or '%Y-%m-%d')
        if isinstance(value, float):
            decimals = self.decimals if self.decimals is not None else 2
            text = f'{value:.{decimals}f}'
            separator = self.layout.decimal_separator
            if separator:
                return text.replace('.', separator)
            return text.replace('.', '')
        return str(value)


class Export(Workflow, ModelSQL, ModelView):
    """Payroll Export

    The file of a month for 2,000 agents takes long to build: the generate
    button only queues the work (state "queued") and the queue worker builds
    the lines and the file, then ends in "done" or, on a business error, in
    "failed" with the message kept on the export."""
    __name__ = 'hr.time.payroll.export'

    period = fields.Many2One('attendance.period', "Period", required=True,
        domain=[('state', '=', 'closed')],
        states={'readonly': Eval('state') != 'draft'})
    layout = fields.Many2One('hr.time.payroll.layout', "Layout",
        required=True, states={'readonly': Eval('state') != 'draft'})
    start = fields.Date("From", readonly=True)
    end = fields.Date("To", readonly=True)
    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)
    lines = fields.One2Many('hr.time.payroll.export.line', 'export',
        "Lines", readonly=True)
    line_count = fields.Integer("Lines", readonly=True)
    worked_days_total = fields.Float("Worked Hours (days)", digits=(16, 2),
        readonly=True, help="Sum of the worked time of the daily figures.")
    worked_export_total = fields.Float("Worked Hours (export)",
        digits=(16, 2), readonly=True,
        help="Sum of the worked hours lines of the file.")
    error_message = fields.Text("Error Message", readonly=True,
        states={'invisible': ~Eval('error_message')},
        help="Why the generation failed; reset the export to draft, "
        "fix the cause and generate again.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('queued', "In Progress"),
            ('done', "Done"),
            ('failed', "Failed"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('id', 'DESC'))
        cls._transitions |= {
            ('draft', 'queued'),
            ('queued', 'done'),
            ('queued', 'failed'),
            # a task lost by the worker must not block the export forever
            ('queued', 'draft'),
            ('done', 'draft'),
            ('failed', 'draft'),
            }
        cls._buttons.update({
                'generate': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'reset': {
                    'invisible': Eval('state') == 'draft',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    def get_rec_name(self, name):
        return f'{self.period.rec_name} - {self.layout.rec_name}'

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'failed', 'danger',
                    If(Eval('state') == 'queued', 'muted', ''))),
            ]

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def reset(cls, exports):
        Line = Pool().get('hr.time.payroll.export.line')
        Line.delete([l for e in exports for l in e.lines])
        cls.write(exports, {
                'file': None,
                'filename': None,
                'line_count': 0,
                'start': None,
                'end': None,
                'worked_days_total': None,
                'worked_export_total': None,
                'error_message': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('queued')
    def generate(cls, exports):
        # Only the exports still in draft reach here (Workflow filters), so
        # pressing the button again never queues a second generation.
        if not exports:
            return
        cls.write(exports, {'error_message': None})
        # The queue drops the language of the context: pass it on so the
        # error message is stored in the language of the user.
        with Transaction().set_context(queue_name='hr_time_payroll'):
            cls.__queue__.process(exports, Transaction().language)

    @classmethod
    def process(cls, exports, language=None):
        "Build the lines and the file of the queued exports (queue task)"
        # Serialise with a concurrent replay or reset of the same exports
        cls.lock(exports)
        exports = cls.browse([e.id for e in exports])
        done, failed = [], []
        for export in exports:
            # Idempotent: a replayed task finds the export done, failed or
            # reset and does nothing.
            if export.state != 'queued':
                continue
            context = {'language': language} if language else {}
            with Transaction().set_context(**context):
                try:
                    rows, values = export.prepare()
                except UserError as error:
                    message = error.message
                    if error.description:
                        message += '\n' + error.description
                    export.error_message = message
                    failed.append(export)
                    continue
                # Outside the try: an error while writing is not a business
                # error, it rolls the whole task back and the worker logs it
                export.store(rows, values)
                done.append(export)
        cls.save(done + failed)
        cls.done(done)
        cls.fail(failed)

    @classmethod
    @Workflow.transition('done')
    def done(cls, exports):
        pass

    @classmethod
    @Workflow.transition('failed')
    def fail(cls, exports):
        pass

    def prepare(self):
        """Rows and values of the export, checked but not written: a
        business error leaves nothing behind"""
        if self.period.state != 'closed':
            raise PayrollError(gettext(
                    'mons_hr_time.msg_payroll_period_open',
                    period=self.period.rec_name))
        with without_check_access():
            start, end, rows, worked_total = self.collect()
        exported = round(sum(r['quantity'] for r in rows
                if r['pay_code_record'].kind == 'worked'), 2)
        if any(p.kind == 'worked' for p in self.pay_codes()) and (
                abs(exported - worked_total) > 0.01 * max(
                    1, len({r['employee'].id for r in rows}))):
            raise PayrollError(gettext(
                    'mons_hr_time.msg_payroll_not_reconciled',
                    exported=exported, computed=worked_total))
        text = self.layout.render(rows)
        extension = 'csv' if self.layout.format == 'csv' else 'txt'
        return rows, {
            'file': text.encode(self.layout.encoding or 'utf-8',
                errors='replace'),
            'filename': f'persee-{end:%Y-%m}.{extension}',
            'start': start,
            'end': end,
            'line_count': len(rows),
            'worked_days_total': worked_total,
            'worked_export_total': exported,
            'error_message': None,
            }

    def store(self, rows, values):
        Line = Pool().get('hr.time.payroll.export.line')
        # Lines left by an interrupted run are replaced, never duplicated
        Line.delete(Line.search([('export', '=', self.id)]))
        Line.create([{
                    'export': self.id,
                    'employee': r['employee'].id,
                    'pay_code': r['pay_code_record'].id,
                    'quantity': r['quantity'],
                    } for r in rows])
        for name, value in values.items():
            setattr(self, name, value)

    def pay_codes(self):
        return Pool().get('hr.time.pay.code').search([])

    def collect(self):
        """Rows of the export and the worked hours of the daily figures
        they must reconcile with"""
        pool = Pool()
        Day = pool.get('attendance.day')
        Overtime = pool.get('attendance.overtime')
        Leave = pool.get('attendance.leave')
        Anomaly = pool.get('attendance.anomaly')
        period = self.period
        end = period.closed_until()
        after = period.starts_after()
        start = (after + dt.timedelta(days=1) if after
            else dt.date(end.year, end.month, 1))
        company = period.company

        worked = defaultdict(int)
        telework = defaultdict(int)
        incomplete = defaultdict(int)
        table = Day.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.employee, Sum(table.worked),
                # Half days count a half; days computed before half days
                # existed have no telework_days
                Sum(Coalesce(table.telework_days, Case(
                            (table.telework == Literal(True), 1),
                            else_=0))),
                Sum(Case((table.worked == Null, 1), else_=0)),
                where=(table.company == company.id)
                & (table.date >= start) & (table.date <= end),
                group_by=[table.employee]))
        for employee_id, seconds, days, unpaired in cursor:
            worked[employee_id] = int(seconds or 0)
            telework[employee_id] = float(days or 0)
            incomplete[employee_id] = int(unpaired or 0)
        absence = defaultdict(int)
        for anomaly in Anomaly.search([
                    ('employee.company', '=', company.id),
                    ('kind', '=', 'unjustified_absence'),
                    ('state', '!=', 'resolved'),
                    ('date', '>=', start), ('date', '<=', end)]):
            absence[anomaly.employee.id] += 1
        Employee = pool.get('company.employee')
        employees = {e.id: e for e in Employee.browse(list(worked))}
        overtime = defaultdict(int)
        # Overtime is paid with the month it is payable in: its own, or
        # the next one when it was carried over undecided at the close
        for record in Overtime.search([
                    ('employee.company', '=', company.id),
                    ('payable_month', '>=', start.replace(day=1)),
                    ('payable_month', '<=', end),
                    ('state', '=', 'approved'),
                    ('compensation', '=', 'payment')]):
            employees[record.employee.id] = record.employee
            for line in record.lines:
                overtime[(record.employee.id, line.kind)] += line.duration
        leave = defaultdict(float)
        for record in Leave.search([
                    ('employee.company', '=', company.id),
                    ('state', '=', 'approved'),
                    ('start', '<=', end), ('end', '>=', start)]):
            employees[record.employee.id] = record.employee
            for date in record.dates():
                if start <= date <= end:
                    kind, amount, _, _ = record.day_amount(date)
                    if kind == 'hours':
                        amount = amount / 3600
                    leave[(record.employee.id, record.type.id)] += amount

        rows = []
        codes = self.pay_codes()
        for employee_id in sorted(employees,
                key=lambda e: employees[e].rec_name):
            employee = employees[employee_id]
            for code in codes:
                if code.kind == 'worked':
                    quantity, unit = worked[employee_id] / 3600, 'H'
                elif code.kind == 'overtime':
                    quantity = overtime[(employee_id, code.overtime_kind)
                        ] / 3600
                    unit = 'H'
                elif code.kind == 'telework':
                    quantity, unit = float(telework[employee_id]), 'J'
                elif code.kind == 'absence':
                    quantity, unit = float(absence[employee_id]), 'J'
                elif code.kind == 'incomplete':
                    quantity, unit = float(incomplete[employee_id]), 'J'
                else:
                    quantity = leave[(employee_id, code.leave_type.id)]
                    unit = 'H' if code.leave_type.unit == 'hour' else 'J'
                quantity = round(quantity, 2)
                if not quantity:
                    continue
                rows.append({
                        'employee': employee,
                        'payroll_number': employee.payroll_number or '',
                        'employee_code': employee.party.code,
                        'badge': employee.badge or '',
                        'employee_name': employee.party.name,
                        'period_start': start,
                        'period_end': end,
                        'pay_code': code.code,
                        'pay_code_record': code,
                        'quantity': quantity,
                        'unit': unit,
                        })
        kinds = {c.kind for c in codes}
        unpaired = [employees[e] for e, n in incomplete.items() if n]
        if unpaired and 'incomplete' not in kinds:
            # Their worked time is unknown: never paid as 0 hours silently
            raise PayrollError(gettext(
                    'mons_hr_time.msg_payroll_incomplete_days',
                    count=sum(incomplete.values()),
                    employees=', '.join(sorted(
                            e.rec_name for e in unpaired)[:10])))
        if any(c.field == 'payroll_number' for c in self.layout.columns):
            missing = sorted({r['employee'].rec_name for r in rows
                    if not r['payroll_number']})
            if missing:
                raise PayrollError(gettext(
                        'mons_hr_time.msg_payroll_number_missing',
                        employees=', '.join(missing[:10]),
                        count=len(missing)))
        worked_total = round(sum(round(w / 3600, 2)
                for w in worked.values()), 2)
        return start, end, rows, worked_total


class ExportLine(ModelSQL, ModelView):
    "Payroll Export Line"
    __name__ = 'hr.time.payroll.export.line'

    # Rights and rules of the parent, as Tryton's own lines
    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('export')

    export = fields.Many2One('hr.time.payroll.export', "Export",
        required=True, ondelete='CASCADE')
    employee = fields.Many2One('company.employee', "Employee", required=True)
    pay_code = fields.Many2One('hr.time.pay.code', "Pay Code", required=True)
    quantity = fields.Float("Quantity", digits=(16, 2))
