"""Duplicate detection over 100,000 contacts: the mons_crm engine
(normalisation, blocking, scoring) against a plain pandas + rapidfuzz pass
on the same data, the floor to approach.

    .venv/bin/python bench/crm_dedup.py [--contacts 100000] [--rate 0.02]

Both passes get the same synthetic contacts with known duplicates (copies
typed again with upper case, missing accents, a typo, spaces, +32/0/0032
phones, abbreviated streets); the script prints seconds, pairs found,
recall of the known pairs and peak memory. Runs in one process, no
database (the database path is measured by bench/crm_import.py).
"""
import argparse
import multiprocessing
import os
import re
import resource
import sys
import time
import unicodedata

sys.path.insert(0, os.path.dirname(__file__))

import crm_data  # noqa: E402


def engine(contacts, threshold):
    from trytond.modules.mons_crm.normalize import find_duplicates
    pairs = find_duplicates(contacts, threshold=threshold)
    return {(a, b) for a, b, _, _ in pairs}


def floor(contacts, cutoff=90):
    """What a data scientist writes in an afternoon: pandas for the
    normalisation and blocks, rapidfuzz.cdist inside each block, exact
    email and phone groups"""
    import pandas as pd
    from rapidfuzz import fuzz, process

    df = pd.DataFrame({
            'id': [c['id'] for c in contacts],
            'name': [c['name'] for c in contacts],
            'email': [(c['emails'] or [''])[0] for c in contacts],
            'phone': [(c['phones'] or [''])[0] for c in contacts],
            'postal_code': [c['postal_code'] for c in contacts],
            })

    def norm(text):
        text = unicodedata.normalize('NFKD', text)
        text = ''.join(ch for ch in text if not unicodedata.combining(ch))
        return ' '.join(sorted(re.sub(r'[^a-z0-9 ]', ' ',
                    text.lower()).split()))
    df['n'] = df['name'].map(norm)
    df['email'] = df['email'].str.strip().str.lower()
    df['phone'] = df['phone'].str.replace(r'\D', '', regex=True).str[-9:]
    df['block'] = df['postal_code'] + ':' + df['n'].str[:2]
    pairs = set()
    for _, group in df.groupby('block'):
        if len(group) < 2:
            continue
        ids = group['id'].to_numpy()
        matrix = process.cdist(group['n'].tolist(), group['n'].tolist(),
            scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, workers=1)
        rows, cols = matrix.nonzero()
        for i, j in zip(rows, cols):
            if i < j:
                a, b = ids[i], ids[j]
                pairs.add((min(a, b), max(a, b)))
    for column in ['email', 'phone']:
        keyed = df[df[column] != '']
        for _, group in keyed.groupby(column):
            ids = sorted(group['id'])
            for i in range(len(ids)):
                for j in range(i + 1, len(ids)):
                    pairs.add((ids[i], ids[j]))
    return pairs


def _rss_mib():
    with open('/proc/self/statm') as fp:
        return int(fp.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20


def _child(func, args, queue):
    before = _rss_mib()
    start, cpu = time.perf_counter(), time.process_time()
    result = func(*args)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((seconds, cpu, max(peak - before, 0), result))


def measure(func, *args):
    """Run func in a forked process: wall and CPU seconds, memory grown
    (MiB) and the result"""
    context = multiprocessing.get_context('fork')
    queue = context.Queue()
    process = context.Process(target=_child, args=(func, args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--contacts', type=int, default=100000)
    parser.add_argument('--rate', type=float, default=0.02,
        help="share of duplicate copies")
    parser.add_argument('--threshold', type=int, default=75)
    args = parser.parse_args()

    start = time.perf_counter()
    contacts, known = crm_data.contacts(args.contacts, args.rate)
    print(f"{len(contacts)} contacts, {len(known)} known duplicate pairs "
        f"(generated in {time.perf_counter() - start:.1f} s)")
    print(f"{'pass':<24}{'wall s':>8}{'CPU s':>8}{'pairs':>8}{'recall':>8}"
        f"{'extra':>8}{'+MiB':>7}")
    for name, func, extra in [
            ("mons_crm engine", engine, (args.threshold,)),
            ("pandas+rapidfuzz floor", floor, ())]:
        seconds, cpu, grown, pairs = measure(func, contacts, *extra)
        found = len(pairs & known)
        print(f"{name:<24}{seconds:>8.2f}{cpu:>8.2f}{len(pairs):>8}"
            f"{found / len(known):>8.1%}{len(pairs - known):>8}"
            f"{grown:>7.0f}")
    print("extra: pairs not made on purpose (homonyms sharing an address, "
        "phone or email count as real matches only if planted)")


if __name__ == '__main__':
    main()
