"""Live updates: tell listening browsers that something changed.

Events only wake listeners; the data always comes from the database ("give
me everything after the last id I saw"), so a lost event, a dropped
connection or a listener in another process costs a delay, never a message.

`publish()` sends after the transaction commits, through Django Channels'
layer: `RedisPubSubChannelLayer` with `REDIS_URL` (every web process and the
worker reach every listener), otherwise the in-memory layer, which reaches
listeners of the same process only; listeners therefore also re-check the
database every `POLL_SECONDS`.

`stream()` is the one Server-Sent Events loop every live view uses: read
what is new after the last id, send it, wait for a wake-up, until the
stream's lifetime is over; `response()` wraps it with the headers that keep
proxies and caches from holding it back.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import NamedTuple

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import StreamingHttpResponse

logger = logging.getLogger(__name__)

POLL_SECONDS = 2.0
# With Redis every process's wake-ups reach every listener: the database
# re-check only covers a wake-up lost on the way, and can be rare.
POLL_SECONDS_SHARED_LAYER = 10.0
_GROUP_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
# A comment line every this many quiet seconds keeps proxies from closing an
# idle stream.
KEEPALIVE_SECONDS = 15.0
KEEPALIVE = ": keep-alive\n\n"
# How long EventSource waits before it reconnects after a stream ends.
RETRY_MS = 3000
# The query parameter a page's first connection resumes from (a reconnection
# sends the Last-Event-ID header, which wins).
RESUME_PARAMETER = "after"


def group_name(*parts) -> str:
    """A channel-layer group name from parts, e.g. ("inbox", 12) → "inbox.12"."""
    return _GROUP_UNSAFE.sub("-", ".".join(str(part) for part in parts))[:99]


def publish(group: str, **event) -> None:
    """Wake the group's listeners once the current transaction commits."""
    publish_many((group, event))


def publish_many(*events: tuple[str, dict]) -> None:
    """`publish` for several (group, event) pairs: one trip to the layer's
    event loop for all of them (each trip costs the request's thread a hop
    into the loop and back)."""
    events = tuple(events)
    transaction.on_commit(lambda: _send(events))


def _send(events) -> None:
    layer = get_channel_layer()
    if layer is None:
        return

    async def send_all():
        results = await asyncio.gather(
            *(
                layer.group_send(group, {"type": "live.event", **event})
                for group, event in events
            ),
            return_exceptions=True,
        )
        for (group, _event), result in zip(events, results, strict=True):
            if isinstance(result, Exception):
                # Listeners re-check the database anyway: a lost wake-up
                # is a delay.
                logger.warning("live event to %s not sent: %r", group, result)

    try:
        async_to_sync(send_all)()
    except Exception:
        logger.warning("live events not sent", exc_info=True)


def _keeping_the_connection(function, *args):
    try:
        return function(*args)
    except DatabaseError:
        # A broken connection is not kept for the next poll.
        connection.close()
        raise
    finally:
        if (
            getattr(connection, "pool", None) is not None
            and not connection.in_atomic_block
        ):
            # With a pool (PostgreSQL), the connection goes back for the
            # requests to use between two polls.
            connection.close()


async def poll(function, *args):
    """Run `function(*args)` (database reads of an open stream) in the event
    loop's shared thread pool.

    A stream lives for minutes. Django's usual `sync_to_async` would give
    each stream a thread, and so a database connection, of its own for all
    that time: 200 open pages would hold 200 connections. The pool's few
    threads keep one connection each and take turns serving every stream
    of the process, so a web process never holds more connections than the
    pool has threads (min(32, CPUs + 4)); with PostgreSQL's connection pool
    they hand theirs back after each poll.

    With `LIVE_SHARED_DB_THREADS` off (the suite's TestCases, whose data only
    their own connection sees) it is Django's usual `sync_to_async`.
    """
    shared = getattr(settings, "LIVE_SHARED_DB_THREADS", True)
    return await sync_to_async(_keeping_the_connection, thread_sensitive=not shared)(
        function, *args
    )


def poll_seconds() -> float:
    """How often an open stream re-checks the database without a wake-up."""
    layer = get_channel_layer()
    if layer is not None and "redis" in type(layer).__module__:
        return POLL_SECONDS_SHARED_LAYER
    return POLL_SECONDS


class Listener:
    def __init__(self, layer, channel: str):
        self.layer = layer
        self.channel = channel

    async def wait(self, timeout: float = POLL_SECONDS) -> dict | None:
        """The next event, or None after `timeout` seconds."""
        if self.layer is None:
            await asyncio.sleep(timeout)
            return None
        try:
            return await asyncio.wait_for(self.layer.receive(self.channel), timeout)
        except TimeoutError:
            return None

    async def wait_batch(self, timeout: float, *, not_before: float = 0.0) -> list:
        """The events that came in: wait up to `timeout` seconds for one,
        then, if it is earlier than `not_before` (time.monotonic()), wait
        until then and take all that arrived meanwhile.

        A listener that reads the database after each batch then reads at
        most once per interval however many wake-ups a busy office sends;
        a lone event is not delayed once the interval since the last read
        has passed.
        """
        event = await self.wait(timeout)
        if event is None:
            return []
        delay = not_before - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        return [event, *await self._waiting()]

    async def _waiting(self) -> list:
        events = []
        while len(events) < 10_000:
            try:
                events.append(
                    await asyncio.wait_for(self.layer.receive(self.channel), 0.001)
                )
            except TimeoutError:
                break
        return events


@asynccontextmanager
async def listen(*groups: str):
    """`async with listen(g1, g2) as listener: await listener.wait()`."""
    layer = get_channel_layer()
    if layer is None:
        yield Listener(None, "")
        return
    channel = await layer.new_channel()
    for group in groups:
        await layer.group_add(group, channel)
    try:
        yield Listener(layer, channel)
    finally:
        for group in groups:
            try:
                await layer.group_discard(group, channel)
            except Exception:
                logger.debug("group_discard failed", exc_info=True)


# --- Server-Sent Events ---------------------------------------------------------


class News(NamedTuple):
    """What a stream's `read(after)` found."""

    last_id: int  # the id to resume from next
    frames: list[str]  # SSE frames to send (see `frame`)
    more: bool = False  # a full batch: read again without waiting


def frame(data, *, event_id: int | None = None) -> str:
    """One SSE message: JSON `data`, with an id the browser resumes from."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False)}\n\n"


def resume_id(request) -> int:
    """The id a stream starts after: the Last-Event-ID header (EventSource's
    reconnection), else `?after=` (the page's first connection), else 0."""
    for raw in (
        request.headers.get("Last-Event-ID"),
        request.GET.get(RESUME_PARAMETER),
    ):
        # A bigint at most; "²".isdigit() is true but int() refuses it.
        if raw and raw.isascii() and raw.isdigit() and len(raw) < 19:
            return int(raw)
    return 0


async def stream(
    read: Callable[[int], News],
    *,
    after: int,
    groups: Iterable[str],
    lifetime: float,
    settle: float = 0.0,
    on_wake: Callable[[list[dict]], list[str]] | None = None,
) -> AsyncIterator[str]:
    """The SSE loop of every live view.

    1. Send the reconnection delay and the starting id (a reconnection
       before any message resumes from there).
    2. `read(after)` through `poll` and send its frames; read again at once
       while it says there is more.
    3. End once `lifetime` seconds are over; the browser reconnects with
       Last-Event-ID, so nothing is lost between two connections.
    4. Send a keep-alive after `KEEPALIVE_SECONDS` without a frame.
    5. Wait for wake-ups on `groups`, or `poll_seconds()`; a busy group is
       read at most every `settle` seconds (see `Listener.wait_batch`).
       `on_wake(events)` may turn the wake-ups into frames of their own
       (a change that has no new id); then go to 2.
    """
    yield f"retry: {RETRY_MS}\nid: {after}\n\n"
    deadline = time.monotonic() + lifetime
    quiet_since = time.monotonic()
    async with listen(*groups) as listener:
        while True:
            news = await poll(read, after)
            read_at = time.monotonic()
            after = news.last_id
            for text in news.frames:
                yield text
                quiet_since = read_at
            if news.more:
                continue
            now = time.monotonic()
            if now >= deadline:
                return
            if now - quiet_since >= KEEPALIVE_SECONDS:
                yield KEEPALIVE
                quiet_since = now
            events = await listener.wait_batch(
                min(poll_seconds(), deadline - now), not_before=read_at + settle
            )
            for text in on_wake(events) if on_wake and events else ():
                yield text
                quiet_since = time.monotonic()


def response(frames: AsyncIterator[str]) -> StreamingHttpResponse:
    """A streaming response for `stream()` that nothing on the way buffers
    (nginx: X-Accel-Buffering) or stores."""
    answer = StreamingHttpResponse(
        frames, content_type="text/event-stream; charset=utf-8"
    )
    answer["Cache-Control"] = "private, no-store"
    answer["X-Accel-Buffering"] = "no"
    return answer
