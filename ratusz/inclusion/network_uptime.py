"""Uptime of the free network's access points, month by month (Polish time).

Uptime is the share of checks that found the access point up (`CheckDay`
counters): time the worker did not check (not monitored, worker stopped)
counts neither way. Outages (`Outage` rows) give how often and for how long
it was down within the month, cut at the month's edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from django.db.models import Q
from django.utils import timezone

from ratusz.lib.dates import WARSAW

from .network import AccessPoint, CheckDay, Outage


@dataclass
class MonthUptime:
    month: date  # the first day
    checks: int = 0
    failures: int = 0
    outages: int = 0
    downtime: timedelta = timedelta(0)

    @property
    def percent(self) -> Decimal | None:
        """Share of successful checks in per cent, 2 decimals rounded down
        (99.999 % is not 100 %); None without checks."""
        if not self.checks:
            return None
        share = Decimal(100 * (self.checks - self.failures)) / Decimal(self.checks)
        return share.quantize(Decimal("0.01"), rounding=ROUND_DOWN)

    @property
    def downtime_text(self) -> str:
        return duration_text(self.downtime)


def duration_text(delta: timedelta) -> str:
    """ "3 dni 2 godz.", "2 godz. 15 min", "5 min" (whole minutes)."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        word = "dzień" if days == 1 else "dni"
        return f"{days} {word} {hours} godz." if hours else f"{days} {word}"
    if hours:
        return f"{hours} godz. {minutes} min" if minutes else f"{hours} godz."
    return f"{minutes} min"


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def _bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1, tzinfo=WARSAW)
    end_month = next_month(month)
    return start, datetime(end_month.year, end_month.month, 1, tzinfo=WARSAW)


def monthly_uptime(
    point: AccessPoint, *, months: int = 12, now=None
) -> list[MonthUptime]:
    """The last `months` months (newest first), the current one included."""
    now = now or timezone.now()
    current = month_start(timezone.localtime(now, WARSAW).date())
    firsts = [current]
    for _step in range(months - 1):
        firsts.append(month_start(firsts[-1] - timedelta(days=1)))
    rows = {m: MonthUptime(m) for m in firsts}
    oldest_start, _end = _bounds(firsts[-1])
    days = CheckDay.objects.filter(access_point=point, day__gte=firsts[-1])
    for day, checks, failures in days.values_list("day", "checks", "failures"):
        row = rows.get(month_start(day))
        if row is not None:
            row.checks += checks
            row.failures += failures
    outages = Outage.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=oldest_start),
        access_point=point,
        started_at__lt=now,
    )
    for started, ended in outages.values_list("started_at", "ended_at"):
        ended = min(ended or now, now)
        for row in rows.values():
            start, end = _bounds(row.month)
            overlap = min(ended, end) - max(started, start)
            if overlap > timedelta(0):
                row.outages += 1
                row.downtime += overlap
    return [rows[m] for m in firsts]
