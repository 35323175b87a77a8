"""Day computations queued by the clock API: with a worker, the task that
runs first computes the days of the tasks queued since, once."""
from unittest.mock import patch

import trytond.config as config
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .. import day as day_module
from .test_module import MONDAY, DBTestCase, day_of, ev, td, with_org


def with_worker(*args, **kwargs):
    if args[:2] == ('queue', 'worker'):
        return True
    return _getboolean(*args, **kwargs)


_getboolean = config.getboolean


class QueueDaysTestCase(DBTestCase):

    @with_transaction()
    @with_org
    def test_first_task_computes_the_days_queued_since(self, o):
        pool = Pool()
        Line = pool.get('attendance.line')
        Queue = pool.get('ir.queue')
        tuesday = MONDAY + td(days=1)
        with patch.object(config, 'getboolean', with_worker), \
                patch.object(day_module, 'SYNC_LIMIT', 0):
            # A device sends the day in three batches, time order
            Line.clock([ev('B001', MONDAY, '08:05', 'in'),
                    ev('B002', MONDAY, '08:10', 'in')])
            Line.clock([ev('B001', MONDAY, '12:00', 'out'),
                    ev('B001', MONDAY, '12:30', 'in')])
            Line.clock([ev('B001', MONDAY, '17:10', 'out'),
                    ev('B002', tuesday, '08:00', 'in')])
            tasks = Queue.search([('name', '=', 'hr_time_days')],
                order=[('id', 'ASC')])
            self.assertEqual(len(tasks), 3)
            self.assertIsNone(day_of(o.alice, MONDAY))

            first = tasks[0]
            first.dequeued_at = first.enqueued_at
            first.save()
            first.run()

            self.assertEqual(Queue.search_count(
                    [('finished_at', '=', None)]), 0)
            day = day_of(o.alice, MONDAY)
            self.assertEqual(day.worked, 8 * 3600 + 35 * 60)
            self.assertFalse(day.anomalies)
            self.assertTrue(day_of(o.bob, MONDAY))
            self.assertTrue(day_of(o.bob, tuesday))
            self.assertFalse(Transaction().tasks)
