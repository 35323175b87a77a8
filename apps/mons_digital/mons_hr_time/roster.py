"""The roster: who works when in a service, one row per member and a
column per day of the chosen week (hours of the schedule and its
part-time share, leave, telework, holidays), read with the reader's
rights (a manager his services' people, HR everyone)."""
import datetime as dt
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .schedule import WEEKDAY_FIELDS

DAY_FIELDS = [f'day_{name}' for name in WEEKDAY_FIELDS]


def week_of(date):
    "Monday of the week of date"
    return date - dt.timedelta(days=date.weekday())


def _hours(seconds):
    hours, minutes = divmod(int(round(seconds / 60)), 60)
    return f'{hours}h{minutes:02d}'


class RosterContext(ModelView):
    "Roster Context"
    __name__ = 'hr.time.roster.context'
    __string__ = "Roster Context"

    roster_service = fields.Many2One('mons.service', "Service",
        help="The service and the services below it (empty: every "
        "service the user may read).")
    roster_date = fields.Date("Week of", required=True,
        help="A day of the week shown.")

    @staticmethod
    def default_roster_date():
        return dt.date.today()


class Roster(ModelSQL, ModelView):
    "Roster"
    __name__ = 'hr.time.roster'
    __string__ = "Roster"

    service = fields.Many2One('mons.service', "Service", readonly=True)
    employee = fields.Many2One('company.employee', "Employee",
        readonly=True)
    company = fields.Function(fields.Many2One('company.company',
            "Organisation"), 'get_company', searcher='search_company')
    day_monday = fields.Function(fields.Char("Monday"), 'get_days')
    day_tuesday = fields.Function(fields.Char("Tuesday"), 'get_days')
    day_wednesday = fields.Function(fields.Char("Wednesday"), 'get_days')
    day_thursday = fields.Function(fields.Char("Thursday"), 'get_days')
    day_friday = fields.Function(fields.Char("Friday"), 'get_days')
    day_saturday = fields.Function(fields.Char("Saturday"), 'get_days')
    day_sunday = fields.Function(fields.Char("Sunday"), 'get_days')
    week_hours = fields.Function(fields.Char("Hours of the Week",
            help="Hours expected this week, leave and holidays deducted."),
        'get_days')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('service', 'ASC'), ('employee', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Member = pool.get('mons.service-company.employee')
        Service = pool.get('mons.service')
        member = Member.__table__()
        where = member.id == member.id
        service_id = Transaction().context.get('roster_service')
        if service_id:
            services = Service.search([('parent', 'child_of', [service_id])])
            where &= member.service.in_([s.id for s in services] or [-1])
        return member.select(
            member.id.as_('id'),
            member.service.as_('service'),
            member.employee.as_('employee'),
            member.create_uid.as_('create_uid'),
            member.create_date.as_('create_date'),
            member.write_uid.as_('write_uid'),
            member.write_date.as_('write_date'),
            where=where)

    def get_company(self, name):
        return self.employee.company.id

    @classmethod
    def search_company(cls, name, clause):
        return [('employee.company',) + tuple(clause[1:])]

    @classmethod
    def get_days(cls, rows, names):
        pool = Pool()
        Holiday = pool.get('mons.holiday')
        Leave = pool.get('attendance.leave')
        Telework = pool.get('attendance.telework')
        context = Transaction().context
        monday = week_of(context.get('roster_date') or dt.date.today())
        dates = [monday + dt.timedelta(days=i) for i in range(7)]
        employees = {r.employee for r in rows}
        ids = [e.id for e in employees]
        # Read with the reader's rights: a leave he may not read is not
        # shown (the row itself says the person is his to see)
        leaves = defaultdict(list)
        for leave in Leave.search([('employee', 'in', ids),
                    ('state', '=', 'approved'),
                    ('start', '<=', dates[-1]), ('end', '>=', dates[0])]):
            for date in leave.dates():
                leaves[(leave.employee.id, date)].append(leave)
        teleworks = {}
        for telework in Telework.search([('employee', 'in', ids),
                    ('state', '=', 'approved'),
                    ('start', '<=', dates[-1]),
                    ['OR', ('end', '=', None), ('end', '>=', dates[0])]]):
            for date in telework.dates(dates[0], dates[-1]):
                teleworks[(telework.employee.id, date)] = telework
        holidays = {c: Holiday.dates(dates[0], dates[-1], c)
            for c in {e.company for e in employees}}

        cells, totals = {}, {}
        for employee in employees:
            total = 0
            for date in dates:
                text, seconds = cls._cell(employee, date,
                    date in holidays[employee.company],
                    leaves.get((employee.id, date), []),
                    teleworks.get((employee.id, date)))
                cells[(employee.id, date)] = text
                total += seconds
            totals[employee.id] = _hours(total)
        result = {n: {} for n in names}
        for row in rows:
            for name in names:
                if name == 'week_hours':
                    value = totals[row.employee.id]
                else:
                    value = cells[(row.employee.id,
                            dates[DAY_FIELDS.index(name)])]
                result[name][row.id] = value
        return result

    @classmethod
    def _cell(cls, employee, date, holiday, leaves, telework):
        "(text of the cell, seconds expected) of an employee's date"
        if ((employee.start_date and date < employee.start_date)
                or (employee.end_date and date > employee.end_date)):
            return '', 0
        assignment = employee.schedule_at(date)
        line = assignment.schedule.line_for(date) if assignment else None
        share = assignment.fraction_at(date) if assignment else 1.0
        expected = int(line.expected_seconds() * share) if line else 0
        if not expected:
            return gettext('mons_hr_time.msg_roster_day_off'), 0
        if holiday:
            return gettext('mons_hr_time.msg_roster_holiday'), 0
        parts = []
        full_leave = [l for l in leaves if l.type.unit == 'day'
            and not (l.half and l.start == l.end)]
        if full_leave:
            return full_leave[0].type.name, 0
        for leave in leaves:
            if leave.type.unit == 'hour':
                hours = leave.hours.total_seconds() if leave.hours else 0
                parts.append(f'{leave.type.name} {_hours(hours)}')
                expected -= min(expected, int(hours))
            else:
                parts.append(f'{leave.type.name} ' + gettext(
                        f'mons_hr_time.msg_roster_{leave.half}'))
                expected //= 2
        if line.start and line.end:
            hours = f"{line.start.strftime('%H:%M')}-" \
                f"{line.end.strftime('%H:%M')}"
        else:
            hours = _hours(line.expected_seconds())
        if share < 1:
            hours += f' ({share * 100:.0f} %)'
        if telework:
            hours = gettext('mons_hr_time.msg_roster_telework') + ' ' + hours
        return ', '.join([hours] + parts), expected
