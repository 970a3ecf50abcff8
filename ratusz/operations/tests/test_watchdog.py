"""The web process's watchdog thread, started by the ASGI lifespan, e-mails
about a worker that stopped beating."""

import asyncio
import time
from datetime import timedelta

from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from ratusz.lib import lifespan
from ratusz.operations import watchdog
from ratusz.operations.models import WorkerBeat
from ratusz.testing.smtp import SmtpSink


async def _startup_and_shutdown(app):
    messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent = []

    async def receive():
        if len(sent) == 1:
            # Let the watchdog look a few times before the server stops.
            await asyncio.sleep(1.0)
        return messages.pop(0)

    async def send(message):
        sent.append(message["type"])

    await app({"type": "lifespan"}, receive, send)
    return sent


class WatchdogTests(TransactionTestCase):
    serialized_rollback = True

    def setUp(self):
        self.sink = SmtpSink().start()
        self.addCleanup(self.sink.stop)
        overrides = override_settings(
            **self.sink.settings(),
            DEFAULT_FROM_EMAIL="ratusz@localhost",
            OPS_ALERT_EMAILS=["it@example.org"],
            OPS_WATCH_SECONDS=0.2,
        )
        overrides.enable()
        self.addCleanup(overrides.disable)
        self.addCleanup(watchdog.stop)

    def test_the_lifespan_starts_it_and_it_reports_a_dead_worker(self):
        now = timezone.now()
        WorkerBeat.objects.create(
            worker="worker-host", beat_at=now - timedelta(minutes=10), started_at=now
        )
        self.assertIn(watchdog.start, lifespan.startup_hooks)
        app = lifespan.LifespanApp(app=None)
        sent = asyncio.run(_startup_and_shutdown(app))
        self.assertEqual(
            sent, ["lifespan.startup.complete", "lifespan.shutdown.complete"]
        )
        self.assertEqual(
            [m["Subject"] for m in self.sink.messages],
            ["[Ratusz] Zadania w tle nie działają"],
        )
        # Stopped with the server: no more checks.
        self.assertFalse(watchdog._thread.is_alive())

    @override_settings(OPS_WATCH_SECONDS=0)
    def test_zero_seconds_turns_it_off(self):
        watchdog.start()
        time.sleep(0.3)
        self.assertTrue(watchdog._thread is None or not watchdog._thread.is_alive())
        self.assertEqual(self.sink.messages, [])
