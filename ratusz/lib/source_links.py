"""The short source parameter on links Ratusz itself sends (`?z=e`).

A resident who follows a link from an e-mail, a push notification, an SMS or
a Facebook or Mastodon post arrives with `z=<code>`; `insights` reads it at
the ASGI front and drops it before the page cache and Django see the request,
so the link is still answered from the cache and no canonical URL carries it.
It lives in `lib` because the apps that compose links (`fans`, the
integrations) and the one that reads them (`insights`) may all import `lib`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

PARAM = "z"
# Code in the link -> source name (the names of insights' sources; the
# channels' values in outbox.Channel).
CODES = {
    "e": "email",
    "p": "push",
    "s": "sms",
    "f": "facebook",
    "m": "mastodon",
}
_CODE_OF = {source: code for code, source in CODES.items()}


def with_source(url: str, source: str) -> str:
    """`url` with `?z=<code>` for `source`; unchanged for a source with no code."""
    code = _CODE_OF.get(source)
    if not code or not url:
        return url
    parts = urlsplit(url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != PARAM
    ]
    query.append((PARAM, code))
    return urlunsplit(parts._replace(query=urlencode(query)))


def split_source(query_string: bytes) -> tuple[str | None, bytes]:
    """(source named by the parameter or None, the query string without it)."""
    if not query_string or PARAM.encode() not in query_string:
        return None, query_string
    source = None
    kept = []
    for part in query_string.split(b"&"):
        name, _, value = part.partition(b"=")
        if name == PARAM.encode():
            source = CODES.get(value.decode("latin-1"), source)
        elif part:
            kept.append(part)
    return source, b"&".join(kept)
