from trytond.model import ModelSingleton, ModelSQL, ModelView, fields


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Time Management Configuration"
    __name__ = 'hr.time.configuration'

    telework_max_week = fields.Integer("Telework Days per Week",
        help="Largest number of telework days in a week (empty: no limit).")
    telework_max_month = fields.Integer("Telework Days per Month",
        help="Largest number of telework days in a month (empty: no "
        "limit).")
    telework_needs_clocking = fields.Boolean("Telework Needs Clocking",
        help="If checked, a telework day counts only the clocked time; "
        "otherwise it counts as a full worked day.")
    leave_approval_levels = fields.Integer("Default Approval Levels",
        help="Levels of approval of a leave request when its type does "
        "not say.")

    @staticmethod
    def default_telework_needs_clocking():
        return False

    @staticmethod
    def default_leave_approval_levels():
        return 1
