"""Keep residents' secret links out of the server log.

A resident's conversation (/napisz/r/<token>/), a follower's settings and
confirmation links (/obserwuj/.../<token>/), the SMSAPI callback secret and a
staff password-reset link are bearer tokens: whoever reads them acts as
their owner. Django logs the path of every failed request ("Not Found:
/napisz/r/…") and runserver logs every request line, so the filter below,
configured on every handler in settings.LOGGING, rewrites such path segments
and token query parameters to "[ukryte]" before anything is written.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[ukryte]"

# A path segment ends at "/", "?", "#", whitespace or a quote; tokens never
# contain any of them.
_SEGMENT = r"[^/?#\s\"'<>]+"
# Each pattern's group 1 is the prefix kept; the segment after it is hidden.
SECRET_PATHS = [
    r"(/napisz/r/)" + _SEGMENT,
    r"(/obserwuj/(?:potwierdz|ustawienia|wypisz|sms/kod)/)" + _SEGMENT,
    r"(/smsapi/)" + _SEGMENT,
    r"(/potwierdz-adres-urzedu/)" + _SEGMENT,
    # An item's QR label: with the client's address it would tell who wrote
    # about which household's computer.
    r"(/zglos-usterke/)" + _SEGMENT,
    r"(/password_reset/confirm/" + _SEGMENT + "/)" + _SEGMENT,
]
SECRET_QUERY_PARAMETERS = [
    "token",
    "t",
    "key",
    "secret",
    "code",
    "signature",
    "sig",
    "hub.verify_token",
    "access_token",
]

_PATH_RE = re.compile("|".join(f"(?:{p})" for p in SECRET_PATHS))
_QUERY_RE = re.compile(
    r"([?&;](?:"
    + "|".join(re.escape(p) for p in SECRET_QUERY_PARAMETERS)
    + r")=)[^&;#\s\"'<>]*",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """Return `text` with secret path segments and query values hidden."""

    def keep_prefix(match: re.Match) -> str:
        prefix = next(g for g in match.groups() if g is not None)
        return prefix + REDACTED

    text = _PATH_RE.sub(keep_prefix, text)
    return _QUERY_RE.sub(lambda m: m.group(1) + REDACTED, text)


class RedactTokens(logging.Filter):
    """Rewrite a record's message (and traceback) with secrets hidden.

    The message is formatted here, once, so a token passed as an argument
    ("Not Found: %s", path) is caught as well as one in the format string.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logging's to report
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        # Handlers that read the request itself (an e-mail to ADMINS) would
        # print the full path again.
        if getattr(record, "request", None) is not None:
            record.request = None
        return True
