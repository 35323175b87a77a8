"""A letter's copies of its sender, erased with the person.

mons_crm's erasure (right to erasure of the GDPR) calls
``erase_party_copies`` on every model that defines it: a letter keeps the
sender's e-mail address as text and a search text built from the sender's
name. Both are copies the person's erasure must remove, or the mail search
still finds them.
"""
from sql.functions import Lower

from trytond.pool import PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

MASK = '****'


class Item(metaclass=PoolMeta):
    __name__ = 'mail.item'

    @classmethod
    def erase_party_copies(cls, party_ids, texts):
        """Blank the sender address of the letters of the erased parties (or
        written from one of their addresses) and index them again"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        addresses = sorted({t.lower() for t in texts if '@' in t})
        where = table.party.in_(list(party_ids) or [-1])
        if addresses:
            where |= Lower(table.email_from).in_(addresses)
        cursor.execute(*table.select(table.id, where=where))
        ids = [i for i, in cursor]
        if not ids:
            return
        for sub in grouped_slice(ids):
            cursor.execute(*table.update([table.email_from], [MASK],
                    where=table.id.in_(list(sub))
                    & (table.email_from != None)))  # noqa: E711
        Transaction().cache.clear()
        with without_check_access():
            cls._update_search_text(cls.browse(ids))
