# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Citizen accounts (web.user): e-mailed links lead to the portal.

The links are built from the site's public address, never from the Host
header of the request that asked for the e-mail: anyone may send any Host,
and a reset link pointing to their server would hand them the token.
"""
from trytond.config import config, parse_listen
from trytond.pool import PoolMeta
from trytond.transaction import Transaction
from trytond.url import HOSTNAME

_ANY_ADDRESS = {'', '0.0.0.0', '::'}


def public_url():
    """Public address of the site, without the database.

    ``[portal] url`` (e.g. ``https://e-services.example.be``) when the site
    sets it, as production behind its proxy must; otherwise the address
    trytond listens on, with ``[web] hostname`` (or the machine's name)
    in place of a wildcard address."""
    configured = config.get('portal', 'url', default=None)
    if configured:
        return configured.rstrip('/')
    host, port = next(parse_listen(
                config.get('web', 'listen', default='localhost:8000')))
    hostname = config.get('web', 'hostname', default=None)
    if hostname:
        host = hostname
    elif host in _ANY_ADDRESS:
        host = HOSTNAME
    if ':' in host:
        host = f'[{host}]'
    secure = bool(config.get('ssl', 'certificate', default=None))
    scheme = 'https' if secure else 'http'
    default_port = 443 if secure else 80
    netloc = host if port == default_port else f'{host}:{port}'
    root = (config.get('web', 'root_path', default='') or '').rstrip('/')
    return f'{scheme}://{netloc}{root}'


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'

    @classmethod
    def _portal_absolute_url(cls, path):
        database = Transaction().database.name
        return f'{public_url()}/{database}/portal/{path}'

    def get_email_validation_url(self, url=None):
        # Links of the emails sent by web_user lead to our portal pages
        # unless the site configures its own URL
        if url is None and not config.get('web', 'email_validation_url'):
            url = self._portal_absolute_url('compte/valider')
        return super().get_email_validation_url(url=url)

    def get_email_reset_password_url(self, url=None):
        if url is None and not config.get('web', 'reset_password_url'):
            url = self._portal_absolute_url('compte/nouveau-mot-de-passe')
        return super().get_email_reset_password_url(url=url)
