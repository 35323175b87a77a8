# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""CQL2 filters of OGC API Features Part 3 (cql2-text and cql2-json).

pygeofilter parses the filter; the tree is compiled here into a Python
predicate on a feature's properties and its shapely geometry (never into
SQL text). What can narrow the database search without changing the
answer (the envelope of a spatial literal, plain equalities, all under the
top AND) is given apart so that the layer reads only the candidates."""
import datetime as dt
import functools
import json
import os
import re

import lark
import shapely
from pygeofilter import ast, values
from pygeofilter.backends.evaluator import Evaluator, handle
from pygeofilter.parsers.cql2_json import parse as parse_json
from pygeofilter.parsers.cql2_text import parser as text_parser

from . import geo, ogc

LANGUAGES = ('cql2-text', 'cql2-json')
GEOMETRY = 'geometry'
# Filters longer than this are refused before they reach the parser
MAX_LENGTH = 20000

_SPATIAL = {
    ast.GeometryIntersects: shapely.intersects,
    ast.GeometryDisjoint: shapely.disjoint,
    ast.GeometryContains: shapely.contains,
    ast.GeometryWithin: shapely.within,
    ast.GeometryTouches: shapely.touches,
    ast.GeometryCrosses: shapely.crosses,
    ast.GeometryOverlaps: shapely.overlaps,
    ast.GeometryEquals: shapely.equals,
    }
_COMPARE = {
    ast.Equal: lambda a, b: a == b,
    ast.NotEqual: lambda a, b: a != b,
    ast.LessThan: lambda a, b: a < b,
    ast.LessEqual: lambda a, b: a <= b,
    ast.GreaterThan: lambda a, b: a > b,
    ast.GreaterEqual: lambda a, b: a >= b,
    }


# pygeofilter 0.4's CQL2 text grammar gives AND and OR the same precedence
# (a OR b AND c read as (a OR b) AND c), takes NOT only before a single
# predicate and wants names of two characters at least; CQL2 says
# otherwise, so the parser is built from its grammar with these rules as
# the standard writes them (and pygeofilter's own tree builder)
_GRAMMAR_FIXES = [
    ('?condition: condition_1\n'
        '          | condition "AND"i condition_1'
        '                                 -> and_\n'
        '          | condition "OR"i condition_1'
        '                                   -> or_\n',
        '?condition: condition_and\n'
        '          | condition "OR"i condition_and -> or_\n'
        '\n'
        '?condition_and: condition_1\n'
        '          | condition_and "AND"i condition_1 -> and_\n'),
    ('            | "NOT"i predicate'
        '                                               -> not_\n'
        '            | "NOT"i "(" predicate ")"'
        '                                       -> not_\n',
        '            | "NOT"i condition_1 -> not_\n'),
    ('attribute: /[a-zA-Z][a-zA-Z_:0-9.]+/',
        'attribute: /[a-zA-Z_][a-zA-Z_:0-9.]*/'),
    ]


@functools.lru_cache(maxsize=1)
def _text_parser():
    folder = os.path.dirname(text_parser.__file__)
    with open(os.path.join(folder, 'grammar.lark'), encoding='utf-8') as file:
        grammar = file.read()
    for old, new in _GRAMMAR_FIXES:
        if old not in grammar:
            # Another pygeofilter: its own parser as it is
            return text_parser.parser
        grammar = grammar.replace(old, new)
    return lark.Lark(grammar, parser='lalr', maybe_placeholders=False,
        transformer=text_parser.CQLTransformer(),
        import_paths=[os.path.dirname(folder)])


def parse_text(text):
    return _text_parser().parse(text)


class Row:
    "A feature as the predicate sees it; the geometry is read when asked"
    __slots__ = ('properties', '_text', '_shape')

    def __init__(self, properties, geometry_text):
        self.properties = properties
        self._text = geometry_text
        self._shape = None

    @property
    def shape(self):
        if self._shape is None:
            self._shape = shapely.from_geojson(self._text)
        return self._shape


class Filter:
    "A checked filter: predicate(Row) and what narrows the search"

    def __init__(self, predicate, envelope=None, equals=None):
        self.predicate = predicate
        self.envelope = envelope
        self.equals = equals or {}

    def __call__(self, row):
        return bool(self.predicate(row))


def _coerce(value, other):
    "The stored value in the type of the literal it is compared with"
    if value is None or other is None:
        return value
    if isinstance(other, bool):
        if isinstance(value, str):
            return {'true': True, 'false': False, '1': True, '0': False,
                'oui': True, 'non': False}.get(value.strip().lower(), value)
        return value
    if isinstance(other, (int, float)) and isinstance(value, str):
        try:
            return float(value.replace(',', '.'))
        except ValueError:
            return value
    if isinstance(other, dt.datetime) and isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.replace('Z', '+00:00'))
        except ValueError:
            return value
        if parsed.tzinfo is None and other.tzinfo is not None:
            parsed = parsed.replace(tzinfo=dt.timezone.utc)
        return parsed
    if isinstance(other, dt.date) and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def _compare(operator, left, right):
    if left is None or right is None:
        return False
    left, right = _coerce(left, right), _coerce(right, left)
    try:
        return operator(left, right)
    except TypeError:
        # A text against a number: nothing matches but inequality
        return operator is _COMPARE[ast.NotEqual]


def _like_regex(pattern, nocase):
    "CQL2 LIKE: % any text, _ one character, \\ escapes"
    out, escaped = [], False
    for char in pattern:
        if escaped:
            out.append(re.escape(char))
            escaped = False
        elif char == '\\':
            escaped = True
        elif char == '%':
            out.append('.*')
        elif char == '_':
            out.append('.')
        else:
            out.append(re.escape(char))
    return re.compile('^%s$' % ''.join(out),
        re.DOTALL | (re.IGNORECASE if nocase else 0))


class _Unsupported(Exception):
    pass


class _Compiler(Evaluator):
    """Compile a pygeofilter tree into functions of a Row; each handler
    gets its sub-nodes already compiled"""

    def __init__(self, names, crs):
        self.names = names
        self.crs = crs
        self.unknown = []

    # --- values ---------------------------------------------------------

    @handle(ast.Attribute)
    def attribute(self, node):
        name = node.name
        if name == GEOMETRY:
            return lambda row: row.shape
        if name not in self.names:
            self.unknown.append(name)
        return lambda row: row.properties.get(name)

    @handle(values.Geometry)
    def geometry(self, node):
        shape = self._literal_geometry(node.geometry)
        return lambda row: shape

    @handle(values.Envelope)
    def envelope(self, node):
        shape = self._box(*_envelope_bounds(node))
        return lambda row: shape

    @handle(ast.Function)
    def function(self, node, *arguments):
        name = node.name.lower()
        if name == 'bbox' and len(node.arguments) in {4, 6}:
            numbers = list(node.arguments)
            if len(numbers) == 6:
                numbers = numbers[0:2] + numbers[3:5]
            shape = self._box(*numbers)
            return lambda row: shape
        if name in {'lower', 'casei'} and len(arguments) == 1:
            argument, = arguments
            return lambda row: _lower(argument(row))
        raise _Unsupported(node.name)

    def _box(self, minx, miny, maxx, maxy):
        box = shapely.box(minx, miny, maxx, maxy)
        return self._to_crs84(box, self.crs)

    def _literal_geometry(self, geojson):
        crs = self.crs
        declared = ((geojson.get('crs') or {}).get('properties') or {}
            ).get('name')
        if declared:
            crs = geo.crs_code(declared) or crs
        geojson = {k: v for k, v in geojson.items() if k != 'crs'}
        try:
            shape = shapely.from_geojson(json.dumps(geojson))
        except Exception:
            raise _Unsupported('geometry')
        return self._to_crs84(shape, crs)

    @staticmethod
    def _to_crs84(shape, crs):
        if crs == 'CRS84':
            return shape
        return geo.transform([shape], crs, 'CRS84',
            swap=geo.is_lat_lon(crs))[0]

    def adopt(self, node, *sub_args):
        if isinstance(node, (str, int, float, bool, dt.date)) or node is None:
            return lambda row: node
        if isinstance(node, list):
            return [self.evaluate(n, False) for n in node]
        raise _Unsupported(type(node).__name__)

    # --- predicates -----------------------------------------------------

    @handle(ast.Not)
    def not_(self, node, sub):
        return lambda row: not sub(row)

    @handle(ast.And)
    def and_(self, node, lhs, rhs):
        return lambda row: lhs(row) and rhs(row)

    @handle(ast.Or)
    def or_(self, node, lhs, rhs):
        return lambda row: lhs(row) or rhs(row)

    @handle(ast.Equal, ast.NotEqual, ast.LessThan, ast.LessEqual,
        ast.GreaterThan, ast.GreaterEqual)
    def comparison(self, node, lhs, rhs):
        operator = _COMPARE[type(node)]
        return lambda row: _compare(operator, lhs(row), rhs(row))

    @handle(ast.Between)
    def between(self, node, lhs, low, high):
        def test(row):
            value = lhs(row)
            inside = (_compare(_COMPARE[ast.GreaterEqual], value, low(row))
                and _compare(_COMPARE[ast.LessEqual], value, high(row)))
            if value is None:
                return False
            return not inside if node.not_ else inside
        return test

    @handle(ast.Like)
    def like(self, node, lhs):
        regex = _like_regex(str(node.pattern), node.nocase)

        def test(row):
            value = lhs(row)
            if value is None:
                return False
            found = bool(regex.match(str(value)))
            return not found if node.not_ else found
        return test

    @handle(ast.In)
    def in_(self, node, lhs, *options):
        equal = _COMPARE[ast.Equal]

        def test(row):
            value = lhs(row)
            if value is None:
                return False
            found = any(_compare(equal, value, o(row)) for o in options)
            return not found if node.not_ else found
        return test

    @handle(ast.IsNull)
    def is_null(self, node, lhs):
        def test(row):
            value = lhs(row)
            null = value is None or value == ''
            return not null if node.not_ else null
        return test

    @handle(*_SPATIAL)
    def spatial(self, node, lhs, rhs):
        operator = _SPATIAL[type(node)]

        def test(row):
            left, right = lhs(row), rhs(row)
            if left is None or right is None:
                return False
            return bool(operator(left, right))
        return test

    @handle(ast.Include)
    def include(self, node):
        return lambda row: not node.not_


def _envelope_bounds(node):
    """Both parsers fill Envelope(x1, x2, y1, y2) with the CQL2 order
    minx, miny, maxx, maxy (BBOX(...) and {"bbox": [...]}), whatever the
    names of its fields say"""
    return node.x1, node.x2, node.y1, node.y2


def _standard_json(node):
    """CQL2-JSON 1.0 writes BETWEEN with three arguments; pygeofilter
    reads the draft's [property, [low, high]]"""
    if isinstance(node, dict):
        node = {k: _standard_json(v) for k, v in node.items()}
        args = node.get('args')
        if (node.get('op') == 'between' and isinstance(args, list)
                and len(args) == 3):
            node['args'] = [args[0], [args[1], args[2]]]
        return node
    if isinstance(node, list):
        return [_standard_json(n) for n in node]
    return node


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _narrowing(node, compiler):
    """Envelope (CRS84) and equalities that every match satisfies, read
    under the top AND only"""
    envelope, equals = None, {}
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.And):
            stack += [node.lhs, node.rhs]
        elif (type(node) in _SPATIAL and type(node) is not
                ast.GeometryDisjoint):
            for side in (node.lhs, node.rhs):
                shape = None
                if isinstance(side, values.Geometry):
                    shape = compiler._literal_geometry(side.geometry)
                elif isinstance(side, values.Envelope):
                    shape = compiler._box(*_envelope_bounds(side))
                elif (isinstance(side, ast.Function)
                        and side.name.lower() == 'bbox'):
                    shape = compiler.function(side)(None)
                if shape is not None and not shape.is_empty:
                    bounds = shape.bounds
                    envelope = bounds if envelope is None else (
                        max(envelope[0], bounds[0]),
                        max(envelope[1], bounds[1]),
                        min(envelope[2], bounds[2]),
                        min(envelope[3], bounds[3]))
        elif (isinstance(node, ast.Equal)
                and isinstance(node.lhs, ast.Attribute)
                and node.lhs.name != GEOMETRY
                and isinstance(node.rhs, (str, int, float))
                and not isinstance(node.rhs, bool)):
            equals[node.lhs.name] = str(node.rhs)
    return envelope, equals


def check_language(language):
    language = language or 'cql2-text'
    if language not in LANGUAGES:
        raise ogc.bad_request('msg_api_filter_lang_unknown',
            field='filter-lang', lang=language,
            langs=', '.join(LANGUAGES))
    return language


def parse(text, language=None, crs='CRS84', names=()):
    """Check and compile a filter given in the query; raise ogc.ApiError
    naming what is wrong"""
    language = check_language(language)
    if not text or not text.strip():
        raise ogc.bad_request('msg_api_filter_invalid', field='filter',
            error='∅')
    if len(text) > MAX_LENGTH:
        raise ogc.bad_request('msg_api_filter_too_long', field='filter',
            maximum=MAX_LENGTH)
    try:
        if language == 'cql2-json':
            tree = parse_json(_standard_json(json.loads(text)))
        else:
            tree = parse_text(text)
    except lark.exceptions.UnexpectedInput as error:
        raise ogc.bad_request('msg_api_filter_invalid', field='filter',
            error=_position(text, error))
    except (ValueError, TypeError, KeyError, AttributeError,
            lark.exceptions.LarkError) as error:
        raise ogc.bad_request('msg_api_filter_invalid', field='filter',
            error=str(error).splitlines()[0][:200] if str(error)
            else error.__class__.__name__)
    compiler = _Compiler(set(names), crs)
    try:
        predicate = compiler.evaluate(tree)
        envelope, equals = _narrowing(tree, compiler)
    except (_Unsupported, NotImplementedError) as error:
        raise ogc.bad_request('msg_api_filter_unsupported', field='filter',
            what=str(error))
    if compiler.unknown:
        raise ogc.bad_request('msg_api_filter_property_unknown',
            field='filter', property=compiler.unknown[0],
            queryables=', '.join(sorted(names)) or '—')
    return Filter(predicate, envelope, {k: v for k, v in equals.items()
            if k in names})


def _position(text, error):
    column = getattr(error, 'column', None)
    if column and column > 0:
        start = max(column - 1, 0)
        return '%s « %s »' % (column, text[start:start + 20])
    return str(error).splitlines()[0][:200]
