"""Clock events: Tryton's attendance lines extended with badge, device and
source, the idempotent device API and the review of unmatched events."""
import datetime as dt
import hashlib
from collections import defaultdict
import json

from sql import Null, Select
from sql.operators import Concat

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.rpc import RPC
from trytond.tools import timezone as tz
from trytond.model.exceptions import SQLConstraintError
from trytond.transaction import (
    Transaction, TransactionError, without_check_access)
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .computed import COMPUTING, ComputedRecordMixin
from .employee import BatchCutoffs
from .exceptions import ClockAccessError, ClockError, WorkflowError

# Devices clocks drift: accept events slightly ahead of the server clock
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
MAX_BATCH = 5000
CREATE_CHUNK = 100


class ClockConflict(TransactionError):
    """Another batch stored some of these events between our check and our
    insert: the request runs again in a new transaction, which sees them and
    reports them as duplicates (trytond's with_transaction and RPC dispatch
    restart on a TransactionError)"""


CLOCK_GROUPS = [
    ('mons_base', 'group_api'),
    ('mons_base', 'group_hr_officer'),
    ('mons_base', 'group_hr_manager'),
    ('attendance', 'group_attendance_admin'),
    ]


def to_utc(value):
    "Naive UTC datetime (Tryton's storage) of an aware datetime"
    return value.astimezone(tz.UTC).replace(tzinfo=None)


def local_datetime(at, company):
    "Aware local datetime of a stored (naive UTC) datetime"
    zone = tz.ZoneInfo(company.timezone) if company.timezone else tz.UTC
    return at.replace(tzinfo=tz.UTC).astimezone(zone)


def clock_key(badge, at, device, direction):
    # An in and an out of one badge in the same second are two taps; the
    # same tap sent again is one
    return f'{badge}|{at.isoformat()}|{device}|{direction}'


class Line(ComputedRecordMixin, metaclass=PoolMeta):
    __name__ = 'attendance.line'

    badge = fields.Char("Badge", readonly=True)
    device = fields.Many2One('hr.time.device', "Device", readonly=True,
        ondelete='RESTRICT')
    source = fields.Selection([
            ('desk', "Desk"),
            ('device', "Device"),
            ('web', "Web Page"),
            ('correction', "Correction"),
            ('import', "Import"),
            ], "Source", required=True, readonly=True)
    clock_key = fields.Char("External Event Key", readonly=True,
        help="Badge, time and device of the event: each event is stored "
        "once.")
    received_at = fields.DateTime("Received at", readonly=True)
    corrects = fields.Many2One('attendance.line', "Corrects", readonly=True,
        ondelete='RESTRICT',
        help="The clocking this one replaces after an approved correction.")
    corrected = fields.Function(fields.Boolean("Corrected",
            help="An approved correction replaced or cancelled this "
            "clocking: it no longer counts."),
        'get_corrected', searcher='search_corrected')
    # Set by the device API, the self-service page and the corrections;
    # users never give them
    _origin_fields = ('badge', 'device', 'clock_key', 'received_at',
        'corrects')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.type.selection.append(('unknown', "Unknown"))
        t = cls.__table__()
        cls._sql_constraints += [
            # SQL NULLs are distinct: desk lines have no key
            ('clock_key_uniq', Unique(t, t.clock_key),
                'mons_hr_time.msg_clock_key_unique'),
            ]
        # The day computation, the clocking page and the close read the
        # clockings of employees over dates: without it each reads the
        # whole table (millions of rows after a few years)
        cls._sql_indexes.add(Index(t,
                (t.employee, Index.Equality()), (t.date, Index.Range())))
        cls.__rpc__.update({
                'clock': RPC(readonly=False, instantiate=None),
                'clock_self': RPC(readonly=False, instantiate=None),
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        t = cls.__table__()
        # Exclude was emulated by a table scan on SQLite
        cls.__table_handler__(module).drop_constraint('clock_key_unique')
        _migrate_clock_keys(t.clock_key, t.type)

    @classmethod
    def default_source(cls):
        return 'desk'

    @classmethod
    def get_corrected(cls, lines, name):
        Correction = Pool().get('attendance.correction')
        cursor = Transaction().connection.cursor()
        ids = {l.id for l in lines}
        cursor.execute(*Correction.voided_lines())
        voided = {i for i, in cursor}
        return {i: i in voided for i in ids}

    @classmethod
    def search_corrected(cls, name, clause):
        Correction = Pool().get('attendance.correction')
        _, operator, value = clause
        voided = bool(value) == (operator == '=')
        return [('id', 'in' if voided else 'not in',
                Correction.voided_lines())]

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if not external:
            # The device API, the self-service page and the corrections
            return
        if mode == 'create':
            for line in lines:
                if line.source != 'desk':
                    cls._refuse_origin(line, 'source')
                for name in cls._origin_fields:
                    if getattr(line, name) is not None:
                        cls._refuse_origin(line, name)
            return
        for line in lines:
            if line.source != 'desk':
                # What a badge terminal, the clocking page or an approved
                # correction recorded is kept as received
                raise WorkflowError(gettext(
                        'mons_hr_time.msg_clock_not_editable',
                        line=line.rec_name,
                        source=dict(cls.fields_get(['source'])['source'][
                                'selection'])[line.source]))
        if mode == 'write':
            for name in ('source',) + cls._origin_fields:
                if name in values:
                    cls._refuse_origin(lines[0], name)

    @classmethod
    def _refuse_origin(cls, line, name):
        raise WorkflowError(gettext('mons_hr_time.msg_clock_origin_field',
                field=cls.__names__(name)['field']))

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Company = pool.get('company.company')
        Employee = pool.get('company.employee')
        values = super().preprocess_values(mode, values)
        # The desk fills the date through on_change; integrators and
        # corrections give only the time
        if (mode == 'create' and not values.get('date')
                and isinstance(values.get('at'), dt.datetime)
                and values.get('company')):
            local = local_datetime(values['at'], Company(values['company']))
            values['date'] = (Employee(values['employee']).work_date(local)
                if values.get('employee') else local.date())
        return values

    @classmethod
    def _compute_fields(cls, records, field_names=None):
        if Transaction().context.get(COMPUTING):
            # clock() stored the work date it computed for the batch: the
            # only computed field, read back line by line otherwise
            return
        super()._compute_fields(records, field_names=field_names)

    @fields.depends('employee')
    def on_change_with_date(self):
        if (Transaction().context.get('_hr_time_dated')
                and getattr(self, 'date', None)):
            # clock() gave the work date it computed for the whole batch
            return self.date
        date = super().on_change_with_date()
        if date and self.employee and self.at and self.company:
            date = self.employee.work_date(
                local_datetime(self.at, self.company))
        return date

    @classmethod
    def get_rec_name(cls, lines, name):
        # One read of the employees' names: creating a batch validates the
        # rec_name of every line
        pool = Pool()
        Lang = pool.get('ir.lang')
        Employee = pool.get('company.employee')
        lang = Lang.get()
        employees = {l.employee.id for l in lines}
        names = {e['id']: e['rec_name'] for e in Employee.read(
                list(employees), ['rec_name'])}
        return {l.id: '%s@%s' % (names[l.employee.id], lang.strftime(l.at))
            for l in lines}

    @classmethod
    def redate(cls, ranges):
        """Give the clockings of (employee id, start, end) ranges the day
        they count for after a schedule change; returns the touched keys"""
        pool = Pool()
        Employee = pool.get('company.employee')
        Period = pool.get('attendance.period')
        keys = set()
        for employee, start, end in ranges:
            # Closed days are frozen
            closed = Period.last_closed_date(Employee(employee).company)
            start = start - dt.timedelta(days=1)
            if closed and closed >= start:
                start = closed + dt.timedelta(days=1)
            domain = [('employee', '=', employee), ('date', '>=', start)]
            if end:
                domain.append(('date', '<=', end + dt.timedelta(days=1)))
            moves = defaultdict(list)
            for line in cls.search(domain):
                date = line.on_change_with_date()
                if date != line.date and (not closed or date > closed):
                    keys |= {(employee, line.date), (employee, date)}
                    moves[date].append(line)
            with Transaction().set_context(_hr_time_defer=True):
                for date, lines in moves.items():
                    cls.write(lines, {'date': date})
        return keys

    @classmethod
    def _check_clock_access(cls):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        transaction = Transaction()
        if not transaction.user or not transaction.check_access:
            return
        groups = set(User.get_groups())
        allowed = {ModelData.get_id(m, x) for m, x in CLOCK_GROUPS}
        if not groups & allowed:
            raise ClockAccessError(gettext('mons_hr_time.msg_clock_access'))

    @classmethod
    def _parse_event(cls, event, now):
        """Return (values, None) or (partial values, (code, message))"""
        if not isinstance(event, dict):
            return {}, ('malformed', gettext(
                    'mons_hr_time.msg_clock_event_malformed'))
        badge = str(event.get('badge') or '').strip()
        device = str(event.get('device') or '').strip()
        direction = event.get('direction') or 'unknown'
        if not isinstance(direction, str):
            direction = repr(direction)
        raw_at = event.get('at')
        values = {'badge': badge, 'device_code': device,
            'direction': direction if direction in {'in', 'out', 'unknown'}
            else 'unknown'}
        if not badge:
            return values, ('malformed', gettext(
                    'mons_hr_time.msg_clock_badge_missing'))
        if not isinstance(raw_at, str):
            return values, ('malformed', gettext(
                    'mons_hr_time.msg_clock_at_missing'))
        try:
            at = dt.datetime.fromisoformat(raw_at.strip())
        except ValueError:
            return values, ('malformed', gettext(
                    'mons_hr_time.msg_clock_at_malformed', at=raw_at))
        if at.tzinfo is None or at.utcoffset() is None:
            return values, ('timezone', gettext(
                    'mons_hr_time.msg_clock_at_no_timezone', at=raw_at))
        at = to_utc(at).replace(microsecond=0)
        values['at'] = at
        if direction not in {'in', 'out', 'unknown'}:
            return values, ('malformed', gettext(
                    'mons_hr_time.msg_clock_direction', direction=direction))
        if at > now + FUTURE_TOLERANCE:
            return values, ('future', gettext(
                    'mons_hr_time.msg_clock_future', at=raw_at))
        if not device:
            return values, ('device', gettext(
                    'mons_hr_time.msg_clock_device_missing'))
        return values, None

    @classmethod
    def clock(cls, events=None):
        """Store a batch of device events once each.

        Returns one status per event, in order: created, duplicate,
        unknown_badge or rejected (with a reason)."""
        pool = Pool()
        Device = pool.get('hr.time.device')
        Employee = pool.get('company.employee')
        Review = pool.get('attendance.clock.review')
        Period = pool.get('attendance.period')
        Day = pool.get('attendance.day')

        cls._check_clock_access()
        if not isinstance(events, list):
            raise ClockError(gettext('mons_hr_time.msg_clock_events_list'))
        if len(events) > MAX_BATCH:
            raise ClockError(gettext('mons_hr_time.msg_clock_batch_size',
                    size=len(events), maximum=MAX_BATCH))
        transaction = Transaction()
        if (backend.name == 'postgresql'
                and transaction.context.get('_request') is not None
                and not transaction.context.get('_hr_time_serial')):
            return cls._clock_serially(events)
        now = dt.datetime.utcnow()

        parsed = []
        for event in events:
            values, error = cls._parse_event(event, now)
            if error is None:
                values['key'] = clock_key(
                    values['badge'], values['at'], values['device_code'],
                    values['direction'])
            else:
                values['key'] = 'raw:' + hashlib.sha1(json.dumps(
                        event, sort_keys=True, default=str).encode()
                    ).hexdigest()
            values['raw'] = json.dumps(event, default=str, sort_keys=True)
            parsed.append((values, error))

        with without_check_access(), \
                Transaction().set_context(active_test=False):
            codes = {v['device_code'] for v, _ in parsed
                if v.get('device_code')}
            devices = {d.code: d for d in Device.search(
                    [('code', 'in', list(codes))])} if codes else {}
            badges = sorted({v['badge'] for v, _ in parsed if v.get('badge')})
            employees = {}
            # Small browse lists: see CREATE_CHUNK
            for sub in _chunks(badges, CREATE_CHUNK):
                employees.update((e.badge, e) for e in Employee.search(
                        [('badge', 'in', sub)]))
            cutoffs = BatchCutoffs([e.id for e in employees.values()])
            keys = [v['key'] for v, _ in parsed]
            # Plain SQL on the unique keys: a search of a Char "in" a list
            # compares COALESCE(key, '') and so reads the whole table
            cursor = transaction.connection.cursor()
            line_table, review = cls.__table__(), Review.__table__()
            existing, reviewed = {}, {}
            for sub in _chunks(keys, 1000):
                cursor.execute(*line_table.select(line_table.clock_key,
                        line_table.id, where=line_table.clock_key.in_(sub)))
                existing.update(cursor)
                cursor.execute(*review.select(review.key, review.id,
                        where=review.key.in_(sub)))
                reviewed.update(cursor)

            results = []
            to_create, to_create_index = [], []
            to_review = []
            seen = {}
            period_dates = {}
            for index, (values, error) in enumerate(parsed):
                key = values['key']
                if error is None:
                    device = devices.get(values['device_code'])
                    if not device or not device.active:
                        error = ('device', gettext(
                                'mons_hr_time.msg_clock_device_unknown',
                                device=values['device_code']))
                if error is None and key in existing:
                    results.append(_status('duplicate', existing[key]))
                    continue
                if error is None and key in seen:
                    results.append(seen[key])
                    continue
                employee = employees.get(values.get('badge'))
                if error is None and employee is None:
                    status = _status('unknown_badge', reason=gettext(
                            'mons_hr_time.msg_clock_badge_unknown',
                            badge=values['badge']))
                    if key not in reviewed:
                        to_review.append(_review_values(
                                values, 'unknown_badge', status['reason'],
                                devices.get(values['device_code']), now))
                        reviewed[key] = True
                    seen[key] = status
                    results.append(status)
                    continue
                if error is None:
                    company = employee.company
                    if company.id not in period_dates:
                        period_dates[company.id] = (
                            Period.get_last_period_date(company))
                    closed = period_dates[company.id]
                    at = values['at']
                    local_date = employee.work_date(
                        local_datetime(at, company), cutoffs)
                    if closed and closed > at:
                        error = ('closed', gettext(
                                'mons_hr_time.msg_clock_period_closed',
                                at=values['at'], period=closed))
                    elif ((employee.start_date
                                and employee.start_date > local_date)
                            or (employee.end_date
                                and employee.end_date < local_date)):
                        error = ('inactive', gettext(
                                'mons_hr_time.msg_clock_employee_inactive',
                                employee=employee.rec_name,
                                date=local_date))
                if error is not None:
                    code, reason = error
                    status = _status('rejected', reason=reason, code=code)
                    if key not in reviewed:
                        to_review.append(_review_values(values, code, reason,
                                devices.get(values.get('device_code')), now))
                        reviewed[key] = True
                    seen[key] = status
                    results.append(status)
                    continue
                device = devices[values['device_code']]
                to_create.append({
                        'company': employee.company.id,
                        'employee': employee.id,
                        'at': values['at'],
                        'date': local_date,
                        'type': values['direction'],
                        'badge': values['badge'],
                        'device': device.id,
                        'source': 'device',
                        'clock_key': key,
                        'received_at': now,
                        })
                status = _status('created')
                to_create_index.append(status)
                seen[key] = _status('duplicate')
                results.append(status)

            # Tryton's browse checks its whole id list for each record, so
            # one create of thousands of lines costs quadratic time
            lines = []
            try:
                # Built from checked values (badge, device, open period,
                # employment): trytond's field checks would read each
                # line back to find what the loop above verified
                with Transaction().set_context(
                        _hr_time_no_touch=True, _hr_time_dated=True,
                        **{COMPUTING: True}):
                    for sub in _chunks(to_create, CREATE_CHUNK):
                        lines.extend(cls.create(sub))
                if to_review:
                    Review.create(to_review)
            except SQLConstraintError as exception:
                # The keys were free when read: only a concurrent batch
                # that committed since can hold one now
                if exception.message != gettext(
                        'mons_hr_time.msg_clock_key_unique'):
                    raise
                raise ClockConflict() from exception
            touched = set()
            created = {}
            for status, line, values in zip(to_create_index, lines, to_create):
                status['id'] = created[values['clock_key']] = line.id
                touched.add((values['employee'], values['date']))
            # Repeats of an event within the batch point at its line
            for key, status in seen.items():
                if status['status'] == 'duplicate' and status['id'] is None:
                    status['id'] = created.get(key)
            used = {}
            for values in to_create:
                used[values['device']] = max(
                    used.get(values['device'], values['at']), values['at'])
            for device_id, last in used.items():
                device = Device(device_id)
                if not device.last_event_at or device.last_event_at < last:
                    Device.write([device], {'last_event_at': last})
            Day.touch(touched)
        return results

    @classmethod
    def _clock_serially(cls, events):
        """The batch of a device's request, after the batches of its devices
        that came first have committed (PostgreSQL).

        Concurrent batches that share events would each read the keys as
        free, then all but one fail on the unique key or on the rows they
        all update (device, days) and be retried over and over. Instead the
        request waits for a lock per device (advisory, taken in code order:
        no deadlock), then does the work in a new transaction: its snapshot
        starts after the previous batch committed, so it sees those events
        and reports them as duplicates."""
        transaction = Transaction()
        codes = sorted({str(e.get('device') or '').strip() for e in events
                if isinstance(e, dict)} - {''})
        cursor = transaction.connection.cursor()
        for code in codes:
            lock_id = int(hashlib.sha1(
                    f'mons_hr_time.clock|{code}'.encode()).hexdigest()[:15],
                16)
            cursor.execute(*Select([
                        transaction.database.lock_id(lock_id, timeout=True)
                        ]))
        with transaction.new_transaction() as serial, \
                serial.set_context(_hr_time_serial=True):
            results = cls.clock(events)
            # Run by the request after it commits (no queue worker)
            tasks = list(serial.tasks)
        transaction.tasks.extend(tasks)
        return results

    @classmethod
    def clock_self(cls, direction='unknown'):
        """Clock the current user's own employee now (web page of
        teleworkers, desk button)."""
        pool = Pool()
        User = pool.get('res.user')
        Day = pool.get('attendance.day')
        user = User(Transaction().user)
        employee = user.employee
        if not employee:
            raise ClockError(gettext('mons_hr_time.msg_clock_no_employee'))
        if not isinstance(direction, str) or direction not in {
                'in', 'out', 'unknown'}:
            raise ClockError(gettext('mons_hr_time.msg_clock_direction',
                    direction=direction))
        now = dt.datetime.utcnow().replace(microsecond=0)
        if direction == 'unknown':
            last = cls.search([('employee', '=', employee.id)],
                order=[('at', 'DESC')], limit=1)
            direction = 'out' if last and last[0].type == 'in' else 'in'
        key = f'web|{employee.id}|{now.isoformat()}|{direction}'
        with without_check_access(), \
                Transaction().set_context(_hr_time_no_touch=True):
            # A double click is one tap
            lines = cls.search([('clock_key', '=', key)], limit=1)
            if lines:
                line, = lines
                return {'id': line.id, 'type': line.type, 'at': line.at}
            line, = cls.create([{
                        'company': employee.company.id,
                        'employee': employee.id,
                        'at': now,
                        'date': employee.work_date(
                            local_datetime(now, employee.company)),
                        'type': direction,
                        'badge': employee.badge,
                        'source': 'web',
                        'clock_key': key,
                        'received_at': now,
                        }])
            Day.touch({(employee.id, line.date)})
        return {'id': line.id, 'type': line.type, 'at': line.at}

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        pool = Pool()
        Day = pool.get('attendance.day')
        super().on_modification(mode, lines, field_names=field_names)
        if (mode in {'create', 'write'}
                and not Transaction().context.get('_hr_time_no_touch')):
            Day.touch({(l.employee.id, l.date) for l in lines})

    @classmethod
    def on_write(cls, lines, values):
        pool = Pool()
        Day = pool.get('attendance.day')
        callbacks = super().on_write(lines, values)
        keys = {(l.employee.id, l.date) for l in lines}
        if keys:
            callbacks.append(lambda: Day.touch(keys))
        return callbacks

    @classmethod
    def on_delete(cls, lines):
        pool = Pool()
        Day = pool.get('attendance.day')
        callbacks = super().on_delete(lines)
        keys = {(l.employee.id, l.date) for l in lines}
        if keys:
            callbacks.append(lambda: Day.touch(keys))
        return callbacks


def _migrate_clock_keys(key, direction):
    "Keys stored before the direction was part of them get it appended"
    table = key.table
    cursor = Transaction().connection.cursor()
    where = (key != Null) & ~key.like('raw:%')
    for suffix in ['in', 'out', 'unknown']:
        where &= ~key.like('%|' + suffix)
    cursor.execute(*table.update([key],
            [Concat(Concat(key, '|'), direction)], where=where))


def _chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _status(status, id=None, reason=None, code=None):
    return {'status': status, 'id': id, 'reason': reason, 'code': code}


def _review_values(values, kind, reason, device, now):
    return {
        'key': values['key'],
        'kind': kind,
        'badge': values.get('badge'),
        'device_code': values.get('device_code'),
        'device': device.id if device else None,
        'at': values.get('at'),
        'direction': values.get('direction') or 'unknown',
        'raw': values.get('raw'),
        'reason': reason,
        'received_at': now,
        }


class ClockReview(Workflow, ModelSQL, ModelView):
    "Clock event kept for review (unknown badge, unregistered device...)"
    __name__ = 'attendance.clock.review'

    key = fields.Char("Key", required=True, readonly=True)
    kind = fields.Selection([
            ('unknown_badge', "Unknown Badge"),
            ('device', "Unregistered Device"),
            ('closed', "Closed Period"),
            ('inactive', "Employee Not Active"),
            ('future', "Future Event"),
            ('timezone', "Time Without Time Zone"),
            ('malformed', "Malformed Event"),
            ], "Kind", required=True, readonly=True)
    badge = fields.Char("Badge", readonly=True)
    device_code = fields.Char("Device Code", readonly=True)
    device = fields.Many2One('hr.time.device', "Device", readonly=True)
    at = fields.DateTime("At", readonly=True)
    direction = fields.Selection([
            ('in', "In"),
            ('out', "Out"),
            ('unknown', "Unknown"),
            ], "Direction", readonly=True)
    raw = fields.Text("Received Data", readonly=True)
    reason = fields.Char("Reason", readonly=True)
    received_at = fields.DateTime("Received at", readonly=True)
    employee = fields.Many2One('company.employee', "Employee",
        states={
            'readonly': Eval('state') != 'to_review',
            'required': Eval('state') == 'resolved',
            })
    line = fields.Many2One('attendance.line', "Clocking", readonly=True)
    state = fields.Selection([
            ('to_review', "To Review"),
            ('resolved', "Resolved"),
            ('ignored', "Ignored"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('key_uniq', Unique(t, t.key),
                'mons_hr_time.msg_clock_key_unique'),
            ]
        cls._order.insert(0, ('received_at', 'DESC'))
        cls._transitions |= {
            ('to_review', 'resolved'),
            ('to_review', 'ignored'),
            ('ignored', 'to_review'),
            }
        cls._buttons.update({
                'resolve': {
                    'invisible': Eval('state') != 'to_review',
                    'depends': ['state'],
                    },
                'ignore': {
                    'invisible': Eval('state') != 'to_review',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'ignored',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        t = cls.__table__()
        cls.__table_handler__(module).drop_constraint('key_unique')
        _migrate_clock_keys(t.key, t.direction)

    @classmethod
    def default_state(cls):
        return 'to_review'

    @classmethod
    @ModelView.button
    @Workflow.transition('resolved')
    def resolve(cls, reviews):
        "Create the clocking for the chosen employee"
        pool = Pool()
        Line = pool.get('attendance.line')
        for review in reviews:
            if not review.employee or not review.at:
                raise ClockError(gettext(
                        'mons_hr_time.msg_review_employee_required',
                        review=review.rec_name))
        with without_check_access():
            lines = Line.create([{
                        'company': r.employee.company.id,
                        'employee': r.employee.id,
                        'at': r.at,
                        'date': local_datetime(r.at, r.employee.company
                            ).date(),
                        'type': r.direction or 'unknown',
                        'badge': r.badge,
                        'device': r.device.id if r.device else None,
                        'source': 'correction',
                        'clock_key': r.key,
                        'received_at': r.received_at,
                        } for r in reviews])
        for review, line in zip(reviews, lines):
            review.line = line
        cls.save(reviews)

    @classmethod
    @ModelView.button
    @Workflow.transition('ignored')
    def ignore(cls, reviews):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('to_review')
    def reopen(cls, reviews):
        pass

    def get_rec_name(self, name):
        return f'{self.badge or "?"} @ {self.at or self.received_at}'


class ClockSelfStart(ModelView):
    "Clock In or Out"
    __name__ = 'attendance.clock_self.start'


class ClockSelf(Wizard):
    "Clock In or Out"
    __name__ = 'attendance.clock_self'
    start = StateView('attendance.clock_self.start',
        'mons_hr_time.clock_self_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Clock Out", 'clock_out', 'tryton-back'),
            Button("Clock In", 'clock_in', 'tryton-forward', default=True),
            ])
    clock_in = StateTransition()
    clock_out = StateTransition()

    def transition_clock_in(self):
        Pool().get('attendance.line').clock_self('in')
        return 'end'

    def transition_clock_out(self):
        Pool().get('attendance.line').clock_self('out')
        return 'end'
