"""Settings of recruitment (retention of the applicants' data, the CV's
size) and the scheduled jobs that apply them."""
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import PoolMeta

RETENTION_MONTHS = 24
DRAFT_DAYS = 30
CV_MAX_MB = 5


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __string__ = "Recruitment Configuration"
    __name__ = 'hr.recruitment.configuration'

    retention_months = fields.Integer("Retention (months)", required=True,
        help="Months after the decision (or the withdrawal) after which "
        "the applicant's personal data are erased.")
    draft_days = fields.Integer("Unsent Applications Kept (days)",
        required=True,
        help="Days after which an application saved but never sent is "
        "deleted.")
    cv_max_size = fields.Integer("CV Size Limit (MB)", required=True,
        help="Largest CV file the portal accepts.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for name in ('retention_months', 'draft_days', 'cv_max_size'):
            getattr(cls, name).domain = [(name, '>', 0)]

    @staticmethod
    def default_retention_months():
        return RETENTION_MONTHS

    @staticmethod
    def default_draft_days():
        return DRAFT_DAYS

    @staticmethod
    def default_cv_max_size():
        return CV_MAX_MB

    def get_retention_months(self):
        return self.retention_months or RETENTION_MONTHS

    def get_draft_days(self):
        return self.draft_days or DRAFT_DAYS

    def get_cv_max_bytes(self):
        return (self.cv_max_size or CV_MAX_MB) * 2 ** 20


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('hr.applicant|purge_expired',
                    "Erase the Applicants' Data after Retention"),
                ('hr.job.opening|close_expired',
                    "Close the Job Openings past their Closing Date"),
                ])
