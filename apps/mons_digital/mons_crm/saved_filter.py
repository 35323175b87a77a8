"""Saved filters of lists: a reader configured by a user.

A filter is evaluated with the rights of its responsible user (the one who
last defined it), never as root, and may only walk through the models of the
directory: a path such as ``create_uid.applications.key`` would otherwise
search the users' REST keys one character at a time.
"""
import json

from trytond.model import fields
from trytond.pool import Pool

# Models a saved filter may reach from a contact; everything else (users and
# their keys, sessions, ir.*, web users...) is never offered
MODELS = {
    'party.party', 'party.address', 'party.contact_mechanism',
    'party.category', 'party.relation', 'party.relation.all',
    'party.relation.type', 'party.party-party.category',
    'party.party-mons.service', 'mons.section', 'mons.service',
    'country.country', 'country.subdivision',
    }
OPERATORS = {
    '=', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'like', 'not like',
    'ilike', 'not ilike', 'child_of', 'not child_of', 'parent_of',
    'not parent_of', 'where', 'not where',
    }
# Fields of the directory models that are not about the contact
HIDDEN_FIELDS = {'create_uid', 'write_uid'}


class FilterRefused(Exception):
    "The domain is not a filter of contacts"

    def __init__(self, path):
        super().__init__(path)
        self.path = path


def parse(text):
    "The domain written as JSON in text, or FilterRefused"
    if not (text or '').strip():
        return []
    try:
        domain = json.loads(text)
    except ValueError as exception:
        raise FilterRefused(text.strip()[:60]) from exception
    if not isinstance(domain, list):
        raise FilterRefused(text.strip()[:60])
    check(domain, 'party.party')
    return domain


def _field(model_name, path):
    "The last field of path from model_name, checking each step"
    pool = Pool()
    Model = pool.get(model_name)
    field = None
    for name in path.split('.'):
        if (model_name not in MODELS or not name or name.startswith('_')
                or name in HIDDEN_FIELDS or name not in Model._fields):
            raise FilterRefused(path)
        field = Model._fields[name]
        if isinstance(field, fields.Function) and not field.searcher:
            raise FilterRefused(path)
        if field._type == 'reference':
            raise FilterRefused(path)
        target = getattr(field, 'get_target', None)
        if target is not None:
            Model = target()
            model_name = Model.__name__
            if model_name not in MODELS:
                raise FilterRefused(path)
        else:
            Model = model_name = None
    return field, model_name


def check(domain, model_name):
    "Raise FilterRefused naming the first path out of the directory"
    if model_name not in MODELS:
        raise FilterRefused(model_name)
    for clause in domain:
        if clause in ('AND', 'OR'):
            continue
        if not isinstance(clause, (list, tuple)) or not clause:
            raise FilterRefused(json.dumps(clause)[:60])
        if not isinstance(clause[0], str):
            check(clause, model_name)
            continue
        if len(clause) not in {3, 4} or clause[1] not in OPERATORS:
            raise FilterRefused(json.dumps(clause)[:60])
        path = clause[0]
        field, target = _field(model_name, path)
        if len(clause) == 4:
            # A model named in the clause (reference) is never followed
            raise FilterRefused(path)
        if clause[1] in {'where', 'not where'}:
            if target is None or not isinstance(clause[2], list):
                raise FilterRefused(path)
            check(clause[2], target)
