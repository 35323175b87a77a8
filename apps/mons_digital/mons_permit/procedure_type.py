# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Procedure types (CoDT urbanism, environment, notices): the steps a file
goes through and the legal deadlines, as figures the urbanism
administration adjusts; the shipped values are the legal defaults."""
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, sequence_ordered)
from trytond.pyson import Eval


class ProcedureType(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'permit.procedure_type'
    __string__ = "Procedure Type"

    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection([
            ('urbanism', "Urbanism"),
            ('environment', "Environment"),
            ('other', "Other"),
            ], "Kind", required=True)
    description = fields.Text("Description", translate=True)
    online = fields.Boolean("Online Application",
        help="Citizens may start this procedure on the portal.")
    completeness_days = fields.Integer("Completeness Days", required=True,
        help="Days after the deposit within which completeness is checked.")
    decision_days = fields.Integer("Decision Days", required=True,
        help="Days from the completeness date to the decision when the file "
        "needs neither opinion nor inquiry.")
    decision_days_opinions = fields.Integer(
        "Decision Days with Opinions", required=True,
        help="Days from the completeness date when opinions are requested "
        "or an inquiry or announcement is held.")
    decision_days_official = fields.Integer(
        "Decision Days with Regional Official", required=True,
        help="Days from the completeness date when the regional official's "
        "opinion is required.")
    prorogation_days = fields.Integer("Prorogation Days", required=True,
        help="Days added by the one prorogation the law allows.")
    requires_inquiry = fields.Selection([
            ('none', "None"),
            ('announcement', "Announcement"),
            ('inquiry', "Public Inquiry"),
            ], "Inquiry", required=True)
    inquiry_days = fields.Integer("Inquiry Days",
        states={'invisible': Eval('requires_inquiry') == 'none'},
        help="Length of the inquiry or announcement in days (15 or 30).")
    inquiry_radius = fields.Integer("Inquiry Radius",
        states={'invisible': Eval('requires_inquiry') == 'none'},
        help="Distance in metres from the parcels within which owners are "
        "notified (50 m, 200 m with an impact study).")
    requires_opinions = fields.Boolean("Requires Opinions")
    requires_architect = fields.Boolean("Requires an Architect")
    opinion_days = fields.Integer("Opinion Days", required=True,
        help="Days a consulted body has to answer.")
    appeal_days = fields.Integer("Appeal Days", required=True,
        help="Days after the notification during which an appeal may be "
        "lodged.")
    reminder_days = fields.Integer("Reminder Days", required=True,
        help="Days before each deadline when the officer is reminded.")
    documents = fields.One2Many('permit.procedure_type.document',
        'procedure_type', "Required Documents")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'mons_permit.msg_procedure_type_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @staticmethod
    def default_kind():
        return 'urbanism'

    @staticmethod
    def default_completeness_days():
        return 20

    @staticmethod
    def default_decision_days():
        return 30

    @staticmethod
    def default_decision_days_opinions():
        return 75

    @staticmethod
    def default_decision_days_official():
        return 115

    @staticmethod
    def default_prorogation_days():
        return 30

    @staticmethod
    def default_requires_inquiry():
        return 'none'

    @staticmethod
    def default_inquiry_days():
        return 15

    @staticmethod
    def default_inquiry_radius():
        return 50

    @staticmethod
    def default_opinion_days():
        return 30

    @staticmethod
    def default_appeal_days():
        return 30

    @staticmethod
    def default_reminder_days():
        return 5

    def get_rec_name(self, name):
        return f'{self.code} - {self.name}'

    @classmethod
    def copy(cls, types, default=None):
        "A copy is a new procedure to adjust: its code must differ"
        default = dict(default or {})
        if 'code' not in default:
            result = []
            for type_ in types:
                suffix, n = '_COPIE', 1
                while cls.search([('code', '=', type_.code + suffix)],
                        limit=1):
                    n += 1
                    suffix = f'_COPIE{n}'
                result.extend(super().copy([type_], default=dict(default,
                            code=type_.code + suffix)))
            return result
        return super().copy(types, default=default)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]


class ProcedureTypeDocument(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'permit.procedure_type.document'
    __string__ = "Required Document"

    procedure_type = fields.Many2One('permit.procedure_type',
        "Procedure Type", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True, translate=True)
    description = fields.Text("Description", translate=True)
    mandatory = fields.Boolean("Mandatory",
        help="The application cannot be deposited without it.")

    @staticmethod
    def default_mandatory():
        return True
