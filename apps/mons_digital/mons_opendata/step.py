"Cleaning steps applied in order to the frame collected from the sources."
import hashlib
import json

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered
from trytond.pool import Pool
from trytond.pyson import Eval

from .exceptions import SourceError


class Step(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'opendata.step'
    dataset = fields.Many2One('opendata.dataset', "Dataset", required=True,
        ondelete='CASCADE')
    kind = fields.Selection([
            ('rename', "Rename"),
            ('trim', "Trim Spaces"),
            ('cast', "Normalise Type"),
            ('map', "Map Values"),
            ('drop', "Drop Columns"),
            ('pseudonymise', "Pseudonymise"),
            ('aggregate', "Aggregate (Count)"),
            ('lambert', "Lambert to WGS84"),
            ], "Kind", required=True)
    fields_ = fields.Char("Fields", required=True,
        help="Comma separated field names; for Lambert: x,y.")
    new_name = fields.Char("Output",
        states={'invisible': ~Eval('kind').in_(
                ['rename', 'aggregate', 'lambert'])},
        help="Rename: new name. Aggregate: name of the count column. "
        "Lambert: longitude,latitude.")
    cast_type = fields.Selection([
            (None, ""),
            ('integer', "Integer"),
            ('number', "Number"),
            ('date', "Date"),
            ('boolean', "Boolean"),
            ], "Type", states={'invisible': Eval('kind') != 'cast'})
    mapping = fields.Text("Mapping",
        states={'invisible': Eval('kind') != 'map'},
        help="JSON object: {\"old value\": \"new value\"}.")
    crs = fields.Selection([
            (None, ""),
            ('31370', "Belgian Lambert 72 (EPSG:31370)"),
            ('3812', "Belgian Lambert 2008 (EPSG:3812)"),
            ], "Coordinate System",
        states={'invisible': Eval('kind') != 'lambert'})

    @property
    def field_list(self):
        return [f.strip() for f in (self.fields_ or '').split(',')
            if f.strip()]

    @property
    def group_list(self):
        return self.field_list if self.kind == 'aggregate' else []

    @staticmethod
    def default_crs():
        return '31370'

    def get_rec_name(self, name):
        return '%s: %s' % (self.kind, self.fields_)

    @classmethod
    def create(cls, vlist):
        steps = super().create(vlist)
        Pool().get('opendata.dataset').sub_records_changed(
            [s.dataset for s in steps], 'steps')
        return steps

    @classmethod
    def write(cls, *args):
        super().write(*args)
        actions = iter(args)
        datasets = [s.dataset for steps, _ in zip(actions, actions)
            for s in steps]
        Pool().get('opendata.dataset').sub_records_changed(datasets, 'steps')

    @classmethod
    def delete(cls, steps):
        datasets = [s.dataset for s in steps]
        super().delete(steps)
        Pool().get('opendata.dataset').sub_records_changed(datasets, 'steps')

    @classmethod
    def validate_fields(cls, steps, field_names):
        super().validate_fields(steps, field_names)
        for step in steps:
            if step.kind == 'map':
                try:
                    assert isinstance(json.loads(step.mapping or ''), dict)
                except (ValueError, AssertionError):
                    raise SourceError(gettext(
                            'mons_opendata.msg_step_mapping',
                            step=step.rec_name))
            if step.kind == 'lambert' and len(step.field_list) != 2:
                raise SourceError(gettext(
                        'mons_opendata.msg_step_lambert',
                        step=step.rec_name))

    def _check_columns(self, df, names):
        missing = [n for n in names if n not in df.columns]
        if missing:
            raise SourceError(gettext('mons_opendata.msg_step_missing',
                    step=self.rec_name, fields=', '.join(missing)))

    def apply(self, df):
        names = self.field_list
        if self.kind == 'trim' and names == ['*']:
            names = list(df.columns)
        self._check_columns(df, names)
        return getattr(self, 'apply_' + self.kind)(df, names)

    def apply_rename(self, df, names):
        new = [n.strip() for n in (self.new_name or '').split(',')]
        return df.rename(columns=dict(zip(names, new)))

    def apply_trim(self, df, names):
        if self.field_list == ['*']:
            df = df.rename(columns=lambda c: str(c).strip())
            names = list(df.columns)
        for name in names:
            df[name] = df[name].astype(str).str.strip()
        return df

    def apply_map(self, df, names):
        mapping = json.loads(self.mapping)
        for name in names:
            df[name] = df[name].map(lambda v: mapping.get(v, v))
        return df

    def apply_drop(self, df, names):
        return df.drop(columns=names)

    def apply_pseudonymise(self, df, names):
        salt = (self.dataset.pseudonym_salt or '').encode()

        def hash_(value):
            if value in ('', None):
                return ''
            return hashlib.sha256(salt + str(value).encode()).hexdigest()[:16]
        for name in names:
            df[name] = df[name].map(hash_)
        return df

    def apply_aggregate(self, df, names):
        target = self.new_name or 'count'
        result = df.groupby(names, dropna=False).size().reset_index(
            name=target)
        result[target] = result[target].astype(str)
        return result

    def apply_cast(self, df, names):
        import pandas as pd
        for name in names:
            col = df[name].astype(str).str.strip()
            if self.cast_type in ('integer', 'number'):
                col = (col.str.replace('\u202f', '', regex=False)
                    .str.replace('\xa0', '', regex=False)
                    .str.replace(' ', '', regex=False)
                    .str.replace(',', '.', regex=False))
                if self.cast_type == 'integer':
                    col = col.str.replace(r'\.0+$', '', regex=True)
            elif self.cast_type == 'date':
                # ISO first, then Belgian day-first forms (01/03/2020)
                parsed = pd.to_datetime(col, errors='coerce',
                    format='%Y-%m-%d')
                for form in ['%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y', '%d/%m/%y']:
                    parsed = parsed.fillna(pd.to_datetime(col,
                            errors='coerce', format=form))
                col = parsed.dt.strftime('%Y-%m-%d').where(
                    parsed.notna(), col)
            elif self.cast_type == 'boolean':
                truth = {'oui': 'true', 'yes': 'true', '1': 'true',
                    'vrai': 'true', 'true': 'true', 'non': 'false',
                    'no': 'false', '0': 'false', 'faux': 'false',
                    'false': 'false'}
                col = col.map(lambda v: truth.get(v.lower(), v))
            df[name] = col
        return df

    def apply_lambert(self, df, names):
        import pandas as pd
        from pyproj import Transformer
        x_name, y_name = names
        lon, lat = ([n.strip() for n in (self.new_name or '').split(',')]
            + ['longitude', 'latitude'])[:2] if self.new_name else (
            'longitude', 'latitude')
        # always_xy: easting/northing in, longitude/latitude out
        transformer = Transformer.from_crs(
            'EPSG:%s' % (self.crs or '31370'), 'EPSG:4326', always_xy=True)
        x = pd.to_numeric(df[x_name].astype(str).str.replace(',', '.'),
            errors='coerce')
        y = pd.to_numeric(df[y_name].astype(str).str.replace(',', '.'),
            errors='coerce')
        lons, lats = transformer.transform(x.to_numpy(), y.to_numpy())
        df[lon] = [('%.6f' % v) if v == v and abs(v) != float('inf')
            else '' for v in lons]
        df[lat] = [('%.6f' % v) if v == v and abs(v) != float('inf')
            else '' for v in lats]
        return df
