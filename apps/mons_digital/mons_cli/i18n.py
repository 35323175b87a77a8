"""French translations of a module: which source strings lack one, and a
refresh of locale/fr.po that keeps every existing translation."""
import os
import pathlib

import polib


def _source_entries(module):
    "The source strings of an activated module, as polib entries"
    from trytond.pool import Pool
    pool = Pool()
    Translation = pool.get('ir.translation')
    TranslationSet = pool.get('ir.translation.set', type='wizard')
    # Strings of views and reports are registered by this wizard only
    session_id, _, _ = TranslationSet.create()
    wizard = TranslationSet(session_id)
    wizard.set_report()
    wizard.set_view()
    TranslationSet.delete(session_id)
    content = Translation.translation_export('en', module)
    if not content:
        return []
    return list(polib.pofile(content.decode('utf-8')))


def module_folder(module):
    import importlib.util
    spec = importlib.util.find_spec(f'trytond.modules.{module}')
    return pathlib.Path(spec.submodule_search_locations[0])


def _key(entry):
    return (entry.msgctxt, entry.msgid)


def missing_french(module):
    """Entries of the module without French; call inside a transaction of a
    database where the module is activated."""
    po_path = module_folder(module) / 'locale' / 'fr.po'
    translated = set()
    if po_path.exists():
        translated = {_key(e) for e in polib.pofile(str(po_path))
            if e.msgstr and 'fuzzy' not in e.flags}
    return [e for e in _source_entries(module) if _key(e) not in translated]


def update_po(module):
    "Rewrite locale/fr.po; return the number of entries still without French"
    os.environ.setdefault('DB_NAME', ':memory:')
    os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
    from trytond.tests.test_tryton import DB_NAME, activate_module
    from trytond.transaction import Transaction
    activate_module([module])
    with Transaction().start(DB_NAME, 0):
        sources = _source_entries(module)
    po_path = module_folder(module) / 'locale' / 'fr.po'
    po_path.parent.mkdir(exist_ok=True)
    existing = {}
    by_msgid = {}
    if po_path.exists():
        for entry in polib.pofile(str(po_path)):
            if entry.msgstr:
                existing[_key(entry)] = entry.msgstr
                by_msgid.setdefault(entry.msgid, entry.msgstr)
    pofile = polib.POFile(wrapwidth=78)
    pofile.metadata = {'Content-Type': 'text/plain; charset=utf-8'}
    missing = 0
    for source in sources:
        entry = polib.POEntry(msgctxt=source.msgctxt, msgid=source.msgid,
            flags=[f for f in source.flags if f != 'fuzzy'])
        # Same text elsewhere in the module: offer it, marked fuzzy
        entry.msgstr = existing.get(_key(source), '')
        if not entry.msgstr and source.msgid in by_msgid:
            entry.msgstr = by_msgid[source.msgid]
            entry.flags.append('fuzzy')
        if not entry.msgstr or 'fuzzy' in entry.flags:
            missing += 1
        pofile.append(entry)
    pofile.sort()
    pofile.save(str(po_path))
    return missing
