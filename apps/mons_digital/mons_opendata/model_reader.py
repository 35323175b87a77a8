"""Suite records as a source: read as the source's responsible user.

A model source is configured by a user and collected later by the worker;
it reads with its owner's rights (model access, field access, record
rules), never root's. Models that hold secrets or the framework's own
records (users, groups, keys, sessions, ir.*, web users…) are never
offered nor read, directly or through a dotted path or a domain.
"""
from trytond.model import ModelStorage, fields
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder

from trytond.modules.mons_base.caller import acting_as

# prefixes and names of models that hold secrets or framework internals
FORBIDDEN_PREFIXES = ('ir.', 'res.', 'web.user', 'marketing.email.subscr')
FORBIDDEN_MODELS = {'opendata.source', 'user.application'}

MODEL_DOMAIN = [
    ('name', 'not like', 'ir.%'),
    ('name', 'not like', 'res.%'),
    ('name', 'not like', 'web.user%'),
    ('name', 'not like', 'marketing.email.subscr%'),
    ('name', 'not in', sorted(FORBIDDEN_MODELS)),
    ]


def forbidden(model_name):
    return (model_name.startswith(FORBIDDEN_PREFIXES)
        or model_name in FORBIDDEN_MODELS)


class PathError(Exception):
    "A path or model a model source may not use"

    def __init__(self, path):
        super().__init__(path)
        self.path = path


def check_path(Model, path):
    """Check a dotted path of field names from Model: every model it goes
    through must be readable by model sources"""
    names = path.split('.')
    for i, name in enumerate(names):
        if name == 'rec_name' and i == len(names) - 1:
            return
        field = Model._fields.get(name)
        if field is None or isinstance(field, (fields.Reference,
                    fields.Dict, fields.Binary)):
            raise PathError(path)
        target = getattr(field, 'get_target', None)
        if isinstance(field, fields.Function):
            target = getattr(field._field, 'get_target', None)
        if target is None:
            if i != len(names) - 1:
                raise PathError(path)
            return
        Model = target()
        if forbidden(Model.__name__):
            raise PathError(path)


def check_domain(Model, domain):
    "Check the field paths of a domain, subdomains of 'where' included"
    if not isinstance(domain, (list, tuple)):
        raise PathError(repr(domain))
    if domain and isinstance(domain[0], str) and domain[0] in {'AND', 'OR'}:
        domain = domain[1:]
    if (len(domain) >= 3 and isinstance(domain[0], str)
            and isinstance(domain[1], str)):
        check_path(Model, domain[0])
        if domain[1] in {'where', 'not where'}:
            field = Model._fields[domain[0].split('.')[0]]
            check_domain(field.get_target(), domain[2])
        return
    for clause in domain:
        check_domain(Model, clause)


def check_source(model_name, paths, domain_text):
    "Raise PathError for a model, path or domain a source may not use"
    if forbidden(model_name):
        raise PathError(model_name)
    Model = Pool().get(model_name)
    for path in paths:
        check_path(Model, path)
    if domain_text:
        try:
            domain = PYSONDecoder({}).decode(domain_text)
        except Exception:
            raise PathError(domain_text)
        check_domain(Model, domain)


def _value(record, path):
    for name in path.split('.'):
        if record is None:
            return None
        record = getattr(record, name)
    if isinstance(record, ModelStorage):
        return record.rec_name
    if isinstance(record, (list, tuple)):
        return ', '.join(getattr(r, 'rec_name', str(r)) for r in record)
    return record


def read_rows(owner_id, model_name, paths, domain_text):
    """Rows of values of paths for the records of model_name matching the
    domain, as the owner sees them"""
    pool = Pool()
    check_source(model_name, paths, domain_text)
    Model = pool.get(model_name)
    domain = PYSONDecoder({}).decode(domain_text) if domain_text else []
    with acting_as(pool, owner_id):
        records = Model.search(domain, order=[('id', 'ASC')])
        return [[_value(r, p) for p in paths] for r in records]
