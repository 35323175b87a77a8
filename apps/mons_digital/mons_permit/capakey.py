# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""The cadastral parcel identifier of the Belgian cadastre (CaPaKey):
division (5 digits), section (a letter), radical (4 digits), '/', bis
(2 digits), exponent (a letter or '_') and power (3 digits), 17 characters
as in '53053A0123/02B045'."""
import re
from collections import namedtuple

CAPAKEY = re.compile(
    r'^(?P<division>\d{5})(?P<section>[A-Z])(?P<radical>\d{4})/'
    r'(?P<bis>\d{2})(?P<exponent>[A-Z_])(?P<power>\d{3})$')
EXAMPLE = '53053A0123/02B045'

Capakey = namedtuple('Capakey',
    ['division', 'section', 'radical', 'bis', 'exponent', 'power'])


def normalize(value):
    "Upper case without spaces: the form people type varies"
    return re.sub(r'\s+', '', value or '').upper()


def split(value):
    "The parts of a capakey, or None when it is not one"
    match = CAPAKEY.match(normalize(value))
    if not match:
        return None
    return Capakey(**match.groupdict())


def join(division, section, radical, bis=0, exponent='_', power=0):
    return (f'{int(division):05d}{section.upper()}{int(radical):04d}/'
        f'{int(bis):02d}{(exponent or "_").upper()}{int(power):03d}')


def is_valid(value):
    return split(value) is not None
