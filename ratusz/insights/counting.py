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
fetchers. The event loop only checks headers and appends to the buffer; the
User-Agent is classified and the visitor hashed by the flush, in its thread.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.utils import timezone

from ratusz.lib.client_ip import client_ip
from ratusz.lib.source_links import CODES, PARAM

from .buffer import Seen, buffer

# Set by insights.front from the source parameter, read by both doors.
SOURCE_SCOPE_KEY = "ratusz.insights.source"
EXCLUDED_PREFIXES = ("/admin/", "/django-admin/", "/static/", "/media/", "/dokumenty/")
COUNTED_CACHE_STATUSES = frozenset({"HIT", "STALE"})


def refused(method: str, path: str, header) -> bool:
    """True when the request must not be counted, by its line and headers.

    `header(name)` returns a lower-case header's value or "".
    """
    if method != "GET" or path.startswith(EXCLUDED_PREFIXES):
        return True
    if header("dnt").strip() == "1" or header("sec-gpc").strip() == "1":
        return True
    purpose = (header("sec-purpose") + header("purpose") + header("x-moz")).lower()
    return "prefetch" in purpose or "prerender" in purpose


def count_cached_view(*, scope, key, status, page_id) -> None:
    """`pagecache` hit hook: count a view the front answered (HIT, STALE)."""
    if status not in COUNTED_CACHE_STATUSES or page_id is None:
        return
    if not settings.INSIGHTS_COUNTING:
        return
    headers = {}
    for name, value in scope["headers"]:
        headers[name.decode("latin-1")] = value.decode("latin-1")
    if refused(scope["method"], scope["path"], lambda n: headers.get(n, "")):
        return
    client = scope.get("client") or ("", 0)
    meta = {"REMOTE_ADDR": client[0]}
    if "x-forwarded-for" in headers:
        meta["HTTP_X_FORWARDED_FOR"] = headers["x-forwarded-for"]
    buffer.add(
        Seen(
            at=timezone.now(),
            host=headers.get("host", ""),
            path=scope["path"],
            page_id=page_id,
            source=scope.get(SOURCE_SCOPE_KEY),
            referrer=headers.get("referer", ""),
            ip=client_ip(SimpleNamespace(META=meta)),
            user_agent=headers.get("user-agent", ""),
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
            buffer.add(
                Seen(
                    at=timezone.now(),
                    host=request.get_host(),
                    path=request.path,
                    page_id=None,
                    source=None,
                    referrer="",
                    ip="",
                    user_agent=request.headers.get("user-agent", ""),
                    missed_search=missed,
                )
            )
        elif self._counts(request, response):
            buffer.add(
                Seen(
                    at=timezone.now(),
                    host=request.get_host(),
                    path=request.path,
                    page_id=request.insights_page_id,
                    source=_source_param(request),
                    referrer=request.headers.get("referer", ""),
                    ip=client_ip(request),
                    user_agent=request.headers.get("user-agent", ""),
                )
            )
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
