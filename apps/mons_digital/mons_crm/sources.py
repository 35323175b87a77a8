"Where a subscription comes from, and the public pages of the lists."
from urllib.parse import urljoin

import trytond.config as config
from trytond.transaction import Transaction
from trytond.url import http_base

SOURCES = [
    ('desk', "Desk"),
    ('filter', "Saved Filter"),
    ('import', "Import"),
    ('portal', "Portal"),
    ('paper', "Paper Form"),
    ('api', "API"),
    ]
# Lawful bases of processing (GDPR art. 6.1) a subscription rests on
LEGAL_BASES = [
    ('consent', "Consent (art. 6.1.a)"),
    ('contract', "Contract (art. 6.1.b)"),
    ('legal_obligation', "Legal Obligation (art. 6.1.c)"),
    ('public_task', "Public Task (art. 6.1.e)"),
    ('legitimate_interest', "Legitimate Interest (art. 6.1.f)"),
    ]


def crm_url(path, **params):
    "URL of a public page of the contacts module"
    from urllib.parse import urlencode
    base = config.get('marketing', 'email_base', default=http_base())
    dbname = Transaction().database.name
    url = urljoin(base, f'/{dbname}/portal/listes/{path}')
    if params:
        url += '?' + urlencode(params)
    return url
