"""Fields a client never sets: workflow states, approvals, computed results.

They change through buttons and methods (which run without the access
checks); a create or write from a client (desk, REST) that sets one is
refused with the field's name, whatever the view says.
"""
from sql import Column

from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.transaction import Transaction


def _from_client():
    transaction = Transaction()
    return bool(transaction.user and transaction.check_access)


class ButtonFieldsMixin:
    __slots__ = ()
    # names changed only by buttons and methods
    _button_fields = set()
    # generated on create (identifiers, salts): a client's value is dropped
    _generated_fields = set()
    # what create may receive for a button field: the default (e.g. a
    # copy sends state 'draft')
    _button_field_create_defaults = {'state': {'draft'}}

    @classmethod
    def _refuse_button_fields(cls, names):
        if names:
            name = sorted(names)[0]
            field = cls.fields_get([name])[name]
            raise AccessError(gettext(
                    'mons_opendata.msg_button_field',
                    field=field['string'],
                    model=cls.__names__()['model']))

    @classmethod
    def create(cls, vlist):
        if _from_client():
            vlist = [v.copy() if isinstance(v, dict) else v for v in vlist]
            for values in vlist:
                if not isinstance(values, dict):
                    continue  # Tryton refuses it with its own message
                for name in cls._generated_fields:
                    values.pop(name, None)
                cls._refuse_button_fields({n for n in (
                            set(values) & cls._button_fields)
                        if values[n] not in (
                            None, [], *cls._button_field_create_defaults.get(
                                n, ()))})
        records = super().create(vlist)
        cls._draw_generated(records, vlist)
        return records

    @classmethod
    def _draw_generated(cls, records, vlist):
        """Tryton computes a missing field's default once for a whole create
        call: identifiers and salts are drawn again for each record after
        the first (in SQL, as they are no field a user writes)"""
        names = [n for n in cls._generated_fields
            if getattr(cls, 'default_%s' % n, None)]
        if len(records) < 2 or not names:
            return
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for record, values in list(zip(records, vlist))[1:]:
            drawn = [n for n in names if not (isinstance(values, dict)
                    and values.get(n) is not None)]
            if drawn:
                cursor.execute(*table.update(
                        [Column(table, n) for n in drawn],
                        [getattr(cls, 'default_%s' % n)() for n in drawn],
                        where=table.id == record.id))

    @classmethod
    def write(cls, *args):
        if _from_client():
            actions = iter(args)
            for _, values in zip(actions, actions):
                cls._refuse_button_fields(
                    set(values) & (cls._button_fields
                        | cls._generated_fields))
        super().write(*args)
