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
    double_tap_seconds = fields.Integer("Double Tap (seconds)",
        help="A second tap in the same direction (or without direction) "
        "within these seconds is the same clocking.")
    late_grace_minutes = fields.Integer("Late Entry Grace (minutes)",
        help="On fixed hours, arriving later than the start plus these "
        "minutes is a late arrival (empty: not checked).")
    early_grace_minutes = fields.Integer("Early Exit Grace (minutes)",
        help="On fixed hours, leaving earlier than the end minus these "
        "minutes is an early departure (empty: not checked).")
    leave_approval_levels = fields.Integer("Default Approval Levels",
        help="Levels of approval of a leave request when its type does "
        "not say.")

    close_needs_signoff = fields.Boolean("Close Needs Sign-off",
        help="If checked, a month closes only once the manager has signed "
        "off every employee.")

    @staticmethod
    def default_close_needs_signoff():
        return True

    @staticmethod
    def default_telework_needs_clocking():
        return False

    @staticmethod
    def default_leave_approval_levels():
        return 1

    @staticmethod
    def default_double_tap_seconds():
        return 60

    @staticmethod
    def default_late_grace_minutes():
        return 15

    @staticmethod
    def default_early_grace_minutes():
        return 15
