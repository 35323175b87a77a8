# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Values and per-field errors of a submitted portal form."""
import re

from werkzeug.datastructures import MultiDict

from trytond.tools.email_ import (
    EmailNotValidError, normalize_email, validate_email)

# validate_email of trytond is lenient without the email-validator package:
# it lets through an address with a space ("marie dupont@skynet.be")
EMAIL_RE = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$')


class Form:
    """Values and errors of a submitted form

    errors maps a field name to a message or to a code (``required``,
    ``email``, ``mismatch``...) that ``mons_base/forms.html`` turns into
    French text.
    """

    def __init__(self, data=None):
        if data is None:
            data = MultiDict()
        elif not isinstance(data, MultiDict):
            data = MultiDict(data)
        self.data = data
        self.errors = {}

    def get(self, name, default=''):
        value = self.data.get(name, default)
        if isinstance(value, str):
            value = value.strip()
        return value

    def getlist(self, name):
        return [v.strip() for v in self.data.getlist(name)
            if isinstance(v, str) and v.strip()]

    def email(self, name='email', required=True):
        "The normalised address typed in name, or None with its error"
        # Spaces around a pasted address are harmless, one inside is not
        value = self.get(name) or ''
        if not value:
            if required:
                self.error(name, 'required')
            return None
        try:
            validate_email(value)
            if not EMAIL_RE.match(value):
                raise EmailNotValidError(value)
        except EmailNotValidError:
            self.error(name, 'email')
            return None
        return normalize_email(value).lower()

    def error(self, name, message):
        self.errors.setdefault(name, message)

    def require(self, *names):
        for name in names:
            if not self.get(name):
                self.error(name, 'required')

    @property
    def valid(self):
        return not self.errors
