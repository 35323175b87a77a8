from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class PersonalDataError(ValidationError):
    pass


class ImportFileError(UserError):
    pass


class ImportError_(UserError):
    pass


class DuplicateError(UserError):
    pass


class MailingError(UserError):
    pass


class ConsentError(UserError):
    pass
