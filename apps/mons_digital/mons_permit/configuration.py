# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"Permit settings: the numbering of the files."
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Id


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __name__ = 'permit.configuration'
    __string__ = "Permit Configuration"

    file_sequence = fields.Many2One('ir.sequence.strict', "File Sequence",
        required=True,
        domain=[('sequence_type', '=',
                Id('mons_permit', 'sequence_type_permit_file'))],
        help="Gives the reference of each file at its deposit, without "
        "gaps.")

    @classmethod
    def default_file_sequence(cls):
        try:
            return Pool().get('ir.model.data').get_id(
                'mons_permit', 'sequence_permit_file')
        except KeyError:
            return None

    def get_file_sequence(self):
        if self.file_sequence:
            return self.file_sequence
        Sequence = Pool().get('ir.sequence.strict')
        return Sequence(self.default_file_sequence())
