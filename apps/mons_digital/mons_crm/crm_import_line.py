"Columns and report lines of a contact import."
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered

from .crm_import_row import TARGETS


class ImportColumn(sequence_ordered(), ModelSQL, ModelView):
    "Column of an imported file"
    __name__ = 'mons.crm.import.column'

    import_ = fields.Many2One('mons.crm.import', "Import", required=True,
        ondelete='CASCADE', readonly=True)
    index = fields.Integer("Index", readonly=True)
    header = fields.Char("Header", readonly=True)
    sample = fields.Char("Sample", readonly=True)
    field = fields.Selection(TARGETS, "Field")


class ImportLine(ModelSQL, ModelView):
    "Row of an imported file with a problem"
    __name__ = 'mons.crm.import.line'

    import_ = fields.Many2One('mons.crm.import', "Import", required=True,
        ondelete='CASCADE', readonly=True)
    line = fields.Integer("Line", readonly=True)
    status = fields.Selection([
            ('invalid', "Invalid"),
            ('remark', "Imported with a Remark"),
            ('duplicate_file', "Duplicate in the File"),
            ('duplicate_directory', "Already in the Directory"),
            ], "Status", readonly=True)
    messages = fields.Text("Messages", readonly=True)
    party = fields.Many2One('party.party', "Existing Contact",
        ondelete='SET NULL', readonly=True)
    score = fields.Float("Score", digits=(3, 1), readonly=True)
    summary = fields.Char("Values", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('line', 'ASC'), ('id', 'ASC')]
