"""Pure computation of one attendance day from its clockings, schedule,
holidays, leave and telework: worked, expected, difference, overtime parts
and anomalies (durations in seconds). No database access: the model
(day.py) gathers the facts and stores the result."""
import datetime as dt

from trytond.tools import timezone as tz

SIX_HOURS = 6 * 3600


def _clip(intervals, start, end):
    return [(max(s, start), min(e, end)) for s, e in intervals
        if min(e, end) > max(s, start)]


def compute_day(date, events, zone, line=None, fraction=1.0, schedule=None,
        holiday=False, leaves=(), telework=False, telework_clocking=False,
        rule=None, today=None, now=None, double_tap=0, late_grace=None,
        early_grace=None):
    """Pure computation of one day (durations in seconds).

    events: sorted (naive UTC datetime, type) pairs;
    leaves: (amount kind, seconds or fraction, counts as worked, half)
    where kind is 'hours' or 'day';
    now: naive UTC datetime of the computation (a clock-out is missing
    only once the shift or band has closed), today derived from it when
    not given;
    double_tap: seconds within which a second tap of the same direction
    (or without direction) is the same tap;
    late_grace, early_grace: seconds of lateness and early departure
    tolerated on fixed hours (None: not checked)."""
    midnight = dt.datetime.combine(date, dt.time(0), tzinfo=zone)
    local_now = None
    if now is not None:
        local_now = now.replace(tzinfo=tz.UTC).astimezone(zone)
        if today is None:
            today = local_now.date()
    anomalies = []
    intervals = []
    opened = None
    kept = []
    last = None
    for at, type_ in events:
        # A terminal tapped twice is one clocking, whatever it guessed
        if (last is not None and double_tap
                and (at - last[0]).total_seconds() <= double_tap
                and (type_ == last[1] or 'unknown' in {type_, last[1]})):
            continue
        last = (at, type_)
        kept.append((at, type_))
    facts = []
    for at, type_ in kept:
        local = at.replace(tzinfo=tz.UTC).astimezone(zone)
        secs = int((local - midnight).total_seconds())
        if type_ == 'unknown':
            # Terminals without direction keys alternate within the day
            type_ = 'out' if opened is not None else 'in'
        facts.append(local.strftime('%H:%M') + (
                ' \u2192' if type_ == 'in' else ' \u2190'))
        if type_ == 'in':
            if opened is not None:
                anomalies.append('missing_out')
            opened = secs
        else:
            if opened is None:
                anomalies.append('missing_in')
            else:
                intervals.append((opened, secs))
                opened = None
    pending = False
    if opened is not None:
        closing = _closing(line, schedule)
        if (local_now is not None
                and local_now < midnight + dt.timedelta(seconds=closing)):
            # Still at work: the clock-out may yet come
            pending = True
        else:
            anomalies.append('missing_out')

    flexi = schedule is not None and schedule.kind == 'flexitime'
    # One rule says where a flexitime agent's extra work goes: overtime
    # (then the band clips the balance and a day off's overtime leaves it)
    # or the balance (then it is never overtime)
    to_balance = flexi and rule is not None and (
        getattr(rule, 'flexitime_extra', 'overtime') == 'balance')
    clocked = intervals
    if (flexi and not to_balance
            and schedule.band_start and schedule.band_end):
        intervals = _clip(intervals,
            _secs(schedule.band_start), _secs(schedule.band_end))
    worked = sum(e - s for s, e in intervals)
    # Flexitime counts the band; time outside it is overtime to approve
    outside_band = sum(e - s for s, e in clocked) - worked
    break_taken = sum(intervals[i + 1][0] - intervals[i][1]
        for i in range(len(intervals) - 1))
    minimum_break = (int(schedule.minimum_break.total_seconds())
        if schedule and schedule.minimum_break else 0)
    if minimum_break and worked > SIX_HOURS and break_taken < minimum_break:
        worked -= minimum_break - break_taken
        anomalies.append('short_break')

    scheduled = int(line.expected_seconds() * fraction) if line else 0
    expected = 0 if holiday else scheduled
    leave_seconds = 0
    leave_credit = 0
    full_day_leave = False
    halves = set()
    hourly = False
    day_off = False
    for kind, amount, as_worked, half in leaves:
        if kind == 'hours':
            seconds = int(amount)
            hourly = True
        else:
            seconds = int(expected * amount)
            if amount >= 1:
                full_day_leave = True
                day_off = day_off or not as_worked
            elif half:
                halves.add(half)
        leave_seconds += seconds
        if as_worked:
            leave_credit += seconds
    reduction = leave_seconds - leave_credit
    expected = max(expected - reduction, 0)
    worked += leave_credit
    # Telework is a way of working a working day: a holiday, a day off of
    # the pattern or a day of full leave is no telework day (nor paid so)
    telework = (bool(telework) and bool(scheduled) and not holiday
        and not full_day_leave)

    if telework and expected and not telework_clocking:
        worked = max(worked, expected + leave_credit)

    if events and not scheduled and not holiday:
        anomalies.append('no_schedule')
    if (expected and not events and not telework and not leave_credit
            and (today is None or date < today)):
        anomalies.append('unjustified_absence')
    working_day = bool(scheduled) and not holiday
    arrivals = [s for s, _ in clocked] + (
        [opened] if opened is not None else [])
    if day_off and kept:
        anomalies.append('work_on_leave')
    if (working_day and arrivals and not full_day_leave and not hourly
            and not telework and fraction >= 1
            and schedule is not None and schedule.kind == 'fixed'
            and line is not None and line.start and line.end):
        start = _secs(line.start)
        end = _secs(line.end) + (86400 if line.crosses_midnight else 0)
        if (late_grace is not None and 'morning' not in halves
                and min(arrivals) > start + late_grace):
            anomalies.append('late_arrival')
        if (early_grace is not None and 'afternoon' not in halves
                and opened is None and clocked
                and clocked[-1][1] < end - early_grace):
            anomalies.append('early_departure')
    # Core periods bind working days only (not weekends, holidays or the
    # pattern's days off)
    if (flexi and working_day and intervals and not full_day_leave
            and not hourly):
        for (start, end), half in zip(schedule.core_periods(),
                ['morning', 'afternoon']):
            if half in halves:
                continue
            covered = sum(e - s for s, e in _clip(intervals, start, end))
            if covered < end - start:
                anomalies.append('core_breach')
                break

    # An unpaired clocking leaves the day's worked time unknown: it is an
    # anomaly to correct, never a guessed 0 or full day
    complete = not pending and not (
        {'missing_out', 'missing_in'} & set(anomalies))
    difference = worked - expected if complete else None
    overtime = []
    if complete and rule is not None and not to_balance:
        if not scheduled or holiday:
            excess = worked + outside_band
        elif flexi:
            # Time beyond the target within the band goes to the balance
            excess = outside_band
        else:
            excess = max(difference, 0)
        if excess and excess >= rule.threshold_seconds():
            if rule.daily_cap:
                excess = min(excess, int(rule.daily_cap.total_seconds()))
            if holiday:
                overtime.append(('holiday', excess))
            elif date.weekday() == 6:
                overtime.append(('sunday', excess))
            elif date.weekday() == 5:
                overtime.append(('saturday', excess))
            else:
                evening = 0
                if rule.evening_start:
                    evening = sum(e - s for s, e in _clip(
                            clocked, _secs(rule.evening_start), 86400 * 2))
                evening = min(evening, excess)
                if excess - evening:
                    overtime.append(('normal', excess - evening))
                if evening:
                    overtime.append(('evening', evening))
    if flexi and overtime and (not scheduled or holiday):
        # Overtime of a day off is not in the balance as well
        difference -= sum(s for _, s in overtime)
    seen = set()
    anomalies = [a for a in anomalies if not (a in seen or seen.add(a))]
    return {
        'worked': worked if complete else None,
        'paired': worked,
        'expected': expected,
        'leave': leave_seconds,
        'difference': difference,
        'break_taken': break_taken,
        'telework': bool(telework),
        'overtime_parts': overtime,
        'overtime': sum(s for _, s in overtime) if complete else None,
        'anomalies': anomalies,
        'facts': ', '.join(facts),
        }


def _secs(value):
    return value.hour * 3600 + value.minute * 60 + value.second


def _closing(line, schedule):
    """Seconds after the day's midnight when its shift or band closes: a
    clock-out is missing only afterwards"""
    if schedule is not None and schedule.kind == 'flexitime':
        if schedule.band_end:
            return _secs(schedule.band_end)
    elif line is not None and line.start and line.end:
        return _secs(line.end) + (86400 if line.crosses_midnight else 0)
    return 86400
