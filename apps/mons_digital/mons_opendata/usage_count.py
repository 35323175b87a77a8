"""Which datasets a request served, counted once it has answered.

The open-data routes find a dataset through one door (api.find_dataset,
ckan._get_resource): the door notes it here, and the route counts, once it
has answered successfully, one API call per dataset it named, or one
download for a dataset whose file it sent (Usage.record during the
request). Every route of every API is counted the same way, with one
upsert per dataset and request.
"""
import contextlib
import contextvars

_served = contextvars.ContextVar('mons_opendata_served', default=None)


@contextlib.contextmanager
def serving():
    "Note the datasets the request names while the block runs"
    token = _served.set({})
    try:
        yield
    finally:
        _served.reset(token)


def served(dataset):
    "The request names the dataset (found under the caller's rights)"
    if dataset is not None and dataset.id is not None:
        mark(dataset.id, 'api')


def mark(dataset_id, kind):
    """Count kind for the dataset at the end of the request; False outside
    a request that counts"""
    hits = _served.get()
    if hits is None:
        return False
    if hits.get(dataset_id) != 'download':
        hits[dataset_id] = kind
    return True


def count(pool):
    "Count what the request served: one line per dataset"
    Usage = pool.get('opendata.usage')
    hits = _served.get() or {}
    _served.set({})
    for dataset_id, kind in sorted(hits.items()):
        Usage.write_hit(dataset_id, kind)
