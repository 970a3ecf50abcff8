"""The checks behind `/health/`, `manage.py health` and the alerts.

Each check answers with a plain value and whether it is within its limit;
the limits are settings (README, "Operations"). Anonymous callers of
`/health/` see only the overall verdict.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from ratusz.outbox.models import CircuitBreaker, Delivery

from .models import WorkerBeat

logger = logging.getLogger("ratusz.operations")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    # A number for monitoring (seconds, a count) or None when unknown.
    value: float | int | None
    detail: str

    def as_dict(self) -> dict:
        return {"ok": self.ok, "value": self.value, "detail": self.detail}


def database() -> Check:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Check("database", False, None, f"baza danych nie odpowiada: {error}")
    ms = round((time.perf_counter() - started) * 1000, 1)
    return Check("database", True, ms, f"odpowiada w {ms} ms")


def worker(now=None) -> Check:
    """Seconds since the freshest worker heartbeat (any worker host)."""
    now = now or timezone.now()
    beat = WorkerBeat.objects.order_by("-beat_at").first()
    if beat is None:
        return Check("worker", False, None, "zadania w tle jeszcze się nie zgłosiły")
    age = round((now - beat.beat_at).total_seconds())
    limit = settings.OPS_WORKER_STALE_SECONDS
    if age > limit:
        return Check(
            "worker", False, age,
            f"ostatni puls {age} s temu (limit {limit} s): zadania w tle stoją",
        )  # fmt: skip
    return Check("worker", True, age, f"ostatni puls {age} s temu")


def queue(now=None) -> Check:
    """How long the last probe task waited in the queue, and how many wait."""
    beat = WorkerBeat.objects.order_by("-beat_at").first()
    try:
        waiting = HUEY.pending_count()
    except Exception:  # the queue's storage itself is down
        logger.exception("The task queue does not answer")
        return Check("queue", False, None, "kolejka zadań nie odpowiada")
    if beat is None:
        return Check("queue", False, None, f"{waiting} zadań czeka; brak pomiaru")
    lag = round(beat.lag_seconds, 1)
    limit = settings.OPS_QUEUE_LAG_SECONDS
    ok = lag <= limit
    return Check(
        "queue", ok, lag,
        f"zadanie czekało w kolejce {lag} s (limit {limit} s); czeka {waiting}",
    )  # fmt: skip


def deliveries(now=None) -> Check:
    """The oldest delivery that is due and not sent, and recent failures."""
    now = now or timezone.now()
    oldest = (
        Delivery.objects.due(now).order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True).first()
    )  # fmt: skip
    delay = round((now - oldest).total_seconds()) if oldest else 0
    failed = Delivery.objects.filter(
        state=Delivery.State.FAILED, updated_at__gte=now - timedelta(hours=1)
    ).count()
    paused = CircuitBreaker.objects.filter(open_until__gt=now).count()
    delay_limit = settings.OPS_DELIVERY_DELAY_SECONDS
    failed_limit = settings.OPS_FAILED_PER_HOUR
    ok = delay <= delay_limit and failed < failed_limit
    detail = (
        f"najstarsza czekająca wysyłka: {delay} s (limit {delay_limit} s); "
        f"nieudanych w ostatniej godzinie: {failed} (limit {failed_limit}); "
        f"wstrzymanych kanałów: {paused}"
    )
    return Check("deliveries", ok, delay, detail)


def run_all(now=None) -> list[Check]:
    checks = [database()]
    if not checks[0].ok:
        return checks  # the rest read the database
    now = now or timezone.now()
    return checks + [worker(now), queue(now), deliveries(now)]


def healthy(checks: list[Check]) -> bool:
    return all(check.ok for check in checks)
