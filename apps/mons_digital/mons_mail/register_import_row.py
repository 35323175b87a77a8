"""The columns of an old register's file and the check of one of its rows:
what each cell means for the letter, or why it cannot be imported (line,
column and a French message)."""
import datetime as dt
import re

from trytond.i18n import gettext

from .item import normalize

# key, name in the documentation and in the messages, required, headers
# accepted (lower-case, without accents, punctuation as spaces)
COLUMNS = [
    ('number', "numéro", True, {
            'numero', 'n', 'no', 'num', 'numero d enregistrement',
            'numero enregistrement'}),
    ('date', "date", True, {
            'date', 'date de reception', 'date reception',
            'date d enregistrement', 'date enregistrement',
            'date de reception enregistrement'}),
    ('direction', "sens", True, {'sens', 'direction'}),
    ('subject', "objet", True, {'objet'}),
    ('party', "expéditeur/destinataire", True, {
            'expediteur destinataire', 'expediteur', 'destinataire',
            'contact', 'correspondant'}),
    ('enterprise', "numéro d'entreprise", False, {
            'numero d entreprise', 'numero entreprise', 'bce',
            'numero bce'}),
    ('service', "service", False, {'service', 'service traitant'}),
    ('classification', "classification", False, {'classification'}),
    ('confidential', "confidentiel", False, {'confidentiel'}),
    ('state', "état", False, {'etat'}),
    ('external_reference', "référence externe", False, {
            'reference externe', 'reference', 'votre reference'}),
    ]
NAMES = {key: name for key, name, _, _ in COLUMNS}
REQUIRED = [key for key, _, required, _ in COLUMNS if required]

DIRECTIONS = {
    'entrant': 'incoming', 'entrante': 'incoming', 'entree': 'incoming',
    'e': 'incoming', 'in': 'incoming', 'incoming': 'incoming',
    'sortant': 'outgoing', 'sortante': 'outgoing', 'sortie': 'outgoing',
    's': 'outgoing', 'out': 'outgoing', 'outgoing': 'outgoing',
    }
# The state an old letter keeps; empty: closed (an old register's letters
# were dealt with)
STATES = {
    'enregistre': 'registered',
    'attribue': 'assigned', 'assigne': 'assigned',
    'en traitement': 'in_treatment',
    'repondu': 'answered',
    'cloture': 'closed', 'clos': 'closed', 'classe': 'closed',
    '': 'closed',
    }
# States whose letter is with a service: the service must be known
WITH_SERVICE = {'assigned', 'in_treatment', 'answered'}
YES = {'oui', 'o', 'vrai', 'x', '1', 'yes', 'true'}
NO = {'non', 'n', 'faux', '0', 'no', 'false', ''}
DATE_FORMATS = ['%d/%m/%Y', '%Y-%m-%d', '%d-%m-%Y', '%d.%m.%Y']
MAX_NUMBER = 64
MAX_TEXT = 500


def header_key(header):
    "Lower-case, no accents, punctuation as single spaces"
    return ' '.join(re.sub(r'[^a-z0-9]+', ' ', normalize(header)).split())


def map_headers(line, headers):
    """({index: key}, errors) for the header row: an unknown column or one
    given twice is an error (its values would be lost), a required one
    missing too"""
    keys = {}
    for key, _, _, accepted in COLUMNS:
        for name in accepted:
            keys[name] = key
    mapping, seen, errors = {}, {}, []
    for index, header in enumerate(headers):
        if not header:
            continue
        key = keys.get(header_key(header))
        if key is None:
            errors.append(('', header, gettext(
                        'mons_mail.msg_register_import_column_unknown',
                        line=line, column=header,
                        columns=', '.join(NAMES.values()))))
        elif key in seen:
            errors.append(('', header, gettext(
                        'mons_mail.msg_register_import_column_twice',
                        line=line, column=header, other=seen[key])))
        else:
            seen[key] = header
            mapping[index] = key
    for key in REQUIRED:
        if key not in seen:
            errors.append(('', NAMES[key], gettext(
                        'mons_mail.msg_register_import_column_missing',
                        line=line, column=NAMES[key])))
    return mapping, errors


def parse_date(value):
    # an Excel date-time cell comes as ISO with its time
    value = value.split('T', 1)[0] if 'T' in value else value
    for format_ in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, format_).date()
        except ValueError:
            continue
    return None


def enterprise_digits(value):
    "The ten digits of a Belgian enterprise number (BE 0xxx.xxx.xxx)"
    digits = re.sub(r'\D', '', value or '')
    if len(digits) == 9:
        digits = '0' + digits
    return digits if len(digits) == 10 else None


def check_row(line, cells, headers, facts):
    """(values, errors) of a row. cells: {key: text}; headers: {key: header
    of the file}; facts: services {code: service}, classifications {code:
    id}, company (its name) and today. errors: [(number, column, message)]"""
    values, errors = {}, []

    def error(key, message_id, **kwargs):
        column = headers.get(key, NAMES[key])
        errors.append((cells.get('number', ''), column, gettext(
                    f'mons_mail.msg_register_import_{message_id}',
                    line=line, column=column, **kwargs)))

    for key in REQUIRED:
        if not cells.get(key):
            error(key, 'value_required')
    number = cells.get('number', '')
    if number:
        if len(number) > MAX_NUMBER:
            error('number', 'too_long', maximum=MAX_NUMBER)
        values['number'] = number
    for key in ['subject', 'party', 'external_reference']:
        if cells.get(key):
            if len(cells[key]) > MAX_TEXT:
                error(key, 'too_long', maximum=MAX_TEXT)
            values[key] = cells[key]
    if cells.get('date'):
        date = parse_date(cells['date'])
        if not date:
            error('date', 'bad_date', value=cells['date'])
        elif date > facts['today']:
            error('date', 'future_date', value=date.strftime('%d/%m/%Y'))
        else:
            values['date'] = date
    if cells.get('direction'):
        direction = DIRECTIONS.get(header_key(cells['direction']))
        if not direction:
            error('direction', 'bad_direction', value=cells['direction'])
        values['direction'] = direction
    if cells.get('enterprise'):
        digits = enterprise_digits(cells['enterprise'])
        if not digits:
            error('enterprise', 'bad_enterprise', value=cells['enterprise'])
        values['enterprise'] = digits
    state = STATES.get(header_key(cells.get('state', '')))
    if state is None:
        error('state', 'bad_state', value=cells['state'],
            states='enregistré, attribué, en traitement, répondu, clôturé')
    values['state'] = state
    confidential = header_key(cells.get('confidential', ''))
    if confidential in YES:
        values['confidential'] = True
    elif confidential in NO:
        values['confidential'] = False
    else:
        error('confidential', 'bad_yes_no', value=cells['confidential'])
    code = cells.get('service', '')
    if code:
        service = facts['services'].get(code.upper())
        if not service:
            error('service', 'unknown_service', value=code,
                company=facts['company'])
        values['service'] = service
    elif state in WITH_SERVICE:
        error('service', 'service_needed', state=cells.get('state'))
    code = cells.get('classification', '')
    if code:
        classification = facts['classifications'].get(code)
        if not classification:
            error('classification', 'unknown_classification', value=code)
        values['classification'] = classification
    return values, errors
