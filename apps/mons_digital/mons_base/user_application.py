# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""REST keys (res.user.application): the request log names the key's
user, as it names a desk or portal user."""
from trytond.pool import PoolMeta

from . import errors


class UserApplication(metaclass=PoolMeta):
    __name__ = 'res.user.application'

    @classmethod
    def check(cls, key, application):
        found = super().check(key, application)
        if found:
            errors.note_application_user(found.user.id)
        return found
