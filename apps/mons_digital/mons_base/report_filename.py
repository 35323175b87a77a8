"""Report file names a download can keep.

Tryton names a report after its records (``Étiquette-COUR/2026/00012``): the
``/`` of a registration number is a directory separator on every system the
browser saves to, and some browsers drop everything before it."""
import re

from trytond.report import Report

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_filename(name):
    "The name with path separators and characters Windows refuses as '-'"
    return _UNSAFE.sub('-', name or '').strip(' .-') or 'document'


class SafeFilenameReport(Report):

    @classmethod
    def execute(cls, ids, data):
        oext, content, direct_print, filename = super().execute(ids, data)
        return oext, content, direct_print, safe_filename(filename)
