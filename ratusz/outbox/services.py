"""The delivery engine: planning rows, claiming them, sending, retrying.

A row's life:

    pending ──claim (lease)──► pending, leased ──► sending ──► sent
       ▲                                              │
       └──── transient error (backoff + jitter) ◄─────┤
                                                      ├──► failed  (permanent error,
                                                      │            or attempts used up)
                                                      └──► unknown (the worker died)

- A worker leases a batch of due rows with one conditional UPDATE; a lease
  lapses by itself, so rows of a worker that died before sending anything
  simply become claimable again.
- Just before a message goes out, its row alone moves to `sending` (and is
  committed). A row found in `sending` whose worker is gone may have been
  delivered: it becomes `unknown` and is never resent automatically — an
  editor sees it and decides (the rule Ghost follows). That is the only way a
  recipient can miss a message, and no way for them to get one twice.
- A gmina's channel that fails transiently `BREAKER_THRESHOLD` times in a row
  is paused for `BREAKER_PAUSE` (its `CircuitBreaker` row): its rows are not
  claimed meanwhile and lose no attempt; they go out once it closes.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import cache

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

# `tasks` runs this engine and this engine wakes `tasks`: the two modules
# import each other (as modules, used only inside functions), which Python
# resolves whichever loads first. The cycle is the job itself: a queued task
# that sends, and senders that queue the task.
from . import registry, tasks
from .models import Channel, CircuitBreaker, Delivery
from .transports import Envelope, TransportError

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
LEASE = timedelta(minutes=5)
# A row left in `sending` this long is given up as unknown even when its
# worker's liveness cannot be checked (it ran on another machine).
STALE_SENDING = timedelta(minutes=10)
MAX_ATTEMPTS = 16
FIRST_RETRY = 30.0  # seconds
LONGEST_RETRY = 6 * 3600.0  # 16 attempts span about two days
# Mastodon's per-inbox breaker: 10 failures in a row pause the channel 60 s.
BREAKER_THRESHOLD = 10
BREAKER_PAUSE = timedelta(seconds=60)

State = Delivery.State


def _process_start(pid: int) -> str | None:
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


@cache
def _host() -> str:
    return socket.gethostname()


def worker_id() -> str:
    """This process, in a form that outlives pid reuse: host:pid:start."""
    pid = os.getpid()
    return f"{_host()}:{pid}:{_process_start(pid) or '?'}"


def _worker_is_gone(claimed_by: str) -> bool | None:
    """True/False for a worker of this host; None when it cannot be told."""
    worker = claimed_by.split("#", 1)[0]
    host, _, rest = worker.partition(":")
    pid, _, start = rest.partition(":")
    if host != _host() or not pid.isdigit():
        return None
    return _process_start(int(pid)) != start


# Planning ----------------------------------------------------------------


def enqueue(deliveries: Iterable[Delivery]) -> None:
    """Store new rows (existing ones are left alone) and wake the worker.

    Call it inside the transaction that causes the deliveries: the rows
    commit or roll back with it, and the worker is woken only after commit.
    """
    rows = list(deliveries)
    if not rows:
        return
    Delivery.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    transaction.on_commit(wake)


def wake() -> None:
    tasks.dispatch()


def wake_at(when) -> None:
    """Wake the worker at `when` (a lost wake-up is caught by the periodic job)."""
    try:
        tasks.dispatch.schedule(eta=when)
    except Exception:  # the queue is down: the periodic job will find the rows
        logger.exception("scheduling a wake-up for %s failed", when)


# Sending ------------------------------------------------------------------


def claim(*, limit: int = BATCH_SIZE, now=None) -> list[Delivery]:
    """Lease up to `limit` due rows of one gmina and channel for this worker."""
    now = now or timezone.now()
    first = (
        Delivery.objects.sendable(now)
        .order_by("next_attempt_at", "pk")
        .values("gmina_id", "channel")
        .first()
    )
    if first is None:
        return []
    ids = list(
        Delivery.objects.sendable(now)
        .filter(**first)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    token = f"{worker_id()}#{uuid.uuid4().hex[:12]}"
    # The same conditions again: a row another worker leased meanwhile drops out.
    Delivery.objects.sendable(now).filter(pk__in=ids).update(
        claimed_by=token, lease_until=now + LEASE
    )
    return list(
        Delivery.objects.filter(claimed_by=token, state=State.PENDING)
        .select_related("gmina__site", "follower", "push_subscription")
        .order_by("pk")
    )


def _compose(delivery: Delivery) -> Envelope | None:
    kind = delivery.item.split(":", 1)[0]
    composer = registry.composer_for(kind)
    if composer is None:
        raise LookupError(f"no composer for {kind!r}")
    return composer(delivery)


def retry_delay(attempts: int, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter; a provider's Retry-After wins if longer."""
    delay = min(LONGEST_RETRY, FIRST_RETRY * 2 ** max(attempts - 1, 0))
    delay *= random.uniform(0.5, 1.0)
    if retry_after:
        delay = max(delay, min(retry_after, LONGEST_RETRY))
    return delay


def _finish(delivery: Delivery, **fields) -> None:
    Delivery.objects.filter(pk=delivery.pk, state=State.SENDING).update(
        claimed_by="", lease_until=None, updated_at=timezone.now(), **fields
    )


def _record_error(delivery: Delivery, error: TransportError, attempts: int) -> None:
    if error.permanent or attempts >= MAX_ATTEMPTS:
        _finish(delivery, state=State.FAILED, error=error.message[:2000])
        return
    delay = retry_delay(attempts, error.retry_after)
    _finish(
        delivery,
        state=State.PENDING,
        error=error.message[:2000],
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )


def send_batch(
    rows: list[Delivery], *, should_stop: Callable[[], bool] = bool
) -> Counter:
    """Send leased rows of one gmina and channel; return how each ended."""
    outcome: Counter = Counter()
    if not rows:
        return outcome
    cls = registry.transport_for(rows[0].channel)
    if cls is None:
        _release(rows)
        outcome["unsupported"] += len(rows)
        return outcome
    transport = cls(rows[0].gmina)
    breaker = Breaker(rows[0].gmina_id, rows[0].channel)
    try:
        for index, row in enumerate(rows):
            if should_stop():
                _release(rows[index:])
                break
            if breaker.is_open():
                # Paused: not an attempt; the rows wait for the breaker to close.
                _release(rows[index:])
                outcome["paused"] += len(rows) - index
                break
            outcome[_send_one(transport, row, breaker)] += 1
    finally:
        transport.close()
    return outcome


class Breaker:
    """One batch's view of its gmina's channel breaker (`CircuitBreaker`).

    Read before every row (a cheap indexed SELECT), so a pause another
    worker started is honoured at once; written only on a failure, or on a
    success after failures.
    """

    def __init__(self, gmina_id: int, channel: str):
        self.key = {"gmina_id": gmina_id, "channel": channel}
        self.failures = 0

    def is_open(self) -> bool:
        now = timezone.now()
        state = (
            CircuitBreaker.objects.filter(**self.key)
            .values_list("failures", "open_until")
            .first()
        )
        failures, open_until = state or (0, None)
        self.failures = failures
        return open_until is not None and open_until > now

    def success(self) -> None:
        if self.failures:
            CircuitBreaker.objects.filter(**self.key).update(
                failures=0, open_until=None, updated_at=timezone.now()
            )
            self.failures = 0

    def failure(self, error: str) -> bool:
        """Count a transient failure; return True when it opened the breaker."""
        now = timezone.now()
        fields = {"last_error": error[:2000], "updated_at": now}
        rows = CircuitBreaker.objects.filter(**self.key)
        if not rows.update(failures=F("failures") + 1, **fields):
            try:
                with transaction.atomic():
                    CircuitBreaker.objects.create(**self.key, failures=1, **fields)
            except IntegrityError:  # another worker created it meanwhile
                rows.update(failures=F("failures") + 1, **fields)
        self.failures += 1
        # Conditional, so two workers crossing the threshold open it once.
        until = now + BREAKER_PAUSE
        opened = (
            rows.filter(failures__gte=BREAKER_THRESHOLD)
            .filter(Q(open_until__isnull=True) | Q(open_until__lte=now))
            .update(opened_at=now, open_until=until)
        )
        if opened:
            logger.warning(
                "%s of gmina %s paused until %s after %s failures in a row: %s",
                self.key["channel"],
                self.key["gmina_id"],
                until.isoformat(),
                BREAKER_THRESHOLD,
                error,
            )
            transaction.on_commit(lambda: wake_at(until))
        return bool(opened)


def _send_one(transport, row: Delivery, breaker: Breaker | None = None) -> str:
    try:
        message = _compose(row)
    except Exception:
        logger.exception("composing delivery %s failed", row.pk)
        message = False
    if not message:
        state = State.CANCELLED if message is None else State.FAILED
        Delivery.objects.filter(pk=row.pk, state=State.PENDING).update(
            state=state,
            claimed_by="",
            lease_until=None,
            error="" if message is None else "Nie udało się przygotować wiadomości.",
        )
        return state
    # In flight from here on: committed before the network sees anything.
    taken = Delivery.objects.filter(
        pk=row.pk, state=State.PENDING, claimed_by=row.claimed_by
    ).update(state=State.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now())
    if not taken:
        return "skipped"
    attempts = row.attempts + 1
    try:
        remote_id = transport.send(row, message)
    except TransportError as error:
        _record_error(row, error, attempts)
        if error.permanent:
            # One recipient's problem (a 550, a 410): says nothing of the channel.
            return State.FAILED
        if breaker is not None:
            breaker.failure(error.message)
        return "retry"
    except Exception as error:  # a bug or an unforeseen library error
        logger.exception("sending delivery %s failed", row.pk)
        wrapped = TransportError(
            f"Nieoczekiwany błąd: {type(error).__name__}", permanent=False
        )
        _record_error(row, wrapped, attempts)
        if breaker is not None:
            breaker.failure(wrapped.message)
        return "retry"
    if breaker is not None:
        breaker.success()
    _finish(
        row,
        state=State.SENT,
        sent_at=timezone.now(),
        error="",
        remote_id=remote_id or "",
    )
    return State.SENT


def record_remote_id(delivery: Delivery, remote_id: str) -> None:
    """Keep a provider's id for a row in flight, before the send is finished.

    A network without idempotency keys (Facebook) is posted to at most once
    only if this id is stored the moment it is known: an attempt that finds
    it returns it instead of posting again.
    """
    Delivery.objects.filter(pk=delivery.pk).update(remote_id=remote_id)
    delivery.remote_id = remote_id


def _release(rows: Iterable[Delivery]) -> None:
    Delivery.objects.filter(pk__in=[r.pk for r in rows], state=State.PENDING).update(
        claimed_by="", lease_until=None
    )


def deliver_due(
    *, time_budget: float = 5.0, should_stop: Callable[[], bool] = bool
) -> Counter:
    """Send due rows for up to `time_budget` seconds; return the tally."""
    deadline = time.monotonic() + time_budget
    total: Counter = Counter()
    while time.monotonic() < deadline and not should_stop():
        rows = claim()
        if not rows:
            break
        total += send_batch(rows, should_stop=should_stop)
    return total


def has_due(now=None) -> bool:
    """Whether a worker has something to send now (paused channels wait)."""
    return Delivery.objects.sendable(now).exists()


def paused_channels(gmina, now=None) -> list[CircuitBreaker]:
    """The gmina's channels whose breaker is open now, soonest reopening first."""
    return list(
        CircuitBreaker.objects.filter(gmina=gmina).open(now).order_by("open_until")
    )


def unconnected_channels(gmina) -> list[str]:
    """The channels this gmina has not connected (or whose connection broke).

    In the order of `Channel`; only networks that registered a connection.
    """
    connections = registry.connections()
    return [
        channel
        for channel in Channel.values
        if channel in connections and not connections[channel].is_connected(gmina)
    ]


# Recovery and editors' actions ---------------------------------------------


def recover_interrupted(now=None) -> int:
    """Turn rows left in flight by a dead worker into `unknown`; free its leases.

    Returns how many rows became unknown.
    """
    now = now or timezone.now()
    gone_unknown = []
    in_flight = Delivery.objects.filter(state=State.SENDING).values_list(
        "pk", "claimed_by", "updated_at"
    )
    for pk, claimed_by, updated_at in in_flight:
        gone = _worker_is_gone(claimed_by)
        if gone or (gone is None and updated_at < now - STALE_SENDING):
            gone_unknown.append(pk)
    leased = (
        Delivery.objects.filter(state=State.PENDING, lease_until__gte=now)
        .values_list("claimed_by", flat=True)
        .distinct()
    )
    gone_leases = [c for c in leased if _worker_is_gone(c)]
    if gone_unknown:
        Delivery.objects.filter(pk__in=gone_unknown, state=State.SENDING).update(
            state=State.UNKNOWN,
            claimed_by="",
            lease_until=None,
            error=(
                "Wysyłka została przerwana w trakcie (awaria lub restart "
                "procesu w tle). Wiadomość mogła dotrzeć – sprawdź i ponów "
                "ręcznie, jeśli trzeba."
            ),
        )
    if gone_leases:
        Delivery.objects.filter(state=State.PENDING, claimed_by__in=gone_leases).update(
            claimed_by="", lease_until=None
        )
    return len(gone_unknown)


def retry(deliveries) -> int:
    """An editor sends failed or unknown rows again. Returns how many."""
    count = deliveries.filter(state__in=[State.FAILED, State.UNKNOWN]).update(
        state=State.PENDING,
        next_attempt_at=timezone.now(),
        claimed_by="",
        lease_until=None,
        error="",
    )
    if count:
        transaction.on_commit(wake)
    return count


def progress(deliveries) -> dict[str, dict[str, int]]:
    """{channel: {state: count}} for a set of rows (e.g. one article's)."""
    result: dict[str, dict[str, int]] = {}
    for row in deliveries.values("channel", "state").annotate(n=Count("pk")).order_by():
        result.setdefault(row["channel"], {})[row["state"]] = row["n"]
    return result
