# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Belgian enterprise numbers (BCE/KBO) as party identifiers: the
reference's organisations, imported contacts and letters' senders."""

# The identifier types an enterprise number is stored under: typed when
# its check digits are right, else kept untyped as it was given
TYPES = ('be_businessid', 'be_vat', None)


def identifier_type(number):
    "'be_businessid' when the check digits are right, else None"
    from stdnum.be import vat
    return 'be_businessid' if vat.is_valid(number) else None
