# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Values of a REST create (POST) or update (PUT) body, checked against the
model's fields before Tryton sees them.

Tryton trusts the values its desk client sends: a date written
"28/11/2026", a many2one given by name, an unknown field or a list in
place of an object reach the database layer and end in a 500. Each is a
400 here, naming the field (``field`` of the JSON answer).
"""
import datetime as dt
import decimal
import json

from trytond.model import fields
from trytond.protocols.jsonrpc import JSONDecoder
from trytond.transaction import Transaction

# The database integers
_MAX_INT = 2 ** 63 - 1
_READ_ONLY = {'id', 'create_uid', 'create_date', 'write_uid', 'write_date',
    'rec_name', '__name__'}
_X2MANY_ACTIONS = {'create', 'write', 'delete', 'add', 'remove', 'copy'}


class RefusedValue(Exception):
    "A value refused: message and field"

    def __init__(self, message, field=None, code=400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


def _parse_body(request):
    raw = request.get_data(cache=True)
    if not raw:
        raise RefusedValue("Le corps de la requête est requis : un objet "
            "JSON des valeurs des champs.")
    if 'json' not in request.environ.get('CONTENT_TYPE', ''):
        raise RefusedValue("Le corps de la requête doit être du JSON "
            "(en-tête « Content-Type: application/json »).", code=415)
    try:
        return json.loads(raw.decode('utf-8'), object_hook=JSONDecoder())
    except Exception:
        # the decoder's hook raises anything on a malformed tagged value
        raise RefusedValue("Le corps de la requête n'est pas du JSON "
            "valide.")


def check_body(request, pool, Model):
    "Raise rest_guard.JSONError when the body cannot be given to Tryton"
    from .rest_guard import JSONError
    try:
        data = _parse_body(request)
    except RefusedValue as error:
        raise JSONError(error.code, error.message)
    if not isinstance(data, dict):
        raise JSONError(400, "Le corps de la requête doit être un objet "
            "JSON des valeurs des champs (pas une liste ni une valeur "
            "seule).")
    try:
        # The targets of relation fields are known inside a transaction
        with Transaction(new=True).start(
                pool.database_name, 0, readonly=True):
            check_values(pool, Model, data)
    except RefusedValue as error:
        raise JSONError(400, error.message, field=error.field)


def check_values(pool, Model, values, prefix=''):
    for name, value in values.items():
        path = prefix + name
        field = Model._fields.get(name) if isinstance(name, str) else None
        if field is None:
            raise RefusedValue(f"Champ inconnu « {path} » pour « "
                f"{Model.__name__} ».", path)
        if name in _READ_ONLY or (isinstance(field, fields.Function)
                and not field.setter):
            raise RefusedValue(f"Le champ « {path} » est calculé ou tenu par "
                "le serveur : il ne s'écrit pas.", path)
        _check_value(pool, field, value, path)


def _fail(path, expected):
    raise RefusedValue(f"Valeur invalide pour le champ « {path} » : "
        f"{expected} attendu.", path)


def _is_int(value):
    return (isinstance(value, int) and not isinstance(value, bool)
        and -_MAX_INT <= value <= _MAX_INT)


def _iso(parse, value):
    try:
        parse(value)
    except (ValueError, TypeError):
        return False
    return True


def _check_value(pool, field, value, path):
    type_ = field._type
    if value is None:
        return
    if type_ in {'char', 'text', 'fulltext', 'html', 'color'}:
        if not isinstance(value, str):
            _fail(path, "un texte")
        if '\x00' in value:
            _fail(path, "un texte sans caractère nul")
    elif type_ == 'selection':
        if not isinstance(value, str):
            _fail(path, "une des valeurs de la liste (texte)")
    elif type_ == 'multiselection':
        if not (isinstance(value, (list, tuple))
                and all(isinstance(v, str) for v in value)):
            _fail(path, "une liste de valeurs (textes)")
    elif type_ == 'boolean':
        if not isinstance(value, bool):
            _fail(path, "true ou false")
    elif type_ in {'integer', 'biginteger'}:
        if not _is_int(value):
            _fail(path, "un nombre entier")
    elif type_ == 'float':
        if not (_is_int(value) or isinstance(value, float)) or (
                isinstance(value, float) and value != value):
            _fail(path, "un nombre")
    elif type_ == 'numeric':
        if isinstance(value, decimal.Decimal):
            if not value.is_finite():
                _fail(path, "un nombre")
        elif not (_is_int(value) or isinstance(value, float)):
            _fail(path, "un nombre")
    elif type_ == 'date':
        if isinstance(value, str):
            if not _iso(dt.date.fromisoformat, value) or len(value) != 10:
                _fail(path, "une date AAAA-MM-JJ")
        elif not isinstance(value, dt.date) or isinstance(
                value, dt.datetime):
            _fail(path, "une date AAAA-MM-JJ")
    elif type_ in {'datetime', 'timestamp'}:
        if isinstance(value, str):
            if not _iso(dt.datetime.fromisoformat, value):
                _fail(path, "une date et heure AAAA-MM-JJTHH:MM:SS")
        elif not isinstance(value, dt.datetime):
            _fail(path, "une date et heure AAAA-MM-JJTHH:MM:SS")
    elif type_ == 'time':
        if isinstance(value, str):
            if not _iso(dt.time.fromisoformat, value):
                _fail(path, "une heure HH:MM:SS")
        elif not isinstance(value, dt.time):
            _fail(path, "une heure HH:MM:SS")
    elif type_ == 'timedelta':
        if not isinstance(value, dt.timedelta):
            _fail(path, "une durée ({\"__class__\": \"timedelta\", "
                "\"seconds\": …})")
    elif type_ == 'binary':
        if not isinstance(value, (bytes, bytearray)):
            _fail(path, "un contenu binaire ({\"__class__\": \"bytes\", "
                "\"base64\": …})")
    elif type_ in {'many2one', 'one2one'}:
        if not _is_int(value) or value < 0:
            _fail(path, "l'id (nombre entier) d'un enregistrement")
    elif type_ == 'reference':
        model, sep, id_ = value.partition(',') if isinstance(
            value, str) else ('', '', '')
        try:
            ok = bool(sep and model and _is_int(int(id_)))
        except ValueError:
            ok = False
        if not ok:
            _fail(path, "« modèle,id »")
    elif type_ == 'dict':
        if not isinstance(value, dict):
            _fail(path, "un objet JSON")
    elif type_ in {'one2many', 'many2many'}:
        _check_x2many(pool, field, value, path)


def _ids(value):
    return isinstance(value, list) and all(
        _is_int(v) and v >= 0 for v in value)


def _check_x2many(pool, field, value, path):
    expected = ("une liste d'actions, par exemple [[\"add\", [1, 2]]] ou "
        "[[\"create\", [{…}]]]")
    if not isinstance(value, list):
        _fail(path, expected)
    Target = field.get_target()
    for action in value:
        if (not isinstance(action, list) or not action
                or not isinstance(action[0], str)
                or action[0] not in _X2MANY_ACTIONS):
            _fail(path, expected)
        operation, args = action[0], action[1:]
        if operation == 'create':
            if len(args) != 1 or not isinstance(args[0], list) or not all(
                    isinstance(v, dict) for v in args[0]):
                _fail(path, "[\"create\", [{valeurs}, …]]")
            for values in args[0]:
                check_values(pool, Target, values, path + '.')
        elif operation == 'write':
            if len(args) < 2 or len(args) % 2:
                _fail(path, "[\"write\", [ids], {valeurs}, …]")
            for ids, values in zip(args[::2], args[1::2]):
                if not _ids(ids) or not isinstance(values, dict):
                    _fail(path, "[\"write\", [ids], {valeurs}, …]")
                check_values(pool, Target, values, path + '.')
        elif operation == 'copy':
            if not args or not _ids(args[0]) or len(args) > 2 or (
                    len(args) == 2 and not isinstance(args[1], dict)):
                _fail(path, "[\"copy\", [ids], {valeurs}?]")
            if len(args) == 2:
                check_values(pool, Target, args[1], path + '.')
        elif len(args) != 1 or not _ids(args[0]):
            _fail(path, f"[\"{operation}\", [ids]]")
