# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Values and per-field errors of a submitted portal form."""
from werkzeug.datastructures import MultiDict


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

    def error(self, name, message):
        self.errors.setdefault(name, message)

    def require(self, *names):
        for name in names:
            if not self.get(name):
                self.error(name, 'required')

    @property
    def valid(self):
        return not self.errors
