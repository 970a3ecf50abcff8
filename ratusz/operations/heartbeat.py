"""The worker's heartbeat: written by the worker, read by `/health/` and
the web processes' watchdog."""

from __future__ import annotations

import socket
from datetime import timedelta

from django.utils import timezone

from .models import WorkerBeat

# Rows of worker hosts that stopped beating this long ago are forgotten.
FORGET_AFTER = timedelta(days=7)


def worker_name() -> str:
    return socket.gethostname()[:120]


def beat(*, starting: bool = False, now=None) -> WorkerBeat:
    now = now or timezone.now()
    row, created = WorkerBeat.objects.get_or_create(
        worker=worker_name(), defaults={"beat_at": now, "started_at": now}
    )
    if not created:
        row.beat_at = now
        fields = ["beat_at"]
        if starting:
            row.started_at = now
            fields.append("started_at")
        row.save(update_fields=fields)
    WorkerBeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()
    return row


def record_queue_lag(sent_at, now=None) -> float:
    """A probe task sent at `sent_at` runs now: its wait is the queue's lag."""
    now = now or timezone.now()
    lag = max(0.0, (now - sent_at).total_seconds())
    WorkerBeat.objects.filter(worker=worker_name()).update(lag_seconds=lag)
    return lag
