# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"Small shared helpers of the layer definitions"
import re

COLOUR_RE = re.compile(r'^#[0-9a-fA-F]{6}$')


def split_names(value):
    "Names of a comma-separated list, blanks dropped"
    return [v.strip() for v in (value or '').split(',') if v.strip()]
