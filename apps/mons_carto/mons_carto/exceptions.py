# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class LayerValidationError(ValidationError):
    pass


class FeatureValidationError(ValidationError):
    pass


class ImportError_(UserError):
    "A file could not be imported; nothing was written"
    pass
