"""Views wait in memory and are written in batches: one insert per flush.

`buffer.add` only appends to a list under a lock, so counting never waits
for the database. A daemon thread flushes every `INSIGHTS_FLUSH_SECONDS`
(1 s); the process's exit flushes what is left (`atexit`). A crash (kill -9,
power loss) loses at most the views of the last interval.

The flush classifies the User-Agent (bots and fetchers dropped, device class
kept), attributes the source, hashes the visitor with the day's salt, and
forgets the IP and User-Agent: they never leave this process's memory.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Site

from ratusz.gminas.models import Gmina

from .attribution import classify, source_of
from .models import MissedSearch, ViewEvent
from .visitors import salt_for, visitor_key

logger = logging.getLogger("ratusz.insights")

MAX_PENDING = 100_000  # a database down for long: drop views, not memory


@dataclass(frozen=True, slots=True)
class Seen:
    """A view as a door saw it; in memory only until the next flush."""

    at: datetime
    host: str
    path: str
    page_id: int | None
    source: str | None  # from Ratusz's source parameter
    referrer: str
    ip: str
    user_agent: str
    # Lemmas of a search that found nothing: counted, not a page view.
    missed_search: str = ""


class Buffer:
    def __init__(self):
        self._pending: list[Seen] = []
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._at_exit = False

    def add(self, seen: Seen) -> None:
        with self._lock:
            if len(self._pending) < MAX_PENDING:
                self._pending.append(seen)
        if self._thread is None and settings.INSIGHTS_FLUSH_SECONDS:
            self._start()

    def pending(self) -> int:
        return len(self._pending)

    def _take(self) -> list[Seen]:
        with self._lock:
            taken, self._pending = self._pending, []
        return taken

    def flush(self) -> int:
        """Write what is pending in one insert; return how many rows."""
        with self._flush_lock:
            seen = self._take()
            if not seen:
                return 0
            try:
                return record(seen)
            except Exception:
                logger.exception("Could not store %d page views", len(seen))
                return 0

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._run, name="insights-flush", daemon=True
            )
            self._thread.start()
            if not self._at_exit:
                self._at_exit = True
                atexit.register(self.close)

    def _run(self) -> None:
        while not self._stopping:
            self._wake.wait(settings.INSIGHTS_FLUSH_SECONDS)
            close_old_connections()
            self.flush()
        connection.close()

    def close(self) -> None:
        """Stop the flushing thread and write what is left (process exit)."""
        thread = self._thread
        self._stopping = True
        self._wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)
        self.flush()
        self._thread = None
        self._stopping = False
        self._wake.clear()


buffer = Buffer()


class _Gminas:
    """Host -> gmina id, as Wagtail matches a Site (hostname, else default).

    Asked again after a minute, so a gmina's new host is seen soon.
    """

    TTL = 60.0

    def __init__(self):
        self._by_host: dict[str, int | None] = {}
        self._since = time.monotonic()

    def id_for(self, host: str) -> int | None:
        hostname = host.split(":")[0].lower()
        if time.monotonic() - self._since > self.TTL or len(self._by_host) > 10_000:
            self.forget()
        if hostname not in self._by_host:
            site = (
                Site.objects.filter(hostname=hostname).first()
                or Site.objects.filter(is_default_site=True).first()
            )
            gmina = Gmina.objects.filter(site=site).values_list("pk", flat=True).first()
            self._by_host[hostname] = gmina
        return self._by_host[hostname]

    def forget(self) -> None:
        self._by_host.clear()
        self._since = time.monotonic()


gminas = _Gminas()


def record(seen: list[Seen]) -> int:
    """Turn views into `ViewEvent` rows (bots dropped); one bulk insert."""
    rows = []
    missed: Counter = Counter()
    # Today's salt, also for a view from just before midnight flushed just
    # after: yesterday's salt may already be gone.
    salt = salt_for(timezone.localdate())
    for view in seen:
        device = classify(view.user_agent)
        if device is None:
            continue
        gmina_id = gminas.id_for(view.host)
        if gmina_id is None:
            continue
        day = timezone.localdate(view.at)
        if view.missed_search:
            missed[(gmina_id, day, view.missed_search)] += 1
            continue
        rows.append(
            ViewEvent(
                gmina_id=gmina_id,
                day=day,
                at=view.at,
                page_id=view.page_id,
                path=view.path[:255],
                visitor=visitor_key(salt, gmina_id, view.ip, view.user_agent),
                source=view.source or source_of(view.referrer, view.host),
                device=device,
            )
        )
    ViewEvent.objects.bulk_create(rows)
    for (gmina_id, day, lemmas), n in missed.items():
        _count_missed_search(gmina_id, day, lemmas, n)
    return len(rows) + sum(missed.values())


def _count_missed_search(gmina_id, day, lemmas, n) -> None:
    updated = MissedSearch.objects.filter(
        gmina_id=gmina_id, day=day, lemmas=lemmas
    ).update(searches=F("searches") + n)
    if not updated:
        try:
            with transaction.atomic():
                MissedSearch.objects.create(
                    gmina_id=gmina_id, day=day, lemmas=lemmas, searches=n
                )
        except IntegrityError:  # another process made the row meanwhile
            MissedSearch.objects.filter(
                gmina_id=gmina_id, day=day, lemmas=lemmas
            ).update(searches=F("searches") + n)
