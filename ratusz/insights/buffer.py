"""Views wait in memory and are written in batches: one insert per flush.

`buffer.add` only appends a tuple of raw values to a list under a lock, so
counting never waits for the database and costs the event loop next to
nothing. A daemon thread flushes every `INSIGHTS_FLUSH_SECONDS` (1 s). A clean
stop flushes what is left: the ASGI lifespan shutdown (`lib.lifespan`,
registered in `InsightsConfig.ready`; granian's workers exit without running
`atexit`) and, for other servers, `atexit`. A crash (kill -9, power loss)
loses at most the views of the last interval.

The flush reads the client's address, classifies the User-Agent (bots and
fetchers dropped, device class kept; memoised per User-Agent string in
`attribution.classify`), attributes the source, hashes the visitor with the
day's salt, and forgets the IP and User-Agent: they never leave this
process's memory, and addresses not even the flush that read them.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Site

from ratusz.gminas.models import Gmina
from ratusz.lib.client_ip import client_ip_from

from .attribution import classify, source_of
from .models import MissedSearch, ViewEvent
from .visitors import salt_for, visitor_key

logger = logging.getLogger("ratusz.insights")

MAX_PENDING = 100_000  # a database down for long: drop views, not memory


class Seen(NamedTuple):
    """A view as a door saw it, raw; in memory only until the next flush.

    The page cache's hook keeps the header values as the bytes of the ASGI
    scope, Django's middleware as text: the flush reads both. The hook, run
    for every cached answer, adds a plain tuple of the same ten fields (a
    named tuple costs a Python call to make).
    """

    at: float  # time.time()
    host: bytes | str
    path: str
    page_id: int | None
    source: str | None  # from Ratusz's source parameter
    referrer: bytes | str
    remote_addr: str  # the peer: a proxy or the client
    forwarded: bytes | str  # X-Forwarded-For, believed only from a proxy
    user_agent: bytes | str
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

    def add(self, seen: Seen | tuple) -> None:
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
        """Stop the flushing thread and write what is left (a clean stop)."""
        thread = self._thread
        self._stopping = True
        self._wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)
        try:
            self.flush()
        finally:
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


def _text(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def record(seen: list[Seen]) -> int:
    """Turn views into `ViewEvent` rows (bots dropped); one insert."""
    rows = []
    missed: Counter = Counter()
    # Today's salt, also for a view from just before midnight flushed just
    # after: yesterday's salt may already be gone.
    salt = salt_for(timezone.localdate())
    # What this flush worked out per distinct browser, address and referrer:
    # most views repeat one. Dropped with the flush, addresses included.
    known: dict[tuple, tuple | None] = {}
    clock = _Clock()
    of = clock.of
    for (
        at,
        host,
        path,
        page_id,
        source,
        referrer,
        remote,
        forwarded,
        ua,
        lemmas,
    ) in seen:
        ident = (host, ua, remote, forwarded, referrer, source)
        if ident in known:
            counted = known[ident]
        else:
            counted = known[ident] = _attribute(salt, *ident)
        if counted is None:
            continue
        gmina_id, visitor, source, device = counted
        when, day, day_value = of(at)
        if lemmas:
            missed[(gmina_id, day, lemmas)] += 1
            continue
        rows.append(
            (gmina_id, day_value, when, page_id, path[:255], visitor, source, device)
        )
    _insert(rows)
    for (gmina_id, day, lemmas), n in missed.items():
        _count_missed_search(gmina_id, day, lemmas, n)
    return len(rows) + sum(missed.values())


def _attribute(salt, host, ua, remote, forwarded, referrer, source):
    """(gmina id, visitor, source, device) of a view, or None: not counted."""
    user_agent = _text(ua)
    device = classify(user_agent)
    if device is None:
        return None
    host = _text(host)
    gmina_id = gminas.id_for(host)
    if gmina_id is None:
        return None
    ip = client_ip_from(remote, _text(forwarded))
    return (
        gmina_id,
        visitor_key(salt, gmina_id, ip, user_agent),
        source or source_of(_text(referrer), host),
        device,
    )


# `ViewEvent`'s columns in the order `record` builds its rows.
_COLUMNS = ("gmina", "day", "at", "page_id", "path", "visitor", "source", "device")


def _insert(rows: list[tuple]) -> None:
    """Insert `ViewEvent` rows: one statement executed for the whole batch.

    No model objects: building one per view and letting the ORM prepare each
    field cost the flush about three quarters of its time, and the flush
    shares the interpreter with the event loop.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    meta = ViewEvent._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in _COLUMNS)
    values = ", ".join(["%s"] * len(_COLUMNS))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values})"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


class _Clock:
    """A view's time and day as the database takes them; the day per second.

    On SQLite (times stored as UTC text) the text is made here from the
    second's text and the microseconds, as Django's adapter would store it
    but without a datetime and the adapter's checks per view.
    """

    def __init__(self):
        self._adapt_time = connection.ops.adapt_datetimefield_value
        self._adapt_day = connection.ops.adapt_datefield_value
        self._utc_text = connection.vendor == "sqlite" and connection.timezone == UTC
        self._second = None

    def of(self, at: float):
        second = int(at)
        if second != self._second:
            # Zones are whole seconds apart: a second lies within one day.
            self._second = second
            moment = datetime.fromtimestamp(second, UTC)
            self._day = timezone.localdate(moment)
            self._day_value = self._adapt_day(self._day)
            self._second_text = moment.strftime("%Y-%m-%d %H:%M:%S")
        if self._utc_text:
            when = f"{self._second_text}.{int((at - second) * 1_000_000):06d}"
        else:
            when = self._adapt_time(datetime.fromtimestamp(at, UTC))
        return when, self._day, self._day_value


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
