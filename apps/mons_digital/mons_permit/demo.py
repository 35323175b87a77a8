# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Demo data of the permits (loaded by `mons demo`)."""
from . import demo_files, publication_setup


def load_demo(rng):
    # Bodies, cadastre and a dozen files at every step (demo_files.py)
    demo_files.load_demo(rng)
    # The open-data dataset and the public layer of the granted permits
    publication_setup.setup()
