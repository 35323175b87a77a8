"""Flexitime balance of an employee: the differences of the current
balance period (week or month) plus what was carried from the previous
periods within the carry-over limits."""
import datetime as dt

from trytond.transaction import Transaction


def _as_date(value):
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


class FlexitimeBalanceMixin:
    "Balance periods and carry-over limits of the flexitime days"
    __slots__ = ()

    @staticmethod
    def balance_period_end(schedule, date):
        "Last day of the balance period of date (Sunday or month end)"
        if schedule.balance_period == 'week':
            return date + dt.timedelta(days=6 - date.weekday())
        following = (date.replace(day=1) + dt.timedelta(days=32)).replace(
            day=1)
        return following - dt.timedelta(days=1)

    @classmethod
    def balance_beyond_limits(cls, employee, schedule, date):
        """The flexitime balance at date when it leaves the carry-over
        limits, else None"""
        balance = cls.flexitime_balance(employee, date)
        if (schedule.carry_over_max is not None
                and balance > schedule.carry_over_max.total_seconds()):
            return balance
        if (schedule.carry_over_min is not None
                and balance < -schedule.carry_over_min.total_seconds()):
            return balance
        return None

    @classmethod
    def flexitime_balance(cls, employee, date):
        """Flexitime balance at date: the differences of the current
        balance period plus what was carried from the previous periods
        within the carry-over limits (from the start of the year)."""
        assignment = employee.schedule_at(date)
        if not assignment or assignment.schedule.kind != 'flexitime':
            return 0
        schedule = assignment.schedule
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        start = dt.date(date.year, 1, 1)
        cursor.execute(*table.select(table.date, table.difference,
                where=(table.employee == employee.id)
                & (table.date >= start) & (table.date <= date)
                & (table.schedule == schedule.id),
                order_by=[table.date.asc]))
        maximum = (schedule.carry_over_max.total_seconds()
            if schedule.carry_over_max is not None else None)
        minimum = (schedule.carry_over_min.total_seconds()
            if schedule.carry_over_min is not None else None)

        def period_of(day):
            if schedule.balance_period == 'week':
                return day.isocalendar()[:2]
            return (day.year, day.month)

        carry, current, period = 0, 0, None
        for day, difference in cursor:
            day = _as_date(day)
            if period is not None and period_of(day) != period:
                carry += current
                if maximum is not None:
                    carry = min(carry, maximum)
                if minimum is not None:
                    carry = max(carry, -minimum)
                current = 0
            period = period_of(day)
            current += difference or 0
        if period is not None and period != period_of(date):
            carry += current
            if maximum is not None:
                carry = min(carry, maximum)
            if minimum is not None:
                carry = max(carry, -minimum)
            current = 0
        return int(carry + current)
