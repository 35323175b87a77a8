"""Controlled vocabularies of the EU Publications Office used by DCAT-AP.

The keys are the authority codes so the URIs are built, never typed twice.
"""

# N_: the portal shows these labels in the visitor's language
from trytond.modules.mons_base.portal_i18n import N_

EU = 'http://publications.europa.eu/resource/authority/'
THEME_BASE = EU + 'data-theme/'
FREQUENCY_BASE = EU + 'frequency/'
LICENCE_BASE = EU + 'licence/'
FILE_TYPE_BASE = EU + 'file-type/'
ACCESS_RIGHT_BASE = EU + 'access-right/'
LANGUAGE_BASE = EU + 'language/'
IANA = 'https://www.iana.org/assignments/media-types/'

THEMES = [
    ('AGRI', "Agriculture, fisheries, forestry and food"),
    ('ECON', "Economy and finance"),
    ('EDUC', "Education, culture and sport"),
    ('ENER', "Energy"),
    ('ENVI', "Environment"),
    ('GOVE', "Government and public sector"),
    ('HEAL', "Health"),
    ('INTR', "International issues"),
    ('JUST', "Justice, legal system and public safety"),
    ('REGI', "Regions and cities"),
    ('SOCI', "Population and society"),
    ('TECH', "Science and technology"),
    ('TRAN', "Transport"),
    ]

# Label in French, used in the RDF output for skos:prefLabel.
THEMES_FR = {
    'AGRI': N_("Agriculture, pêche, sylviculture et alimentation"),
    'ECON': N_("Économie et finances"),
    'EDUC': N_("Éducation, culture et sport"),
    'ENER': N_("Énergie"),
    'ENVI': N_("Environnement"),
    'GOVE': N_("Gouvernement et secteur public"),
    'HEAL': N_("Santé"),
    'INTR': N_("Questions internationales"),
    'JUST': N_("Justice, système juridique et sécurité publique"),
    'REGI': N_("Régions et villes"),
    'SOCI': N_("Population et société"),
    'TECH': N_("Science et technologie"),
    'TRAN': N_("Transports"),
    }

# code, label, expected refresh interval in days (None: not checked)
FREQUENCIES = [
    ('CONT', "Continuous", 1),
    ('DAILY', "Daily", 1),
    ('WEEKLY', "Weekly", 7),
    ('MONTHLY', "Monthly", 31),
    ('QUARTERLY', "Quarterly", 92),
    ('ANNUAL', "Annual", 366),
    ('IRREG', "Irregular", None),
    ('NEVER', "Never", None),
    ('UNKNOWN', "Unknown", None),
    ]
FREQUENCY_DAYS = {c: d for c, _, d in FREQUENCIES}

# code, label, human URL (CKAN license_url), open
LICENCES = [
    ('CC_BY_4_0', "Creative Commons Attribution 4.0",
        'https://creativecommons.org/licenses/by/4.0/', True),
    ('CC0_1_0', "Creative Commons Zero 1.0",
        'https://creativecommons.org/publicdomain/zero/1.0/', True),
    ('CC_BYSA_4_0', "Creative Commons Attribution-ShareAlike 4.0",
        'https://creativecommons.org/licenses/by-sa/4.0/', True),
    ('ODC_BL', "Open Data Commons Open Database License",
        'https://opendatacommons.org/licenses/odbl/1-0/', True),
    ('PROP', "Internal use only", '', False),
    ]
LICENCE_URL = {c: u for c, _, u, _ in LICENCES}
LICENCE_TITLE = {c: t for c, t, _, _ in LICENCES}
LICENCE_OPEN = {c: o for c, _, _, o in LICENCES}
# CKAN license ids as in its default licence list
LICENCE_CKAN = {
    'CC_BY_4_0': 'cc-by-4.0', 'CC0_1_0': 'cc-zero',
    'CC_BYSA_4_0': 'cc-by-sa-4.0', 'ODC_BL': 'odc-odbl',
    'PROP': 'other-closed'}

ACCESS_RIGHTS = {
    'public': 'PUBLIC',
    'internal': 'NON_PUBLIC',
    'restricted': 'RESTRICTED',
    }

# format code: (file-type code, IANA media type, open format)
FORMATS = {
    'csv': ('CSV', 'text/csv', True),
    'json': ('JSON', 'application/json', True),
    'geojson': ('GEOJSON', 'application/geo+json', True),
    'xlsx': ('XLSX',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        False),
    'pdf': ('PDF', 'application/pdf', False),
    'zip': ('ZIP', 'application/zip', False),
    'html': ('HTML', 'text/html', True),
    }


def theme_uri(code):
    return THEME_BASE + code


def frequency_uri(code):
    return FREQUENCY_BASE + code


def licence_uri(code):
    return LICENCE_BASE + code


def file_type_uri(fmt):
    return FILE_TYPE_BASE + FORMATS[fmt][0]


def media_type_uri(fmt):
    return IANA + FORMATS[fmt][1]
