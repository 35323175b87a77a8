# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"Classes of a layer's style: a colour per value of a property"
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered

from .exceptions import LayerValidationError
from .names import COLOUR_RE


class LayerClass(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'carto.layer.class'

    layer = fields.Many2One('carto.layer', "Layer", required=True,
        ondelete='CASCADE')
    value = fields.Char("Value", required=True,
        help="Value of the classification field.")
    label = fields.Char("Label", translate=True)
    colour = fields.Char("Colour", required=True)

    @classmethod
    def validate_fields(cls, classes, field_names):
        super().validate_fields(classes, field_names)
        for class_ in classes:
            if not COLOUR_RE.match(class_.colour or ''):
                raise LayerValidationError(gettext(
                        'mons_carto.msg_layer_colour_invalid',
                        colour=class_.colour, layer=class_.layer.rec_name))
