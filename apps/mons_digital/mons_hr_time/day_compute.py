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
        rule=None, today=None):
    """Pure computation of one day (durations in seconds).

    events: sorted (naive UTC datetime, type) pairs;
    leaves: (amount kind, seconds or fraction, counts as worked, half)
    where kind is 'hours' or 'day'."""
    midnight = dt.datetime.combine(date, dt.time(0), tzinfo=zone)
    anomalies = []
    intervals = []
    opened = None
    for at, type_ in events:
        local = at.replace(tzinfo=tz.UTC).astimezone(zone)
        secs = int((local - midnight).total_seconds())
        if type_ == 'unknown':
            # Terminals without direction keys alternate within the day
            type_ = 'out' if opened is not None else 'in'
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
    if opened is not None:
        anomalies.append('missing_out')

    flexi = schedule is not None and schedule.kind == 'flexitime'
    clocked = intervals
    if flexi and schedule.band_start and schedule.band_end:
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
    for kind, amount, as_worked, half in leaves:
        if kind == 'hours':
            seconds = int(amount)
            hourly = True
        else:
            seconds = int(expected * amount)
            if amount >= 1:
                full_day_leave = True
            elif half:
                halves.add(half)
        leave_seconds += seconds
        if as_worked:
            leave_credit += seconds
    reduction = leave_seconds - leave_credit
    expected = max(expected - reduction, 0)
    worked += leave_credit

    if telework and expected and not telework_clocking:
        worked = max(worked, expected + leave_credit)

    if events and not scheduled and not holiday:
        anomalies.append('no_schedule')
    if (expected and not events and not telework and not leave_credit
            and (today is None or date < today)):
        anomalies.append('unjustified_absence')
    if flexi and intervals and not full_day_leave and not hourly:
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
    complete = not ({'missing_out', 'missing_in'} & set(anomalies))
    difference = worked - expected if complete else None
    overtime = []
    if complete and rule is not None:
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
        }


def _secs(value):
    return value.hour * 3600 + value.minute * 60 + value.second
