from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('party.duplicate|detect', "Detect Duplicate Contacts"),
                ('party.party|flag_retention',
                    "Flag Contacts for Retention Review"),
                ('marketing.email.message|send_due',
                    "Send the Scheduled Mass Emails"),
                ])
