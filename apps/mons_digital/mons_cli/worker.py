"""Queue worker for SQLite sites. trytond-worker waits on PostgreSQL's
LISTEN/NOTIFY, which SQLite lacks, and ir.queue's pull query relies on
PostgreSQL; this worker polls the same `ir.queue` table and runs each task
with trytond's own run_task, one at a time (SQLite allows one writer)."""
import logging
import signal
import time

logger = logging.getLogger(__name__)


def pull(pool, database_name):
    "Mark the next due task as dequeued and return its id"
    from sql import Null
    from sql.functions import CurrentTimestamp
    from trytond.transaction import Transaction
    Queue = pool.get('ir.queue')
    queue = Queue.__table__()
    with Transaction().start(database_name, 0) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute(*queue.select(queue.id,
                where=(queue.dequeued_at == Null)
                & ((queue.scheduled_at <= CurrentTimestamp())
                    | (queue.scheduled_at == Null)),
                order_by=[queue.scheduled_at.nulls_first,
                    queue.expected_at.nulls_first, queue.id],
                limit=1))
        row = cursor.fetchone()
        if not row:
            return None
        cursor.execute(*queue.update([queue.dequeued_at],
                [CurrentTimestamp()],
                where=(queue.id == row[0]) & (queue.dequeued_at == Null)))
        transaction.commit()
        return row[0]


def work(site, poll=1.0):
    site.apply_environ()
    from sql import Flavor
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond.worker import run_task

    Flavor.set(backend.Database.flavor)
    Pool.start()
    pool = Pool(site.database)
    with Transaction().start(site.database, 0, readonly=True):
        pool.init()
    running = True

    def stop(*_):
        nonlocal running
        running = False
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while running:
        try:
            task_id = pull(pool, site.database)
        except backend.DatabaseOperationalError:
            # The database is locked by another writer: try again soon
            time.sleep(poll)
            continue
        if task_id:
            try:
                run_task(pool, task_id)
            except Exception:
                logger.exception("task %s failed", task_id)
        else:
            time.sleep(poll)
