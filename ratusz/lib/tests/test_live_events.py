"""Wake-ups through the channel layer: several groups in one trip, and a busy
listener reading once per batch (the suite's in-memory layer)."""

import asyncio
import time

from asgiref.sync import async_to_sync
from django.db import transaction
from django.test import SimpleTestCase, TransactionTestCase

from ratusz.lib import live


async def _listen_then(groups, action, *, timeout=1.0, not_before=0.0):
    """Listen to `groups`, run `action()` in a thread, return the batch."""
    async with live.listen(*groups) as listener:
        await asyncio.to_thread(action)
        return await listener.wait_batch(timeout, not_before=not_before)


def _wake(group, **event):
    """What `publish` does once the transaction commits."""
    live._send(((group, event),))


class PublishTests(TransactionTestCase):
    serialized_rollback = True  # the tests after it need the migrated data

    def test_events_go_out_after_commit_in_one_batch(self):
        def commit_two():
            with transaction.atomic():
                live.publish_many(("a", {"message": 1}), ("b", {"message": 2}))

        events = async_to_sync(_listen_then)(("a", "b"), commit_two)
        self.assertEqual(sorted(e["message"] for e in events), [1, 2])

    def test_a_rolled_back_transaction_wakes_nobody(self):
        def roll_back():
            try:
                with transaction.atomic():
                    live.publish("a", message=1)
                    raise RuntimeError
            except RuntimeError:
                pass

        self.assertEqual(async_to_sync(_listen_then)(("a",), roll_back), [])


class WaitBatchTests(SimpleTestCase):
    def test_a_burst_is_one_batch(self):
        def burst():
            for n in range(100):
                _wake("inbox.1", message=n)

        events = async_to_sync(_listen_then)(("inbox.1",), burst)
        self.assertEqual([e["message"] for e in events], list(range(100)))

    def test_it_waits_until_not_before_and_takes_what_came_meanwhile(self):
        async def scenario():
            async with live.listen("inbox.1") as listener:
                await asyncio.to_thread(_wake, "inbox.1", message=1)

                async def later():
                    await asyncio.sleep(0.1)
                    await asyncio.to_thread(_wake, "inbox.1", message=2)

                task = asyncio.create_task(later())
                started = time.monotonic()
                events = await listener.wait_batch(1.0, not_before=started + 0.3)
                await task
                return events, time.monotonic() - started

        events, took = async_to_sync(scenario)()
        self.assertEqual([e["message"] for e in events], [1, 2])
        self.assertGreaterEqual(took, 0.29)

    def test_a_lone_event_after_the_interval_is_not_delayed(self):
        async def scenario():
            async with live.listen("inbox.1") as listener:
                await asyncio.to_thread(_wake, "inbox.1", message=1)
                started = time.monotonic()
                events = await listener.wait_batch(1.0, not_before=time.monotonic() - 1)
                return events, time.monotonic() - started

        events, took = async_to_sync(scenario)()
        self.assertEqual(len(events), 1)
        self.assertLess(took, 0.1)

    def test_nothing_within_the_timeout_is_an_empty_batch(self):
        async def scenario():
            async with live.listen("inbox.1") as listener:
                return await listener.wait_batch(0.05)

        self.assertEqual(async_to_sync(scenario)(), [])
