"""The doors keep raw values; the flush reads them, memoised per User-Agent."""

from datetime import UTC, date, datetime, timedelta

from asgiref.sync import async_to_sync, sync_to_async
from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from ratusz.asgi import application
from ratusz.insights.attribution import classify
from ratusz.insights.buffer import Seen, buffer, record
from ratusz.insights.counting import count_cached_view
from ratusz.insights.models import ViewEvent
from ratusz.insights.tests.test_privacy import seen
from ratusz.test import BaseTestCase, make_gmina

from .helpers import DESKTOP, PHONE, CountingMixin, reset_counting

BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


class FlushTestCase(CountingMixin, BaseTestCase):
    def setUp(self):
        super().setUp()
        self.warm(self.a)

    def test_the_hook_keeps_the_header_bytes_unparsed(self):
        self.view(self.a, headers={"x-forwarded-for": "203.0.113.7, 10.0.0.1"})
        # The hook adds a plain tuple in `Seen`'s order.
        (view,) = map(Seen._make, buffer._take())
        self.assertEqual(view.user_agent, DESKTOP.encode())
        self.assertEqual(view.forwarded, b"203.0.113.7, 10.0.0.1")
        self.assertEqual(view.host, b"localhost")
        self.assertEqual(view.page_id, self.a.pk)

    def test_the_hook_joins_repeated_forwarded_headers_and_heeds_any_refusal(self):
        scope = {
            "method": "GET",
            "path": "/aktualnosci/",
            "client": ("127.0.0.1", 5000),
            "headers": [
                (b"host", b"localhost"),
                (b"x-forwarded-for", b"203.0.113.7"),
                (b"user-agent", DESKTOP.encode()),
                (b"x-forwarded-for", b"10.0.0.1"),
            ],
        }
        buffer._take()
        count_cached_view(scope=scope, key="", status="HIT", page_id=self.a.pk)
        (view,) = map(Seen._make, buffer._take())
        self.assertEqual(view.forwarded, b"203.0.113.7,10.0.0.1")
        self.assertEqual(view.remote_addr, "127.0.0.1")
        # A refusing header counts wherever it is, even after a harmless one.
        refusing = [*scope["headers"], (b"dnt", b"0"), (b"dnt", b"1")]
        count_cached_view(
            scope=dict(scope, headers=refusing),
            key="",
            status="HIT",
            page_id=self.a.pk,
        )
        self.assertEqual(buffer._take(), [])

    def test_the_time_and_day_stored_are_the_views_own(self):
        # 23:59:59.25 on 31 Dec 2025 in UTC is already 2026 in Warsaw; an
        # exact second keeps its zero microseconds.
        moments = [
            datetime(2025, 12, 31, 23, 59, 59, 250_000, tzinfo=UTC),
            datetime(2026, 6, 10, 8, 0, 0, tzinfo=UTC),
            datetime(2026, 6, 10, 8, 0, 0, 999_999, tzinfo=UTC),
        ]
        record([seen()._replace(at=m.timestamp()) for m in moments])
        stored = ViewEvent.objects.order_by("at").values_list("at", "day")
        for (at, day), moment in zip(stored, moments, strict=True):
            self.assertLessEqual(abs(at - moment), timedelta(microseconds=1))
            self.assertEqual(day, timezone.localdate(moment))
        self.assertEqual(stored[0][1], date(2026, 1, 1))

    def test_a_remembered_bot_stays_a_bot_and_a_browser_a_browser(self):
        classify.cache_clear()
        for ua in (BOT, DESKTOP, BOT, PHONE, BOT, DESKTOP):
            self.view(self.a, ua=ua)
        views = self.counted()
        self.assertEqual([v.device for v in views], ["desktop", "phone", "desktop"])
        # Each browser is classified once per flush, then remembered.
        self.assertEqual(classify.cache_info().misses, 3)
        # The next flush asks the memory, which answers the same.
        self.view(self.a, ua=BOT)
        self.view(self.a, ua=PHONE)
        self.assertEqual([v.device for v in self.counted()[3:]], ["phone"])
        info = classify.cache_info()
        self.assertEqual((info.misses, info.hits), (3, 2))
        self.assertIsNone(classify(BOT))

    def test_the_flush_reads_the_client_behind_a_trusted_proxy(self):
        # httpx's in-process transport is the peer 127.0.0.1.
        with self.settings(RATUSZ_TRUSTED_PROXIES=["127.0.0.1"]):
            for client in ("203.0.113.7", "203.0.113.8", "203.0.113.7"):
                self.view(self.a, headers={"x-forwarded-for": client})
            first, second, again = (v.visitor for v in self.counted())
        self.assertNotEqual(first, second)
        self.assertEqual(first, again)
        # Without a trusted proxy the header is anybody's: not believed.
        self.view(self.a, headers={"x-forwarded-for": "198.51.100.1"})
        self.view(self.a, headers={"x-forwarded-for": "198.51.100.2"})
        *_, third, fourth = (v.visitor for v in self.counted())
        self.assertEqual(third, fourth)
        self.assertNotIn(third, (first, second))


class LifespanShutdownTestCase(TransactionTestCase):
    serialized_rollback = True

    def setUp(self):
        make_gmina("Gmina Zawada", hostname="localhost", is_default_site=True)
        reset_counting()
        self.addCleanup(reset_counting)

    @override_settings(INSIGHTS_FLUSH_SECONDS=3600)
    def test_the_servers_shutdown_writes_the_buffered_views(self):
        buffer.add(seen())
        buffer.add(seen())
        self.assertTrue(buffer._thread.is_alive())
        sent = []
        messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

        async def receive():
            if sent == [{"type": "lifespan.startup.complete"}]:
                # Between startup and shutdown the site is served.
                self.assertEqual(await _count_views(), 0)
            return next(messages)

        async def send(message):
            sent.append(message)

        async_to_sync(application)({"type": "lifespan"}, receive, send)
        self.assertEqual(
            [m["type"] for m in sent],
            ["lifespan.startup.complete", "lifespan.shutdown.complete"],
        )
        self.assertEqual(ViewEvent.objects.count(), 2)
        self.assertEqual(buffer.pending(), 0)


async def _count_views():
    return await sync_to_async(ViewEvent.objects.count)()
