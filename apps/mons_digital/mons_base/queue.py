"""The queue's pull takes exactly one task (PostgreSQL workers).

trytond 8.0 marks the task dequeued with `UPDATE … WHERE id IN (SELECT …
LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id`. PostgreSQL may evaluate
such a sub-select more than once (a semi-join, or the re-check of a row a
finishing task updates at the same moment), so one pull can mark two
tasks dequeued while it returns one: the other is never run. Seen with
trytond-worker on the HR time ingest, which queues two day computations
per batch: half of them were lost. An `=` against the sub-select makes it
a scalar, computed once: at most one task is marked, the one returned.

`absorb` lets a running task take over the pending tasks that would do the
same work again (the day computations queued by each batch of clockings)."""
from sql import Literal, Null, With
from sql.aggregate import Min
from sql.functions import CurrentTimestamp, Extract

import trytond.config as config
from trytond.pool import PoolMeta
from trytond.transaction import Transaction, without_check_access


class Queue(metaclass=PoolMeta):
    __name__ = 'ir.queue'

    @classmethod
    def pull(cls, database, connection, name=None):
        if not (database.has_returning() and database.has_select_for()):
            return super().pull(database, connection, name=name)
        cursor = connection.cursor()
        queue = cls.__table__()
        candidate = cls.__table__()
        selected = cls.__table__()
        named = (lambda t: t.name == name) if name else (
            lambda t: Literal(True))

        pending = With('scheduled_at', query=candidate.select(
                candidate.scheduled_at,
                where=named(candidate) & (candidate.dequeued_at == Null)
                & (candidate.scheduled_at >= CurrentTimestamp())))
        until_next = Min(Extract('EPOCH',
                pending.scheduled_at - CurrentTimestamp()))
        next_due = pending.select(until_next)
        first = selected.select(selected.id,
            where=named(selected) & (selected.dequeued_at == Null)
            & ((selected.scheduled_at <= CurrentTimestamp())
                | (selected.scheduled_at == Null)),
            order_by=[selected.scheduled_at.nulls_first,
                selected.expected_at.nulls_first],
            limit=1)
        first.for_ = database.get_select_for_skip_locked()('UPDATE')
        cursor.execute(*queue.update([queue.dequeued_at],
                [CurrentTimestamp()],
                where=queue.id == first,
                with_=[pending],
                returning=[queue.id, next_due]))
        row = cursor.fetchone()
        task_id, seconds = row if row else (None, None)
        if task_id is None:
            cursor.execute(*pending.select(until_next, with_=[pending]))
            seconds, = cursor.fetchone()
            cursor.execute('LISTEN "%s"' % cls.__name__)
        # EXTRACT gives a numeric (Decimal) that the worker's select(),
        # which multiplies it by a float, refuses
        return task_id, None if seconds is None else float(seconds)

    @classmethod
    def absorb(cls, name, model, method, limit=20):
        """Take the due tasks queued under name that call model.method as
        the current user, and return their data: the running task does
        their work instead. They are marked finished in the running task's
        transaction, so they stay pending if it fails.

        Only with a worker: without one, each task runs in the request that
        queued it, which would run it anyway."""
        if not config.getboolean('queue', 'worker', default=False):
            return []
        transaction = Transaction()
        database = transaction.database
        cursor = transaction.connection.cursor()
        queue = cls.__table__()
        due = queue.select(queue.id,
            where=(queue.name == name) & (queue.dequeued_at == Null)
            & ((queue.scheduled_at <= CurrentTimestamp())
                | (queue.scheduled_at == Null)),
            order_by=[queue.id], limit=limit)
        if database.has_select_for():
            # Tasks a worker is pulling are left to it
            due.for_ = database.get_select_for_skip_locked()('UPDATE')
        cursor.execute(*due)
        ids = [i for i, in cursor]
        with without_check_access():
            tasks = cls.browse(ids)
            taken = [t for t in tasks
                if t.data.get('model') == model
                and t.data.get('method') == method
                and t.data.get('user') == transaction.user]
            if not taken:
                return []
            cursor.execute(*queue.update(
                    [queue.dequeued_at, queue.finished_at],
                    [CurrentTimestamp(), CurrentTimestamp()],
                    where=queue.id.in_([t.id for t in taken])))
            return [t.data for t in taken]
