"""The one Server-Sent Events loop (`live.stream`) and its helpers, with a
read function instead of a database: what it sends, when it reads again,
when it ends."""

import asyncio
import time
from unittest import mock

from asgiref.sync import async_to_sync
from django.test import RequestFactory, SimpleTestCase, override_settings

from ratusz.lib import live


@override_settings(LIVE_SHARED_DB_THREADS=False)
class StreamTests(SimpleTestCase):
    def run_stream(self, read, *, after=0, lifetime=0.2, during=None, **kwargs):
        async def scenario():
            frames = []
            stream = live.stream(
                read, after=after, groups=["t.1"], lifetime=lifetime, **kwargs
            )
            async for text in stream:
                frames.append(text)
                if during and len(frames) == 2:
                    await asyncio.to_thread(during)
            return frames

        return async_to_sync(scenario)()

    def test_it_starts_with_the_retry_delay_and_the_resume_id(self):
        frames = self.run_stream(lambda after: live.News(after, []), after=7)
        self.assertEqual(frames, ["retry: 3000\nid: 7\n\n"])

    def test_it_sends_what_is_new_and_resumes_after_it(self):
        seen = []

        def read(after):
            seen.append(after)
            if after < 2:
                return live.News(2, [live.frame({"n": 2}, event_id=2)])
            return live.News(after, [])

        frames = self.run_stream(read)
        self.assertEqual(frames[1], 'id: 2\ndata: {"n": 2}\n\n')
        self.assertEqual(seen[:2], [0, 2])

    def test_a_full_batch_is_followed_at_once(self):
        def read(after):
            more = after < 3
            return live.News(after + 1 if more else after, ["x"] if more else [], more)

        started = time.monotonic()
        frames = self.run_stream(read, lifetime=0.0)
        self.assertEqual(frames[1:], ["x", "x", "x"])
        self.assertLess(time.monotonic() - started, 1.0)

    def test_it_ends_after_its_lifetime(self):
        started = time.monotonic()
        self.run_stream(lambda after: live.News(after, []), lifetime=0.3)
        self.assertGreaterEqual(time.monotonic() - started, 0.29)
        self.assertLess(time.monotonic() - started, 2.0)

    def test_a_quiet_stream_sends_a_keep_alive(self):
        with (
            mock.patch.object(live, "KEEPALIVE_SECONDS", 0.1),
            mock.patch.object(live, "poll_seconds", return_value=0.05),
        ):
            frames = self.run_stream(lambda after: live.News(after, []), lifetime=0.5)
        self.assertIn(live.KEEPALIVE, frames)

    def test_a_wake_up_becomes_frames_of_its_own(self):
        def wake():
            live._send((("t.1", {"changed": 1}),))

        reads = []

        def read(after):
            reads.append(after)
            return live.News(1, ["first"] if not reads[:-1] else [])

        frames = self.run_stream(
            read,
            lifetime=1.0,
            during=wake,
            on_wake=lambda events: [f"woke {len(events)}"],
        )
        self.assertEqual(frames[:3], ["retry: 3000\nid: 0\n\n", "first", "woke 1"])


class ResumeIdTests(SimpleTestCase):
    def resume(self, query="", **headers):
        return live.resume_id(RequestFactory().get(f"/s/{query}", headers=headers))

    def test_the_header_wins_over_the_query(self):
        self.assertEqual(self.resume("?after=3", last_event_id="9"), 9)
        self.assertEqual(self.resume("?after=3"), 3)
        self.assertEqual(self.resume(), 0)

    def test_odd_values_are_a_fresh_start(self):
        for raw in ("-1", "²", "1e3", "9" * 19, "abc"):
            self.assertEqual(self.resume(f"?after={raw}"), 0, raw)


class ResponseTests(SimpleTestCase):
    def test_nothing_on_the_way_buffers_or_stores_it(self):
        response = live.response(iter(()))
        self.assertEqual(response["Content-Type"], "text/event-stream; charset=utf-8")
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertEqual(response["X-Accel-Buffering"], "no")
