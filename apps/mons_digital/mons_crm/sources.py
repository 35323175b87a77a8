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


def crm_url(path, **params):
    "URL of a public page of the contacts module"
    from urllib.parse import urlencode
    base = config.get('marketing', 'email_base', default=http_base())
    dbname = Transaction().database.name
    url = urljoin(base, f'/{dbname}/portal/listes/{path}')
    if params:
        url += '?' + urlencode(params)
    return url
