"""Solr filter queries (``fq``, and fielded terms of ``q``) as CKAN's
package_search receives them from harvesters.

ckanext-harvest's CKAN harvester sends ``organization:a OR organization:b``,
``-groups:x`` and, for an incremental run,
``metadata_modified:[2020-01-01T00:00:00Z TO *]``: terms are ANDed unless
joined by OR, ``-``/``NOT`` negates, ranges are ``[a TO b]`` (inclusive) or
``{a TO b}`` (exclusive, each end on its own) with ``*`` for an open end."""
import datetime as dt
import re
import unicodedata

TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<paren>[()])
  | (?P<term>[-+!]?[\w.]+:(?:
        [\[{][^\]}]*[\]}]
      | "(?:[^"\\]|\\.)*"
      | [^\s()]+))
  | (?P<word>[-+]?"(?:[^"\\]|\\.)*"|[^\s()]+)
''', re.VERBOSE)
RANGE = re.compile(r'([\[{])\s*(\S+)\s+TO\s+(\S+)\s*([\]}])', re.I)
DATE_FIELDS = {'metadata_modified', 'metadata_created'}
NUMBER_FIELDS = {'num_resources', 'num_tags'}
NOW = re.compile(r'NOW(?:/DAYS?)?(?:([-+])(\d+)(DAYS?|HOURS?|MINUTES?))?$',
    re.I)


class FilterError(ValueError):
    "A filter query that cannot be read; the message is French"

    def __init__(self, message, field='fq'):
        super().__init__(message)
        self.field = field


def fold(text):
    "Lower-case without accents, for search"
    text = unicodedata.normalize('NFKD', str(text or ''))
    return ''.join(c for c in text if not unicodedata.combining(c)).lower()


def parse_date(value, field):
    "A Solr date (2020-01-01T00:00:00Z, with or without fraction, NOW-1DAY)"
    match = NOW.match(value)
    if match:
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        if match.group(1):
            unit = match.group(3).lower().rstrip('s')
            delta = dt.timedelta(**{unit + 's': int(match.group(2))})
            now = now - delta if match.group(1) == '-' else now + delta
        return now
    text = value.strip('"')
    if text.endswith('Z'):
        text = text[:-1]
    try:
        date = dt.datetime.fromisoformat(text)
    except ValueError:
        raise FilterError("Date non valable pour %s : %s (attendu : "
            "AAAA-MM-JJTHH:MM:SSZ)." % (field, value), field)
    if date.tzinfo:
        date = date.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return date


def _range_value(field, value):
    if value == '*':
        return None
    if field in DATE_FIELDS:
        return parse_date(value, field)
    if field in NUMBER_FIELDS:
        try:
            return float(value)
        except ValueError:
            raise FilterError("Nombre non valable pour %s : %s."
                % (field, value), field)
    return fold(value.strip('"'))


def _package_value(package, field):
    value = package.get(field)
    if value is None:
        return None
    if field in DATE_FIELDS:
        return parse_date(value, field)
    if field in NUMBER_FIELDS:
        return float(value)
    return fold(value)


class FilterQuery:
    "A parsed fq, evaluated on each package dict with facet_values(package)"

    def __init__(self, text, facet_values, range_fields):
        self.facet_values = facet_values
        self.range_fields = range_fields
        self.tokens = []
        for m in TOKEN.finditer(text or ''):
            if m.lastgroup != 'ws':
                self.tokens.append((m.lastgroup, m.group(m.lastgroup)))
        self.pos = 0
        self.tree = self._or() if self.tokens else None
        if self.pos < len(self.tokens):
            raise FilterError("« %s » inattendu dans le filtre."
                % self.tokens[self.pos][1])

    def _peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) \
            else (None, None)

    def _or(self):
        parts = [self._and()]
        while self._peek()[1] in {'OR', '||'}:
            self.pos += 1
            parts.append(self._and())
        return ('or', parts) if len(parts) > 1 else parts[0]

    def _and(self):
        parts = [self._unary()]
        while True:
            kind, value = self._peek()
            if value in {'AND', '&&'}:
                self.pos += 1
                parts.append(self._unary())
            elif kind is not None and value not in {'OR', '||', ')'}:
                parts.append(self._unary())
            else:
                break
        return ('and', parts) if len(parts) > 1 else parts[0]

    def _unary(self):
        kind, value = self._peek()
        if kind is None:
            raise FilterError("Filtre incomplet.")
        if value == 'NOT':
            self.pos += 1
            return ('not', self._unary())
        if value == '(':
            self.pos += 1
            node = self._or()
            if self._peek()[1] != ')':
                raise FilterError("Parenthèse non fermée dans le filtre.")
            self.pos += 1
            return node
        if value == ')':
            raise FilterError("Parenthèse fermante inattendue dans le "
                "filtre.")
        self.pos += 1
        negate = value[0] in '-!'
        value = value.lstrip('+-!')
        if kind == 'term' or (':' in value and not value.startswith('"')):
            key, _, raw = value.partition(':')
            node = self._term(key, raw)
        else:
            # a bare word (in q): matched by the caller's text search
            node = ('text', value.strip('"'))
        return ('not', node) if negate else node

    def _term(self, key, raw):
        key = {'owner_org': 'organization', 'tag': 'tags',
            'group': 'groups'}.get(key, key)
        match = RANGE.fullmatch(raw)
        if match:
            if key not in self.range_fields:
                raise FilterError("Intervalle non permis sur le champ %s "
                    "(permis : %s)." % (key, ', '.join(sorted(
                                self.range_fields))))
            low = _range_value(key, match.group(2))
            high = _range_value(key, match.group(3))
            return ('range', key, low, match.group(1) == '[', high,
                match.group(4) == ']')
        if raw.startswith(('[', '{')):
            raise FilterError("Intervalle mal formé pour %s : %s (attendu : "
                "[début TO fin])." % (key, raw))
        return ('term', key, raw.strip('"'))

    def matches(self, package, text_match=None):
        if self.tree is None:
            return True
        return self._eval(self.tree, package, text_match)

    def _eval(self, node, package, text_match):
        kind = node[0]
        if kind == 'and':
            return all(self._eval(n, package, text_match) for n in node[1])
        if kind == 'or':
            return any(self._eval(n, package, text_match) for n in node[1])
        if kind == 'not':
            return not self._eval(node[1], package, text_match)
        if kind == 'text':
            return text_match(node[1]) if text_match else True
        if kind == 'range':
            _, key, low, low_in, high, high_in = node
            value = _package_value(package, key)
            if value is None:
                return False
            if low is not None and (value < low or (
                        value == low and not low_in)):
                return False
            if high is not None and (value > high or (
                        value == high and not high_in)):
                return False
            return True
        _, key, value = node
        if key in self.range_fields and key not in {'name', 'id'}:
            if value == '*':
                return package.get(key) is not None
            return _package_value(package, key) == _range_value(key, value)
        candidates = self.facet_values(package).get(key)
        if candidates is None:
            return False
        if value == '*':
            return bool(candidates)
        if '*' in value:
            pattern = re.compile(re.escape(fold(value)).replace(r'\*', '.*'))
            return any(pattern.fullmatch(fold(c)) for c in candidates)
        return fold(value) in {fold(c) for c in candidates}
