"""Daily computation: worked time from the clockings, expected time from the
schedule, leave and telework, difference, overtime and anomalies."""
import datetime as dt
import functools
import hashlib
import inspect
from collections import defaultdict

from sql.aggregate import Count, Max
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.model.fields import SQL_OPERATORS
from trytond.tools import grouped_slice
from trytond.tools import timezone as tz
from trytond.transaction import (
    Transaction, inactive_records, without_check_access)

from .computed import (
    COMPUTING, ComputedRecordMixin, insert_rows, update_rows)
from .dates import date_text
from .day_balance import FlexitimeBalanceMixin, _as_date
from .day_compute import compute_day
from .exceptions import ClosedDayError

SYNC_LIMIT = 200
# What a day is computed from
COMPUTED_FROM = ['attendance.day', 'attendance.line', 'attendance.correction',
    'attendance.leave', 'attendance.leave.type', 'attendance.telework',
    'attendance.overtime.authorisation', 'attendance.overtime.rule',
    'hr.time.employee.schedule', 'hr.time.schedule', 'hr.time.schedule.line',
    'hr.time.configuration', 'mons.holiday', 'company.employee',
    'company.company']
# Employees computed together: their events, leave and days are read and
# written in a few statements
CHUNK = 50
# Employees whose days one queued task computes
QUEUE_CHUNK = 1000
QUEUE_NAME = 'hr_time_days'
# Days a late daily computation goes back at most
CATCH_UP = 92


def _hours_text(seconds):
    sign = '-' if seconds < 0 else '+'
    minutes = abs(int(seconds)) // 60
    return f'{sign}{minutes // 60}:{minutes % 60:02d}'


def _as_datetime(value):
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value


_COMPARED = ('worked', 'expected', 'leave', 'difference', 'overtime',
    'break_taken', 'paired', 'telework', 'telework_days', 'anomalies')


class DayRow:
    "What the synchronisation of anomalies and overtime needs of a day"
    __slots__ = ('id', 'employee', 'date', 'company', 'state', 'values')

    def __init__(self, id, employee, date, company, state, values):
        self.id, self.employee, self.date = id, employee, date
        self.company, self.state, self.values = company, state, values


class _Values:
    """The values of a schedule, schedule line or overtime rule read once
    for all the days of a computation: a record's attribute costs far
    more than the arithmetic of a day. Its methods are called once for
    the same arguments."""

    def __init__(self, record):
        self._record = record

    def __getattr__(self, name):
        value = getattr(self._record, name)
        if inspect.ismethod(value):
            value = functools.cache(value)
        setattr(self, name, value)
        return value


class _Memo:
    """What the days of one computation share: the values of schedules,
    lines and rules, the line of a schedule at a date and the share of an
    assignment on a weekday"""

    def __init__(self):
        self._values, self._lines, self._fractions = {}, {}, {}

    def values_of(self, record):
        if record is None:
            return None
        key = (record.__name__, record.id)
        if key not in self._values:
            self._values[key] = _Values(record)
        return self._values[key]

    def line(self, schedule, date):
        key = (schedule.id, date)
        if key not in self._lines:
            self._lines[key] = self.values_of(schedule.line_for(date))
        return self._lines[key]

    def fraction(self, assignment, date):
        key = (assignment.id, date.weekday())
        if key not in self._fractions:
            self._fractions[key] = assignment.fraction_at(date)
        return self._fractions[key]


def _differs(row, values):
    "Whether a stored day differs from freshly computed values"
    for name in ('company', 'schedule') + _COMPARED:
        if row.get(name) != values.get(name):
            return True
    return False


class Day(ComputedRecordMixin, FlexitimeBalanceMixin, ModelSQL,
        ModelView):
    "Attendance Day"
    __name__ = 'attendance.day'

    company = fields.Many2One('company.company', "Organisation",
        required=True, readonly=True)
    employee = fields.Many2One('company.employee', "Employee",
        required=True, readonly=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True, readonly=True)
    schedule = fields.Many2One('hr.time.schedule', "Schedule", readonly=True)
    worked = fields.Integer("Worked (s)", readonly=True)
    expected = fields.Integer("Expected (s)", readonly=True)
    leave = fields.Integer("Leave (s)", readonly=True)
    difference = fields.Integer("Difference (s)", readonly=True)
    overtime = fields.Integer("Overtime (s)", readonly=True)
    break_taken = fields.Integer("Break (s)", readonly=True)
    paired = fields.Integer("Paired Time (s)", readonly=True,
        help="Time of the complete in/out pairs, also when the day has an "
        "unpaired clocking (then the worked time stays empty).")
    telework = fields.Boolean("Telework", readonly=True)
    telework_days = fields.Float("Telework Days", digits=(16, 1),
        readonly=True,
        help="1 for a day of telework, 0.5 for a half day: what the "
        "payroll export counts.")
    anomalies = fields.Char("Anomalies", readonly=True,
        help="Codes of the anomalies of the day, comma-separated.")
    anomaly_labels = fields.Function(fields.Char("Anomalies"),
        'get_anomaly_labels')
    anomaly_lines = fields.One2Many('attendance.anomaly', 'day',
        "Anomalies", readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('closed', "Closed"),
            ], "State", required=True, readonly=True)
    computed_at = fields.DateTime("Computed at", readonly=True)
    worked_time = fields.Function(fields.TimeDelta("Worked"), 'get_times')
    expected_time = fields.Function(fields.TimeDelta("Expected"),
        'get_times')
    difference_time = fields.Function(fields.TimeDelta("Difference"),
        'get_times')
    overtime_time = fields.Function(fields.TimeDelta("Overtime"),
        'get_times')
    lines = fields.Function(fields.Many2Many('attendance.line', None, None,
            "Clockings"), 'get_lines')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('employee_date_unique', Unique(t, t.employee, t.date),
                'mons_hr_time.msg_day_unique'),
            ]
        cls._sql_indexes.add(Index(t,
                (t.date, Index.Range()), (t.company, Index.Equality())))
        cls._order = [('date', 'DESC'), ('employee', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_state():
        return 'open'

    def get_rec_name(self, name):
        return f'{self.employee.rec_name} {date_text(self.date)}'

    @classmethod
    def get_times(cls, days, names):
        result = {}
        for name in names:
            field = name[:-len('_time')]
            result[name] = {d.id: dt.timedelta(seconds=getattr(d, field))
                if getattr(d, field) is not None else None for d in days}
        return result

    @classmethod
    def get_anomaly_labels(cls, days, name):
        "The anomalies of the days as the reader's language names them"
        Anomaly = Pool().get('attendance.anomaly')
        labels = dict(Anomaly.fields_get(['kind'])['kind']['selection'])
        return {d.id: ', '.join(labels.get(k, k)
                for k in (d.anomalies or '').split(',') if k) or None
            for d in days}

    def get_lines(self, name):
        Line = Pool().get('attendance.line')
        return [l.id for l in Line.search([
                    ('employee', '=', self.employee.id),
                    ('date', '=', self.date),
                    ], order=[('at', 'ASC')])]

    @classmethod
    def check_open(cls, employee, start, end=None):
        "Raise if a day of employee between start and end is closed"
        pool = Pool()
        Period = pool.get('attendance.period')
        closed = Period.last_closed_date(employee.company)
        if closed and start and start <= closed:
            raise ClosedDayError(gettext('mons_hr_time.msg_day_closed',
                    employee=employee.rec_name, date=date_text(start),
                    closed=date_text(closed)))

    @classmethod
    def set_state(cls, company, after, end, state):
        """Open or close the days of a company in (after, end]: one SQL
        update, as a month holds tens of thousands of days"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        where = (table.company == int(company)) & (table.date <= end)
        if after:
            where &= table.date > after
        cursor.execute(*table.update([table.state], [state], where=where))
        cls._cache_clear()

    @classmethod
    def _cache_clear(cls):
        # Records read before the SQL update must not keep the old state
        for cache in Transaction().cache.values():
            cache.clear()

    @classmethod
    def touch(cls, keys):
        """Recompute the days of (employee id, date) keys: now when few,
        through the queue when many."""
        pool = Pool()
        Employee = pool.get('company.employee')
        keys = {(int(e), _as_date(d)) for e, d in keys if d}
        if not keys or Transaction().context.get('_hr_time_defer'):
            return
        if len(keys) <= SYNC_LIMIT:
            cls.compute(keys)
            return
        by_employee = defaultdict(list)
        for employee, date in keys:
            by_employee[employee].append(date.isoformat())
        employees = sorted(by_employee)
        # Large tasks: a task's fixed cost (transaction, settings, leave,
        # corrections) outweighs its days when it holds few
        with Transaction().set_context(queue_name=QUEUE_NAME):
            for i in range(0, len(employees), QUEUE_CHUNK):
                chunk = employees[i:i + QUEUE_CHUNK]
                Employee.__queue__.hr_time_recompute(
                    Employee.browse(chunk),
                    {str(e): by_employee[e] for e in chunk})

    @classmethod
    def compute_month(cls, company, year, month, employees=None):
        "Compute every day of a month for the employees of a company"
        start = dt.date(year, month, 1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - \
            dt.timedelta(days=1)
        keys = cls.employed_days(company, start, end, employees)
        cls.compute(keys)
        return len(keys)

    @classmethod
    def employed_days(cls, company, start, end, employees=None):
        """(employee id, date) of every day between start and end when the
        employees (by default all of the company's) were employed"""
        Employee = Pool().get('company.employee')
        if employees is None:
            with without_check_access():
                employees = Employee.search([
                        ('company', '=', int(company)),
                        ['OR', ('start_date', '=', None),
                            ('start_date', '<=', end)],
                        ['OR', ('end_date', '=', None),
                            ('end_date', '>=', start)],
                        ])
        keys = set()
        for employee in employees:
            date = max(start, employee.start_date or start)
            last = min(end, employee.end_date or end)
            while date <= last:
                keys.add((employee.id, date))
                date += dt.timedelta(days=1)
        return keys

    @classmethod
    def compute(cls, keys):
        "Compute and store the days of (employee id, date) keys"
        by_employee = defaultdict(set)
        for employee, date in keys:
            by_employee[int(employee)].add(_as_date(date))
        ids = sorted(by_employee)
        with without_check_access(), \
                Transaction().set_context(active_test=False,
                    **{COMPUTING: True}):
            # The schedules' lines, part-time shares and values are shared
            # by the employees of every chunk
            memo = _Memo()
            for i in range(0, len(ids), CHUNK):
                cls._compute_chunk({e: by_employee[e]
                        for e in ids[i:i + CHUNK]}, memo)

    @classmethod
    def _compute_chunk(cls, by_employee, memo=None):
        pool = Pool()
        Employee = pool.get('company.employee')
        Line = pool.get('attendance.line')
        Holiday = pool.get('mons.holiday')
        Leave = pool.get('attendance.leave')
        Telework = pool.get('attendance.telework')
        Rule = pool.get('attendance.overtime.rule')
        Overtime = pool.get('attendance.overtime')
        Anomaly = pool.get('attendance.anomaly')
        Correction = pool.get('attendance.correction')
        Configuration = pool.get('hr.time.configuration')
        cursor = Transaction().connection.cursor()

        config = Configuration(1)
        employees = Employee.browse(list(by_employee))
        all_dates = set().union(*by_employee.values())
        dmin, dmax = min(all_dates), max(all_dates)

        line = Line.__table__()
        events = defaultdict(list)
        # Clockings replaced or cancelled by an approved correction stay
        # stored as received but no longer count
        voided = Correction.voided_lines()
        for sub in grouped_slice(list(by_employee), 500):
            cursor.execute(*line.select(
                    line.employee, line.date, line.at, line.type,
                    where=SQL_OPERATORS['in'](line.employee, list(sub))
                    & (line.date >= dmin) & (line.date <= dmax)
                    & ~line.id.in_(voided),
                    order_by=[line.at.asc, line.id.asc]))
            for employee, date, at, type_ in cursor:
                events[(employee, _as_date(date))].append(
                    (_as_datetime(at), type_))

        leaves = defaultdict(list)
        for leave in Leave.search([
                    ('employee', 'in', list(by_employee)),
                    ('state', '=', 'approved'),
                    ('start', '<=', dmax),
                    ('end', '>=', dmin),
                    ]):
            for date in leave.dates():
                leaves[(leave.employee.id, date)].append(
                    leave.day_amount(date))
        # Half days: the halves teleworked of (employee, date)
        teleworks = defaultdict(set)
        for telework in Telework.search([
                    ('employee', 'in', list(by_employee)),
                    ('state', '=', 'approved'),
                    ('start', '<=', dmax),
                    ['OR', ('end', '=', None), ('end', '>=', dmin)],
                    ]):
            for date in telework.dates(dmin, dmax):
                teleworks[(telework.employee.id, date)].update(
                    [telework.half] if telework.half
                    else ['morning', 'afternoon'])

        companies = {e.company for e in employees}
        holidays = {c.id: Holiday.dates(dmin, dmax, c) for c in companies}
        rules = {c.id: Rule.for_company(c) for c in companies}
        zones = {c.id: tz.ZoneInfo(c.timezone) if c.timezone else tz.UTC
            for c in companies}
        now = cls._now()
        todays = {c.id: now.replace(tzinfo=tz.UTC).astimezone(
                zones[c.id]).date() for c in companies}
        double_tap = (config.double_tap_seconds
            if config.double_tap_seconds is not None else 60)
        late_grace = (config.late_grace_minutes * 60
            if config.late_grace_minutes is not None else None)
        early_grace = (config.early_grace_minutes * 60
            if config.early_grace_minutes is not None else None)

        # Plain rows rather than records: instantiating thousands of
        # records of one browse list costs quadratic time in trytond
        table = cls.__table__()
        columns = ['id', 'state', 'company', 'schedule'] + list(_COMPARED)
        existing = {}
        for sub in grouped_slice(list(by_employee), 500):
            cursor.execute(*table.select(table.employee, table.date,
                    *[getattr(table, c) for c in columns],
                    where=SQL_OPERATORS['in'](table.employee, list(sub))
                    & (table.date >= dmin) & (table.date <= dmax)))
            for employee_id, date, *values in cursor:
                row = dict(zip(columns, values))
                row['telework'] = bool(row['telework'])
                existing[(employee_id, _as_date(date))] = DayRow(
                    row['id'], employee_id, _as_date(date), row['company'],
                    row['state'], row)

        to_create, to_write = [], []
        computed = []
        period_ends = {}
        computed_at = dt.datetime.now()
        if memo is None:
            memo = _Memo()
        values_of = memo.values_of
        # Record attributes cost far more than a day's arithmetic: what
        # the loop reads is read once per chunk or employee
        telework_clocking = config.telework_needs_clocking
        for employee in employees:
            employee_id = employee.id
            company_id = employee.company.id
            zone, rule = zones[company_id], values_of(rules[company_id])
            company_holidays, today = holidays[company_id], todays[company_id]
            # Plain periods: the assignments of an employee are read once,
            # not once a day
            periods = [(a.valid_from, a.valid_to, a,
                    values_of(a.schedule)) for a in employee.work_schedules]
            for date in sorted(by_employee[employee_id]):
                key = (employee_id, date)
                day = existing.get(key)
                if day and day.state == 'closed':
                    continue
                assignment, schedule = next(((a, v)
                        for start, end, a, v in periods
                        if start <= date and (not end or end >= date)),
                    (None, None))
                sline = memo.line(schedule, date) if schedule else None
                halves = teleworks.get(key, set())
                day_leaves = leaves.get(key, [])
                fraction = (memo.fraction(assignment, date) if assignment
                    else 1.0)
                scheduled = int(sline.expected_seconds() * fraction
                    ) if sline else 0
                # Half a day of telework counts half the day worked, on a
                # working day without a full day of leave
                half_credit = 0
                if (len(halves) == 1 and not telework_clocking
                        and scheduled and date not in company_holidays
                        and not any(k == 'day' and a >= 1
                            for k, a, _, _ in day_leaves)):
                    half_credit = scheduled // 2
                    day_leaves = day_leaves + [
                        ('day', 0.5, True, next(iter(halves)))]
                result = compute_day(date, events.get(key, []),
                    zone, line=sline,
                    fraction=fraction,
                    schedule=schedule,
                    holiday=date in company_holidays,
                    leaves=day_leaves,
                    telework=bool(halves) and not half_credit,
                    telework_clocking=telework_clocking,
                    rule=rule, now=now,
                    double_tap=double_tap, late_grace=late_grace,
                    early_grace=early_grace)
                result['facts'] = {k: result['facts']
                    for k in result['anomalies']}
                if half_credit:
                    result['leave'] -= half_credit
                    result['telework'] = True
                telework_days = 0.0
                if result['telework']:
                    telework_days = 1.0 if len(halves) > 1 else 0.5
                if schedule and schedule.kind == 'flexitime':
                    # The limits bind the balance carried over: checked
                    # once the period the schedule names is over, on its
                    # last day and again when a difference of it changed
                    end = cls.balance_period_end(schedule, date)
                    before = day.values.get('difference') if day else None
                    if end < today and (end == date
                            or (before or 0) != (result['difference'] or 0)):
                        period_ends[(employee_id, end)] = (
                            employee, schedule)
                values = {
                    'company': company_id,
                    'schedule': schedule.id if schedule else None,
                    'worked': result['worked'],
                    'expected': result['expected'],
                    'leave': result['leave'],
                    'difference': result['difference'],
                    'overtime': result['overtime'],
                    'break_taken': result['break_taken'],
                    'paired': result['paired'],
                    'telework': result['telework'],
                    'telework_days': telework_days,
                    'anomalies': ','.join(result['anomalies']) or None,
                    'computed_at': computed_at,
                    }
                if day:
                    if _differs(day.values, values):
                        to_write.append((day.id, values))
                else:
                    values.update({'employee': employee_id, 'date': date,
                            'state': 'open'})
                    to_create.append(values)
                computed.append((key, result))
        update_rows(cls, to_write)
        if to_create:
            insert_rows(cls, to_create)
            created = {(v['employee'], v['date']): v for v in to_create}
            for sub in grouped_slice(list({k[0] for k in created}), 500):
                cursor.execute(*table.select(table.id, table.employee,
                        table.date,
                        where=SQL_OPERATORS['in'](table.employee, list(sub))
                        & (table.date >= dmin) & (table.date <= dmax)))
                for id_, employee_id, date in cursor:
                    key = (employee_id, _as_date(date))
                    if key in created:
                        existing[key] = DayRow(id_, key[0], key[1],
                            created[key]['company'], 'open', created[key])
        results = dict(computed)
        outside = set()
        for key, (employee, schedule) in period_ends.items():
            if key not in results:
                outside.add(key)
                continue
            balance = cls.balance_beyond_limits(employee, schedule, key[1])
            if balance is not None:
                result = results[key]
                result['anomalies'].append('balance_limit')
                result['facts']['balance_limit'] = _hours_text(balance)
                cls.write([cls(existing[key].id)], {
                        'anomalies': ','.join(result['anomalies'])})
        days = [existing[k] for k, _ in computed]
        if days:
            Anomaly.sync(days, [r['anomalies'] for _, r in computed],
                [r['facts'] for _, r in computed])
            Overtime.sync(days, [r['overtime_parts'] for _, r in computed],
                rules)
        outside = cls._open_keys(outside)
        if outside:
            # The period's last day is computed again with its balance
            cls._compute_chunk(outside)

    @classmethod
    def _open_keys(cls, keys):
        "Employee id to dates of the keys whose day is stored and open"
        by_employee = defaultdict(set)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for employee, date in keys:
            cursor.execute(*table.select(table.id,
                    where=(table.employee == employee)
                    & (table.date == date) & (table.state == 'open')))
            if cursor.fetchone():
                by_employee[employee].add(date)
        return by_employee

    @classmethod
    def inputs_fingerprint(cls):
        """Count, last id and last change of every model the days are
        computed from (and of the days): equal fingerprints mean that a
        computation would give the same days. Counts catch deletions."""
        pool = Pool()
        cursor = Transaction().connection.cursor()
        parts = []
        for name in COMPUTED_FROM:
            table = pool.get(name).__table__()
            cursor.execute(*table.select(Count(table.id), Max(table.id),
                    Max(Coalesce(table.write_date, table.create_date))))
            count, last, changed = cursor.fetchone()
            parts.append(f'{count}:{last}:{changed}')
        return hashlib.sha256('|'.join(parts).encode()).hexdigest()

    @classmethod
    def today(cls, company):
        "Local date of the company at the computation's now"
        zone = tz.ZoneInfo(company.timezone) if company.timezone else tz.UTC
        return cls._now().replace(tzinfo=tz.UTC).astimezone(zone).date()

    @staticmethod
    def _now():
        "Naive UTC now; tests pin it with the context"
        now = Transaction().context.get('_hr_time_now')
        return now or dt.datetime.utcnow().replace(microsecond=0)

    @classmethod
    def compute_recent(cls):
        """Cron: compute every day since the last run up to today of every
        employee (yesterday and today at least), so that absences and
        forgotten clock-outs are listed every day and a missed run is
        caught up"""
        pool = Pool()
        Company = pool.get('company.company')
        company_id = Transaction().context.get('company')
        now = cls._now()
        with without_check_access():
            companies = (Company.browse([company_id]) if company_id
                else Company.search([]))
            for company in companies:
                zone = (tz.ZoneInfo(company.timezone) if company.timezone
                    else tz.UTC)
                today = now.replace(tzinfo=tz.UTC).astimezone(zone).date()
                start = today - dt.timedelta(days=1)
                last = company.hr_time_computed_until
                if last and last < start:
                    start = max(last, today - dt.timedelta(days=CATCH_UP))
                cls.compute(cls.employed_days(company, start, today))
                Company.write([company], {'hr_time_computed_until': today})


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'

    @classmethod
    def hr_time_recompute(cls, employees, dates):
        """Queue task: recompute days of employees, with those of the tasks
        queued since and not started: devices send a day's clockings in
        several batches, each queues the day again, and a worker that
        lags behind computes it once instead of once a batch"""
        pool = Pool()
        Day = pool.get('attendance.day')
        Queue = pool.get('ir.queue')
        keys = {(e.id, d) for e in employees
            for d in dates.get(str(e.id), [])}
        more = defaultdict(set)
        for data in Queue.absorb(QUEUE_NAME, cls.__name__,
                'hr_time_recompute'):
            for employee, days in data['args'][0].items():
                more[int(employee)].update(days)
        if more:
            # As the queue does, skip the employees deleted since
            with without_check_access(), inactive_records():
                exist = cls.search([('id', 'in', list(more))])
            keys.update((e.id, d) for e in exist for d in more[e.id])
        Day.compute(keys)
