"""Server-side steps that relax a check of the mail item (the registration
writes the number, a computed due date needs no reason, a transfer clears the
agent without a history line, an inbound email keeps its annexes).

They were context keys (`_mail_register`...): a caller who could forge the
context (REST's X-Tryton-Context before it dropped such keys) could switch
them on. A context variable of the server process cannot be set by any
caller, whatever door it comes through."""
import contextvars
from contextlib import contextmanager

_steps = contextvars.ContextVar('mons_mail_trusted_steps', default=frozenset())


@contextmanager
def trusted(*steps):
    token = _steps.set(_steps.get() | frozenset(steps))
    try:
        yield
    finally:
        _steps.reset(token)


def is_trusted(step):
    return step in _steps.get()
