"""Fields that change only through the buttons: the state, the dates and
results the workflow records, values computed from other records."""
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import CareerError


def refuse_own(records, message, name):
    """Nobody decides on their own record (evaluation, training request):
    refused with message, the record given as ``name``. Buttons run without
    access checks but the user still counts; root (crons, internal calls)
    does not"""
    if not Transaction().user:
        return
    mine = set(Pool().get('res.user').get_employees())
    for record in records:
        if record.employee.id in mine:
            raise CareerError(gettext(message, **{name: record.rec_name}))


def _given(record, name):
    "Whether a created record has a value other than the field's default"
    value = getattr(record, name, None)
    if value in (None, '', (), [], False):
        return False
    default = record._defaults.get(name)
    return default is None or getattr(value, 'id', value) != default()


class WorkflowFieldsMixin:
    """A model lists in ``_workflow_fields`` what users (desk, REST) never
    write nor give at creation: only its buttons and computations do
    (they run without access checks, so they are not ``external``)."""
    __slots__ = ()
    _workflow_fields = ('state',)

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(mode, records, values=values,
            external=external)
        if not external:
            return
        if mode == 'create':
            for record in records:
                for name in cls._workflow_fields:
                    if _given(record, name):
                        cls._refuse_workflow_field(record, name)
        elif mode == 'write':
            for name in cls._workflow_fields:
                if name in (values or {}):
                    for record in records:
                        cls._refuse_workflow_field(record, name)

    @classmethod
    def _refuse_workflow_field(cls, record, name):
        raise CareerError(gettext('mons_hr_career.msg_workflow_field',
                field=cls.__names__(name)['field'],
                record=record.rec_name))
