"""What a month close checks first: the list of what is still undecided
in the period (overtime, anomalies, requests, incomplete days), per
employee and service, each item decided in its own screen or explicitly
carried to the next period, and the manager's sign-off of each employee.
The period closes only when nothing is left open (see period.py)."""
import datetime as dt
from collections import defaultdict, namedtuple

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .computed import ComputedRecordMixin, insert_rows
from .dates import date_text
from .day_balance import _as_date
from .exceptions import WorkflowError

ITEM_KINDS = [
    ('overtime', "Overtime to Decide"),
    ('anomaly', "Open Anomaly"),
    ('request', "Request to Decide"),
    ('incomplete', "Incomplete Day"),
    ]
REQUEST_MODELS = ['attendance.leave', 'attendance.telework',
    'attendance.correction', 'attendance.overtime.authorisation']
# An unpaired clocking is listed once, as the incomplete day it makes
INCOMPLETE_ANOMALIES = {'missing_out', 'missing_in'}


# Records instantiated per list: trytond checks the whole id list of a
# browse for each record it builds, so lists of tens of thousands cost
# quadratic time; the close works through them in slices of this size
SLICE = 200


def _records(Model, domain, order=None):
    "The records of domain, browsed in slices"
    cursor = Transaction().connection.cursor()
    cursor.execute(*Model.search(domain, order=order, query=True))
    ids = [r[0] for r in cursor]
    for sub in grouped_slice(ids, SLICE):
        yield from Model.browse(list(sub))


def _rows(Model, domain, columns):
    """Plain rows (named by columns) of the records of domain: the close
    lists tens of thousands of anomalies, days and items, whose records
    would cost far more to build than what is read of them"""
    table = Model.__table__()
    Row = namedtuple('Row', columns)
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(*[getattr(table, c) for c in columns],
            where=table.id.in_(Model.search(domain, query=True)),
            order_by=[table.id.asc]))
    return [Row(*r) for r in cursor]


def _create(Model, vlist):
    # Built by the check from the rows it lists
    insert_rows(Model, vlist)


class _Services(dict):
    "The first service of each employee, read once per check"

    def prefetch(self, employee_ids):
        "Read the services of employees together"
        Employee = Pool().get('company.employee')
        missing = sorted(set(employee_ids) - set(self))
        for sub in grouped_slice(missing, SLICE):
            for employee in Employee.browse(list(sub)):
                services = employee.time_services
                self[employee.id] = services[0].id if services else None

    def __missing__(self, employee_id):
        self.prefetch([employee_id])
        return self[employee_id]


class BuiltByCheckMixin(ComputedRecordMixin):
    """A line of the period's check, per employee (and service): built by
    the check of the period, moved by its buttons only"""
    __slots__ = ()

    period = fields.Many2One('attendance.period', "Period", required=True,
        readonly=True, ondelete='CASCADE')
    employee = fields.Many2One('company.employee', "Employee", required=True,
        readonly=True, ondelete='CASCADE')
    service = fields.Many2One('mons.service', "Service", readonly=True)

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if external and mode in {'create', 'write'}:
            raise WorkflowError(gettext('mons_hr_time.msg_close_item_built'))


class CloseItem(BuiltByCheckMixin, Workflow, ModelSQL, ModelView):
    "Item to Decide before the Close"
    __name__ = 'hr.time.close.item'

    kind = fields.Selection(ITEM_KINDS, "Kind", required=True, readonly=True)
    record = fields.Reference("Record", selection='get_records',
        readonly=True)
    date = fields.Date("Date", readonly=True)
    description = fields.Char("Description", readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('carried', "Carried to the Next Period"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('service', 'ASC'), ('employee', 'ASC'),
            ('date', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {('open', 'carried')}
        cls._buttons.update({
                'carry': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'open'

    @classmethod
    def get_records(cls):
        Model = Pool().get('ir.model')
        names = ['attendance.overtime', 'attendance.anomaly',
            'attendance.day'] + REQUEST_MODELS
        return [(None, '')] + [(m, Model.get_name(m)) for m in names]

    def get_rec_name(self, name):
        return f'{self.employee.rec_name}: {self.description}'

    @classmethod
    @ModelView.button
    @Workflow.transition('carried')
    def carry(cls, items):
        """Decided later: overtime is then decided and paid in the next
        month; the other items are listed again at the next close"""
        pool = Pool()
        Approver = pool.get('hr.time.approver')
        Overtime = pool.get('attendance.overtime')
        # HR carries the whole list at once: check each period and
        # employee once and read the overtime ids from the table, as
        # reading the records of tens of thousands of items one by one
        # costs quadratic time in trytond
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        first = {}
        by_period = defaultdict(list)
        for sub in grouped_slice([i.id for i in items], 500):
            cursor.execute(*table.select(table.id, table.period,
                    table.employee, table.kind, table.record,
                    where=table.id.in_(list(sub))))
            for id_, period_id, employee_id, kind, record in cursor:
                first.setdefault(('period', period_id), id_)
                first.setdefault(('employee', employee_id), id_)
                model, _, record_id = (record or '').partition(',')
                if (kind == 'overtime' and model == 'attendance.overtime'
                        and record_id.isdigit()):
                    by_period[period_id].append(int(record_id))
        for (kind, _), item_id in first.items():
            item = cls(item_id)
            if kind == 'period' and item.period.state == 'closed':
                raise WorkflowError(gettext(
                        'mons_hr_time.msg_close_item_period_closed',
                        item=item.rec_name))
            if kind == 'employee':
                Approver.check_approve(item.employee, item)
        Period = pool.get('attendance.period')
        for period_id, ids in by_period.items():
            Overtime.carry_over(Overtime.browse(ids),
                after=Period(period_id).closed_until())

    @classmethod
    def refresh(cls, period, start, end):
        """Rebuild the open items of period: carried items stay carried
        while their record is undecided; decided ones disappear. Returns
        the rows (id, kind, service) of the open items."""
        found = cls._undecided(period, start, end)
        existing = _rows(cls, [('period', '=', period.id)],
            ['id', 'record'])
        keep = set()
        to_delete = []
        for item in existing:
            if item.record in found and item.record not in keep:
                keep.add(item.record)
            else:
                to_delete.append(item.id)
        for sub in grouped_slice(to_delete, SLICE):
            cls.delete(cls.browse(list(sub)))
        _create(cls, [dict(values, period=period.id, state='open')
                for key, values in found.items() if key not in keep])
        return _rows(cls, [('period', '=', period.id),
                ('state', '=', 'open')], ['id', 'kind', 'service'])

    @classmethod
    def _undecided(cls, period, start, end):
        "Record (as 'model,id') to item values of what is undecided"
        pool = Pool()
        Overtime = pool.get('attendance.overtime')
        Anomaly = pool.get('attendance.anomaly')
        Day = pool.get('attendance.day')
        company = period.company
        found = {}
        carried_before = cls._carried_before(period)
        services = _Services()

        def add(record, employee, kind, date, description):
            found[record] = {
                'record': record, 'employee': employee,
                'service': services[employee], 'kind': kind,
                'date': date, 'description': description,
                }

        overtimes = _rows(Overtime, [
                ('employee.company', '=', company.id),
                ('state', '=', 'draft'),
                ('month', '<=', end),
                ], ['id', 'employee', 'month', 'duration'])
        anomalies = _rows(Anomaly, [
                ('employee.company', '=', company.id),
                ('state', 'in', ['open', 'correction']),
                ('date', '<=', end),
                ('kind', 'not in', list(INCOMPLETE_ANOMALIES)),
                ], ['id', 'employee', 'date', 'kind'])
        services.prefetch({r.employee for r in overtimes + anomalies})
        for overtime in overtimes:
            month = _as_date(overtime.month)
            add(f'attendance.overtime,{overtime.id}', overtime.employee,
                'overtime', month,
                gettext('mons_hr_time.msg_close_item_overtime',
                    month=month.strftime('%m/%Y'),
                    hours=_hours(overtime.duration)))
        descriptions = {}
        for anomaly in anomalies:
            record = f'attendance.anomaly,{anomaly.id}'
            date = _as_date(anomaly.date)
            if date < start and record not in carried_before:
                continue
            if (anomaly.kind, date) not in descriptions:
                descriptions[(anomaly.kind, date)] = gettext(
                    f'mons_hr_time.msg_anomaly_{anomaly.kind}',
                    date=date_text(date))
            add(record, anomaly.employee, 'anomaly', date,
                descriptions[(anomaly.kind, date)])
        table = Day.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, table.employee, table.date,
                table.anomalies,
                where=(table.company == company.id)
                & (table.date <= end)
                & (table.worked == None),  # noqa: E711
                order_by=[table.id.asc]))
        days = list(cursor)
        # An incomplete day whose unpaired clockings were all justified is
        # decided: a closed day takes no clocking any more, so justifying
        # is how a day carried from a closed month is decided
        anomaly = Anomaly.__table__()
        justified = defaultdict(set)
        for sub in grouped_slice([d[0] for d in days], 500):
            cursor.execute(*anomaly.select(anomaly.day, anomaly.state,
                    where=anomaly.day.in_(list(sub))
                    & anomaly.kind.in_(list(INCOMPLETE_ANOMALIES))))
            for day_id, state in cursor:
                justified[day_id].add(state == 'resolved')
        labels = dict(Anomaly.fields_get(['kind'])['kind']['selection'])
        services.prefetch({d[1] for d in days})
        for day_id, employee, date, kinds in days:
            if justified.get(day_id) == {True}:
                continue
            record = f'attendance.day,{day_id}'
            date = _as_date(date)
            if date < start and record not in carried_before:
                continue
            add(record, employee, 'incomplete', date,
                gettext('mons_hr_time.msg_close_item_incomplete',
                    date=date_text(date),
                    anomalies=', '.join(labels.get(k, k)
                        for k in (kinds or '').split(',') if k)))
        for name in REQUEST_MODELS:
            Model = pool.get(name)
            for request in _records(Model, [
                        ('employee.company', '=', company.id),
                        ('state', '=', 'requested'),
                        ]):
                date = _request_date(request)
                if date and date > end:
                    continue
                add(str(request), request.employee.id, 'request', date,
                    gettext('mons_hr_time.msg_close_item_request',
                        model=Model.__names__()['model'],
                        record=request.rec_name))
        return found

    @classmethod
    def _carried_before(cls, period):
        "Records carried at the close of an earlier period"
        return {i.record for i in _rows(cls, [
                    ('period.company', '=', period.company.id),
                    ('period', '!=', period.id),
                    ('period.ends_at', '<', period.ends_at),
                    ('state', '=', 'carried'),
                    ], ['record']) if i.record}


def _request_date(request):
    for name in ['start', 'date']:
        value = getattr(request, name, None)
        if isinstance(value, dt.date):
            return value
    anomaly = getattr(request, 'anomaly', None)
    if anomaly:
        return anomaly.date
    at = getattr(request, 'at', None)
    return at.date() if at else None


def _hours(seconds):
    minutes = abs(int(seconds or 0)) // 60
    return f'{minutes // 60}:{minutes % 60:02d}'


class CloseSignoff(BuiltByCheckMixin, Workflow, ModelSQL, ModelView):
    "Sign-off of an Employee's Month"
    __name__ = 'hr.time.close.signoff'

    open_items = fields.Function(fields.Integer("Open Items"),
        'get_open_items')
    signed_by = fields.Many2One('res.user', "Signed by", readonly=True)
    signed_at = fields.DateTime("Signed at", readonly=True)
    state = fields.Selection([
            ('to_sign', "To Sign"),
            ('signed', "Signed"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('service', 'ASC'), ('employee', 'ASC'),
            ('id', 'ASC')]
        cls._transitions |= {('to_sign', 'signed'), ('signed', 'to_sign')}
        cls._buttons.update({
                'sign': {
                    'invisible': Eval('state') != 'to_sign',
                    'depends': ['state'],
                    },
                'unsign': {
                    'invisible': Eval('state') != 'signed',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'to_sign'

    def get_rec_name(self, name):
        return f'{self.employee.rec_name} ({self.period.rec_name})'

    @classmethod
    def get_open_items(cls, signoffs, name):
        Item = Pool().get('hr.time.close.item')
        counts = defaultdict(int)
        with without_check_access():
            for item in Item.search([
                        ('period', 'in', list({s.period.id for s in signoffs})),
                        ('employee', 'in',
                            list({s.employee.id for s in signoffs})),
                        ('state', '=', 'open'),
                        ]):
                counts[(item.period.id, item.employee.id)] += 1
        return {s.id: counts[(s.period.id, s.employee.id)] for s in signoffs}

    @classmethod
    def _check(cls, signoffs):
        Approver = Pool().get('hr.time.approver')
        for signoff in signoffs:
            if signoff.period.state == 'closed':
                raise WorkflowError(gettext(
                        'mons_hr_time.msg_close_item_period_closed',
                        item=signoff.rec_name))
            # The employee's managers (or HR) sign, never the employee
            Approver.check_approve(signoff.employee, signoff)

    @classmethod
    @ModelView.button
    @Workflow.transition('signed')
    def sign(cls, signoffs):
        cls._check(signoffs)
        for signoff in signoffs:
            if signoff.open_items:
                raise WorkflowError(gettext(
                        'mons_hr_time.msg_signoff_open_items',
                        employee=signoff.employee.rec_name,
                        count=signoff.open_items))
        cls.write(signoffs, {'signed_by': Transaction().user,
                'signed_at': dt.datetime.now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('to_sign')
    def unsign(cls, signoffs):
        cls._check(signoffs)
        cls.write(signoffs, {'signed_by': None, 'signed_at': None})

    @classmethod
    def refresh(cls, period, employee_ids):
        """One sign-off per employee of the period; the rows (id, service,
        state) of all"""
        have = {s.employee for s in _rows(cls, [
                    ('period', '=', period.id)], ['employee'])}
        services = _Services()
        services.prefetch(set(employee_ids) - have)
        _create(cls, [{'period': period.id, 'employee': e,
                    'service': services[e], 'state': 'to_sign'}
                for e in employee_ids if e not in have])
        return _rows(cls, [('period', '=', period.id)],
            ['id', 'service', 'state'])
