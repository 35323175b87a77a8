"""What the daily computation of attendance days remembers per
organisation: the last day it computed, so that a missed run is caught up
(every day since, not only yesterday and today)."""
from trytond.model import fields
from trytond.pool import PoolMeta


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    hr_time_computed_until = fields.Date(
        "Attendance Days Computed until", readonly=True)
