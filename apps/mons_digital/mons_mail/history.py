"History of a mail item: who did what, when, from which state and service."
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields

from .exceptions import MailAccessError
from .item import STATES


class History(ModelSQL, ModelView):
    "Mail item history"
    __name__ = 'mail.item.history'

    item = fields.Many2One('mail.item', "Mail Item", required=True,
        ondelete='CASCADE', readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    action = fields.Selection([
            ('register', "Registration"),
            ('assign', "Assign"),
            ('take', "Take in charge"),
            ('transfer', "Transfer"),
            ('return_to_office', "Return to the mail office"),
            ('answer', "Answered"),
            ('close', "Close"),
            ('reopen', "Reopen"),
            ('reply', "Reply"),
            ('due_date', "Due date"),
            ('agent', "Agent"),
            ('scan', "Scan"),
            ('label', "Pre-numbered Label"),
            ('letter', "Letter Kept"),
            ('validate', "Validation"),
            ('reminder', "Reminder"),
            ('confidential', "Confidentiality"),
            ('service', "Service in charge"),
            ('copies', "Services in copy"),
            ('import', "Imported from the old register"),
            ], "Action", readonly=True)
    from_state = fields.Selection(STATES, "From State", readonly=True)
    to_state = fields.Selection(STATES, "To State", readonly=True)
    from_service = fields.Many2One('mons.service', "From Service",
        readonly=True)
    to_service = fields.Many2One('mons.service', "To Service",
        readonly=True)
    old_value = fields.Char("From", readonly=True,
        help="Value before the change.")
    new_value = fields.Char("To", readonly=True,
        help="Value after the change.")
    comment = fields.Text("Comment", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('item')
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.item, Index.Equality())))

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        # The server writes the history (Item.add_history); nobody edits it
        if external:
            raise MailAccessError(gettext('mons_mail.msg_history_server_only'))

    @staticmethod
    def default_date():
        return dt.datetime.now()
