"""Nothing in the code or the templates names the municipality: a site
carries its municipality (its reference folder), so another city runs the
same code. The names come from the dev site's reference (Mons): its
municipality, organisations, their addresses, e-mail domains and phones,
and its sections; demo data, tests and documentation may name them, and the
product's name (Mons Digital Suite, modules mons_*, the `mons` tool) is an
identifier, not the municipality."""
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
REFERENCE = ROOT / 'sites' / 'dev' / 'reference'
CODE = ('.py', '.xml', '.html', '.j2', '.js', '.css', '.svg', '.cfg')
# The product and its identifiers: not the municipality
IDENTIFIERS = re.compile(r'Mons Digital(?: Suite)?|mons[_.-]\w+|'
    r'\bmons\b(?= (?:init|update|start|demo|key|po)\b)')


def excluded(path):
    parts = path.relative_to(ROOT).parts
    return ('tests' in parts or 'doc' in parts or 'locale' in parts
        or 'demo' in path.stem or path.name.startswith('.')
        or any(p.endswith('.egg-info') or p == '__pycache__' for p in parts))


def names():
    """What names the dev site's municipality, as patterns: (names, read
    once the product's identifiers are left out; addresses, domains, phones
    and numbers, read on the whole line)"""
    organisations = json.loads((REFERENCE / 'organisations.json').read_text(
            encoding='utf-8'))
    sections = json.loads((REFERENCE / 'sections.json').read_text(
            encoding='utf-8'))
    holidays = json.loads((REFERENCE / 'holidays.json').read_text(
            encoding='utf-8'))
    words, others = set(), set()
    for org in organisations:
        words |= {org['name'], org['city']}
        others.add(org['street'])
        domain = org['email'].split('@')[1]
        # info@ville.mons.be: mons.be
        others.add(domain.split('.', 1)[1] if domain.count('.') > 1
            else domain)
        others |= {org[k] for k in ('phone', 'enterprise', 'nis')
            if org.get(k)}
    words |= {s['name'] for s in sections}
    words |= {h['name'] for h in holidays['local']}

    def pattern(word):
        return re.compile(r'(?<![\w-])' + re.escape(word) + r'(?![\w-])')
    return ([pattern(w) for w in sorted(words)],
        [pattern(w) for w in sorted(others)])


def test_code_and_templates_do_not_name_the_municipality():
    patterns, raw_patterns = names()
    found = []
    for folder in (ROOT / 'apps').iterdir():
        for path in sorted(folder.rglob('*')):
            if not path.is_file() or path.suffix not in CODE \
                    or excluded(path):
                continue
            text = path.read_text(encoding='utf-8', errors='replace')
            for number, line in enumerate(text.splitlines(), 1):
                named = IDENTIFIERS.sub('', line)
                hit = next((p for p in patterns if p.search(named)), None) \
                    or next((p for p in raw_patterns if p.search(line)),
                        None)
                if hit:
                    found.append(f'{path.relative_to(ROOT)}:{number}: '
                        f'{hit.pattern} in « {line.strip()[:100]} »')
    assert not found, ("The municipality is named in the code; take it "
        "from the site (mons_base.municipality) instead:\n"
        + '\n'.join(found))
