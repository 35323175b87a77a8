# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Granted permits as published: the public view of the permit files.

``permit.publication`` is a read-only SQL view of the granted files with
only what the public may know (reference, type, address or section,
decision date, object and a position), never the applicant, the officer
or any other personal field. The public group reads this view and nothing
of ``permit.file``: the open-data dataset (a model source) and the public
map layer (a layer on a model) read it with their owners' rights, and the
anonymous visitor reads it through them.

It is always current (a view); the open-data dataset is collected again
by its scheduled refresh and at once when a file is granted (ir.trigger
on permit.file calling ``refresh_open_data``).
"""
from sql import Literal

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

# A permit is published once its grant is notified (the decision is then
# final for the city), and stays published
PUBLISHED_STATES = ('notified', 'appeal', 'closed')
TRIGGER_ACTION = 'permit.publication|refresh_open_data'

# What the dataset and the layer publish, in this order
PUBLISHED_FIELDS = ['reference', 'procedure_code', 'procedure_name',
    'address', 'section_name', 'decision_date', 'object', 'longitude',
    'latitude']


class Publication(ModelSQL, ModelView):
    __name__ = 'permit.publication'
    __string__ = "Published Permit"
    _rec_name = 'reference'

    reference = fields.Char("Reference", readonly=True)
    procedure_code = fields.Char("Procedure Code", readonly=True)
    procedure_name = fields.Char("Procedure", readonly=True)
    address = fields.Char("Address", readonly=True)
    section_name = fields.Char("Section", readonly=True)
    decision_date = fields.Date("Decision Date", readonly=True)
    object = fields.Char("Object", readonly=True)
    longitude = fields.Float("Longitude", digits=(3, 6), readonly=True)
    latitude = fields.Float("Latitude", digits=(3, 6), readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('decision_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        File = pool.get('permit.file')
        Type = pool.get('permit.procedure_type')
        Section = pool.get('mons.section')
        file = File.__table__()
        type_ = Type.__table__()
        section = Section.__table__()
        # The position published is the centre of the file's section
        # (never an applicant's address)
        return file.join(type_, condition=file.procedure_type == type_.id
            ).join(section, 'LEFT', condition=file.section == section.id
            ).select(
                file.id.as_('id'),
                Literal(0).as_('create_uid'),
                file.create_date.as_('create_date'),
                Literal(None).as_('write_uid'),
                Literal(None).as_('write_date'),
                file.reference.as_('reference'),
                type_.code.as_('procedure_code'),
                type_.name.as_('procedure_name'),
                file.address.as_('address'),
                section.name.as_('section_name'),
                file.decision_date.as_('decision_date'),
                file.object.as_('object'),
                section.longitude.as_('longitude'),
                section.latitude.as_('latitude'),
                where=file.state.in_(PUBLISHED_STATES)
                & (file.decision == 'granted'))

    @classmethod
    def refresh_open_data(cls, files, trigger=None):
        """Collect again the datasets published from this view (trigger on
        a file granted): the run reads as each source's owner"""
        pool = Pool()
        try:
            Source = pool.get('opendata.source')
            Dataset = pool.get('opendata.dataset')
        except KeyError:
            # Open data is not activated: nothing to refresh
            return []
        # Which datasets read this view is the suite's configuration, not
        # data read for the officer who granted the permit
        with without_check_access():
            sources = Source.search([
                    ('kind', '=', 'model'),
                    ('model.name', '=', cls.__name__),
                    ('active', '=', True),
                    ])
            datasets = Dataset.browse({s.dataset.id for s in sources})
            if datasets:
                with Transaction().set_context(queue_name='opendata'):
                    Dataset.__queue__.collect(datasets, 'cron')
        return datasets


class Trigger(metaclass=PoolMeta):
    __name__ = 'ir.trigger'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.action.selection.append(
            (TRIGGER_ACTION, "Refresh the open data of granted permits"))
