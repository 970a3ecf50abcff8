"""The worker's checks of the free network's access points.

Every minute the worker runs `check_due()`: access points in service whose
next check is due are claimed (their `next_check_at` moved a whole interval
on by a conditional UPDATE, so two workers never check one twice and a
crashed run is simply checked again next time), checked a few at a time in
threads (a TCP connect or an HTTP GET with a short timeout, through
`lib/http.py` with the gmina's allow-list), and the results recorded one by
one (`record_result`).

The access points sit on the gmina's private network, which the guard of
`lib/http.py` refuses by default. `allowed_networks(gmina)` is the one place
that opens it: the networks `settings.NETWORK_CHECK_ALLOW` names for every
gmina ("*") and for this gmina's hostname. An address outside them is never
contacted; the access point is shown as "not checked" with the reason, and
counts neither as up nor as down.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ratusz.gminas.models import Gmina
from ratusz.lib import http
from ratusz.lib.dates import WARSAW

from . import network_alerts, network_page
from .network import AccessPoint, CheckDay, Outage

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# One run of the periodic task stops claiming after this many seconds, so
# runs a minute apart do not pile up.
RUN_SECONDS = 50


def allowed_networks(gmina: Gmina) -> http.Allow:
    """The private networks the checks of `gmina`'s access points may reach."""
    return http.allow_list(settings.NETWORK_CHECK_ALLOW, gmina.site.hostname.lower())


def split_host_port(target: str) -> tuple[str, int]:
    """ "10.0.0.5:22" or "[fd00::5]:22" → (host, port); ValueError otherwise."""
    host, colon, port = target.strip().rpartition(":")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(target)
    host = host.strip("[]")
    if not host or (":" in host and not target.strip().startswith("[")):
        raise ValueError(target)
    return host, int(port)


def target_error(method: str, target: str) -> str | None:
    """Why `target` cannot be checked with `method` (None: it can)."""
    target = target.strip()
    if method == AccessPoint.CheckMethod.TCP:
        try:
            split_host_port(target)
        except ValueError:
            return _("Podaj host i port, np. 10.20.1.5:22 albo [fd00::5]:22.")
    elif method == AccessPoint.CheckMethod.HTTP:
        try:
            url = httpx.URL(target)
        except (httpx.InvalidURL, TypeError, ValueError):
            url = None
        if url is None or url.scheme not in ("http", "https") or not url.host:
            return _("Podaj adres zaczynający się od http:// lub https://.")
    return None


@dataclass(frozen=True)
class Result:
    """What one check saw: up, down (with why), or not checked (blocked)."""

    ok: bool
    error: str = ""
    blocked: bool = False


def probe(method: str, target: str, *, allow: http.Allow, timeout: float) -> Result:
    """Check one access point; never touches the database (runs in threads).

    HTTP: any answer below 500 counts as up (a login page's 401 or a redirect
    still shows the device is there); TCP: an accepted connection.
    """
    problem = target_error(method, target)
    if problem:
        return Result(False, problem, blocked=True)
    try:
        if method == AccessPoint.CheckMethod.TCP:
            host, port = split_host_port(target)
            http.probe_tcp(host, port, timeout=timeout, allow=allow)
            return Result(True)
        with (
            http.client(timeout=timeout, allow=allow) as api,
            api.stream("GET", target.strip()) as response,
        ):
            status = response.status_code
    except http.BlockedHost as exc:
        return Result(False, str(exc), blocked=True)
    except http.FetchError as exc:
        return Result(False, str(exc))
    except httpx.TimeoutException:
        return Result(False, _("Brak odpowiedzi w wyznaczonym czasie."))
    except httpx.HTTPError as exc:
        return Result(False, _("Błąd połączenia: %(error)s") % {"error": exc})
    if status >= 500:
        return Result(
            False, _("Serwer odpowiedział kodem %(code)d.") % {"code": status}
        )
    return Result(True)


def claim_due(*, now, limit: int = BATCH_SIZE) -> list[AccessPoint]:
    """Lease up to `limit` due access points for this run (see the module doc)."""
    lease = now + timedelta(seconds=settings.NETWORK_CHECK_INTERVAL)
    candidates = AccessPoint.objects.due(now).order_by(
        F("next_check_at").asc(nulls_first=True), "pk"
    )[:limit]
    claimed = []
    for pk, due_at in candidates.values_list("pk", "next_check_at"):
        same = Q(next_check_at=due_at) if due_at else Q(next_check_at__isnull=True)
        if AccessPoint.objects.filter(same, pk=pk).update(next_check_at=lease) == 1:
            claimed.append(pk)
    return list(
        AccessPoint.objects.filter(pk__in=claimed).select_related("gmina__site")
    )


def check_due(*, now=None, limit: int = BATCH_SIZE) -> int:
    """Claim, check and record one batch of due access points; return how many."""
    now = now or timezone.now()
    points = claim_due(now=now, limit=limit)
    if not points:
        return 0
    allow = {p.gmina_id: allowed_networks(p.gmina) for p in points}
    timeout = settings.NETWORK_CHECK_TIMEOUT
    workers = max(1, min(settings.NETWORK_CHECK_CONCURRENCY, len(points)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(
            pool.map(
                lambda p: probe(
                    p.check_method,
                    p.check_target,
                    allow=allow[p.gmina_id],
                    timeout=timeout,
                ),
                points,
            )
        )
    for point, result in zip(points, results, strict=True):
        try:
            record_result(point, result, now=timezone.now())
        except Exception:
            # One bad row must not lose the batch's other results.
            logger.exception("recording the check of access point %s", point.pk)
    return len(points)


def run_checks() -> int:
    """The periodic task: batches until nothing is due or the run's time is up."""
    started, total = time.monotonic(), 0
    while time.monotonic() - started < RUN_SECONDS:
        done = check_due()
        total += done
        if done < BATCH_SIZE:
            break
    return total


def record_result(point: AccessPoint, result: Result, *, now) -> None:
    """Store what a check saw.

    1. A blocked check (address outside the allow-list, unusable target) only
       says so on the access point: it is neither up nor down.
    2. Otherwise the day's counters (Polish day) count it.
    3. A failure opens an outage, or continues the open one; once it has
       lasted `NETWORK_ALERT_AFTER` seconds the gmina's administrators are
       told, once per outage (a conditional UPDATE on the outage).
    4. A success closes the open outage; if they were told it went down, they
       are told it is back, once.
    5. A change of state changes the access point's row and marks the public
       page stale (after commit).
    """
    with transaction.atomic():
        if result.blocked:
            _set_state(point, AccessPoint.State.UNKNOWN, now=now, error=result.error)
            return
        _count(point, failed=not result.ok, now=now)
        if result.ok:
            _recovered(point, now=now)
            _set_state(point, AccessPoint.State.UP, now=now)
        else:
            _failed(point, result.error, now=now)
            _set_state(point, AccessPoint.State.DOWN, now=now, error=result.error)


def _count(point: AccessPoint, *, failed: bool, now) -> None:
    day = timezone.localtime(now, WARSAW).date()
    changes = {"checks": F("checks") + 1, "failures": F("failures") + int(failed)}
    # Only the worker that claimed the access point writes its counters.
    if not CheckDay.objects.filter(access_point=point, day=day).update(**changes):
        CheckDay.objects.create(
            access_point=point, day=day, checks=1, failures=int(failed)
        )


def _failed(point: AccessPoint, error: str, *, now) -> None:
    outage = point.outages.filter(ended_at__isnull=True).first()
    if outage is None:
        outage = Outage.objects.create(
            access_point=point, started_at=now, error=error[:300]
        )
    threshold = timedelta(seconds=settings.NETWORK_ALERT_AFTER)
    if now - outage.started_at >= threshold and outage.down_alerted_at is None:
        told = Outage.objects.filter(pk=outage.pk, down_alerted_at__isnull=True)
        if told.update(down_alerted_at=now) == 1:
            network_alerts.plan(outage, network_alerts.DOWN)


def _recovered(point: AccessPoint, *, now) -> None:
    outage = point.outages.filter(ended_at__isnull=True).first()
    if outage is None:
        return
    Outage.objects.filter(pk=outage.pk).update(ended_at=now)
    if outage.down_alerted_at is not None:
        told = Outage.objects.filter(pk=outage.pk, up_alerted_at__isnull=True)
        if told.update(up_alerted_at=now) == 1:
            network_alerts.plan(outage, network_alerts.UP)


def _set_state(point: AccessPoint, state: str, *, now, error: str = "") -> None:
    changed = point.state != state
    point.state = state
    point.last_checked_at = now
    point.last_error = error[:300]
    fields = ["state", "last_checked_at", "last_error"]
    if changed:
        point.state_since = now
        fields.append("state_since")
    point.save(update_fields=fields)
    if changed:
        network_page.mark_stale(point.gmina_id)


def record_edit(point: AccessPoint, changed: list[str], *, now) -> None:
    """Follow an edit of the record by staff.

    A new way to check it is tried at the next run. An access point nobody
    checks any more (taken out of service, or "nie sprawdzaj") ends its open
    outage without an alert and forgets what the checks last saw, so neither
    the uptime nor the public page go on counting a state nobody watches.
    """
    with transaction.atomic():
        if {"check_method", "check_target", "status"} & set(changed):
            AccessPoint.objects.filter(pk=point.pk).update(next_check_at=None)
        if point.is_monitored():
            return
        point.outages.filter(ended_at__isnull=True).update(ended_at=now)
        # The edit itself marked the public page stale (post_save).
        AccessPoint.objects.filter(pk=point.pk).exclude(
            state=AccessPoint.State.UNKNOWN
        ).update(state=AccessPoint.State.UNKNOWN, state_since=now, last_error="")


def forget_old_history(*, now=None) -> int:
    """Drop outages and day counters older than `NETWORK_HISTORY_MONTHS`."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=31 * settings.NETWORK_HISTORY_MONTHS)
    days = CheckDay.objects.filter(day__lt=cutoff.date()).delete()[0]
    outages = Outage.objects.filter(ended_at__lt=cutoff).delete()[0]
    return days + outages
