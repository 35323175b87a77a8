# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""The queue's pull (trytond-worker, PostgreSQL) takes one task at a time:
every task it marks dequeued is the one it returns, so none is lost."""
import datetime as dt
import unittest

from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module
from trytond.transaction import Transaction


@unittest.skipIf(backend.name != 'postgresql', "trytond-worker needs "
    "PostgreSQL")
class QueuePullTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('mons_base')

    def test_each_pull_marks_the_task_it_returns(self):
        with Transaction().start(DB_NAME, 0) as transaction:
            Queue = Pool().get('ir.queue')
            Queue.delete(Queue.search([]))
            data = {'model': 'res.user', 'method': 'read', 'user': 0,
                'context': {}, 'instances': [], 'args': [], 'kwargs': {}}
            first = Queue.push('default', data)
            second = Queue.push('default', data)
            later = Queue.push('default', data,
                scheduled_at=dt.datetime.now() + dt.timedelta(hours=1))
            other = Queue.push('mail', data)
            transaction.commit()
        database = backend.Database(DB_NAME).connect()
        connection = database.get_connection(autocommit=True)
        try:
            pulled = []
            for _ in range(3):
                with Transaction().start(DB_NAME, 0):
                    task, seconds = Queue.pull(database, connection,
                        'default')
                pulled.append(task)
                cursor = connection.cursor()
                cursor.execute('SELECT id FROM ir_queue '
                    'WHERE dequeued_at IS NOT NULL ORDER BY id')
                self.assertEqual([r[0] for r in cursor],
                    sorted(t for t in pulled if t))
            self.assertEqual(pulled, [first, second, None])
            # Nothing due: the worker waits until the scheduled task
            self.assertTrue(0 < seconds <= 3600)
            with Transaction().start(DB_NAME, 0):
                self.assertEqual(
                    Queue.pull(database, connection, 'mail')[0], other)
            self.assertNotIn(later, pulled)
        finally:
            database.put_connection(connection)

