from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class ClockError(UserError):
    pass


class ClockAccessError(AccessError):
    pass


class ScheduleValidationError(ValidationError):
    pass


class CloseError(UserError):
    "A month close refused while items are undecided"
    pass


class ClosedDayError(UserError):
    pass


class LeaveValidationError(ValidationError):
    pass


class TeleworkValidationError(ValidationError):
    pass


class ApprovalError(AccessError):
    "The user may not decide this request (not its approver, or their own)"
    pass


class PayrollError(UserError):
    pass


class WorkflowError(AccessError):
    "A user tried to change what only the workflow's buttons change"
    pass
