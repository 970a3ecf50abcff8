"""The stable CSV export (`manage.py insights_export`).

Rolled-up days come from `DailyStat`; days not rolled up yet (today, or
any day the worker has not reached) are aggregated from raw events the same
way, so the files always include today. `articles.csv` has one row per
article dated since..until (`reach.articles_reach`: its figures count every
view since publishing, up to now). Text cells are formula-safe
(`lib.spreadsheets.escape_formula`).
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from ratusz.lib.spreadsheets import escape_formula

from .models import DailyStat, Source, ViewEvent
from .reach import articles_reach
from .rollup import Counts, counts_of_days

SOURCES = [s.value for s in Source]
ARTICLE_COLUMNS = [
    "url",
    "title",
    "views",
    "visitors",
    "email_delivered",
    "push_delivered",
    "sms_delivered",
    "facebook_views",
    "mastodon_interactions",
    "notification_clicks",
    "combined_reach",
]


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
    result.update(
        counts_of_days(gmina.pk, [day for day in raw_days if day not in result])
    )
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
    articles = out / "articles.csv"
    with open(articles, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(ARTICLE_COLUMNS)
        for reach in articles_reach(gmina, since, until):
            writer.writerow(escape_formula(cell) for cell in article_row(reach))
    return [site, sources, articles]


def article_row(reach) -> list:
    """One row of articles.csv; "" where a network gives no number."""
    return [
        reach.url,
        reach.title,
        reach.views,
        reach.visitors,
        reach.email_delivered,
        reach.push_delivered,
        reach.sms_delivered,
        "" if reach.facebook_views is None else reach.facebook_views,
        "" if reach.mastodon_interactions is None else reach.mastodon_interactions,
        reach.notification_clicks,
        reach.combined_reach,
    ]
