# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Who is calling a route outside trytond's own, and acting as them.

Every web route of the suite (portal pages, open-data and map APIs, the
staff clocking page) learns its caller here and nowhere else:

- a REST bearer key (``res.user.application`` of application ``rest``,
  validated, of an active user): that staff user;
- a desk session (``Authorization: Session …`` or the session cookie that
  trytond reads): that staff user;
- anything else: the anonymous visitor, who acts as the inactive user
  ``mons_base.user_anonymous``. Its only group, "Public (anonymous)",
  reads what record rules publish; it holds no key and cannot log in.

A handler then runs *as* that user with Tryton's access checks on
(``acting_as``), as trytond's own ``user_application`` routes do: model
access, field access and record rules decide what it reads, never a second
copy of a rule in Python, never root.
"""
import contextlib
import logging
from dataclasses import dataclass

from werkzeug.exceptions import HTTPException

from trytond.protocols.wrappers import parse_authorization_header
from trytond.transaction import Transaction, check_access

from . import errors

logger = logging.getLogger(__name__)

ANONYMOUS = 'anonymous'
KEY = 'key'
SESSION = 'session'


class InvalidCredentials(Exception):
    "A key or session was given and is not valid: never downgraded"


@dataclass(frozen=True)
class Caller:
    kind: str
    user_id: int

    @property
    def anonymous(self):
        return self.kind == ANONYMOUS


def anonymous_user_id(pool=None):
    from trytond.pool import Pool
    pool = pool or Pool()
    ModelData = pool.get('ir.model.data')
    return ModelData.get_id('mons_base', 'user_anonymous')


def session_user(request):
    """Staff user of a desk session given by the request, or None.

    Must be called outside our own transaction: trytond checks a session
    in a transaction of its own."""
    auth = request.authorization
    if auth is not None and auth.type == 'bearer':
        return None
    if not request.session and auth is None:
        return None
    try:
        user_id = request.user_id
    except HTTPException:
        raise
    except Exception:
        logger.debug("invalid session", exc_info=True)
        user_id = None
    if not user_id:
        raise InvalidCredentials()
    return user_id


def identify(request, pool, session_user_id=None):
    """The caller of request (run inside a transaction).

    session_user_id is what session_user() found before the transaction
    started, if the route accepts desk sessions."""
    auth = parse_authorization_header(request.headers.get('Authorization'))
    if auth is not None and auth.type == 'bearer':
        UserApplication = pool.get('res.user.application')
        with Transaction().set_user(0):
            application = UserApplication.check(
                getattr(auth, 'token', '') or '', 'rest')
            user = application.user if application else None
            if not user or not user.active:
                raise InvalidCredentials()
            errors.note_user(request.environ, user.id)
            return Caller(KEY, user.id)
    if session_user_id:
        User = pool.get('res.user')
        with Transaction().set_user(0):
            if not User(session_user_id).active:
                raise InvalidCredentials()
        errors.note_user(request.environ, session_user_id)
        return Caller(SESSION, session_user_id)
    return Caller(ANONYMOUS, anonymous_user_id(pool))


@contextlib.contextmanager
def acting_as(pool, user_id, **context):
    """Run the block as user_id with the user's preferences as context and
    Tryton's access checks on (model, field and record rules)."""
    User = pool.get('res.user')
    transaction = Transaction()
    with transaction.set_user(user_id):
        preferences = User.get_preferences(context_only=True)
    # The route chose the language (Accept-Language or the portal's French)
    preferences.pop('language', None)
    preferences.update(context)
    with transaction.set_user(user_id), \
            transaction.set_context(preferences), check_access():
        yield


# Keys that the desk's RPC refuses (trytond.rpc.RPC.convert): every private
# key but the history date. REST must not honour more than the desk does.
PUBLIC_PRIVATE_KEYS = frozenset({'_datetime'})


def public_context(context):
    "context without the keys a client may not set"
    return {k: v for k, v in context.items()
        if not k.startswith('_') or k in PUBLIC_PRIVATE_KEYS}
