"""Records the daily computation writes (days, anomalies, overtime days):
it builds their values itself, so their field checks are skipped while it
runs; reading every new record back to check it cost more than computing
it. The database still enforces its constraints, and records written
otherwise are checked as usual."""
from trytond.transaction import Transaction

# Context key set by the computation (keys starting with '_' never come
# from a client)
COMPUTING = '_hr_time_computing'


class ComputedRecordMixin:
    __slots__ = ()

    @classmethod
    def _validate(cls, records, field_names=None):
        if Transaction().context.get(COMPUTING):
            return
        super()._validate(records, field_names=field_names)


# Records created per call: trytond checks the whole id list of a browse
# for each record it builds (quadratic), and create browses its new
# records twice
CREATE_SLICE = 50


def create_in_slices(Model, vlist, size=CREATE_SLICE):
    "Create vlist a slice at a time; the created records in order"
    records = []
    for i in range(0, len(vlist), size):
        records.extend(Model.create(vlist[i:i + size]))
    return records
