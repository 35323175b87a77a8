"""Demo data of careers, one part per concept (each part looks its data up
first, so that a second run adds nothing)."""
import random


def load_demo(rng):
    from . import recruitment_demo
    # One generator per part so that a skipped part does not shift the next
    seeds = [rng.random() for _ in range(4)]
    recruitment_demo.load_demo(random.Random(seeds[3]))
