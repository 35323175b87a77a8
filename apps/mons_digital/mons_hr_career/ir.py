from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('hr.career.file|update_current',
                    "Update Career Files from their Events"),
                ('hr.career.document|purge_expired',
                    "Delete Career Documents past Retention"),
                ('hr.evaluation|send_reminders',
                    "Send Evaluation Reminders"),
                ])
