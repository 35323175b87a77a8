"""A subset of Opendatasoft's ODSQL turned into python-sql queries.

Field names are mapped to the typed storage columns and every literal becomes
a query parameter, so no user text is ever pasted into SQL.
"""
import re

from sql import Asc, Column, Desc, Expression, Literal, Null
from sql.aggregate import Avg, Count, Max, Min, Sum
from sql.conditionals import Coalesce
from sql.functions import Lower
from sql.operators import And, Equal, In, Like, Not, NotIn, Or

from trytond import backend

from . import query_functions as qf
from . import storage

# value functions usable in where, select, group_by and order_by
VALUE_FUNCTIONS = {'year': 'integer', 'month': 'integer', 'day': 'integer',
    'hour': 'integer', 'minute': 'integer', 'second': 'integer',
    'date_format': 'text', 'upper': 'text', 'lower': 'text'}
DATE_UNITS = {'year': 'yyyy', 'month': 'MM', 'day': 'dd', 'hour': 'HH',
    'minute': 'mm', 'second': 'ss'}
GEO_FIELDS = {'geo_point_2d', 'geo_shape'}

AGGREGATES = {'count': Count, 'sum': Sum, 'avg': Avg, 'min': Min, 'max': Max}

TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<string>"(?:[^"\\]|\\.|"")*"|'(?:[^'\\]|\\.|'')*')
  | (?P<ident>`[^`]+`)
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<op>\.\.|<=|>=|!=|<>|=|<|>|\(|\)|,|\*|\[|\])
  | (?P<word>[^\W\d][\w.]*)
''', re.VERBOSE | re.UNICODE)


class AliasRef(Expression):
    """An output column named by its alias: PostgreSQL does not see two
    copies of an expression with parameters (substring positions, a range
    step) as the same in GROUP BY and ORDER BY"""
    __slots__ = ('alias',)

    def __init__(self, alias):
        super().__init__()
        self.alias = alias

    def __str__(self):
        return '"%s"' % self.alias.replace('"', '""')

    @property
    def params(self):
        return ()


def by_alias(items, exprs):
    "Each expression with parameters that is selected, as its alias"
    names = {str(e): n for n, e, _ in items if e.params}
    result = []
    for expr in exprs:
        inner = getattr(expr, 'expression', None)
        if isinstance(expr, (Asc, Desc)) and str(inner) in names:
            result.append(type(expr)(AliasRef(names[str(inner)])))
        elif str(expr) in names:
            result.append(AliasRef(names[str(expr)]))
        else:
            result.append(expr)
    return result


def _number(value):
    return int(value) if float(value).is_integer() else value


class QueryError(ValueError):
    "A query a re-user wrote that cannot be run; the message is French"


TYPE_NAMES = {'integer': 'entier', 'float': 'nombre décimal',
    'numeric': 'nombre décimal', 'date': 'date (AAAA-MM-JJ)',
    'datetime': 'date et heure', 'boolean': 'booléen', 'char': 'texte',
    'text': 'texte'}


def tokenize(text):
    pos, tokens = 0, []
    text = text or ''
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise QueryError("Caractère inattendu à la position %d : %r"
                % (pos, text[pos:pos + 10]))
        pos = m.end()
        kind = m.lastgroup
        value = m.group(kind)
        if kind == 'ws':
            continue
        if kind == 'string':
            q = value[0]
            value = value[1:-1].replace(q * 2, q)
            value = re.sub(r'\\(.)', r'\1', value)
        elif kind == 'ident':
            kind, value = 'word', value[1:-1]
            tokens.append(('name', value))
            continue
        tokens.append((kind, value))
    return tokens


class RecordQuery:
    "Build queries on the rows table of a version"

    def __init__(self, table, columns, version_id=None, search_index=False,
            geo=None):
        """search_index: whether free text may use the folded search of
        storage.py (created with the version or at module update);
        geo: (latitude, longitude) field names of a dataset with
        coordinates, read as geo_point_2d and geo_shape"""
        self.table = table
        self.geo = geo
        # whether select * adds them (Explore does, CKAN does not)
        self.star_geo = False
        # select aliases whose raw value the reader turns into JSON
        self.post = {}
        self.columns = columns
        self.version_id = version_id
        self.search_index = bool(search_index and version_id)
        self.by_name = {c['name']: c for c in columns}
        self.by_lower = {c['name'].lower(): c for c in columns}

    # -- helpers
    def field(self, name):
        c = self.by_name.get(name) or self.by_lower.get(name.lower())
        if not c:
            if name in GEO_FIELDS and not self.geo:
                raise QueryError("Champ inconnu : %r (ce jeu de données "
                    "n'a pas de coordonnées)" % name)
            raise QueryError("Champ inconnu : %r" % name)
        return c

    def geo_columns(self, name):
        "The latitude and longitude columns behind geo_point_2d/geo_shape"
        if name not in GEO_FIELDS or not self.geo:
            self.field(name)
            raise QueryError("%r n'est pas un champ géographique "
                "(geo_point_2d ou geo_shape attendu)" % name)
        return (self.sql_column(self.geo[0]), self.sql_column(self.geo[1]))

    def geo_items(self):
        "geo_point_2d and geo_shape select items of select *"
        if not (self.geo and self.star_geo):
            return []
        return [self.item(n) for n in ['geo_point_2d', 'geo_shape']]

    def sql_column(self, name):
        return getattr(self.table, self.field(name)['col'])

    def cast(self, c, value):
        if value is None:
            return None
        try:
            if c['type'] == 'integer':
                if isinstance(value, str) and not re.fullmatch(
                        r'-?\d+', value.strip()):
                    return float(value)
                return int(value)
            if c['type'] == 'number':
                return float(value)
            if c['type'] == 'boolean':
                if isinstance(value, str):
                    return value.lower() in {'true', '1', 'yes', 'oui'}
                return bool(value)
        except (TypeError, ValueError):
            raise QueryError("La valeur %r n'est pas valable pour le champ %r (%s)"
                % (value, c['name'], TYPE_NAMES.get(c['type'], c['type'])))
        return str(value)

    def fulltext(self, text, fields=None):
        searchable = storage.search_columns(self.columns)
        cols = fields or searchable
        if not cols:
            return Literal(False)
        if self.search_index and all(c in searchable for c in cols):
            return self._indexed_fulltext(text, cols,
                restrict=len(cols) < len(searchable))
        # versions without index (see storage.has_search_index)
        pattern = '%' + text.lower().replace('%', '') + '%'
        return Or([Like(Lower(Coalesce(getattr(self.table, c['col']), '')),
                    pattern) for c in cols])

    def _indexed_fulltext(self, text, cols, restrict):
        "Case and accent-insensitive substring in one of the columns"
        needle = storage.fold(text)
        if not needle:
            return Literal(True)
        search = storage.search_table(self.version_id)
        if backend.name == 'postgresql':
            pattern = '%' + re.sub(r'([\\%_])', r'\\\1', needle) + '%'
            return In(self.table.id, search.select(search.id, where=Or([
                            Like(getattr(search, c['col']), pattern)
                            for c in cols])))
        if len(needle) >= 3:
            # a phrase of consecutive trigrams is exactly the substring
            match = '"%s"' % needle.replace('"', '""')
            if restrict:
                match = '{%s} : %s' % (' '.join(c['col'] for c in cols), match)
            where = storage.Match(
                Column(search, storage.search_table_name(self.version_id)),
                match)
        else:
            # too short for a trigram: scan the folded copy
            pattern = '*%s*' % re.sub(r'([*?\[])', r'[\1]', needle)
            where = Or([storage.Glob(Column(search, c['col']), pattern)
                    for c in cols])
        return In(self.table.id, search.select(Column(search, 'rowid'),
                where=where))

    def _like_prefilter(self, c, pattern):
        """Return a search-index condition true for every row matching the
        LIKE pattern (so ANDed, the result is unchanged) or None.

        The longest literal run of the pattern must be in the folded column
        text; only ASCII runs, whose folding is their lower case."""
        if not self.search_index or '\\' in pattern \
                or c not in storage.search_columns(self.columns):
            return None
        run = max(re.split(r'[%_]', pattern), key=len)
        if len(run) < 3 or not run.isascii():
            return None
        return self._indexed_fulltext(run, [c], restrict=True)

    def equals(self, filters):
        "CKAN filters: {field: value or [values]}"
        clauses = []
        for name, value in (filters or {}).items():
            c = self.field(name)
            col = getattr(self.table, c['col'])
            if isinstance(value, list):
                clauses.append(In(col, [self.cast(c, v) for v in value]))
            elif value is None:
                clauses.append(col == Null)
            else:
                clauses.append(Equal(col, self.cast(c, value)))
        return And(clauses) if clauses else None

    # -- where
    def where(self, text):
        if not text or not text.strip():
            return None
        self._tokens = tokenize(text)
        self._pos = 0
        expr = self._or()
        if self._pos < len(self._tokens):
            raise QueryError("%r inattendu dans la condition (where)"
                % self._tokens[self._pos][1])
        return expr

    def _peek(self, offset=0):
        i = self._pos + offset
        return self._tokens[i] if i < len(self._tokens) else (None, None)

    def _kw(self, word, offset=0):
        kind, value = self._peek(offset)
        return kind == 'word' and value.lower() == word

    def _next(self):
        tok = self._peek()
        if tok[0] is None:
            raise QueryError("Condition (where) incomplète")
        self._pos += 1
        return tok

    def _expect(self, value):
        kind, v = self._next()
        if v != value:
            raise QueryError("%r attendu au lieu de %r" % (value, v))

    def _or(self):
        parts = [self._and()]
        while self._kw('or'):
            self._pos += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else Or(parts)

    def _and(self):
        parts = [self._not()]
        while self._kw('and'):
            self._pos += 1
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else And(parts)

    def _not(self):
        if self._kw('not'):
            self._pos += 1
            return Not(self._not())
        return self._primary()

    def _literal(self):
        kind, value = self._next()
        if kind == 'string':
            return value
        if kind == 'number':
            return float(value) if re.search(r'[.eE]', value) else int(value)
        if kind == 'op' and value == '-' and self._peek()[0] == 'number':
            return -self._literal()
        if kind == 'word':
            low = value.lower()
            if low in {'true', 'false'}:
                return low == 'true'
            if low == 'null':
                return None
            if low in {'date', 'datetime'} and self._peek()[0] == 'string':
                return self._function(qf.date_literal, self._next()[1])
            if low == 'geom' and self._peek()[0] == 'string':
                return self._function(qf.parse_geometry, self._next()[1])
            if low == 'now' and self._peek()[1] == '(':
                return self._function(qf.now, **self._keywords())
        raise QueryError("Une valeur est attendue au lieu de %r" % value)

    @staticmethod
    def _function(func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except qf.FunctionError as e:
            raise QueryError(str(e))

    def _keywords(self):
        "now(days=-1, …)"
        self._expect('(')
        result = {}
        while self._peek()[1] != ')':
            kind, key = self._next()
            if kind != 'word':
                raise QueryError("Paramètre attendu au lieu de %r" % key)
            self._expect('=')
            result[key.lower()] = self._literal()
            if self._peek()[1] == ',':
                self._pos += 1
        self._pos += 1
        return result

    def _arguments(self):
        "Raw argument tokens of a call, split on top-level commas"
        self._expect('(')
        args, current, depth = [], [], 0
        while True:
            kind, value = self._next()
            if kind == 'op' and value == '(':
                depth += 1
            elif kind == 'op' and value == ')':
                if depth == 0:
                    break
                depth -= 1
            if kind == 'op' and value == ',' and depth == 0:
                args.append(current)
                current = []
                continue
            current.append((kind, value))
        if current:
            args.append(current)
        return args

    def _sub(self, tokens):
        "Parse a literal from argument tokens"
        saved = self._tokens, self._pos
        self._tokens, self._pos = tokens, 0
        try:
            value = self._literal()
            if self._pos < len(tokens):
                raise QueryError("%r inattendu" % tokens[self._pos][1])
            return value
        finally:
            self._tokens, self._pos = saved

    def _name_arg(self, tokens, function):
        if len(tokens) != 1 or tokens[0][0] not in {'word', 'name'}:
            raise QueryError("%s() attend un nom de champ en premier "
                "argument" % function)
        return tokens[0][1]

    def _number_arg(self, tokens, function):
        value = self._sub(tokens)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise QueryError("%s() attend un nombre au lieu de %r"
                % (function, value))
        return value

    def _geo_predicate(self, name):
        args = self._arguments()
        if not args:
            raise QueryError("%s() attend des arguments" % name)
        lat, lon = self.geo_columns(self._name_arg(args[0], name))
        if name == 'in_bbox':
            if len(args) != 5:
                raise QueryError("in_bbox(champ, lat1, lon1, lat2, lon2) "
                    "attend 5 arguments")
            return qf.in_bbox(lat, lon, *(self._number_arg(a, name)
                    for a in args[1:]))
        if name == 'within_distance':
            if len(args) != 3:
                raise QueryError("within_distance(champ, geom'POINT(lon "
                    "lat)', distance) attend 3 arguments")
            point = self._sub(args[1])
            if getattr(point, 'geom_type', None) != 'Point':
                point = getattr(point, 'centroid', None)
                if point is None:
                    raise QueryError("within_distance() attend un point "
                        "geom'POINT(lon lat)'")
            text = ''.join(str(v) for _, v in args[2])
            return qf.within_distance(lat, lon, point,
                self._function(qf.distance, text))
        # intersects, geometry: the point lies in the given shape
        if len(args) != 2:
            raise QueryError("%s(champ, geom'…') attend 2 arguments" % name)
        shape = self._sub(args[1])
        if not hasattr(shape, 'geom_type'):
            raise QueryError("%s() attend une géométrie geom'…'" % name)
        return self._function(qf.in_polygon, self.table, lat, lon, shape)

    def value_function(self, name, args):
        "(pseudo field, expression) of year(f), upper(f), date_format(f, p)"
        name = name.lower()
        if not args:
            raise QueryError("%s() attend un champ" % name)
        c = self.field(self._name_arg(args[0], name))
        col = getattr(self.table, c['col'])
        if name in DATE_UNITS:
            if c['type'] not in {'date', 'datetime'}:
                raise QueryError("%s() attend un champ date (%r est %s)"
                    % (name, c['name'], TYPE_NAMES.get(c['type'],
                            c['type'])))
            expr = qf.date_part(col, DATE_UNITS[name])
        elif name == 'date_format':
            if len(args) != 2 or c['type'] not in {'date', 'datetime'}:
                raise QueryError("date_format(champ date, 'yyyy-MM') "
                    "attend un champ date et un format")
            expr = self._function(qf.date_format, col,
                str(self._sub(args[1])))
        else:
            expr = qf.STRING_FUNCTIONS[name](col)
        pseudo = {'name': '%s(%s)' % (name, c['name']),
            'type': VALUE_FUNCTIONS[name], 'col': None}
        return pseudo, expr

    def _call(self, name):
        "A function call at the start of a condition"
        low = name.lower()
        if low in {'within_distance', 'in_bbox', 'intersects', 'geometry'}:
            return self._geo_predicate(low)
        if low == 'startswith':
            args = self._arguments()
            if len(args) != 2:
                raise QueryError("startswith(champ, 'début') attend 2 "
                    "arguments")
            c = self.field(self._name_arg(args[0], low))
            return qf.starts_with(getattr(self.table, c['col']),
                str(self._sub(args[1])))
        if low in VALUE_FUNCTIONS:
            c, expr = self.value_function(low, self._arguments())
            return self._comparison(c, expr)
        raise QueryError("Fonction inconnue : %s()" % name)

    def _primary(self):
        kind, value = self._peek()
        if value == '(' and kind == 'op':
            self._pos += 1
            expr = self._or()
            self._expect(')')
            return expr
        if kind == 'string':
            self._pos += 1
            return self.fulltext(value)
        if kind == 'word' and value.lower() in {'search', 'suggest'} \
                and self._peek(1)[1] == '(':
            self._pos += 2
            args = []
            while True:
                k, v = self._next()
                if v == ')':
                    break
                if v == ',':
                    continue
                args.append((k, v))
            text = args[-1][1] if args else ''
            fields = [self.field(v) for k, v in args[:-1]]
            return self.fulltext(text, fields or None)
        if kind == 'word' and self._peek(1)[1] == '(':
            self._pos += 1
            return self._call(value)
        if kind in {'word', 'name'}:
            self._pos += 1
            c = self.field(value)
            col = getattr(self.table, c['col'])
            return self._comparison(c, col)
        raise QueryError("%r inattendu dans la condition (where)" % value)

    def _comparison(self, c, col):
        negate = False
        if self._kw('not'):
            self._pos += 1
            negate = True
        if self._kw('is'):
            self._pos += 1
            if self._kw('not'):
                self._pos += 1
                negate = not negate
            self._next()  # null
            expr = (col == Null)
            return Not(expr) if negate else expr
        if self._kw('in') and self._peek(1)[1] in {'[', ']'}:
            self._pos += 1
            expr = self._range(c, col)
            return Not(expr) if negate else expr
        if self._kw('in'):
            self._pos += 1
            self._expect('(')
            values = []
            while True:
                if self._peek()[1] == ')':
                    self._pos += 1
                    break
                values.append(self.cast(c, self._literal()))
                if self._peek()[1] == ',':
                    self._pos += 1
            return (NotIn if negate else In)(col, values)
        if self._kw('like'):
            self._pos += 1
            pattern = str(self._literal()).replace('*', '%')
            expr = Like(Lower(col), pattern.lower())
            if negate:
                return Not(expr)
            prefilter = self._like_prefilter(c, pattern.lower())
            return expr if prefilter is None else (prefilter & expr)
        kind, op = self._peek()
        if c['type'] == 'boolean' and not negate and (
                kind is None or op == ')' or (kind == 'word'
                    and op.lower() in {'and', 'or'})):
            # a boolean field alone is a predicate: "pmr and places > 1"
            return col == True  # noqa: E712
        self._pos += 1
        if kind != 'op' or op not in {'=', '!=', '<>', '<', '<=', '>', '>='}:
            raise QueryError("Un opérateur est attendu après %r au lieu de %r"
                % (c['name'], op))
        value = self.cast(c, self._literal())
        if value is None:
            expr = col == Null if op == '=' else Not(col == Null)
        else:
            expr = {
                '=': lambda: col == value,
                '!=': lambda: col != value,
                '<>': lambda: col != value,
                '<': lambda: col < value,
                '<=': lambda: col <= value,
                '>': lambda: col > value,
                '>=': lambda: col >= value,
                }[op]()
        return Not(expr) if negate else expr

    def _range(self, c, col):
        "field in [a..b], ]a..b[ (exclusive), [a..b[ …"
        low_in = self._next()[1] == '['
        low = self.cast(c, self._literal())
        self._expect('..')
        high = self.cast(c, self._literal())
        kind, close = self._next()
        if close not in {']', '['}:
            raise QueryError("']' ou '[' attendu au lieu de %r" % close)
        high_in = close == ']'
        return And([col >= low if low_in else col > low,
                col <= high if high_in else col < high])

    # -- select / group_by / order_by
    @staticmethod
    def split(text):
        "Split on commas outside parentheses"
        items, depth, cur = [], 0, ''
        for ch in text or '':
            if ch == '(':
                depth += 1
            elif ch == ')':
                depth -= 1
            if ch == ',' and depth == 0:
                items.append(cur.strip())
                cur = ''
            else:
                cur += ch
        if cur.strip():
            items.append(cur.strip())
        return items

    def item(self, text):
        "Return (alias, expression, is_aggregate) of a select item"
        m = re.fullmatch(r'(.+?)\s+as\s+`?([\w ]+?)`?', text.strip(), re.I)
        alias = None
        if m:
            text, alias = m.group(1).strip(), m.group(2)
        call = re.fullmatch(r'(\w+)\s*\(.*\)', text.strip(), re.S)
        if call and call.group(1).lower() in set(VALUE_FUNCTIONS) | {
                'range'}:
            return self._function_item(text.strip(), alias)
        if text.strip().strip('`') in GEO_FIELDS:
            name = text.strip().strip('`')
            lat, lon = self.geo_columns(name)
            alias = alias or name
            self.post[alias] = qf.geo_point if name == 'geo_point_2d' \
                else qf.geo_shape
            return alias, qf.point_text(lat, lon), False
        m = re.fullmatch(r'(\w+)\s*\(\s*(\*|`?[^)`]+`?)\s*\)', text)
        if m and m.group(1).lower() in AGGREGATES:
            func = m.group(1).lower()
            arg = m.group(2).strip('`').strip()
            if arg == '*':
                if func != 'count':
                    raise QueryError("%s(*) n'est pas permis" % func)
                # count(1): PostgreSQL may answer from the index alone
                expr = Count(Literal(1))
            else:
                expr = AGGREGATES[func](self.sql_column(arg))
            return alias or '%s(%s)' % (func, arg), expr, True
        name = text.strip('`').strip()
        return alias or self.field(name)['name'], self.sql_column(name), False

    def _function_item(self, text, alias):
        "year(f), date_format(f, 'yyyy-MM'), upper(f), range(f, step)"
        saved = getattr(self, '_tokens', None), getattr(self, '_pos', 0)
        try:
            self._tokens = tokenize(text)
            self._pos = 1
            name = self._tokens[0][1].lower()
            args = self._arguments()
            if self._pos < len(self._tokens):
                raise QueryError("%r inattendu après %s()"
                    % (self._tokens[self._pos][1], name))
            if name == 'range':
                if len(args) != 2:
                    raise QueryError("range(champ, pas) attend 2 arguments")
                c = self.field(self._name_arg(args[0], name))
                if c['type'] not in {'integer', 'number'}:
                    raise QueryError("range() attend un champ numérique "
                        "(%r est %s)" % (c['name'], TYPE_NAMES.get(
                                c['type'], c['type'])))
                step = self._number_arg(args[1], name)
                expr = self._function(qf.bucket,
                    getattr(self.table, c['col']), step)
                alias = alias or 'range(%s, %s)' % (c['name'], step)
                self.post[alias] = lambda v, step=step: None if v is None \
                    else '[%s, %s[' % (_number(v), _number(v + step))
                return alias, expr, False
            c, expr = self.value_function(name, args)
            return alias or text, expr, False
        finally:
            self._tokens, self._pos = saved

    def select(self, text):
        if not text or text.strip() == '*':
            return [(c['name'], getattr(self.table, c['col']), False)
                for c in self.columns] + self.geo_items()
        items = []
        for part in self.split(text):
            if part == '*':
                items.extend((c['name'], getattr(self.table, c['col']), False)
                    for c in self.columns)
                items.extend(self.geo_items())
            else:
                items.append(self.item(part))
        return items

    def order(self, text, aliases):
        result = []
        for part in self.split(text):
            m = re.fullmatch(r'(.+?)(?:\s+(asc|desc))?', part.strip(), re.I)
            name, direction = m.group(1).strip(), (m.group(2) or 'asc')
            if name.strip('`') in aliases:
                expr = aliases[name.strip('`')]
            else:
                expr = self.item(name)[1]
            result.append(expr.desc if direction.lower() == 'desc'
                else expr.asc)
        return result
