"""Queue worker for SQLite sites. trytond-worker waits on PostgreSQL's
LISTEN/NOTIFY, which SQLite lacks; this one polls the same `ir.queue` with
trytond's own pull and run functions, one task at a time (SQLite allows one
writer anyway)."""
import logging
import signal
import time

logger = logging.getLogger(__name__)


def work(site, poll=1.0):
    site.apply_environ()
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond.worker import Queue, run_task
    from sql import Flavor

    Flavor.set(backend.Database.flavor)
    Pool.start()
    pool = Pool(site.database)
    with Transaction().start(site.database, 0, readonly=True):
        pool.init()
    queue = Queue(site.database, executor=None)
    running = True

    def stop(*_):
        nonlocal running
        running = False
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while running:
        try:
            task_id, next_ = queue.pull()
        except backend.DatabaseOperationalError:
            time.sleep(poll)
            continue
        if task_id:
            try:
                run_task(pool, task_id)
            except Exception:
                logger.exception("task %s failed", task_id)
            continue
        time.sleep(min(next_, poll) if next_ else poll)
