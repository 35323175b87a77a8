# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Citizen accounts (web.user): e-mailed links lead to the portal."""
from trytond.config import config
from trytond.pool import PoolMeta
from trytond.transaction import Transaction


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'

    @classmethod
    def _portal_absolute_url(cls, path):
        context = Transaction().context.get('_request') or {}
        host = context.get('http_host')
        if not host:
            return None
        scheme = context.get('scheme') or 'http'
        root = (context.get('root_path') or '').rstrip('/')
        database = Transaction().database.name
        return f'{scheme}://{host}{root}/{database}/portal/{path}'

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
