# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class LayerValidationError(ValidationError):
    pass


class FeatureValidationError(ValidationError):
    pass


class ImportError_(UserError):
    "A file could not be imported; nothing was written"
    pass


class LayerOwnerError(AccessError):
    "The responsible user of a model layer cannot read for it any more"
    pass
