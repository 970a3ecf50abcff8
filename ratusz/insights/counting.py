"""Counting page views on the server, once each, without cookies.

Two doors, one rule:
- the page cache's front answers HIT and STALE itself: `count_cached_view`
  (a `pagecache.hit_hooks` listener) counts those, in the event loop;
- every other view reaches Django (a MISS the front passed on, or a request
  the cache bypassed): `CountingMiddleware` counts it there, where it knows
  the status, the user and whether a Wagtail page was served.
So a MISS is counted by the middleware and never by the hook.

Only Wagtail pages answered with 200 to a GET are counted as views; a site
search that found nothing is counted by its lemmas (`MissedSearch`). Not counted:
HEAD, prefetch/prerender, `DNT: 1` and `Sec-GPC: 1`, logged-in staff,
admin and preview URLs, error pages, bots, crawlers and link-preview
fetchers. The doors only check what needs the request (method, path, the
refusing headers) and append the raw values to the buffer: no parsing, no
address normalising. The flush, in its thread, reads the client's address,
classifies the User-Agent and hashes the visitor (`buffer.record`).
"""

from __future__ import annotations

import time

from django.conf import settings

from ratusz.lib.source_links import CODES, PARAM

from .buffer import Seen, buffer

# Set by insights.front from the source parameter, read by both doors.
SOURCE_SCOPE_KEY = "ratusz.insights.source"
EXCLUDED_PREFIXES = ("/admin/", "/django-admin/", "/static/", "/media/", "/dokumenty/")
COUNTED_CACHE_STATUSES = frozenset({"HIT", "STALE"})
# A view with one of these headers may be refused (`refusing_header`).
PRIVACY_HEADERS = ("dnt", "sec-gpc")
PURPOSE_HEADERS = ("sec-purpose", "purpose", "x-moz")
REFUSING_HEADERS = PRIVACY_HEADERS + PURPOSE_HEADERS
_REFUSING_RAW = frozenset(name.encode() for name in REFUSING_HEADERS)


def refusing_header(name: str, value: str) -> bool:
    """True when this (lower-case) header says the view must not be counted."""
    if name in PRIVACY_HEADERS:
        return value.strip() == "1"
    if name in PURPOSE_HEADERS:
        value = value.lower()
        return "prefetch" in value or "prerender" in value
    return False


def refused(method: str, path: str, header) -> bool:
    """True when the request must not be counted, by its line and headers.

    `header(name)` returns a lower-case header's value or "".
    """
    if method != "GET" or path.startswith(EXCLUDED_PREFIXES):
        return True
    return any(refusing_header(name, header(name)) for name in REFUSING_HEADERS)


def count_cached_view(*, scope, key, status, page_id) -> None:
    """`pagecache` hit hook: count a view the front answered (HIT, STALE).

    It runs in the event loop for every cached answer, so it only keeps
    references to the header bytes already in the scope, read through one
    dict built in C (a repeated header keeps its last value, as before),
    and hands the buffer a plain tuple in `Seen`'s order.
    """
    if status not in COUNTED_CACHE_STATUSES or page_id is None:
        return
    if not settings.INSIGHTS_COUNTING:
        return
    path = scope["path"]
    if scope["method"] != "GET" or path.startswith(EXCLUDED_PREFIXES):
        return
    raw = scope["headers"]
    headers = dict(raw)
    if not _REFUSING_RAW.isdisjoint(headers) and any(
        name in _REFUSING_RAW
        and refusing_header(name.decode("latin-1"), value.decode("latin-1"))
        for name, value in raw
    ):
        return
    forwarded = headers.get(b"x-forwarded-for", b"")
    if forwarded:
        # Repeated headers are one list, as Django joins them.
        forwarded = b",".join([v for n, v in raw if n == b"x-forwarded-for"])
    client = scope.get("client")
    buffer.add(
        (
            time.time(),
            headers.get(b"host", b""),
            path,
            page_id,
            scope.get(SOURCE_SCOPE_KEY),
            headers.get(b"referer", b""),
            client[0] if client else "",
            forwarded,
            headers.get(b"user-agent", b""),
            "",
        )
    )


def served_page(request, page) -> None:
    """Remember which Wagtail page a request served (`wagtail_hooks`)."""
    request.insights_page_id = page.pk


class CountingMiddleware:
    """Count the views that reach Django (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not settings.INSIGHTS_COUNTING:
            return response
        missed = _missed_search(request, response)
        if missed and self._allowed(request):
            buffer.add(_seen(request, page_id=None, missed_search=missed))
        elif self._counts(request, response):
            buffer.add(_seen(request, page_id=request.insights_page_id))
        return response

    @staticmethod
    def _counts(request, response) -> bool:
        if getattr(request, "insights_page_id", None) is None:
            return False
        if response.status_code != 200 or getattr(request, "is_preview", False):
            return False
        return CountingMiddleware._allowed(request)

    @staticmethod
    def _allowed(request) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Only staff have accounts: residents follow and write without one.
            return False
        return not refused(
            request.method, request.path, lambda n: request.headers.get(n, "")
        )


def _seen(request, *, page_id, missed_search="") -> Seen:
    meta = request.META
    if missed_search:
        # A search is no page view: no source, no visitor.
        source, referrer, remote, forwarded = None, "", "", ""
    else:
        source = _source_param(request)
        referrer = meta.get("HTTP_REFERER", "")
        remote = meta.get("REMOTE_ADDR", "") or ""
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    return Seen(
        time.time(),
        request.get_host(),
        request.path,
        page_id,
        source,
        referrer,
        remote,
        forwarded,
        meta.get("HTTP_USER_AGENT", ""),
        missed_search,
    )


def _missed_search(request, response) -> str:
    """The lemmas of a search that found nothing ("" otherwise)."""
    query, results = getattr(request, "search_outcome", (None, None))
    if query is None or results is None or response.status_code != 200:
        return ""
    if results.count or not query.words:
        return ""
    # One reading per word, the same whichever the analyser lists first.
    return " ".join(min(readings) for readings in query.words)[:200]


def _source_param(request) -> str | None:
    scope = getattr(request, "scope", None) or {}
    if SOURCE_SCOPE_KEY in scope:
        return scope[SOURCE_SCOPE_KEY]
    # Not through the front (a test client, a WSGI server): read it here.
    return CODES.get(request.GET.get(PARAM, ""))
