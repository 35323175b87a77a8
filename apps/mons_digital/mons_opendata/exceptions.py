from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class SchemaError(ValidationError):
    pass


class PublicationError(UserError):
    pass


class SourceError(UserError):
    "A source could not be read or does not match the schema"
    pass


class AccessError(UserError):
    pass
