"""Counting through the real ASGI application (front, page cache, Django)."""

from django.test import override_settings

from ratusz.insights import visitors
from ratusz.insights.buffer import buffer, gminas
from ratusz.insights.models import ViewEvent
from ratusz.website.tests.test_pagecache import PageCacheMixin, fetch, path

DESKTOP = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
TABLET = (
    "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


def reset_counting():
    buffer._take()
    gminas.forget()
    visitors.forget_salts()


class CountingMixin(PageCacheMixin):
    """The page cache on (articles a, b, c), counting on, no flushing thread."""

    def setUp(self):
        super().setUp()
        overrides = override_settings(INSIGHTS_COUNTING=True, INSIGHTS_FLUSH_SECONDS=0)
        overrides.enable()
        self.addCleanup(overrides.disable)
        reset_counting()
        self.addCleanup(reset_counting)

    def view(self, page, *, ua=DESKTOP, headers=None, **kwargs):
        url = page if isinstance(page, str) else path(page)
        return fetch(url, headers={"user-agent": ua, **(headers or {})}, **kwargs)

    def counted(self):
        """Flush the buffer; return every stored view, oldest first."""
        buffer.flush()
        return list(ViewEvent.objects.order_by("at", "pk"))

    def warm(self, *pages, host="localhost"):
        super().warm(*pages, host=host)
        # Warming fetches as python-httpx, a bot: nothing was counted.
        self.assertEqual(self.counted(), [])
