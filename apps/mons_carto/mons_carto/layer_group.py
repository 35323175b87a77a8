# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"Groups whose users may see an internal layer"
from trytond.model import ModelSQL, fields


class LayerGroup(ModelSQL):
    __name__ = 'carto.layer-res.group'

    layer = fields.Many2One('carto.layer', "Layer", required=True,
        ondelete='CASCADE')
    group = fields.Many2One('res.group', "Group", required=True,
        ondelete='CASCADE')
