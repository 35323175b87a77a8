from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class MailError(UserError):
    pass


class MailValidationError(ValidationError):
    pass


class RegistrationError(MailValidationError):
    pass


class TransitionError(MailError):
    pass


class ClassificationError(MailValidationError):
    pass


class AttachmentError(MailValidationError):
    pass


class DueDateError(MailValidationError):
    pass


class MailAccessError(AccessError):
    pass


class RegisterImportError(MailError):
    pass
