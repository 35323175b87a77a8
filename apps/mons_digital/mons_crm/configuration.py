"Settings of the contacts module."
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __name__ = 'mons.crm.configuration'

    retention_years = fields.Integer("Retention (years)", required=True,
        help="Contacts unused for longer are flagged for review.")
    duplicate_threshold = fields.Integer("Duplicate Threshold",
        required=True,
        help="Minimal score (0-100) for a pair to be listed as duplicate.")
    send_batch_size = fields.Integer("Emails per Batch", required=True,
        help="Emails sent by one background task.")
    send_interval = fields.Integer("Seconds between Batches", required=True,
        help="Throttling of mass emails to respect the mail server limits.")
    bounce_limit = fields.Integer("Bounces before Stopping", required=True,
        help="An address that bounced this many times gets no more mass "
        "emails.")
    import_batch_size = fields.Integer("Import Batch Size", required=True,
        help="Rows imported by one background task.")
    background_rows = fields.Integer("Rows Checked at Once", required=True,
        help="Larger files are checked in the background.")

    @classmethod
    def default_retention_years(cls):
        return 5

    @classmethod
    def default_duplicate_threshold(cls):
        return 75

    @classmethod
    def default_send_batch_size(cls):
        return 50

    @classmethod
    def default_send_interval(cls):
        return 60

    @classmethod
    def default_bounce_limit(cls):
        return 3

    @classmethod
    def default_import_batch_size(cls):
        return 2000

    @classmethod
    def default_background_rows(cls):
        return 2000
