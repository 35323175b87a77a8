"""Validation of outgoing letters by the service manager before they leave,
when their mail type or their service asks for it; recorded in the
history."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from .exceptions import RegistrationError

# A change of these after the validation asks for a new one
VALIDATED_CONTENT = {'subject', 'body', 'party', 'recipients', 'service',
    'type', 'external_reference'}


class Type(metaclass=PoolMeta):
    __name__ = 'mail.type'

    outgoing_validation = fields.Boolean("Validation of Outgoing Letters",
        help="Outgoing letters of this type are validated by the manager "
        "of their service before they are registered and sent.")


class Service(metaclass=PoolMeta):
    __name__ = 'mons.service'

    outgoing_validation = fields.Boolean("Validation of Outgoing Letters",
        help="Outgoing letters of this service are validated by its "
        "manager before they are registered and sent. Set by the "
        "functional administrator.")


class Item(metaclass=PoolMeta):
    __name__ = 'mail.item'

    validation_required = fields.Function(
        fields.Boolean("Validation Required"), 'get_validation_required')
    validated_by = fields.Many2One('res.user', "Validated by",
        readonly=True, states={'invisible': ~Eval('validated_by')})
    validated_at = fields.DateTime("Validated at", readonly=True,
        states={'invisible': ~Eval('validated_at')})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'validate_letter': {
                    'invisible': ((Eval('direction') != 'outgoing')
                        | (Eval('state') != 'draft')
                        | ~Eval('validation_required', False)
                        | Bool(Eval('validated_by'))),
                    'depends': ['direction', 'state', 'validation_required',
                        'validated_by'],
                    },
                })

    def get_validation_required(self, name):
        return bool(self.direction == 'outgoing' and (
                (self.type and self.type.outgoing_validation)
                or (self.service and self.service.outgoing_validation)))

    @classmethod
    def copy(cls, items, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('validated_by', None)
        default.setdefault('validated_at', None)
        return super().copy(items, default=default)

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            # Only the button validates
            values.pop('validated_by', None)
            values.pop('validated_at', None)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        args = list(args)
        actions = iter(args)
        cleared = []
        for items, values in zip(actions, actions):
            if VALIDATED_CONTENT & set(values) and 'validated_by' not in values:
                cleared.extend(i for i in items
                    if i.validated_by and i.state == 'draft')
        super().write(*args)
        if cleared:
            # The manager validated another letter than this one: the
            # server clears what no user may write
            with Transaction().set_context(_check_access=False):
                super().write(cleared, {
                        'validated_by': None, 'validated_at': None})

    @classmethod
    @ModelView.button
    def validate_letter(cls, items):
        "The manager of the service validates the letter"
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        for item in items:
            if (item.direction != 'outgoing' or item.state != 'draft'
                    or not item.validation_required):
                raise RegistrationError(gettext(
                        'mons_mail.msg_validation_not_needed',
                        item=item.rec_name))
        # As the other buttons: the state first, then the record rules
        cls.check_write_rule(items)
        for item in items:
            manager = item.service.manager if item.service else None
            if not manager or manager not in (user.employees or []):
                raise RegistrationError(gettext(
                        'mons_mail.msg_validation_manager_only',
                        item=item.rec_name,
                        service=item.service.rec_name if item.service
                        else '-'))
        cls.write(items, {
                'validated_by': user.id,
                'validated_at': dt.datetime.now(),
                })
        cls.add_history(items, 'validate', comment=gettext(
                'mons_mail.msg_history_validated', user=user.rec_name))

    @classmethod
    def register(cls, items, comment=None):
        for item in items:
            if (item.state == 'draft' and item.validation_required
                    and not item.validated_by):
                raise RegistrationError(gettext(
                        'mons_mail.msg_validation_missing',
                        item=item.rec_name,
                        service=item.service.rec_name if item.service
                        else '-'))
        super().register(items, comment=comment)
