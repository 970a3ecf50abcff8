"""Pure helpers of the messenger benchmark (no I/O): an SSE parser, the
matching of stored messages to what the staff streams showed, percentiles
and the summary of one configuration.

Times are `time.monotonic()` seconds: CLOCK_MONOTONIC is one clock for every
process of the machine, so times taken by different client processes compare.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter

# Every message body the benchmark writes carries its own marker, so a row in
# the database can be told apart from a retried copy of it.
MARKER = re.compile(r"\[bench (m-[A-Za-z0-9_-]+)\]")
REPLY_MARKER = re.compile(r"bench-reply-([0-9a-f]{16})")


class SSEParser:
    """Feed it lines of a text/event-stream; `feed` returns a finished event
    (dict with "id", "event", "data") at each blank line, else None.

    A block with an `id:` but no data (the inbox stream starts with one) is
    returned too, with data None: it sets the watermark the stream starts at.
    Comments (": keep-alive") and `retry:` give nothing.
    """

    def __init__(self):
        self._reset()

    def _reset(self):
        self.id = None
        self.event = None
        self.data: list[str] = []

    def feed(self, line: str) -> dict | None:
        line = line.rstrip("\r\n")
        if line == "":
            if self.id is None and not self.data:
                self._reset()
                return None
            event = {
                "id": self.id,
                "event": self.event or "message",
                "data": "\n".join(self.data) if self.data else None,
            }
            self._reset()
            return event
        if line.startswith(":"):
            return None
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "id":
            self.id = value
        elif field == "event":
            self.event = value
        elif field == "data":
            self.data.append(value)
        return None


def percentile(values, p: float) -> float | None:
    """The p-th percentile (0–100) by linear interpolation; None if empty."""
    data = sorted(values)
    if not data:
        return None
    if len(data) == 1:
        return float(data[0])
    rank = (len(data) - 1) * p / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (rank - low)


def latency_summary(seconds) -> dict:
    """count, p50, p95, p99, max in milliseconds (rounded to 0.1 ms)."""
    values = list(seconds)

    def ms(value):
        return None if value is None else round(value * 1000, 1)

    return {
        "count": len(values),
        "p50_ms": ms(percentile(values, 50)),
        "p95_ms": ms(percentile(values, 95)),
        "p99_ms": ms(percentile(values, 99)),
        "max_ms": ms(max(values) if values else None),
    }


def first_seen(messages, streams) -> dict[int, float]:
    """When some staff stream first showed each resident message.

    `messages`: dicts with "id", "ref" (the conversation's reference) and
    "seq" (the commit order the inbox follows; the id where there is none).
    `streams`: one list per staff stream of events (time, watermark seq,
    references of the resident messages in that batch); the first event of
    a stream is its starting watermark (references None).

    The inbox stream sends, for every batch, the highest seq in it and the
    references of its resident messages. A message is shown by the first
    event whose watermark reaches it, provided that event names its
    conversation: a message the watermark passed before it was committed is
    then correctly counted as not shown by that stream.
    """
    seen: dict[int, float] = {}
    for events in streams:
        if not events:
            continue
        ids = [event[1] for event in events]
        for message in messages:
            index = bisect.bisect_left(ids, message.get("seq") or message["id"])
            if index == 0 or index >= len(events):
                # Before this stream started, or never reached.
                continue
            when, _id, refs = events[index]
            if refs is not None and message["ref"] in refs:
                if message["id"] not in seen or when < seen[message["id"]]:
                    seen[message["id"]] = when
    return seen


def summarize(
    *,
    sends: list[dict],
    retries: list[dict],
    staff_streams: list[list],
    replies: list[dict],
    reply_seen: dict[str, float],
    stored: list[dict],
    errors: list[dict],
) -> dict:
    """The figures of one configuration.

    sends:   one per first attempt: marker, t0 (start of the POST), status, id
             (None unless acknowledged), during_run (False for the opening
             messages sent through the form while setting up).
    retries: one per repeated submit: marker, first_id, id, status.
    replies: staff replies: marker, t0, status (302/303 = accepted).
    reply_seen: reply marker → when a resident stream received it.
    stored:  the resident messages in the database after the run: id, ref,
             marker.
    """
    by_id = {row["id"]: row for row in stored}
    markers = Counter(row["marker"] for row in stored)
    seen = first_seen(stored, staff_streams)

    acked = [s for s in sends if s["id"] is not None]
    missing = [
        s
        for s in acked
        if s["id"] not in by_id or by_id[s["id"]]["marker"] != s["marker"]
    ]
    unseen = [row for row in stored if row["id"] not in seen]
    latencies = [
        seen[s["id"]] - s["t0"] for s in acked if s["during_run"] and s["id"] in seen
    ]
    duplicate_rows = sum(count - 1 for count in markers.values() if count > 1)
    # Both submits answered, with different ids: stored twice.
    retry_mismatch = [
        r
        for r in retries
        if r["id"] is not None
        and r["first_id"] is not None
        and r["id"] != r["first_id"]
    ]
    accepted = [r for r in replies if r["status"] in (302, 303)]
    reply_latencies = [
        reply_seen[r["marker"]] - r["t0"] for r in accepted if r["marker"] in reply_seen
    ]
    return {
        "messages_sent": sum(1 for s in sends if s["during_run"]),
        "messages_acknowledged": sum(1 for s in acked if s["during_run"]),
        "conversations_opened": sum(1 for s in sends if not s["during_run"]),
        "resident_messages_stored": len(stored),
        "message_to_inbox": latency_summary(latencies),
        "retried_submits": len(retries),
        "duplicates": duplicate_rows + len(retry_mismatch),
        "lost": len(missing) + len(unseen),
        "lost_detail": {
            "acknowledged_not_stored": [s["id"] for s in missing][:20],
            "stored_never_shown_to_staff": [row["id"] for row in unseen][:20],
        },
        "replies_sent": len(accepted),
        "replies_seen_by_resident": len(reply_latencies),
        "replies_lost": len(accepted) - len(reply_latencies),
        "reply_to_resident": latency_summary(reply_latencies),
        "http_errors": len(errors),
        "http_error_samples": errors[:10],
    }


def ratio(ours, reference) -> float | None:
    if ours is None or not reference:
        return None
    return round(ours / reference, 2)
