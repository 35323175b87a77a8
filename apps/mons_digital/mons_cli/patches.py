"""Scripted data migrations: `patches/NNNN_name.py` files defining
`run(pool)`, applied once each in name order and recorded in
`mons.site.patch`."""
import datetime as dt
import importlib.util
import time


def pending(site, pool):
    Patch = pool.get('mons.site.patch')
    done = {p.name for p in Patch.search([])}
    folder = site.root / 'patches'
    return [path for path in sorted(folder.glob('[0-9]*.py'))
        if path.stem not in done]


def apply(site, pool, transaction, log=print):
    Patch = pool.get('mons.site.patch')
    applied = []
    for path in pending(site, pool):
        spec = importlib.util.spec_from_file_location(
            f'mons_patch_{path.stem}', path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        start = time.monotonic()
        module.run(pool)
        Patch.create([{'name': path.stem, 'applied': dt.datetime.now(),
                    'duration': time.monotonic() - start}])
        # Each patch commits alone so that a failing one leaves the
        # previous ones recorded
        transaction.commit()
        log(f"patch {path.stem} applied")
        applied.append(path.stem)
    return applied
