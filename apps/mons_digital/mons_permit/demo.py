# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Demo data of the permits (loaded by `mons demo`)."""
from . import publication_setup


def load_demo(rng):
    # The open-data dataset and the public layer of the granted permits
    publication_setup.setup()
