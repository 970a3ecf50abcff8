"""Daily roll-ups of raw views, and how long each is kept.

Raw `ViewEvent` rows are kept `INSIGHTS_RAW_DAYS` (30) days, `DailyStat`
rows `INSIGHTS_ROLLUP_MONTHS` (25) months. The worker rolls up every night
(`tasks.py`); `manage.py insights_rollup` does it now. A day is rolled up
once it is over; yesterday is always rolled up again, since a flush just
after midnight may still add to it. Re-running changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ratusz.lib.dates import WARSAW

from .models import INTERNAL, DailySalt, DailyStat, MissedSearch, Source, ViewEvent

Counts = dict[tuple[str, str], tuple[int, int]]  # (dimension, key) -> (views, visitors)


def aggregate(events) -> Counts:
    """Views and distinct visitors per dimension, from one gmina-day's events.

    `events`: (visitor, page_id, source, device, at) in the order they
    happened. A view from the gmina's own site takes the source of the
    visitor's first view that day (the way they came in), or "direct". The
    hour is Warsaw's ("00".."23"), so the heatmap of when residents read
    outlives the raw events and stays right across daylight-saving changes.
    """
    entry: dict[str, str] = {}
    views: dict[tuple[str, str], int] = defaultdict(int)
    visitors: dict[tuple[str, str], set] = defaultdict(set)
    for visitor, page_id, source, device, at in events:
        if source == INTERNAL:
            source = entry.get(visitor, Source.DIRECT)
        else:
            entry.setdefault(visitor, source)
        keys = [
            (DailyStat.SITE, ""),
            (DailyStat.PAGE, str(page_id or "")),
            (DailyStat.SOURCE, str(source)),
            (DailyStat.DEVICE, str(device)),
            (DailyStat.HOUR, f"{at.astimezone(WARSAW).hour:02d}"),
        ]
        if page_id:
            keys.append((DailyStat.PAGE_SOURCE, f"{page_id}:{source}"))
        for key in keys:
            views[key] += 1
            visitors[key].add(visitor)
    return {key: (views[key], len(visitors[key])) for key in views}


def day_counts(gmina_id: int, day: date) -> Counts:
    events = (
        ViewEvent.objects.filter(gmina_id=gmina_id, day=day)
        .order_by("at", "pk")
        .values_list("visitor", "page_id", "source", "device", "at")
    )
    return aggregate(events.iterator(chunk_size=5000))


def roll_up_day(gmina_id: int, day: date) -> int:
    """Replace the gmina's roll-up of `day` with one from its raw events."""
    counts = day_counts(gmina_id, day)
    with transaction.atomic():
        DailyStat.objects.filter(gmina_id=gmina_id, day=day).delete()
        DailyStat.objects.bulk_create(
            DailyStat(
                gmina_id=gmina_id,
                day=day,
                dimension=dimension,
                key=key,
                views=v,
                visitors=u,
            )
            for (dimension, key), (v, u) in counts.items()
        )
    return len(counts)


def days_to_roll_up(today: date) -> list[tuple[int, date]]:
    """(gmina id, day) of finished days with raw events and no roll-up yet,
    and yesterday's in any case."""
    pending = set(
        ViewEvent.objects.filter(day__lt=today)
        .values_list("gmina_id", "day")
        .distinct()
    )
    done = set(
        DailyStat.objects.filter(
            dimension=DailyStat.SITE, day__lt=today - timedelta(days=1)
        )
        .values_list("gmina_id", "day")
        .distinct()
    )
    return sorted(pending - done, key=lambda gd: (gd[1], gd[0]))


def apply_retention(today: date) -> dict[str, int]:
    raw_cutoff = today - timedelta(days=settings.INSIGHTS_RAW_DAYS)
    rollup_cutoff = today - relativedelta(months=settings.INSIGHTS_ROLLUP_MONTHS)
    return {
        "raw": ViewEvent.objects.filter(day__lt=raw_cutoff).delete()[0],
        "rollups": DailyStat.objects.filter(day__lt=rollup_cutoff).delete()[0],
        "missed_searches": MissedSearch.objects.filter(day__lt=rollup_cutoff).delete()[
            0
        ],
        # A day's salt lives only for its day.
        "salts": DailySalt.objects.filter(day__lt=today).delete()[0],
    }


def roll_up(today: date | None = None) -> dict[str, int]:
    """Roll up finished days, then drop what is past its retention."""
    today = today or timezone.localdate()
    days = days_to_roll_up(today)
    for gmina_id, day in days:
        roll_up_day(gmina_id, day)
    return {"days": len(days), **apply_retention(today)}
