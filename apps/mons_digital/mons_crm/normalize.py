"""Normalisation and duplicate scoring of contacts.

Pure functions working on plain dicts so that the same code serves the
directory scan, the import (file against directory and inside the file) and
the benchmarks without going through the ORM.
"""
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from itertools import combinations

from rapidfuzz import fuzz

try:
    import phonenumbers
except ImportError:  # pragma: no cover - declared as a dependency
    phonenumbers = None

_SPACES = re.compile(r'\s+')
_NON_WORD = re.compile(r"[^0-9a-z@+.]+")
_DIGITS = re.compile(r'\D+')
POSTAL_CODE = re.compile(r'^[1-9][0-9]{3}$')
# Syntax only: deliverability needs DNS, which a desk import must not wait on
EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


def valid_email(email):
    "Normalised address or None when the syntax is wrong"
    if not email:
        return None
    email = _SPACES.sub('', str(email)).strip().strip('<>').lower()
    email = email.removeprefix('mailto:')
    try:
        local, domain = email.rsplit('@', 1)
        domain = domain.encode('idna').decode('ascii')
    except (ValueError, UnicodeError):
        return None
    email = f'{local}@{domain}'
    if len(email) > 254 or len(local) > 64 or not EMAIL.match(email):
        return None
    return email

# Street words written in many ways in the services' Excel files
_STREET_WORDS = {
    'r': 'rue', 'av': 'avenue', 'ave': 'avenue', 'bd': 'boulevard',
    'bld': 'boulevard', 'boul': 'boulevard', 'pl': 'place',
    'ch': 'chaussee', 'chee': 'chaussee', 'chss': 'chaussee',
    'sq': 'square', 'imp': 'impasse', 'str': 'straat',
    }
# Words that carry no identity in names
_NAME_NOISE = {'m', 'mr', 'mme', 'mlle', 'monsieur', 'madame',
    'mademoiselle', 'dr', 'docteur', 'me', 'maitre', 'asbl', 'sprl',
    'srl', 'sa', 'scrl', 'sc', 'vzw', 'bv', 'nv', 'et', 'and', 'de', 'la',
    'le', 'du', 'des', 'van', 'der', 'den'}

# Weights of the score: a name alone is not enough to call a duplicate
NAME_WEIGHT = 0.55
EMAIL_WEIGHT = 0.2
PHONE_WEIGHT = 0.15
ADDRESS_WEIGHT = 0.1
MAX_BLOCK = 60


def strip_accents(text):
    return ''.join(c for c in unicodedata.normalize('NFKD', text)
        if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def norm_text(text):
    "Lower case, without accents, punctuation or repeated spaces"
    if not text:
        return ''
    text = str(text)
    if not text.isascii():
        # œ and æ have no decomposition
        text = unicodedata.normalize('NFKD', text.replace('œ', 'oe')
            .replace('Œ', 'OE').replace('æ', 'ae')).encode(
                'ascii', 'ignore').decode('ascii')
    text = _NON_WORD.sub(' ', text.lower().replace('.', ' '))
    return ' '.join(text.split())


@lru_cache(maxsize=65536)
def norm_name(text):
    "Name tokens sorted, noise words removed: 'DUPONT Jean' == 'jean dupont'"
    tokens = [t for t in norm_text(text).split() if t not in _NAME_NOISE]
    return ' '.join(sorted(tokens))


def norm_email(email):
    if not email:
        return ''
    email = _SPACES.sub('', str(email)).strip().lower()
    return email if '@' in email else ''


_BELGIAN = re.compile(r'^(?:\+32|0032|0)(?:\(0\))?([1-9][0-9]{7,8})$')


@lru_cache(maxsize=65536)
def norm_phone(phone, region='BE'):
    """E.164 form of a phone number; Belgian numbers may be written with
    +32, 0032 or a leading 0."""
    if not phone:
        return ''
    phone = str(phone).strip()
    # Most numbers are Belgian: no need for the full parser
    compact = re.sub(r'[\s./()-]', '', phone).replace('(0)', '')
    match = _BELGIAN.match(compact) if region == 'BE' else None
    if match:
        return '+32' + match.group(1)
    if phonenumbers:
        try:
            number = phonenumbers.parse(phone, region)
        except phonenumbers.NumberParseException:
            number = None
        if number is not None and phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.E164)
    digits = _DIGITS.sub('', phone)
    if digits.startswith('0032'):
        digits = digits[4:]
    elif digits.startswith('32') and len(digits) > 9:
        digits = digits[2:]
    digits = digits.lstrip('0')
    return '+32' + digits if len(digits) >= 8 else ''


def valid_phone(phone, region='BE'):
    if not phonenumbers:
        return bool(norm_phone(phone, region))
    try:
        number = phonenumbers.parse(str(phone), region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


@lru_cache(maxsize=65536)
def norm_street(street):
    tokens = [_STREET_WORDS.get(t, t) for t in norm_text(street).split()]
    return ' '.join(tokens)


def norm_postal_code(postal_code):
    if postal_code is None:
        return ''
    if isinstance(postal_code, float) and postal_code.is_integer():
        postal_code = int(postal_code)
    return _SPACES.sub('', str(postal_code)).upper().removeprefix('B-')


def norm_address(street, postal_code):
    street = norm_street(street)
    if not street:
        return ''
    return f'{norm_postal_code(postal_code)} {street}'.strip()


def prepare(contact):
    """Normalised keys of a contact dict with name, emails, phones, street,
    postal_code (lists or strings)."""
    def as_list(value):
        if not value:
            return []
        if isinstance(value, (list, tuple, set)):
            return [v for v in value if v]
        return [value]
    name = norm_name(contact.get('name'))
    emails = {e for e in map(norm_email, as_list(contact.get('emails')))
        if e}
    phones = {p for p in map(norm_phone, as_list(contact.get('phones')))
        if p}
    addresses = {a for a in (norm_address(s, contact.get('postal_code'))
            for s in as_list(contact.get('street'))) if a}
    return {
        'id': contact.get('id'),
        'name': name,
        'emails': emails,
        'phones': phones,
        'addresses': addresses,
        'postal_code': norm_postal_code(contact.get('postal_code')),
        }


def blocking_keys(prepared):
    "Keys under which two records must share at least one to be compared"
    keys = {'e:' + e for e in prepared['emails']}
    keys.update('p:' + p for p in prepared['phones'])
    keys.update('a:' + a for a in prepared['addresses'])
    name = prepared['name']
    if name:
        keys.add('n:' + name)
        # Typos rarely touch both the start of the longest token and the
        # postal code; this key groups 'Dupont' and 'Dupond' in 7000.
        longest = max(name.split(), key=len)
        if len(longest) >= 3:
            keys.add(f'q:{longest[:4]}:{prepared["postal_code"]}')
    return keys


_NUMBER = re.compile(r'\b\d+[a-z]?\b')


def address_ratio(x, y):
    "Similarity of two normalised addresses; another house number is 0"
    if x == y:
        return 100
    if _NUMBER.findall(x) != _NUMBER.findall(y):
        return 0
    return fuzz.ratio(x, y)


def score(a, b):
    """Score from 0 to 100 with the reasons, of two prepared contacts."""
    reasons = []
    name = fuzz.token_sort_ratio(a['name'], b['name']) if (
        a['name'] and b['name']) else 0
    if name >= 85:
        reasons.append('name' if name == 100 else 'similar_name')
    email = bool(a['emails'] & b['emails'])
    if email:
        reasons.append('email')
    phone = bool(a['phones'] & b['phones'])
    if phone:
        reasons.append('phone')
    address = 0
    if a['addresses'] and b['addresses']:
        address = max(address_ratio(x, y)
            for x in a['addresses'] for y in b['addresses'])
        if address >= 90:
            reasons.append('address')
    total = (NAME_WEIGHT * name + EMAIL_WEIGHT * 100 * email
        + PHONE_WEIGHT * 100 * phone + ADDRESS_WEIGHT * address)
    # A shared email or phone with a close name is a duplicate even when
    # the file has no address to compare.
    if (email or phone) and name >= 70:
        total = max(total, 85 + (name - 70) / 2)
    # Same address and a close name: 'Dupont' and 'Dupond' at Rue de la Gare 5
    if address >= 90 and name >= 85:
        total = max(total, 75 + (name - 85) / 1.5)
    return round(min(total, 100), 1), reasons


def find_duplicates(contacts, threshold=75, max_block=MAX_BLOCK):
    """Pairs (id_a, id_b, score, reasons) with id_a < id_b over contact
    dicts, compared inside blocks only."""
    prepared = [prepare(c) for c in contacts]
    blocks = defaultdict(list)
    for index, record in enumerate(prepared):
        for key in blocking_keys(record):
            blocks[key].append(index)
    seen = set()
    result = []
    for key, members in blocks.items():
        if len(members) < 2 or len(members) > max_block:
            continue
        for i, j in combinations(members, 2):
            pair = (i, j) if i < j else (j, i)
            if pair in seen:
                continue
            seen.add(pair)
            value, reasons = score(prepared[i], prepared[j])
            if value >= threshold:
                a, b = prepared[pair[0]]['id'], prepared[pair[1]]['id']
                if a > b:
                    a, b = b, a
                result.append((a, b, value, reasons))
    return result


class Index:
    "Blocking index of existing contacts to match incoming rows against"

    def __init__(self, contacts=()):
        self.records = {}
        self.blocks = defaultdict(list)
        for contact in contacts:
            self.add(contact)

    def add(self, contact):
        prepared = contact if 'addresses' in contact and isinstance(
            contact.get('emails'), set) else prepare(contact)
        self.records[prepared['id']] = prepared
        for key in blocking_keys(prepared):
            self.blocks[key].append(prepared['id'])
        return prepared

    def match(self, contact, threshold=75, max_block=MAX_BLOCK):
        "Best (id, score, reasons) of the index for a contact, or None"
        prepared = contact if isinstance(contact.get('emails'), set) \
            else prepare(contact)
        best = None
        seen = set()
        for key in blocking_keys(prepared):
            members = self.blocks.get(key, ())
            if len(members) > max_block:
                members = members[:max_block]
            for other in members:
                if other in seen or other == prepared.get('id'):
                    continue
                seen.add(other)
                value, reasons = score(prepared, self.records[other])
                if value >= threshold and (best is None or value > best[1]):
                    best = (other, value, reasons)
        return best
