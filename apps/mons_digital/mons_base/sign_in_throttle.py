# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Sign-in throttling that never holds a server thread and never locks an
owner out.

Tryton slows a failed sign-in by sleeping in the request's thread (up to
31 s for the desk, up to minutes for a citizen's reset link) and, past
``[session] max_attempt`` failures for a login, refuses every attempt,
the right password included, as long as anyone keeps failing: an attacker
holds threads and keeps the owner out. Here the failures are counted per
login *and address*: past ``[session] max_attempt`` (5) failures from one
address, that address waits until its oldest failure leaves the window
(``[session] timeout``), told how long; the owner elsewhere is not
concerned. A login tried from many addresses is refused past
``[session] max_attempt_account`` (100) failures, until the window passes
or the owner resets the password (which clears the failures). Tryton's
per-network flood limit (``max_attempt_ip_network``) is kept.
"""
import datetime as dt
import math

from trytond.config import config
from trytond.exceptions import RateLimitException
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access


class SignInThrottled(RateLimitException):
    "Too many failed sign-ins: retry_after seconds to wait"

    def __init__(self, retry_after):
        super().__init__()
        self.retry_after = max(1, int(math.ceil(retry_after)))

    @property
    def minutes(self):
        return max(1, int(math.ceil(self.retry_after / 60)))


class _Throttle:
    "Counting of failed sign-ins per login and address"
    __slots__ = ()

    @classmethod
    def count(cls, login, device_cookie=None):
        # Tryton's own lock and its sleep are computed from count():
        # retry_after() replaces both
        return 0

    @classmethod
    def _window(cls):
        return dt.timedelta(seconds=config.getint('session', 'timeout'))

    @classmethod
    def retry_after(cls, login, device_cookie=None):
        """Seconds before login may be tried again from the caller's address,
        0 when it may be tried now"""
        login = (login or '')[:cls.login.size]
        ip_address, _ = Transaction().remote_address()
        address = str(ip_address) if ip_address else None
        now = dt.datetime.now()
        since = now - cls._window()
        if device_cookie:
            # The owner's own device (Tryton's device cookie) is counted
            # apart from everyone else
            mine = [('device_cookie', '=', device_cookie)]
        else:
            mine = [('device_cookie', '=', None),
                ('ip_address', '=', address)]
        limits = [
            (mine, config.getint('session', 'max_attempt', default=5)),
            ([], config.getint(
                    'session', 'max_attempt_account', default=100)),
            ]
        wait = 0
        with without_check_access():
            for domain, limit in limits:
                # The limit-th most recent failure: once it leaves the
                # window, fewer than limit remain
                found = cls.search([
                        ('login', '=', login),
                        ('create_date', '>=', since),
                        ] + domain,
                    order=[('create_date', 'DESC'), ('id', 'DESC')],
                    offset=max(limit - 1, 0), limit=1)
                if found:
                    until = found[0].create_date + cls._window()
                    wait = max(wait, (until - now).total_seconds())
        return wait

    @classmethod
    def check(cls, login, device_cookie=None):
        wait = cls.retry_after(login, device_cookie)
        if wait > 0:
            raise SignInThrottled(wait)


class LoginAttempt(_Throttle, metaclass=PoolMeta):
    "Failed sign-ins of staff (desk, REST keys' owners, phone clocking)"
    __name__ = 'res.user.login.attempt'


class WebUserAttempt(_Throttle, metaclass=PoolMeta):
    "Failed sign-ins of citizens on the portal"
    __name__ = 'web.user.authenticate.attempt'


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def get_login(cls, login, parameters):
        pool = Pool()
        Attempt = pool.get('res.user.login.attempt')
        UserDevice = pool.get('res.user.device')
        device_cookie = UserDevice.get_valid_cookie(
            login, (parameters or {}).get('device_cookie'))
        Attempt.check(login, device_cookie)
        return super().get_login(login, parameters)


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'

    @classmethod
    def authenticate(cls, email, password):
        Attempt = Pool().get('web.user.authenticate.attempt')
        Attempt.check((email or '').lower())
        return super().authenticate(email, password)

    @classmethod
    def set_password_token(cls, email, token, password):
        # The way out of a lock: never refused for the account's failures
        # (a token cannot be guessed), only for a flood from the network;
        # the right token clears the account's failures (Tryton removes
        # them)
        Attempt = Pool().get('web.user.authenticate.attempt')
        if Attempt.count_ip() > config.getint(
                'session', 'max_attempt_ip_network', default=300):
            raise SignInThrottled(Attempt._window().total_seconds())
        return super().set_password_token(email, token, password)
