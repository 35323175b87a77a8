"""Records the daily computation writes (days, anomalies, overtime days):
it builds their values itself, so their field checks are skipped while it
runs; reading every new record back to check it cost more than computing
it. The database still enforces its constraints, and records written
otherwise are checked as usual."""
import datetime as dt

from sql import Column
from sql.functions import CurrentTimestamp

from trytond.pool import Pool
from trytond.transaction import Transaction

# Context key set by the computation (keys starting with '_' never come
# from a client)
COMPUTING = '_hr_time_computing'
# Values the database driver takes as they are
PLAIN = {int, float, bool, str, type(None), dt.date, dt.datetime}


class ComputedRecordMixin:
    __slots__ = ()

    @classmethod
    def _validate(cls, records, field_names=None):
        if Transaction().context.get(COMPUTING):
            return
        super()._validate(records, field_names=field_names)


# Records created per call: trytond checks the whole id list of a browse
# for each record it builds (quadratic), and create browses its new
# records twice
CREATE_SLICE = 50


def create_in_slices(Model, vlist, size=CREATE_SLICE):
    "Create vlist a slice at a time; the created records in order"
    records = []
    for i in range(0, len(vlist), size):
        records.extend(Model.create(vlist[i:i + size]))
    return records


def insert_rows(Model, vlist):
    """Store rows the computation built, with the same keys each, as one
    prepared INSERT run for every row: a month of 2,000 agents is 62,000
    days, and trytond's create builds a record of each (twice) and a
    query text of every slice. What create would add for them is not
    needed: the computation runs as root, builds valid values and is no
    external modification. A model with history or with create triggers
    configured goes through create, so that they still run."""
    if not vlist:
        return
    Trigger = Pool().get('ir.trigger')
    if Model._history or Trigger.get_triggers(Model.__name__, 'create'):
        create_in_slices(Model, vlist)
        return
    transaction = Transaction()
    table = Model.__table__()
    names = sorted(vlist[0])
    formats = [Model._fields[n].sql_format for n in names]
    query, _ = tuple(table.insert(
            [table.create_uid, table.create_date]
            + [Column(table, n) for n in names],
            [[None, CurrentTimestamp()] + [None] * len(names)]))
    user = transaction.user

    def row(values):
        # Plain values are stored as built; records, decimals, durations
        # and the like are converted by their field
        return [user] + [v if type(v) in PLAIN else f(v)
            for f, v in zip(formats, map(values.__getitem__, names))]
    cursor = transaction.connection.cursor()
    cursor.executemany(query, [row(v) for v in vlist])
    transaction.counter += 1


def update_rows(Model, changes):
    """Store new values of rows the computation recomputed: changes is a
    list of (id, values) with the same keys each, written by one prepared
    UPDATE run for every row (a day touched by each clocking is
    recomputed several times a day). A model with history or with write
    triggers configured goes through write."""
    if not changes:
        return
    Trigger = Pool().get('ir.trigger')
    if Model._history or Trigger.get_triggers(Model.__name__, 'write'):
        for i in range(0, len(changes), CREATE_SLICE):
            args = []
            for id_, values in changes[i:i + CREATE_SLICE]:
                args.extend(([Model(id_)], values))
            Model.write(*args)
        return
    transaction = Transaction()
    table = Model.__table__()
    names = sorted(changes[0][1])
    formats = [Model._fields[n].sql_format for n in names]
    # Values given as 0 stand for the parameters of each row
    query, _ = tuple(table.update(
            [Column(table, n) for n in names]
            + [table.write_uid, table.write_date],
            [0] * len(names) + [0, CurrentTimestamp()],
            where=table.id == 0))
    user = transaction.user

    def row(id_, values):
        return [v if type(v) in PLAIN else f(v)
            for f, v in zip(formats, map(values.__getitem__, names))
            ] + [user, id_]
    cursor = transaction.connection.cursor()
    cursor.executemany(query, [row(i, v) for i, v in changes])
    clear_cache(Model, {i for i, _ in changes})


def clear_cache(Model, ids):
    "Records read before an SQL update must not keep the old values"
    transaction = Transaction()
    for cache in transaction.cache.values():
        if Model.__name__ in cache:
            for id_ in ids:
                cache[Model.__name__].pop(id_, None)
    transaction.counter += 1
