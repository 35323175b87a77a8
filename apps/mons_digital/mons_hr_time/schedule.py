"""Work schedules: fixed or flexitime, per weekday, rotating over several
weeks, assigned to employees with a validity history."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import ScheduleValidationError

WEEKDAYS = [
    ('0', "Monday"),
    ('1', "Tuesday"),
    ('2', "Wednesday"),
    ('3', "Thursday"),
    ('4', "Friday"),
    ('5', "Saturday"),
    ('6', "Sunday"),
    ]

# Fields of hr.time.employee.schedule holding the share of each weekday
WEEKDAY_FIELDS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday',
    'saturday', 'sunday']


def seconds_between(start, end):
    "Seconds from time start to time end, the next day when end <= start"
    if not start or not end:
        return 0
    seconds = time_seconds(end) - time_seconds(start)
    return seconds if seconds > 0 else seconds + 86400


def time_seconds(value):
    return value.hour * 3600 + value.minute * 60 + value.second


class Schedule(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'hr.time.schedule'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", strip=True)
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT')
    kind = fields.Selection([
            ('fixed', "Fixed Hours"),
            ('flexitime', "Flexitime"),
            ], "Kind", required=True)
    cycle_weeks = fields.Integer("Cycle (weeks)", required=True,
        help="Number of weeks of a rotating pattern (1 for the same "
        "week every week).")
    cycle_start = fields.Date("Cycle Start", required=True,
        help="A Monday on which week 1 of the pattern starts.")
    lines = fields.One2Many('hr.time.schedule.line', 'schedule', "Days")
    _flexi = {'invisible': Eval('kind') != 'flexitime'}
    band_start = fields.Time("Band Start", states=_flexi,
        help="Earliest time counted as work.")
    band_end = fields.Time("Band End", states=_flexi,
        help="Latest time counted as work.")
    core_am_start = fields.Time("Morning Core Start", states=_flexi)
    core_am_end = fields.Time("Morning Core End", states=_flexi)
    core_pm_start = fields.Time("Afternoon Core Start", states=_flexi)
    core_pm_end = fields.Time("Afternoon Core End", states=_flexi)
    minimum_break = fields.TimeDelta("Minimum Break",
        help="Break deducted when a day of more than 6 hours has a "
        "shorter break.")
    balance_period = fields.Selection([
            ('week', "Week"),
            ('month', "Month"),
            ], "Balance Period", states=_flexi)
    carry_over_max = fields.TimeDelta("Carry-over Credit Limit",
        states=_flexi,
        help="Largest credit carried to the next balance period.")
    carry_over_min = fields.TimeDelta("Carry-over Debit Limit",
        states=_flexi,
        help="Largest debit carried to the next balance period.")
    weekly_hours = fields.Function(fields.Float("Weekly Hours",
            digits=(16, 2), help="Average expected hours per week."),
        'get_weekly_hours')
    del _flexi

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_kind():
        return 'fixed'

    @staticmethod
    def default_cycle_weeks():
        return 1

    @staticmethod
    def default_cycle_start():
        return dt.date(2024, 1, 1)

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_balance_period():
        return 'month'

    def get_weekly_hours(self, name):
        total = sum(l.expected_seconds() for l in self.lines)
        return round(total / 3600 / max(self.cycle_weeks or 1, 1), 2)

    @classmethod
    def validate(cls, schedules):
        super().validate(schedules)
        for schedule in schedules:
            if (schedule.cycle_weeks or 0) < 1:
                raise ScheduleValidationError(gettext(
                        'mons_hr_time.msg_schedule_cycle_weeks',
                        schedule=schedule.rec_name))
            if schedule.cycle_start.weekday() != 0:
                raise ScheduleValidationError(gettext(
                        'mons_hr_time.msg_schedule_cycle_start',
                        schedule=schedule.rec_name))
            for start, end in [
                    (schedule.band_start, schedule.band_end),
                    (schedule.core_am_start, schedule.core_am_end),
                    (schedule.core_pm_start, schedule.core_pm_end)]:
                if start and end and start >= end:
                    raise ScheduleValidationError(gettext(
                            'mons_hr_time.msg_schedule_period_order',
                            schedule=schedule.rec_name))

    @classmethod
    def on_modification(cls, mode, schedules, field_names=None):
        super().on_modification(mode, schedules, field_names=field_names)
        if mode == 'write':
            cls.touch_assignments(schedules)

    @classmethod
    def touch_assignments(cls, schedules):
        "Recompute the open days of the employees following the schedules"
        pool = Pool()
        EmployeeSchedule = pool.get('hr.time.employee.schedule')
        with without_check_access():
            assignments = EmployeeSchedule.search([
                    ('schedule', 'in', [s.id for s in schedules])])
        if assignments:
            EmployeeSchedule._touch(assignments)

    def line_for(self, date):
        "Schedule line of a date (the rotating week is taken into account)"
        week = ((date - self.cycle_start).days // 7) % self.cycle_weeks + 1
        weekday = str(date.weekday())
        for line in self.lines:
            if line.week == week and line.weekday == weekday:
                return line

    def core_periods(self):
        periods = []
        if self.kind == 'flexitime':
            for start, end in [
                    (self.core_am_start, self.core_am_end),
                    (self.core_pm_start, self.core_pm_end)]:
                if start and end:
                    periods.append((time_seconds(start), time_seconds(end)))
        return periods


class ScheduleLine(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'hr.time.schedule.line'

    schedule = fields.Many2One('hr.time.schedule', "Schedule",
        required=True, ondelete='CASCADE')
    week = fields.Integer("Week", required=True,
        help="Week of the rotating pattern (1 to the cycle length).")
    weekday = fields.Selection(WEEKDAYS, "Weekday", required=True,
        sort=False)
    start = fields.Time("Start",
        help="Start of the day for fixed hours.")
    end = fields.Time("End",
        help="End of the day for fixed hours; before the start for a night "
        "shift that ends the next day.")
    break_duration = fields.TimeDelta("Break")
    target = fields.TimeDelta("Daily Target",
        help="Time to work this day; computed from start, end and break "
        "when empty.")
    expected = fields.Function(fields.TimeDelta("Expected"),
        'get_expected')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('schedule')
        cls._order = [('week', 'ASC'), ('weekday', 'ASC')] + cls._order

    @staticmethod
    def default_week():
        return 1

    @property
    def crosses_midnight(self):
        "A night shift: it ends the next day"
        return bool(self.start and self.end and self.end <= self.start)

    def expected_seconds(self):
        if self.target is not None:
            return int(self.target.total_seconds())
        seconds = seconds_between(self.start, self.end)
        if self.break_duration:
            seconds -= int(self.break_duration.total_seconds())
        return max(seconds, 0)

    def get_expected(self, name):
        return dt.timedelta(seconds=self.expected_seconds())

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        pool = Pool()
        Schedule = pool.get('hr.time.schedule')
        super().on_modification(mode, lines, field_names=field_names)
        if mode != 'delete':
            Schedule.touch_assignments({l.schedule for l in lines})

    @classmethod
    def on_delete(cls, lines):
        pool = Pool()
        Schedule = pool.get('hr.time.schedule')
        callbacks = super().on_delete(lines)
        schedules = {l.schedule for l in lines}
        callbacks.append(lambda: Schedule.touch_assignments(schedules))
        return callbacks

    @classmethod
    def validate(cls, lines):
        super().validate(lines)
        for line in lines:
            if not (1 <= line.week <= line.schedule.cycle_weeks):
                raise ScheduleValidationError(gettext(
                        'mons_hr_time.msg_schedule_line_week',
                        week=line.week, schedule=line.schedule.rec_name))
            if line.start and line.end and line.start == line.end:
                raise ScheduleValidationError(gettext(
                        'mons_hr_time.msg_schedule_line_order',
                        schedule=line.schedule.rec_name))


class EmployeeSchedule(ModelSQL, ModelView):
    "Schedule of an employee over a validity period"
    __name__ = 'hr.time.employee.schedule'

    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='CASCADE')
    schedule = fields.Many2One('hr.time.schedule', "Schedule",
        required=True, ondelete='RESTRICT')
    valid_from = fields.Date("Valid from", required=True)
    valid_to = fields.Date("Valid to",
        domain=['OR',
            ('valid_to', '=', None),
            ('valid_to', '>=', Eval('valid_from', None)),
            ])
    fraction = fields.Float("Fraction", digits=(4, 3), required=True,
        states={'invisible': Eval('pattern') == 'weekday'},
        help="Part-time fraction applied to the schedule hours "
        "(1 for full time, 0.8 for 4/5...).")
    pattern = fields.Selection([
            ('uniform', "Same Fraction Every Day"),
            ('weekday', "Per Weekday"),
            ], "Part-time Pattern", required=True,
        help="Per weekday: the share of each day of the schedule worked "
        "(4/5 with Wednesday off: 0 on Wednesday, 1 on the other days).")
    _weekday = {'invisible': Eval('pattern') != 'weekday'}
    monday = fields.Float("Monday", digits=(4, 3), states=_weekday)
    tuesday = fields.Float("Tuesday", digits=(4, 3), states=_weekday)
    wednesday = fields.Float("Wednesday", digits=(4, 3), states=_weekday)
    thursday = fields.Float("Thursday", digits=(4, 3), states=_weekday)
    friday = fields.Float("Friday", digits=(4, 3), states=_weekday)
    saturday = fields.Float("Saturday", digits=(4, 3), states=_weekday)
    sunday = fields.Float("Sunday", digits=(4, 3), states=_weekday)
    del _weekday
    average_fraction = fields.Function(fields.Float("Average Fraction",
            digits=(4, 3),
            help="Hours of the pattern over the hours of the full "
            "schedule."),
        'get_average_fraction')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('valid_from', 'DESC'))

    @staticmethod
    def default_fraction():
        return 1.0

    @staticmethod
    def default_pattern():
        return 'uniform'

    @classmethod
    def default_monday(cls):
        return 1.0
    default_tuesday = default_wednesday = default_thursday = default_monday
    default_friday = default_saturday = default_sunday = default_monday

    def fraction_at(self, date):
        "Share of the schedule's hours of date the employee works"
        if self.pattern == 'weekday':
            value = getattr(self, WEEKDAY_FIELDS[date.weekday()])
            return value if value is not None else 1.0
        return self.fraction

    def week_fraction(self, date):
        """Hours of the employee over the full schedule's hours in the
        (rotating) week of date: 0.8 for 4/5 with Wednesday off"""
        monday = date - dt.timedelta(days=date.weekday())
        full = worked = 0
        for i in range(7):
            day = monday + dt.timedelta(days=i)
            line = self.schedule.line_for(day)
            seconds = line.expected_seconds() if line else 0
            full += seconds
            worked += seconds * self.fraction_at(day)
        if not full:
            return self.fraction_at(date)
        return worked / full

    def get_average_fraction(self, name):
        weeks = max(self.schedule.cycle_weeks or 1, 1)
        start = self.schedule.cycle_start
        values = [self.week_fraction(start + dt.timedelta(weeks=w))
            for w in range(weeks)]
        return round(sum(values) / len(values), 3)

    def get_rec_name(self, name):
        return f'{self.schedule.rec_name} ({self.valid_from})'

    @classmethod
    def validate(cls, assignments):
        super().validate(assignments)
        for assignment in assignments:
            if not (0 < assignment.fraction <= 1):
                raise ScheduleValidationError(gettext(
                        'mons_hr_time.msg_schedule_fraction',
                        employee=assignment.employee.rec_name))
            if assignment.pattern == 'weekday':
                shares = [getattr(assignment, f) for f in WEEKDAY_FIELDS]
                if (any(s is not None and not (0 <= s <= 1) for s in shares)
                        or not any(s for s in shares)):
                    raise ScheduleValidationError(gettext(
                            'mons_hr_time.msg_schedule_pattern',
                            employee=assignment.employee.rec_name))
            domain = [
                ('id', '!=', assignment.id),
                ('employee', '=', assignment.employee.id),
                ['OR',
                    ('valid_to', '=', None),
                    ('valid_to', '>=', assignment.valid_from)],
                ]
            if assignment.valid_to:
                domain.append(('valid_from', '<=', assignment.valid_to))
            others = cls.search(domain, limit=1)
            if others:
                raise ScheduleValidationError(gettext(
                        'mons_hr_time.msg_schedule_overlap',
                        employee=assignment.employee.rec_name,
                        other=others[0].rec_name))

    @classmethod
    def check_modification(cls, mode, assignments, values=None,
            external=False):
        pool = Pool()
        Day = pool.get('attendance.day')
        super().check_modification(
            mode, assignments, values=values, external=external)
        for assignment in assignments:
            Day.check_open(assignment.employee, assignment.valid_from,
                assignment.valid_to)
        if values and values.get('valid_from'):
            for assignment in assignments:
                Day.check_open(assignment.employee, values['valid_from'],
                    None)

    @classmethod
    def on_modification(cls, mode, assignments, field_names=None):
        super().on_modification(mode, assignments, field_names=field_names)
        if mode != 'delete':
            cls._touch(assignments)

    @classmethod
    def on_delete(cls, assignments):
        callbacks = super().on_delete(assignments)
        ranges = [(a.employee.id, a.valid_from, a.valid_to)
            for a in assignments]
        callbacks.append(lambda: cls._touch_ranges(ranges))
        return callbacks

    @classmethod
    def _touch(cls, assignments):
        cls._touch_ranges([(a.employee.id, a.valid_from, a.valid_to)
                for a in assignments])

    @classmethod
    def _touch_ranges(cls, ranges):
        "Recompute the days already computed in the changed ranges"
        pool = Pool()
        Day = pool.get('attendance.day')
        Line = pool.get('attendance.line')
        with without_check_access():
            keys = Line.redate(ranges)
        for employee, start, end in ranges:
            domain = [('employee', '=', employee), ('date', '>=', start),
                ('state', '=', 'open')]
            if end:
                domain.append(('date', '<=', end))
            with without_check_access():
                keys |= {(d.employee.id, d.date) for d in Day.search(domain)}
        Day.touch(keys)
