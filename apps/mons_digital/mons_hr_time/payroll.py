"""Payroll export for Persée: one line per employee, period and pay code,
in a configurable CSV or fixed-width layout (see doc/payroll.rst)."""
import csv
import datetime as dt
import io
from collections import defaultdict

from sql import Literal
from sql.aggregate import Sum
from sql.conditionals import Case

from trytond.i18n import gettext
from trytond.model import (
    ModelSQL, ModelView, Workflow, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import PayrollError
from .overtime import KINDS

COLUMN_FIELDS = [
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
            ], "Kind", required=True)
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
    __access__ = {'layout'}

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
    "Payroll Export"
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
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('id', 'DESC'))
        cls._transitions |= {('draft', 'done'), ('done', 'draft')}
        cls._buttons.update({
                'generate': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'reset': {
                    'invisible': Eval('state') != 'done',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    def get_rec_name(self, name):
        return f'{self.period.rec_name} - {self.layout.rec_name}'

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def reset(cls, exports):
        Line = Pool().get('hr.time.payroll.export.line')
        Line.delete([l for e in exports for l in e.lines])
        cls.write(exports, {'file': None, 'line_count': 0})

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def generate(cls, exports):
        pool = Pool()
        Line = pool.get('hr.time.payroll.export.line')
        for export in exports:
            if export.period.state != 'closed':
                raise PayrollError(gettext(
                        'mons_hr_time.msg_payroll_period_open',
                        period=export.period.rec_name))
            with without_check_access():
                start, end, rows, worked_total = export.collect()
            Line.create([{
                        'export': export.id,
                        'employee': r['employee'].id,
                        'pay_code': r['pay_code_record'].id,
                        'quantity': r['quantity'],
                        } for r in rows])
            exported = round(sum(r['quantity'] for r in rows
                    if r['pay_code_record'].kind == 'worked'), 2)
            if any(p.kind == 'worked' for p in export.pay_codes()) and (
                    abs(exported - worked_total) > 0.01 * max(
                        1, len({r['employee'].id for r in rows}))):
                raise PayrollError(gettext(
                        'mons_hr_time.msg_payroll_not_reconciled',
                        exported=exported, computed=worked_total))
            text = export.layout.render(rows)
            export.file = text.encode(export.layout.encoding or 'utf-8',
                errors='replace')
            extension = 'csv' if export.layout.format == 'csv' else 'txt'
            export.filename = f'persee-{end:%Y-%m}.{extension}'
            export.start, export.end = start, end
            export.line_count = len(rows)
            export.worked_days_total = worked_total
            export.worked_export_total = exported
        cls.save(exports)

    def pay_codes(self):
        return Pool().get('hr.time.pay.code').search([])

    def collect(self):
        """Rows of the export and the worked hours of the daily figures
        they must reconcile with"""
        pool = Pool()
        Day = pool.get('attendance.day')
        Overtime = pool.get('attendance.overtime')
        Leave = pool.get('attendance.leave')
        period = self.period
        end = period.closed_until()
        after = period.starts_after()
        start = (after + dt.timedelta(days=1) if after
            else dt.date(end.year, end.month, 1))
        company = period.company

        worked = defaultdict(int)
        telework = defaultdict(int)
        table = Day.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.employee, Sum(table.worked),
                Sum(Case((table.telework == Literal(True), 1), else_=0)),
                where=(table.company == company.id)
                & (table.date >= start) & (table.date <= end),
                group_by=[table.employee]))
        for employee_id, seconds, days in cursor:
            worked[employee_id] = int(seconds or 0)
            telework[employee_id] = int(days or 0)
        Employee = pool.get('company.employee')
        employees = {e.id: e for e in Employee.browse(list(worked))}
        overtime = defaultdict(int)
        for record in Overtime.search([
                    ('employee.company', '=', company.id),
                    ('date', '>=', start), ('date', '<=', end),
                    ('state', '=', 'approved'),
                    ('compensation', '=', 'payment')]):
            employees[record.employee.id] = record.employee
            overtime[(record.employee.id, record.kind)] += record.duration
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
                else:
                    quantity = leave[(employee_id, code.leave_type.id)]
                    unit = 'H' if code.leave_type.unit == 'hour' else 'J'
                quantity = round(quantity, 2)
                if not quantity:
                    continue
                rows.append({
                        'employee': employee,
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
        worked_total = round(sum(round(w / 3600, 2)
                for w in worked.values()), 2)
        return start, end, rows, worked_total


class ExportLine(ModelSQL, ModelView):
    "Payroll Export Line"
    __name__ = 'hr.time.payroll.export.line'
    __access__ = {'export'}

    export = fields.Many2One('hr.time.payroll.export', "Export",
        required=True, ondelete='CASCADE')
    employee = fields.Many2One('company.employee', "Employee", required=True)
    pay_code = fields.Many2One('hr.time.pay.code', "Pay Code", required=True)
    quantity = fields.Float("Quantity", digits=(16, 2))
