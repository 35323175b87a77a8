"Dictionary of competencies with their level descriptors."
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, sequence_ordered)


class Competency(DeactivableMixin, ModelSQL, ModelView):
    """A competency of the dictionary (technical or behavioural) with its
    level descriptors."""
    __string__ = "Competency"
    __name__ = 'hr.competency'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True, strip=True)
    kind = fields.Selection([
            ('technical', "Technical"),
            ('behavioural', "Behavioural"),
            ], "Kind", required=True)
    description = fields.Text("Description", translate=True)
    levels = fields.One2Many('hr.competency.level', 'competency', "Levels",
        help="Descriptors of the levels, from the lowest to the highest.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'mons_hr_career.msg_competency_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_kind():
        return 'technical'


class CompetencyLevel(sequence_ordered(), ModelSQL, ModelView):
    """A level of a competency: its rank and what an agent at that level
    shows."""
    __string__ = "Competency Level"
    __name__ = 'hr.competency.level'

    competency = fields.Many2One('hr.competency', "Competency",
        required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True, translate=True)
    description = fields.Text("Description", translate=True,
        help="What an agent at this level shows in their work.")
    rank = fields.Function(fields.Integer("Rank",
            help="Position of the level in its competency, from 1."),
        'get_rank')

    def get_rank(self, name):
        levels = list(self.competency.levels)
        return levels.index(self) + 1 if self in levels else None

    def get_rec_name(self, name):
        return f'{self.competency.rec_name} — {self.name}'
