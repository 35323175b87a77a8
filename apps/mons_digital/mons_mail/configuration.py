"Mail settings: numbering, delays, attachment limits and the scanner folder."
import os

from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import (
    Exclude, ModelSingleton, ModelSQL, ModelView, fields)
from trytond.pool import Pool
from trytond.pyson import Id
from trytond.transaction import Transaction

from .exceptions import MailValidationError


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __name__ = 'mail.configuration'

    incoming_sequence = fields.Many2One(
        'ir.sequence.strict', "Incoming Sequence", required=True,
        domain=[('sequence_type', '=',
                Id('mons_mail', 'sequence_type_mail_item'))],
        help="Model of the yearly numbering of incoming mail: a new "
        "sequence is started from it each year; ${date_Y} in its prefix "
        "is replaced by the year.")
    outgoing_sequence = fields.Many2One(
        'ir.sequence.strict', "Outgoing Sequence", required=True,
        domain=[('sequence_type', '=',
                Id('mons_mail', 'sequence_type_mail_item'))],
        help="Model of the yearly numbering of outgoing mail.")
    default_delay = fields.Integer("Default Delay", required=True,
        help="Treatment delay in working days when the mail type has none.")
    reminder_days = fields.Integer("Reminder Days", required=True,
        help="Working days before the due date when a reminder is sent "
        "and the item counts as due soon.")
    max_attachment_size = fields.Integer("Maximum Scan Size", required=True,
        help="In megabytes.")
    drop_folder = fields.Char("Scanner Drop Folder",
        help="Folder on the server where scanners drop PDF files; "
        "processed files are moved to its sub-folders done/ and review/.")

    @classmethod
    def default_incoming_sequence(cls):
        return cls._default_sequence('sequence_mail_incoming')

    @classmethod
    def default_outgoing_sequence(cls):
        return cls._default_sequence('sequence_mail_outgoing')

    @staticmethod
    def _default_sequence(xml_id):
        try:
            return Pool().get('ir.model.data').get_id('mons_mail', xml_id)
        except KeyError:
            return None

    @staticmethod
    def default_default_delay():
        return 15

    @staticmethod
    def default_reminder_days():
        return 3

    @staticmethod
    def default_max_attachment_size():
        return 20

    @classmethod
    def validate_fields(cls, configurations, field_names):
        super().validate_fields(configurations, field_names)
        if field_names is None or 'drop_folder' in field_names:
            for configuration in configurations:
                folder = configuration.drop_folder
                if folder and not (os.path.isdir(folder)
                        and os.access(folder, os.R_OK | os.W_OK)):
                    raise MailValidationError(gettext(
                            'mons_mail.msg_drop_folder_missing',
                            folder=folder))


class YearSequence(ModelSQL):
    "One strict sequence per organisation, direction and year"
    __name__ = 'mail.sequence.year'

    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='CASCADE')
    direction = fields.Selection([
            ('incoming', "Incoming"),
            ('outgoing', "Outgoing"),
            ], "Direction", required=True)
    year = fields.Integer("Year", required=True)
    sequence = fields.Many2One('ir.sequence.strict', "Sequence",
        required=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('year_unique', Exclude(t, (t.company, Equal),
                    (t.direction, Equal), (t.year, Equal)),
                'mons_mail.msg_number_unique'),
            ]

    @classmethod
    def get_sequence(cls, company, direction, year):
        "Return the strict sequence of the year, creating it on first use"
        pool = Pool()
        Configuration = pool.get('mail.configuration')
        Sequence = pool.get('ir.sequence.strict')
        with Transaction().set_user(0), \
                Transaction().set_context(_check_access=False):
            records = cls.search([
                    ('company', '=', company.id),
                    ('direction', '=', direction),
                    ('year', '=', year),
                    ], limit=1)
            if records:
                return records[0].sequence
            # Serialise the creation so two desks starting a year at the
            # same time do not create two sequences
            cls.lock()
            records = cls.search([
                    ('company', '=', company.id),
                    ('direction', '=', direction),
                    ('year', '=', year),
                    ], limit=1)
            if records:
                return records[0].sequence
            config = Configuration(1)
            template = getattr(config, f'{direction}_sequence')
            sequence, = Sequence.create([{
                        'name': f'{template.name} {company.rec_name} {year}',
                        'sequence_type': template.sequence_type.id,
                        'prefix': template.prefix,
                        'suffix': template.suffix,
                        'padding': template.padding,
                        'number_increment': template.number_increment,
                        'company': company.id,
                        }])
            cls.create([{
                        'company': company.id,
                        'direction': direction,
                        'year': year,
                        'sequence': sequence.id,
                        }])
            return sequence
