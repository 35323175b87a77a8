"""Fill locale/fr.po of a module from a JSON dictionary {msgid: French} or
{"msgctxt|msgid": French} given on the command line (a helper for
translators: `python -m mons_cli.translate MODULE FILE.json`)."""
import json
import sys

import polib

from .i18n import module_folder


def fill(module, mapping):
    path = module_folder(module) / 'locale' / 'fr.po'
    pofile = polib.pofile(str(path), wrapwidth=78)
    left = 0
    for entry in pofile:
        value = mapping.get(f'{entry.msgctxt}|{entry.msgid}') or mapping.get(
            entry.msgid)
        if value:
            entry.msgstr = value
            if 'fuzzy' in entry.flags:
                entry.flags.remove('fuzzy')
        if not entry.msgstr or 'fuzzy' in entry.flags:
            left += 1
    pofile.save(str(path))
    return left


if __name__ == '__main__':
    with open(sys.argv[2], encoding='utf-8') as fp:
        print(fill(sys.argv[1], json.load(fp)), "left without French")
