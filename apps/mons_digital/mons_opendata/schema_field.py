"""The Table Schema of a dataset as lines a steward edits in the desk.

The JSON Table Schema (Dataset.schema) stays the stored and exported form:
the lines are rebuilt from it when it is written (REST, a guess from the
file), and it is rebuilt from the lines when they change. What the lines do
not show (constraints other than required, decimal and group characters,
true and false values) is kept on each line, and the schema's own keys
(primaryKey, missingValues) are kept on the dataset.
"""
import json

from trytond.model import (
    ModelSQL, ModelView, Unique, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.transaction import Transaction

# Context key of the two rebuilds, so that neither starts the other again.
# REST and the desk drop '_' keys: a client cannot set it.
SYNC = '_mons_opendata_schema_sync'

FIELD_TYPES = [
    ('string', "Text"),
    ('integer', "Integer"),
    ('number', "Number"),
    ('boolean', "Boolean"),
    ('date', "Date"),
    ('datetime', "Date and Time"),
    ('time', "Time"),
    ('year', "Year"),
    ('geopoint', "Geographic Point"),
    ('any', "Any"),
    ]
# the keys a line shows; the others of a field are kept in 'extra'
SHOWN = {'name', 'title', 'type', 'format', 'description'}


class SchemaField(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'opendata.schema.field'
    dataset = fields.Many2One('opendata.dataset', "Dataset", required=True,
        ondelete='CASCADE')
    name = fields.Char("Name", required=True,
        help="The column's name in the collected file, after the steps.")
    title = fields.Char("Title",
        help="The column's name as readers see it.")
    type = fields.Selection(FIELD_TYPES, "Type", required=True)
    format = fields.Char("Format",
        help="Dates: e.g. %d/%m/%Y for 03/12/2026 (ISO 8601 when empty). "
        "Numbers: the decimal comma is kept under Other Properties.")
    required = fields.Boolean("Required")
    description = fields.Char("Description")
    extra = fields.Text("Other Properties",
        help="Other Table Schema properties of the field (JSON), e.g. "
        "decimalChar, groupChar, constraints.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('dataset_name_unique', Unique(t, t.dataset, t.name),
                'mons_opendata.msg_schema_field_unique'),
            ]

    @staticmethod
    def default_type():
        return 'string'

    @staticmethod
    def default_required():
        return False

    # -- between lines and JSON
    @property
    def descriptor(self):
        "The Table Schema field of the line"
        field = {'name': self.name, 'type': self.type or 'string'}
        try:
            extra = json.loads(self.extra) if self.extra else {}
        except ValueError:
            extra = {}
        if not isinstance(extra, dict):
            extra = {}
        for key, value in extra.items():
            if key not in SHOWN:
                field[key] = value
        if self.title:
            field['title'] = self.title
        if self.description:
            field['description'] = self.description
        if self.format and self.format != 'default':
            field['format'] = self.format
        constraints = dict(field.get('constraints') or {})
        constraints.pop('required', None)
        if self.required:
            constraints['required'] = True
        if constraints:
            field['constraints'] = constraints
        else:
            field.pop('constraints', None)
        return field

    @staticmethod
    def values_of(descriptor, sequence):
        "The values of a line for a Table Schema field"
        constraints = dict(descriptor.get('constraints') or {})
        required = bool(constraints.pop('required', False))
        extra = {k: v for k, v in descriptor.items()
            if k not in SHOWN and k != 'constraints'}
        if constraints:
            extra['constraints'] = constraints
        return {
            'sequence': sequence,
            'name': descriptor.get('name'),
            'title': descriptor.get('title'),
            'type': descriptor.get('type') or 'string',
            'format': descriptor.get('format'),
            'required': required,
            'description': descriptor.get('description'),
            'extra': json.dumps(extra, ensure_ascii=False) if extra else None,
            }

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        cls._rebuild([r.dataset for r in records])
        return records

    @classmethod
    def write(cls, *args):
        super().write(*args)
        actions = iter(args)
        cls._rebuild([r.dataset for records, _ in zip(actions, actions)
                for r in records])

    @classmethod
    def delete(cls, records):
        datasets = [r.dataset for r in records]
        super().delete(records)
        cls._rebuild(datasets)

    @classmethod
    def _rebuild(cls, datasets):
        "Write the datasets' JSON schema from their lines"
        if Transaction().context.get(SYNC):
            return
        Dataset = Pool().get('opendata.dataset')
        datasets = Dataset.browse(list({d.id for d in datasets}))
        to_write = []
        for dataset in datasets:
            schema = dict(dataset.table_schema)
            schema['fields'] = [l.descriptor for l in cls.search([
                        ('dataset', '=', dataset.id),
                        ])]
            if not schema['fields']:
                text = None
            else:
                names = {f['name'] for f in schema['fields']}
                if [k for k in schema.get('primaryKey') or []
                        if k not in names]:
                    schema.pop('primaryKey')
                text = json.dumps(schema, ensure_ascii=False, indent=1)
            if text != dataset.schema:
                to_write.extend([[dataset], {'schema': text}])
        if to_write:
            with Transaction().set_context(**{SYNC: True}):
                Dataset.write(*to_write)


def sync_lines(datasets):
    "Rebuild the lines of the datasets from their JSON schema"
    pool = Pool()
    SchemaField = pool.get('opendata.schema.field')
    with Transaction().set_context(**{SYNC: True}):
        # the search sees every line of the datasets, whoever asks
        SchemaField.delete(SchemaField.search([
                    ('dataset', 'in', [d.id for d in datasets]),
                    ]))
        vlist = []
        for dataset in datasets:
            schema = dataset.table_schema
            for i, field in enumerate(schema.get('fields') or [], 1):
                if isinstance(field, dict):
                    vlist.append({'dataset': dataset.id,
                            **SchemaField.values_of(field, i)})
        if vlist:
            SchemaField.create(vlist)
