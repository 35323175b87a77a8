"""A municipality's reference folder: who the local authority is.

A site is one municipality: its organisations (commune, CPAS, police
zone…), its services tree, its territorial sections (former communes) and
its local holidays come from the site's own reference folder, never from
the code. The folder holds four files, each as JSON (a list of objects, or
an object for the holidays) or CSV (one row per object, a header line of
the field names; the holidays' two lists as ``holidays_regulatory.csv`` and
``holidays_local.csv``):

organisations  code*, name*, street*, postal_code*, city*, email*, phone,
               website, enterprise (BCE number 0123.456.789), nis (INS code),
               logo (a PNG or JPEG file of the folder: the organisation's
               logo in the portal's header and Tryton's reports)
services       code*, name*, kind* (direction, department, cell), org* (an
               organisation code), parent (a service code of the same org)
sections       code*, name*, postal_code*, latitude, longitude, nis
holidays       years_before, years_after, regulatory* (month*, day*, name*),
               local* (easter_offset*, name*) — besides Belgium's legal ones

municipality   (optional, one object or one CSV row) name (of the
               municipality; default: the first organisation's city),
               nis (default: the first organisation's), organisation (the
               code of the one publishing portal and catalogue; default:
               the first), portal_name, colour and colour_dark (#RRGGBB),
               catalogue_title

(* required.) Every problem is reported at once, in French, naming the file,
the line and the field, before anything is written to the database."""
import csv
import json
import pathlib
import re

FILES = ('organisations', 'services', 'sections', 'holidays')
KINDS = ('direction', 'department', 'cell')
EMAIL = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s]+$')
ENTERPRISE = re.compile(r'^[01]\d{3}\.\d{3}\.\d{3}$')
CODE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]*$')
COLOUR = re.compile(r'^#[0-9A-Fa-f]{6}$')


class ReferenceError(Exception):
    "The reference folder is not usable: every problem, one per line"

    def __init__(self, problems):
        self.problems = problems
        super().__init__('\n'.join(problems))


def _text(value):
    return value.strip() if isinstance(value, str) else value


def _number(kind):
    def convert(value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        text = str(value).strip().replace(',', '.')
        return int(text) if kind is int else float(text)
    return convert


# field: (required, convert or None, check(value) -> problem or None)
SCHEMAS = {
    'organisations': {
        'code': (True, _text, lambda v: None if CODE.match(v) else
            "un code fait de lettres, chiffres, - ou _ est attendu"),
        'name': (True, _text, None),
        'street': (True, _text, None),
        'postal_code': (True, _text, lambda v: None if re.match(
                r'^\d{4}$', v) else "un code postal belge (4 chiffres) est "
            "attendu"),
        'city': (True, _text, None),
        'email': (True, _text, lambda v: None if EMAIL.match(v) else
            "une adresse e-mail est attendue"),
        'phone': (False, _text, None),
        'website': (False, _text, lambda v: None if v.startswith(
                ('http://', 'https://')) else "une adresse web (https://…) "
            "est attendue"),
        'enterprise': (False, _text, lambda v: None if ENTERPRISE.match(v)
            else "un numéro d'entreprise 0123.456.789 est attendu"),
        'nis': (False, _text, lambda v: None if re.match(r'^\d{5}$', v)
            else "un code INS de 5 chiffres est attendu"),
        'logo': (False, _text, lambda v: None if re.match(
                r'^[^/\\]+\.(png|jpe?g)$', v, re.I) else "le nom d'un "
            "fichier .png ou .jpg du dossier est attendu"),
        },
    'municipality': {
        'name': (False, _text, None),
        'nis': (False, _text, lambda v: None if re.match(r'^\d{5}$', v)
            else "un code INS de 5 chiffres est attendu"),
        'organisation': (False, _text, None),
        'portal_name': (False, _text, None),
        'colour': (False, _text, lambda v: None if COLOUR.match(v) else
            "une couleur #RRGGBB est attendue"),
        'colour_dark': (False, _text, lambda v: None if COLOUR.match(v)
            else "une couleur #RRGGBB est attendue"),
        'catalogue_title': (False, _text, None),
        },
    'services': {
        'code': (True, _text, lambda v: None if CODE.match(v) else
            "un code fait de lettres, chiffres, - ou _ est attendu"),
        'name': (True, _text, None),
        'kind': (True, _text, lambda v: None if v in KINDS else
            "une de ces valeurs est attendue : " + ', '.join(KINDS)),
        'org': (True, _text, None),
        'parent': (False, _text, None),
        },
    'sections': {
        'code': (True, _text, lambda v: None if CODE.match(v) else
            "un code fait de lettres, chiffres, - ou _ est attendu"),
        'name': (True, _text, None),
        'postal_code': (True, _text, lambda v: None if re.match(
                r'^\d{4}$', v) else "un code postal belge (4 chiffres) est "
            "attendu"),
        'latitude': (False, _number(float), lambda v: None
            if 49.4 <= v <= 51.6 else "une latitude en Belgique est attendue"),
        'longitude': (False, _number(float), lambda v: None
            if 2.5 <= v <= 6.5 else "une longitude en Belgique est attendue"),
        'nis': (False, _text, lambda v: None if re.match(r'^\d{5}$', v)
            else "un code INS de 5 chiffres est attendu"),
        },
    'regulatory': {
        'month': (True, _number(int), lambda v: None if 1 <= v <= 12 else
            "un mois de 1 à 12 est attendu"),
        'day': (True, _number(int), lambda v: None if 1 <= v <= 31 else
            "un jour de 1 à 31 est attendu"),
        'name': (True, _text, None),
        },
    'local': {
        'easter_offset': (True, _number(int), lambda v: None
            if -60 <= v <= 80 else "un nombre de jours après Pâques "
            "(-60 à 80) est attendu"),
        'name': (True, _text, None),
        },
    }


def _json_rows(path, text):
    """(line, object) of a JSON list, each object with the line where it
    starts, so that a problem names the line the person can open"""
    decoder = json.JSONDecoder()
    rows = []
    position = text.index('[') + 1
    while True:
        while position < len(text) and text[position] in ' \t\r\n,':
            position += 1
        if position >= len(text) or text[position] == ']':
            return rows
        line = text.count('\n', 0, position) + 1
        value, position = decoder.raw_decode(text, position)
        rows.append((line, value))


def _read_json(path):
    text = path.read_text(encoding='utf-8')
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReferenceError([f"{path.name}, ligne {error.lineno} : JSON "
                f"illisible ({error.msg})."])
    return text, data


def _read_csv(path):
    with open(path, encoding='utf-8-sig', newline='') as fp:
        sample = fp.read(4096)
        fp.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=',;\t')
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(fp, dialect=dialect)
        return [(reader.line_num, {k.strip(): v for k, v in row.items()
                    if k and v not in (None, '')}) for row in reader]


def _rows(folder, name):
    "(file name, [(line, object)]) of a list file, JSON or CSV"
    json_path, csv_path = folder / f'{name}.json', folder / f'{name}.csv'
    if json_path.exists():
        text, data = _read_json(json_path)
        if not isinstance(data, list):
            raise ReferenceError([f"{json_path.name}, ligne 1 : une liste "
                    "[ … ] d'objets est attendue."])
        return json_path.name, _json_rows(json_path, text)
    if csv_path.exists():
        return csv_path.name, _read_csv(csv_path)
    raise ReferenceError([f"{name}.json ou {name}.csv : fichier manquant "
            f"dans {folder}."])


def _check_rows(file_name, rows, schema, problems):
    "The rows converted to their types; problems appended, in French"
    result = []
    for line, row in rows:
        where = f"{file_name}, ligne {line}"
        if not isinstance(row, dict):
            problems.append(f"{where} : un objet {{ … }} est attendu.")
            continue
        values = {}
        for field, (required, convert, check) in schema.items():
            value = row.get(field)
            if value in (None, ''):
                if required:
                    problems.append(f"{where}, champ « {field} » : "
                        "obligatoire, il manque.")
                continue
            try:
                value = convert(value)
            except (TypeError, ValueError):
                problems.append(f"{where}, champ « {field} » : "
                    f"« {value} » n'est pas un nombre.")
                continue
            problem = check(value) if check else None
            if problem:
                problems.append(f"{where}, champ « {field} » : « {value} » "
                    f"refusé, {problem}.")
                continue
            values[field] = value
        for field in sorted(set(row) - set(schema)):
            if not field.startswith('_'):
                problems.append(f"{where}, champ « {field} » : inconnu "
                    f"(champs possibles : {', '.join(schema)}).")
        result.append((line, values))
    return result


def _unique(file_name, rows, problems):
    seen = {}
    for line, row in rows:
        code = row.get('code')
        if code in seen:
            problems.append(f"{file_name}, ligne {line}, champ « code » : "
                f"« {code} » est déjà celui de la ligne {seen[code]}.")
        elif code:
            seen[code] = line
    return seen


def _holidays(folder, problems):
    json_path = folder / 'holidays.json'
    if json_path.exists():
        text, data = _read_json(json_path)
        if not isinstance(data, dict):
            problems.append(f"{json_path.name}, ligne 1 : un objet {{ … }} "
                "avec « regulatory » et « local » est attendu.")
            return None
        result = {}
        for key in ('years_before', 'years_after'):
            value = data.get(key, 1 if key == 'years_before' else 3)
            if not isinstance(value, int) or not 0 <= value <= 10:
                problems.append(f"{json_path.name}, champ « {key} » : un "
                    "nombre d'années de 0 à 10 est attendu.")
            result[key] = value
        for key in ('regulatory', 'local'):
            items = data.get(key)
            if not isinstance(items, list):
                problems.append(f"{json_path.name}, champ « {key} » : "
                    "obligatoire, une liste [ … ] est attendue.")
                result[key] = []
                continue
            # Each list's objects, with their own lines
            start = text.index(f'"{key}"')
            lines = _json_rows(json_path, text[start:])
            offset = text.count('\n', 0, start)
            rows = [(line + offset, row) for line, row in lines]
            result[key] = [r for _, r in _check_rows(
                    f"{json_path.name} ({key})", rows, SCHEMAS[key],
                    problems)]
        return result
    result = {'years_before': 1, 'years_after': 3}
    for key in ('regulatory', 'local'):
        path = folder / f'holidays_{key}.csv'
        if not path.exists():
            problems.append(f"holidays.json ou holidays_{key}.csv : fichier "
                f"manquant dans {folder}.")
            result[key] = []
            continue
        result[key] = [r for _, r in _check_rows(path.name, _read_csv(path),
                SCHEMAS[key], problems)]
    return result


def read(folder):
    """{name: rows} of a reference folder, checked as a whole; raises
    ReferenceError with every problem found"""
    folder = pathlib.Path(folder)
    if not folder.is_dir():
        raise ReferenceError([f"Dossier de référence introuvable : "
                f"{folder}."])
    problems = []
    data = {}
    for name in ('organisations', 'services', 'sections'):
        try:
            file_name, rows = _rows(folder, name)
        except ReferenceError as error:
            problems.extend(error.problems)
            continue
        checked = _check_rows(file_name, rows, SCHEMAS[name], problems)
        _unique(file_name, checked, problems)
        data[name] = (file_name, checked)
    try:
        data['holidays'] = _holidays(folder, problems)
    except ReferenceError as error:
        problems.extend(error.problems)
    municipality = _municipality(folder, problems)
    if 'organisations' in data:
        file_name, organisations = data['organisations']
        for line, row in organisations:
            if not row.get('logo'):
                continue
            path = folder / row['logo']
            if not path.is_file():
                problems.append(f"{file_name}, ligne {line}, champ « logo » "
                    f": le fichier « {row['logo']} » n'est pas dans le "
                    "dossier.")
            elif not path.read_bytes()[:4] in {b'\x89PNG', b'\xff\xd8\xff\xe0',
                    b'\xff\xd8\xff\xe1', b'\xff\xd8\xff\xdb',
                    b'\xff\xd8\xff\xee'}:
                problems.append(f"{file_name}, ligne {line}, champ « logo » "
                    f": « {row['logo']} » n'est pas une image PNG ou JPEG.")
        codes = [r.get('code') for _, r in organisations]
        if municipality and municipality.get('organisation') \
                and municipality['organisation'] not in codes:
            problems.append(f"{municipality['_file']}, champ "
                f"« organisation » : « {municipality['organisation']} » "
                "n'est le code d'aucune organisation.")
    if 'organisations' in data and 'services' in data:
        orgs = {r['code'] for _, r in data['organisations'][1]
            if 'code' in r}
        file_name, services = data['services']
        org_of = {r['code']: r.get('org') for _, r in services
            if 'code' in r}
        if not orgs:
            problems.append(f"{data['organisations'][0]} : au moins une "
                "organisation est attendue.")
        for line, row in services:
            where = f"{file_name}, ligne {line}"
            if row.get('org') and row['org'] not in orgs:
                problems.append(f"{where}, champ « org » : « {row['org']} » "
                    "n'est le code d'aucune organisation.")
            parent = row.get('parent')
            if parent and parent not in org_of:
                problems.append(f"{where}, champ « parent » : « {parent} » "
                    "n'est le code d'aucun service.")
            elif parent and org_of[parent] != row.get('org'):
                problems.append(f"{where}, champ « parent » : le service "
                    f"« {parent} » est d'une autre organisation.")
        # A parent must be created before its children: a cycle never ends
        for line, row in services:
            seen, code = set(), row.get('code')
            while code and code not in seen:
                seen.add(code)
                code = next((r.get('parent') for _, r in services
                        if r.get('code') == code), None)
            if code:
                problems.append(f"{file_name}, ligne {line}, champ "
                    f"« parent » : les services « {code} » forment une "
                    "boucle.")
                break
    if problems:
        raise ReferenceError(problems)
    return {
        'organisations': [r for _, r in data['organisations'][1]],
        'services': _parents_first([r for _, r in data['services'][1]]),
        'sections': [r for _, r in data['sections'][1]],
        'holidays': data['holidays'],
        'municipality': _municipality_defaults(municipality or {},
            [r for _, r in data['organisations'][1]]),
        }


def _municipality(folder, problems):
    "The optional municipality file, checked; None when absent"
    json_path, csv_path = folder / 'municipality.json', \
        folder / 'municipality.csv'
    if json_path.exists():
        try:
            text, data = _read_json(json_path)
        except ReferenceError as error:
            problems.extend(error.problems)
            return None
        if isinstance(data, list) and len(data) == 1:
            data = data[0]
        if not isinstance(data, dict):
            problems.append(f"{json_path.name}, ligne 1 : un objet {{ … }} "
                "est attendu.")
            return None
        rows = [(1, data)]
        file_name = json_path.name
    elif csv_path.exists():
        rows = _read_csv(csv_path)
        file_name = csv_path.name
        if len(rows) != 1:
            problems.append(f"{file_name} : une seule ligne (après les noms "
                f"des champs) est attendue, il y en a {len(rows)}.")
            return None
    else:
        return None
    checked = _check_rows(file_name, rows, SCHEMAS['municipality'],
        problems)
    return {**checked[0][1], '_file': file_name} if checked else None


def _municipality_defaults(municipality, organisations):
    "The municipality completed from its first (or named) organisation"
    values = {k: v for k, v in municipality.items() if not k.startswith('_')}
    main = next((o for o in organisations
            if o['code'] == values.get('organisation')), organisations[0])
    values['organisation'] = main['code']
    values.setdefault('name', main['city'])
    if main.get('nis'):
        values.setdefault('nis', main['nis'])
    return values


def _parents_first(services):
    ordered, done = [], set()
    pending = list(services)
    while pending:
        rest = []
        for row in pending:
            if not row.get('parent') or row['parent'] in done:
                ordered.append(row)
                done.add(row['code'])
            else:
                rest.append(row)
        if len(rest) == len(pending):
            ordered.extend(rest)
            break
        pending = rest
    return ordered
