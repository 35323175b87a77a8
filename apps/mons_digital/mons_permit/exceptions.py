# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class PermitValidationError(ValidationError):
    pass


class PermitWorkflowError(UserError):
    "A step the file's state or dates do not allow yet"


class CapakeyError(ValidationError):
    pass
