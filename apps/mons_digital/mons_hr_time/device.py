"Clocking devices registered to send events through the device API."
from sql.operators import Equal

from trytond.model import DeactivableMixin, Exclude, ModelSQL, ModelView, fields
from trytond.transaction import Transaction


class Device(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'hr.time.device'

    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True, strip=True,
        help="Identifier the device sends with each event.")
    kind = fields.Selection([
            ('badge', "Badge Reader"),
            ('biometric', "Biometric Terminal"),
            ('desk', "Desk Client"),
            ('web', "Web Page"),
            ], "Kind", required=True)
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT')
    location = fields.Char("Location")
    last_event_at = fields.DateTime("Last Event", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Exclude(t, (t.code, Equal)),
                'mons_hr_time.msg_device_code_unique'),
            ]

    @staticmethod
    def default_kind():
        return 'badge'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')
