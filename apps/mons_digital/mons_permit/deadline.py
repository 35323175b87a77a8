# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Legal deadlines of the CoDT and of the environment permits: pure date
arithmetic, no database.

A deadline counts calendar days from the day after its starting event
(the starting day is not counted); the day it ends on is moved to the next
working day when it is a Saturday, a Sunday or a public holiday. A public
inquiry counts its first day and does not run during the suspension
periods (16 July to 15 August, 24 December to 1 January). Every
computation returns its steps, so that the file can say how each date was
obtained."""
import datetime as dt
from collections import namedtuple

# (start month, start day, end month, end day), both ends included
SUSPENSIONS = ((7, 16, 8, 15), (12, 24, 1, 1))

Step = namedtuple('Step', ['kind', 'values'])
Computed = namedtuple('Computed', ['date', 'steps'])


def in_period(date, period):
    "Whether date falls in a yearly period that may span the new year"
    sm, sd, em, ed = period
    start, end, day = (sm, sd), (em, ed), (date.month, date.day)
    if start <= end:
        return start <= day <= end
    return day >= start or day <= end


def suspended(date, periods=SUSPENSIONS):
    return any(in_period(date, p) for p in periods)


def is_working_day(date, holidays):
    return date.weekday() < 5 and date not in holidays


def roll(date, holidays, periods=()):
    """Move date to the next working day outside the periods; steps say
    why each move was made"""
    steps = []
    while True:
        if date.weekday() >= 5:
            reason = 'weekend'
        elif date in holidays:
            reason = 'holiday'
        elif periods and suspended(date, periods):
            reason = 'suspension'
        else:
            return date, steps
        new = date + dt.timedelta(days=1)
        steps.append(Step(reason, {'date': date, 'to': new}))
        date = new


def add_days(start, days, holidays, label='start'):
    """Deadline `days` calendar days after start (start not counted),
    rolled to a working day"""
    steps = [Step(label, {'date': start})]
    end = start + dt.timedelta(days=days)
    steps.append(Step('add', {'days': days, 'date': end}))
    end, rolled = roll(end, holidays)
    return Computed(end, steps + rolled)


def extend(computed, days, holidays, reason=''):
    """A computed deadline extended once (prorogation): the days are added
    to the legal end before it is rolled"""
    base = [s for s in computed.steps if s.kind == 'add'][-1].values['date']
    end = base + dt.timedelta(days=days)
    steps = [s for s in computed.steps
        if s.kind not in {'weekend', 'holiday', 'suspension'}]
    steps.append(Step('prorogation',
            {'days': days, 'date': end, 'reason': reason}))
    end, rolled = roll(end, holidays)
    return Computed(end, steps + rolled)


def inquiry_end(start, days, holidays, periods=SUSPENSIONS):
    """Last day of an inquiry of `days` days opening on start (day one),
    not counting the days of the suspension periods, rolled past weekends,
    holidays and suspensions"""
    steps = [Step('inquiry_start', {'date': start, 'days': days})]
    date, counted = start - dt.timedelta(days=1), 0
    skipped_from = skipped = None
    while counted < days:
        date += dt.timedelta(days=1)
        if suspended(date, periods):
            if skipped_from is None:
                skipped_from, skipped = date, 0
            skipped += 1
            continue
        if skipped_from is not None:
            steps.append(Step('suspended', {
                        'start': skipped_from,
                        'end': date - dt.timedelta(days=1),
                        'days': skipped}))
            skipped_from = None
        counted += 1
    steps.append(Step('add', {'days': days, 'date': date}))
    date, rolled = roll(date, holidays, periods)
    return Computed(date, steps + rolled)
