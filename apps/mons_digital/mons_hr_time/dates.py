"""Dates in the texts people read (record names, messages): as the user's
language writes them, like the desk's own date fields (30/11/2026 in
French), never ISO."""
from trytond.pool import Pool


def date_text(date):
    if date is None:
        return ''
    return Pool().get('ir.lang').get().strftime(date)
