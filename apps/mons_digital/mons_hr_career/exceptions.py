from trytond.exceptions import UserError


class CareerError(UserError):
    pass
