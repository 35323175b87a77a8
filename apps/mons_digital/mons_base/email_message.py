"""A new e-mail with the headers mailbox providers expect.

Python's default policy folds any header longer than 78 characters and, when
a header has no space to fold at (a long unsubscribe URL), encodes it as
RFC 2047 words that no provider reads as a URL. RFC 5322 allows 998
characters, so the suite folds there. Every message carries its ``Date`` and
``Message-ID`` (RFC 5322 § 3.6): spam filters score their absence."""
import email.policy
from email.message import EmailMessage
from email.utils import format_datetime, localtime, make_msgid, parseaddr

import html2text

POLICY = email.policy.default.clone(max_line_length=998)
# Tryton writes the plain-text part of every HTML e-mail with html2text,
# which wraps at 78 columns and so cuts links at their hyphens
# (".../nouveau-mot-de-\npasse?token=…"): lines are left whole
html2text.config.BODY_WIDTH = 0


def new_message(sender=None):
    "An empty message dated now, its Message-ID in the sender's domain"
    return stamp(EmailMessage(policy=POLICY), sender)


def stamp(msg, sender=None):
    "Date and Message-ID on a message built elsewhere, unless it has them"
    if 'Date' not in msg:
        msg['Date'] = format_datetime(localtime())
    if 'Message-ID' not in msg:
        domain = parseaddr(sender or '')[1].rpartition('@')[2] or None
        msg['Message-ID'] = make_msgid(domain=domain)
    return msg
