# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.

from trytond.tests.test_tryton import load_doc_tests


def load_tests(*args, **kwargs):
    return load_doc_tests(__name__, __file__, *args, **kwargs)
