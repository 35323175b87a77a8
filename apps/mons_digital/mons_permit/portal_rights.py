# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""What the record rules of the portal's visitors know about them.

A portal page acts as the anonymous visitor (group "Public") or, for a
citizen signed in, as the inactive user ``mons_permit.user_portal`` (group
"Portal User"), and says in private context keys which application link
it follows and which citizen account is signed in. The record rules of
applications and files read them as ``application_token`` and
``web_user``: an application is reachable by its link only, a file by its
citizen only. Clients cannot set these keys (the desk's RPC and REST drop
private keys), and a staff user never has them.
"""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .application import TOKEN_KEY, WEB_USER_KEY

# Models whose rules read the portal keys (and whose cached domain must
# depend on them)
PORTAL_MODELS = {
    'permit.application', 'permit.application.document', 'permit.file'}


def portal_user_id():
    ModelData = Pool().get('ir.model.data')
    return ModelData.get_id('mons_permit', 'user_portal')


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        transaction_context = Transaction().context
        # -1 and '' never match: no link, no account, nothing
        context['application_token'] = (
            transaction_context.get(TOKEN_KEY) or '')
        context['web_user'] = transaction_context.get(WEB_USER_KEY) or -1
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        if set(model_names) & PORTAL_MODELS:
            context = Transaction().context
            key = (*key, context.get(TOKEN_KEY), context.get(WEB_USER_KEY))
        return key
