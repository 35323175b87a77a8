from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError


class PersonalDataError(AccessError):
    "The user may not change this contact's personal data (not its owner)"
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
