"""Values of one row of a contact list: the fields a column can map to,
the headers and values met in the services' files, the checks of a row."""
import datetime as dt

from trytond.i18n import gettext

from .normalize import (
    POSTAL_CODE, norm_phone, norm_postal_code, norm_text, valid_email,
    valid_phone)

TARGETS = [
    (None, ""),
    ('name', "Full Name"),
    ('first_name', "First Name"),
    ('last_name', "Last Name"),
    ('civility', "Civility"),
    ('organisation', "Organisation (works for)"),
    ('email', "Email"),
    ('phone', "Phone"),
    ('mobile', "Mobile"),
    ('street', "Street"),
    ('postal_code', "Postal Code"),
    ('city', "City"),
    ('country', "Country"),
    ('language', "Language"),
    ('category', "Categories"),
    ('birth_date', "Birth Date"),
    ('notes', "Notes"),
    ]
# Headers met in the services' files, normalised
SYNONYMS = {
    'name': ['nom complet', 'name', 'full name', 'raison sociale',
        'denomination', 'contact', 'naam'],
    'first_name': ['prenom', 'first name', 'firstname', 'voornaam',
        'vorname'],
    'last_name': ['nom', 'last name', 'lastname', 'nom de famille',
        'achternaam', 'familienname', 'surname'],
    'civility': ['civilite', 'titre', 'title', 'aanspreking', 'anrede'],
    'organisation': ['societe', 'entreprise', 'organisation', 'organization',
        'employeur', 'association', 'institution', 'company'],
    'email': ['email', 'e mail', 'mail', 'courriel', 'adresse email',
        'adresse e mail', 'adresse mail', 'e mailadres'],
    'phone': ['telephone', 'tel', 'phone', 'telefoon', 'telefon',
        'tel fixe'],
    'mobile': ['gsm', 'mobile', 'portable', 'tel mobile', 'handy'],
    'street': ['rue', 'adresse', 'address', 'street', 'straat',
        'rue et numero', 'adresse postale'],
    'postal_code': ['cp', 'code postal', 'postal code', 'zip', 'postcode',
        'code'],
    'city': ['localite', 'ville', 'commune', 'city', 'gemeente', 'ort',
        'section'],
    'country': ['pays', 'country', 'land'],
    'language': ['langue', 'language', 'taal', 'sprache', 'lang'],
    'category': ['categorie', 'categories', 'category', 'type', 'groupe'],
    'birth_date': ['date de naissance', 'naissance', 'birth date',
        'birthdate'],
    'notes': ['remarque', 'remarques', 'notes', 'note', 'commentaire',
        'commentaires', 'comment'],
    }
LANGUAGE_VALUES = {
    'fr': 'fr', 'francais': 'fr', 'french': 'fr', 'f': 'fr',
    'nl': 'nl', 'neerlandais': 'nl', 'nederlands': 'nl', 'dutch': 'nl',
    'n': 'nl', 'flamand': 'nl',
    'de': 'de', 'allemand': 'de', 'deutsch': 'de', 'german': 'de', 'd': 'de',
    'en': 'en', 'anglais': 'en', 'english': 'en', 'e': 'en',
    }
CIVILITY_VALUES = {
    'm': 'mr', 'mr': 'mr', 'monsieur': 'mr', 'dhr': 'mr', 'heer': 'mr',
    'herr': 'mr',
    'mme': 'mrs', 'madame': 'mrs', 'mrs': 'mrs', 'ms': 'mrs', 'mlle': 'mrs',
    'mevrouw': 'mrs', 'mevr': 'mrs', 'frau': 'mrs',
    'mx': 'mx',
    }
# Titles written in the civility column, alone or after the civility
TITLE_VALUES = {
    'dr': 'dr', 'docteur': 'dr', 'docteure': 'dr', 'doctor': 'dr',
    'dokter': 'dr',
    'me': 'me', 'maitre': 'me', 'meester': 'me', 'avocat': 'me',
    'prof': 'prof', 'pr': 'prof', 'professeur': 'prof',
    'professeure': 'prof', 'professor': 'prof',
    }
# Words linking a civility to a title: 'Madame la Docteure'
_CIVILITY_LINKS = {'le', 'la', 'l', 'de', 'et'}
COUNTRY_VALUES = {
    'be': 'BE', 'belgique': 'BE', 'belgie': 'BE', 'belgium': 'BE',
    'fr': 'FR', 'france': 'FR', 'nl': 'NL', 'pays bas': 'NL',
    'de': 'DE', 'allemagne': 'DE', 'lu': 'LU', 'luxembourg': 'LU',
    }


def guess_field(header):
    key = norm_text(header)
    for field, names in SYNONYMS.items():
        if key in names:
            return field
    return None


def parse_civility(value):
    """(civility, title, unknown words) of a civility cell: 'Mme', 'Dr',
    'M. le Professeur'"""
    key = norm_text(value)
    if key in CIVILITY_VALUES:
        return CIVILITY_VALUES[key], None, []
    if key in TITLE_VALUES:
        return None, TITLE_VALUES[key], []
    civility = title = None
    unknown = []
    for word in key.split():
        if word in _CIVILITY_LINKS:
            continue
        if civility is None and word in CIVILITY_VALUES:
            civility = CIVILITY_VALUES[word]
        elif title is None and word in TITLE_VALUES:
            title = TITLE_VALUES[word]
        else:
            unknown.append(word)
    return civility, title, unknown


def parse_date(value):
    value = value.strip()
    # A date cell of a workbook read as text, with a midnight time
    for suffix in ('T00:00:00', ' 00:00:00'):
        value = value.removesuffix(suffix)
    for fmt in ('%Y-%m-%d', '%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y'):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def check_row(line, values, headers=None):
    """(clean values, errors, remarks) of one mapped row: errors refuse the
    row, remarks tell what was kept another way; both are French messages
    naming the line (and the column, from headers: field -> header)"""
    headers = headers or {}
    errors, remarks = [], []
    clean = {k: v.strip() for k, v in values.items() if v and v.strip()}
    if not (clean.get('name') or clean.get('last_name')
            or clean.get('first_name') or clean.get('organisation')):
        errors.append(gettext('mons_crm.msg_import_row_no_name', line=line))
    if clean.get('email'):
        email = valid_email(clean['email'])
        if email:
            clean['email'] = email
        else:
            errors.append(gettext('mons_crm.msg_import_row_bad_email',
                    line=line, email=clean['email']))
    country = clean.get('country')
    if country:
        code = COUNTRY_VALUES.get(norm_text(country),
            country.upper() if len(country) == 2 else None)
        if not code:
            errors.append(gettext('mons_crm.msg_import_row_bad_country',
                    line=line, country=country))
        clean['country'] = code
    if clean.get('postal_code'):
        clean['postal_code'] = norm_postal_code(clean['postal_code'])
        if (clean.get('country') or 'BE') == 'BE' and not POSTAL_CODE.match(
                clean['postal_code']):
            errors.append(gettext('mons_crm.msg_import_row_bad_postal_code',
                    line=line, postal_code=values.get('postal_code')))
    for name in ['phone', 'mobile']:
        if clean.get(name):
            if not valid_phone(clean[name]):
                errors.append(gettext('mons_crm.msg_import_row_bad_phone',
                        line=line, phone=clean[name]))
            else:
                clean[name] = norm_phone(clean[name])
    if clean.get('language'):
        language = LANGUAGE_VALUES.get(norm_text(clean['language']))
        if not language:
            errors.append(gettext('mons_crm.msg_import_row_bad_language',
                    line=line, language=clean['language']))
        clean['language'] = language
    if clean.get('civility'):
        written = clean['civility']
        civility, title, unknown = parse_civility(written)
        clean['civility'] = civility
        if title:
            clean['title'] = title
        if unknown or not (civility or title):
            # Kept in the notes: a value the file holds is never dropped
            remarks.append(gettext('mons_crm.msg_import_row_unknown_civility',
                    line=line, value=written,
                    column=headers.get('civility', 'civility')))
            clean['notes'] = '\n'.join(filter(None, [clean.get('notes'),
                        gettext('mons_crm.msg_import_note_civility',
                            value=written)]))
    if clean.get('birth_date'):
        date = parse_date(clean['birth_date'])
        if not date:
            errors.append(gettext('mons_crm.msg_import_row_bad_date',
                    line=line, date=clean['birth_date']))
        else:
            clean['birth_date'] = date.isoformat()
    return clean, errors, remarks


def full_name(clean):
    name = clean.get('name') or ' '.join(filter(None, [
                clean.get('first_name'), clean.get('last_name')]))
    return name or clean.get('organisation') or ''


def as_contact(line, clean):
    return {
        'id': -line,
        'name': full_name(clean),
        'emails': [clean.get('email')],
        'phones': [clean.get('phone'), clean.get('mobile')],
        'street': [clean.get('street')],
        'postal_code': clean.get('postal_code'),
        }
