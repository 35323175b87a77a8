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
            ('datetime', "Date and Time"),
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
        for name in names:
            col = df[name].astype(str).str.strip()
            if self.cast_type in ('integer', 'number'):
                col = col.map(lambda v: plain_number(v,
                        integer=self.cast_type == 'integer'))
            elif self.cast_type in ('date', 'datetime'):
                col = col.map(lambda v: iso_moment(v, self.cast_type))
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


SPACES = ('\u202f', '\xa0', ' ', "'")
DAY_FIRST = ['%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y', '%d/%m/%y']
DATE_FORMS = ['%Y-%m-%d'] + DAY_FIRST
TIME_FORMS = ['%H:%M:%S', '%H:%M', '%Hh%M', '%Hh']


def plain_number(value, integer=False):
    """A number as programs read it: 1.234,56 -> 1234.56, 1 234 -> 1234,
    1,234.56 -> 1234.56; the value as given when it is no number.
    A lone mark is the decimal one (12,5 and 12.5), except in an integer
    where it stands before three digits (1.234)."""
    import re
    text = value
    for space in SPACES:
        text = text.replace(space, '')
    sign = ''
    if text and text[0] in '+-':
        sign, text = text[0], text[1:]
    if not re.fullmatch(r'[0-9.,]*[0-9][0-9.,]*', text):
        return value
    marks = [c for c in text if c in '.,']
    if not marks:
        return sign + text
    if len(set(marks)) == 2:
        # the last of the two marks the decimals
        decimal = marks[-1]
        if marks.count(decimal) > 1:
            return value
    elif len(marks) > 1:
        decimal = None
    elif integer and re.fullmatch(r'\d{1,3}[.,]\d{3}', text):
        decimal = None
    else:
        decimal = marks[0]
    whole, _, fraction = (text.partition(decimal) if decimal
        else (text, '', ''))
    group = re.sub(r'\d', '', whole)
    if group and not re.fullmatch(r'\d{1,3}(%s\d{3})+' % re.escape(
                group[0]), whole):
        return value
    whole = re.sub(r'[.,]', '', whole)
    if integer:
        if fraction.strip('0'):
            return value
        return sign + whole
    return sign + whole + ('.' + fraction if fraction else '')


def iso_moment(value, type_):
    """A date (or date and time) as ISO 8601, read in the forms written in
    Belgium (03/12/2026, 03/12/2026 14:30) and as spreadsheets give them
    (2026-12-03 00:00:00); the value as given when it is none of them"""
    import datetime as dt
    text = value.strip().replace('T', ' ')
    if text.endswith('Z'):
        text = text[:-1]
    day, _, hour = text.partition(' ')
    for form in DATE_FORMS:
        try:
            date = dt.datetime.strptime(day, form).date()
            break
        except ValueError:
            continue
    else:
        return value
    at = dt.time()
    if hour.strip():
        for form in TIME_FORMS:
            try:
                at = dt.datetime.strptime(hour.strip().split('.')[0],
                    form).time()
                break
            except ValueError:
                continue
        else:
            return value
    if type_ == 'date':
        if at != dt.time():
            # an hour would be lost: the value stays for the check to tell
            return value
        return date.isoformat()
    return dt.datetime.combine(date, at).isoformat(timespec='seconds')
