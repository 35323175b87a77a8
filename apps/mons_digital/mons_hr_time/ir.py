from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('attendance.day|compute_recent',
                    "Compute the Attendance Days"),
                ('attendance.anomaly|send_digest',
                    "Send the Clocking Anomalies by E-mail"),
                ('attendance.leave.allocation|allocate_yearly',
                    "Allocate the Yearly Leave and Carry Over"),
                ])
