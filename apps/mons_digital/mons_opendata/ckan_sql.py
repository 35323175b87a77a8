"""CKAN's datastore_search_sql as a read-only, bounded subset.

The SQL a re-user sends is parsed (sqlglot, PostgreSQL dialect, as CKAN's
datastore runs it) and translated into the suite's own query engine
(query.RecordQuery on the version's typed table): no text of the request
ever reaches the database. Accepted: one SELECT on one public resource
("<resource id>"), columns, * and count/sum/avg/min/max, WHERE with
comparisons, AND/OR/NOT, IN, LIKE/ILIKE, BETWEEN, IS [NOT] NULL, GROUP BY,
ORDER BY, LIMIT (at most MAX_SQL_ROWS) and OFFSET. Anything else answers
CKAN's 400 Validation Error naming what is refused."""
import sqlglot
from sql import Literal, Null
from sql.aggregate import Avg, Count, Max, Min, Sum
from sql.functions import Lower
from sql.operators import And, In, Like, Not, Or
from sqlglot import exp

from .api import Records
from .ckan import CKAN_TYPES, NotFound, ValidationError, _get_resource
from .query import QueryError

MAX_SQL_ROWS = 32000
MAX_SQL_LENGTH = 10000
AGGREGATES = {exp.Count: Count, exp.Sum: Sum, exp.Avg: Avg, exp.Min: Min,
    exp.Max: Max}
COMPARISONS = {
    exp.EQ: lambda a, b: a == b,
    exp.NEQ: lambda a, b: a != b,
    exp.GT: lambda a, b: a > b,
    exp.GTE: lambda a, b: a >= b,
    exp.LT: lambda a, b: a < b,
    exp.LTE: lambda a, b: a <= b,
    }
MIRROR = {exp.GT: exp.LT, exp.GTE: exp.LTE, exp.LT: exp.GT,
    exp.LTE: exp.GTE, exp.EQ: exp.EQ, exp.NEQ: exp.NEQ}


class Refused(ValidationError):
    def __init__(self, message):
        super().__init__('sql', message)


def _sql(node):
    return node.sql(dialect='postgres')[:80]


class Translator:
    "A parsed SELECT turned into RecordQuery expressions"

    def __init__(self, records):
        self.records = records
        self.query = records.query

    def column(self, node):
        if not isinstance(node, exp.Column):
            raise Refused("Seuls des noms de champs sont permis ici : %s."
                % _sql(node))
        try:
            field = self.query.field(node.name)
        except QueryError as e:
            raise Refused(str(e))
        return field, getattr(self.records.table, field['col'])

    def value(self, node, field):
        if isinstance(node, exp.Null):
            return None
        if isinstance(node, exp.Boolean):
            return self.query.cast(field, node.this)
        if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
            return self.query.cast(field, '-' + node.this.this)
        if isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal):
            node = node.this
        if not isinstance(node, exp.Literal):
            raise Refused("Une valeur (texte entre apostrophes ou nombre) "
                "est attendue : %s." % _sql(node))
        try:
            return self.query.cast(field, node.this)
        except QueryError as e:
            raise Refused(str(e))

    def where(self, node):
        expr = self._where(node)
        return Not(expr) if node.args.get('negate') else expr

    def _where(self, node):
        if isinstance(node, exp.Paren):
            return self.where(node.this)
        if isinstance(node, exp.And):
            return And([self.where(node.left), self.where(node.right)])
        if isinstance(node, exp.Or):
            return Or([self.where(node.left), self.where(node.right)])
        if isinstance(node, exp.Not):
            return Not(self.where(node.this))
        if type(node) in COMPARISONS:
            left, right, kind = node.left, node.right, type(node)
            if not isinstance(left, exp.Column):
                left, right, kind = right, left, MIRROR[kind]
            field, col = self.column(left)
            value = self.value(right, field)
            if value is None:
                raise Refused("Comparer à NULL : utilisez IS NULL ou "
                    "IS NOT NULL.")
            return COMPARISONS[kind](col, value)
        if isinstance(node, exp.Is):
            field, col = self.column(node.this)
            if not isinstance(node.expression, exp.Null):
                raise Refused("IS n'accepte que NULL.")
            return col == Null
        if isinstance(node, exp.In):
            if node.args.get('query') or node.args.get('unnest'):
                raise Refused("Les sous-requêtes ne sont pas permises.")
            field, col = self.column(node.this)
            return In(col, [self.value(v, field)
                    for v in node.expressions])
        if isinstance(node, (exp.Like, exp.ILike)):
            field, col = self.column(node.this)
            pattern = node.expression
            if not (isinstance(pattern, exp.Literal) and pattern.is_string):
                raise Refused("LIKE attend un motif entre apostrophes.")
            if isinstance(node, exp.ILike):
                return Like(Lower(col), pattern.this.lower())
            return Like(col, pattern.this)
        if isinstance(node, exp.Between):
            field, col = self.column(node.this)
            low = self.value(node.args['low'], field)
            high = self.value(node.args['high'], field)
            return (col >= low) & (col <= high)
        if isinstance(node, exp.Boolean):
            return Literal(bool(node.this))
        raise Refused("Condition non permise dans WHERE : %s." % _sql(node))

    def item(self, node):
        "(name, expression, is_aggregate) of a select item"
        alias = None
        if isinstance(node, exp.Alias):
            alias, node = node.alias, node.this
        if type(node) in AGGREGATES:
            arg = node.this
            if isinstance(node, exp.Count) and (arg is None
                    or isinstance(arg, exp.Star)):
                return alias or 'count', Count(Literal(1)), True
            if isinstance(arg, exp.Distinct):
                raise Refused("count(DISTINCT …) n'est pas permis : "
                    "utilisez GROUP BY.")
            field, col = self.column(arg)
            name = '%s' % type(node).__name__.lower()
            return alias or name, AGGREGATES[type(node)](col), True
        field, col = self.column(node)
        return alias or field['name'], col, False


def parse(text):
    if not isinstance(text, str) or not text.strip():
        raise ValidationError('sql', "« sql » est requis.")
    if len(text) > MAX_SQL_LENGTH:
        raise Refused("Requête trop longue (au plus %d caractères)."
            % MAX_SQL_LENGTH)
    try:
        statements = [s for s in sqlglot.parse(text, read='postgres')
            if s is not None]
    except sqlglot.errors.ParseError as e:
        detail = e.errors[0]['description'] if e.errors else str(e)
        raise Refused("Requête SQL illisible : %s." % detail)
    if len(statements) != 1:
        raise Refused("Une seule requête SELECT est permise.")
    statement, = statements
    if not isinstance(statement, exp.Select):
        raise Refused("Seules les requêtes SELECT sont permises "
            "(lecture seule).")
    for key in ['joins', 'with', 'laterals', 'having', 'qualify', 'windows',
            'distinct', 'into', 'locks', 'kind']:
        if statement.args.get(key):
            raise Refused("%s n'est pas permis : SELECT, FROM d'une seule "
                "ressource, WHERE, GROUP BY, ORDER BY, LIMIT et OFFSET."
                % key.upper())
    if any(isinstance(n, (exp.Subquery, exp.Union, exp.Window))
            for n in statement.walk()):
        raise Refused("Les sous-requêtes et les unions ne sont pas "
            "permises.")
    from_ = statement.args.get('from') or statement.args.get('from_')
    tables = list(from_.find_all(exp.Table)) if from_ else []
    if len(tables) != 1 or not isinstance(from_.this, exp.Table):
        raise Refused("FROM doit nommer une seule ressource "
            "(\"<id de la ressource>\").")
    table = tables[0]
    if table.args.get('db') or table.args.get('catalog'):
        raise Refused("FROM doit nommer une ressource, sans schéma.")
    return statement, table.name


def _int(node, name, maximum):
    if node is None:
        return None
    value = node.expression if isinstance(node, (exp.Limit, exp.Offset)) \
        else node
    if not (isinstance(value, exp.Literal) and not value.is_string):
        raise Refused("%s doit être un nombre entier." % name)
    try:
        number = int(value.this)
    except ValueError:
        raise Refused("%s doit être un nombre entier." % name)
    if not 0 <= number <= maximum:
        raise Refused("%s doit être compris entre 0 et %d." % (name, maximum))
    return number


def datastore_search_sql(pool, params, base):
    statement, resource = parse(params.get('sql'))
    dataset, distribution = _get_resource(pool, resource)
    if distribution and distribution.url:
        raise NotFound("Cette ressource n'a pas de table de données.")
    records = Records(dataset)
    tr = Translator(records)
    items = []
    for node in statement.expressions:
        if isinstance(node, exp.Star):
            items.extend((c['name'], getattr(records.table, c['col']), False)
                for c in records.columns)
        else:
            items.append(tr.item(node))
    where = statement.args.get('where')
    where = tr.where(where.this) if where else None
    group = []
    group_node = statement.args.get('group')
    if group_node:
        group = [tr.item(n) for n in group_node.expressions]
        grouped = {str(g[1]) for g in group}
        for name, expr, agg in items:
            if not agg and str(expr) not in grouped:
                raise Refused("Le champ %s doit figurer dans GROUP BY ou "
                    "être agrégé." % name)
    aliases = {n: e for n, e, _ in items}
    order = None
    order_node = statement.args.get('order')
    if order_node:
        order = []
        for ordered in order_node.expressions:
            node = ordered.this
            if isinstance(node, exp.Column) and node.name in aliases \
                    and not node.table:
                expr = aliases[node.name]
            elif isinstance(node, exp.Literal) and not node.is_string:
                position = int(node.this)
                if not 1 <= position <= len(items):
                    raise Refused("ORDER BY %d : position hors de la liste."
                        % position)
                expr = items[position - 1][1]
            else:
                expr = tr.item(node)[1]
            order.append(expr.desc if ordered.args.get('desc')
                else expr.asc)
    limit = _int(statement.args.get('limit'), 'LIMIT', MAX_SQL_ROWS)
    offset = _int(statement.args.get('offset'), 'OFFSET', 10 ** 7) or 0
    names, rows, total = records.fetch_items(items, where=where,
        group=group, order=order,
        limit=MAX_SQL_ROWS + 1 if limit is None else limit, offset=offset)
    if limit is None and len(rows) > MAX_SQL_ROWS:
        raise Refused("Plus de %d lignes : ajoutez LIMIT (au plus %d) et "
            "OFFSET pour lire par pages." % (MAX_SQL_ROWS, MAX_SQL_ROWS))
    columns = {c['name']: c for c in records.columns}
    return {
        'sql': params.get('sql'),
        'records': rows,
        'fields': [{'id': n, 'type': CKAN_TYPES.get(
                        columns[n]['type'], 'text') if n in columns
                    else 'numeric'} for n in names],
        'records_truncated': False,
        }
