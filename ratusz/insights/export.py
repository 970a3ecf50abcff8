"""The stable CSV export (`manage.py insights_export`).

Rolled-up days come from `DailyStat`; days not rolled up yet (today, or
any day the worker has not reached) are aggregated from raw events the same
way, so the files always include today. `articles.csv` is not written yet
(it needs the reach per post of a later part of issue 12).
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from .models import DailyStat, Source, ViewEvent
from .rollup import Counts, day_counts

SOURCES = [s.value for s in Source]


def daily_counts(gmina, since: date, until: date) -> dict[date, Counts]:
    """{day: counts} for every day from `since` to `until` with views."""
    result: dict[date, Counts] = {}
    rolled = DailyStat.objects.filter(gmina=gmina, day__gte=since, day__lte=until)
    for day, dimension, key, views, visitors in rolled.values_list(
        "day", "dimension", "key", "views", "visitors"
    ):
        result.setdefault(day, {})[(dimension, key)] = (views, visitors)
    raw_days = (
        ViewEvent.objects.filter(gmina=gmina, day__gte=since, day__lte=until)
        .values_list("day", flat=True)
        .distinct()
    )
    for day in raw_days:
        if day not in result:
            result[day] = day_counts(gmina.pk, day)
    return result


def _days(since: date, until: date):
    day = since
    while day <= until:
        yield day
        day += timedelta(days=1)


def write(gmina, since: date, until: date, out: Path) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    counts = daily_counts(gmina, since, until)
    site = out / "site_daily.csv"
    sources = out / "sources_daily.csv"
    with open(site, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["date", "views", "visitors"])
        for day in _days(since, until):
            views, visitors = counts.get(day, {}).get((DailyStat.SITE, ""), (0, 0))
            writer.writerow([day.isoformat(), views, visitors])
    with open(sources, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["date", "source", "views", "visitors"])
        for day in _days(since, until):
            for source in SOURCES:
                views, visitors = counts.get(day, {}).get(
                    (DailyStat.SOURCE, source), (0, 0)
                )
                writer.writerow([day.isoformat(), source, views, visitors])
    return [site, sources]
