# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""The queue's pull (trytond-worker, PostgreSQL) takes one task at a time:
every task it marks dequeued is the one it returns, so none is lost; a
running task may absorb the pending tasks that repeat its work."""
import datetime as dt
import unittest
from unittest.mock import patch

import trytond.config as config
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
            # A number the worker's selector may wait for
            self.assertIsInstance(seconds, float)
            with Transaction().start(DB_NAME, 0):
                self.assertEqual(
                    Queue.pull(database, connection, 'mail')[0], other)
            self.assertNotIn(later, pulled)
        finally:
            database.put_connection(connection)



class QueueAbsorbTestCase(unittest.TestCase):
    "A running task takes over the pending tasks that repeat its work"

    @classmethod
    def setUpClass(cls):
        activate_module('mons_base')

    def test_absorb_takes_only_due_tasks_of_the_same_call(self):
        def data(method='read', user=0, instances=(1,)):
            return {'model': 'res.user', 'method': method, 'user': user,
                'context': {}, 'instances': list(instances),
                'args': [{'x': 1}], 'kwargs': {}}
        with Transaction().start(DB_NAME, 0) as transaction, \
                patch.object(config, 'getboolean',
                    lambda *a, **k: a[:2] == ('queue', 'worker')
                    or k.get('default')):
            Queue = Pool().get('ir.queue')
            Queue.delete(Queue.search([]))
            same = [Queue.push('days', data()) for _ in range(3)]
            other_name = Queue.push('default', data())
            other_method = Queue.push('days', data(method='write'))
            other_user = Queue.push('days', data(user=1))
            later = Queue.push('days', data(),
                scheduled_at=dt.datetime.now() + dt.timedelta(hours=1))
            started = Queue.push('days', data())
            Queue.write([Queue(started)],
                {'dequeued_at': dt.datetime.now()})

            taken = Queue.absorb('days', 'res.user', 'read')
            self.assertEqual(len(taken), 3)
            self.assertEqual(list(taken[0]['args']), [{'x': 1}])
            finished = {q.id for q in Queue.search(
                        [('finished_at', '!=', None)])}
            self.assertEqual(finished, set(same))
            self.assertFalse({other_name, other_method, other_user, later,
                        started} & finished)
            # Taken once
            self.assertEqual(Queue.absorb('days', 'res.user', 'read'), [])
            transaction.rollback()

    def test_no_absorb_without_worker(self):
        "Each task runs in the request that queued it"
        with Transaction().start(DB_NAME, 0) as transaction:
            Queue = Pool().get('ir.queue')
            Queue.push('days', {'model': 'res.user', 'method': 'read',
                    'user': 0, 'context': {}, 'instances': [], 'args': [],
                    'kwargs': {}})
            self.assertEqual(Queue.absorb('days', 'res.user', 'read'), [])
            transaction.rollback()
