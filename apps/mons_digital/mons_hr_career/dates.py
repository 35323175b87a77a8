"Date arithmetic of careers: months added the way HR counts them."
import calendar
import datetime as dt


def add_months(date, months):
    "date + months, on the last day of the month when it is shorter"
    month = date.month - 1 + months
    year = date.year + month // 12
    month = month % 12 + 1
    day = min(date.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def next_due(anchor, interval_months, not_before):
    """First date anchor + k × interval (k ≥ 1) on or after not_before: an
    agent evaluated (or appointed) at anchor is due every interval"""
    if not anchor or not interval_months:
        return None
    k = 1
    due = add_months(anchor, interval_months)
    while due < not_before:
        k += 1
        due = add_months(anchor, interval_months * k)
    return due


def today():
    """The day of the business rules (deadlines, reminders): tests set it
    with the context key _career_today, which clients cannot send (the
    desk and REST drop `_` keys)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    return (Transaction().context.get('_career_today')
        or Pool().get('ir.date').today())
