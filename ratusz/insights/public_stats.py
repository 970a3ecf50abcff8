"""The public statistics page's numbers, and the rule for small counts.

A gmina chooses the sections in `PublicStats` (all off by default). Every
count shown publicly goes through `public_count`: 1–9 is shown as "< 10",
so a small number (three SMS followers, one conversation) cannot point at a
person; 0 is shown as 0, since "nobody" tells nothing about anyone and a
channel nobody uses should not look used. Response times are shown only for
months with at least `SMALL` answered conversations.

The page is kept by the public page cache (`website/pagecache.py`) like a
listing: it expires after `PAGE_CACHE_TTL` (the roll-ups change once a
night), and saving the gmina's choices deletes its entry and marks the rest
of the site stale (the footer links to the page only while it is on).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ratusz.fans.models import FanCount
from ratusz.lib.dates import WARSAW
from ratusz.messenger import metrics
from ratusz.outbox.models import Channel
from ratusz.website import pagecache

from .models import DailyStat, NetworkDaily, PublicStats, Source
from .report import NETWORK_NAMES, Month, format_minutes

SMALL = 10
VISIT_MONTHS = 12
MESSENGER_MONTHS = 6


def public_count(value: int | None) -> str:
    """What the public sees of a count: "–" unknown, "< 10" for 1–9."""
    if value is None:
        return "–"
    if 0 < value < SMALL:
        return "< 10"
    return formats.number_format(value, force_grouping=True)


def cache_tag(gmina) -> str:
    return f"insights-public:{gmina.pk}"


def save_choices(choices: PublicStats) -> None:
    """Save the gmina's choices; drop the cached page, stale the footers."""
    with transaction.atomic():
        choices.save()
        pagecache.invalidate_on_commit(
            stale=pagecache.Selection(sites={choices.gmina.site_id}),
            delete=pagecache.Selection(tags={cache_tag(choices.gmina)}),
        )


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[str, ...]


def _months_back(today: date, count: int) -> list[Month]:
    """The `count` finished months before `today`'s, oldest first."""
    months, month = [], Month.previous(today)
    for _i in range(count):
        months.append(month)
        month = Month.previous(month.first_day)
    return list(reversed(months))


def visits(gmina, today: date) -> list[Row]:
    """Views and visitors (sum of daily uniques) of each finished month."""
    months = _months_back(today, VISIT_MONTHS)
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    rows = DailyStat.objects.filter(
        gmina=gmina,
        dimension=DailyStat.SITE,
        day__gte=months[0].first_day,
        day__lte=months[-1].last_day,
    ).values_list("day", "views", "visitors")
    for day, views, visitors in rows:
        totals[(day.year, day.month)][0] += views
        totals[(day.year, day.month)][1] += visitors
    first = min(totals, default=None)
    return [
        Row(m.name(), (public_count(totals[(m.year, m.month)][0]),
                       public_count(totals[(m.year, m.month)][1])))
        for m in months
        if first is not None and (m.year, m.month) >= first
    ]  # fmt: skip


def sources(gmina, today: date) -> tuple[Month, list[Row]]:
    """Views by source in the last finished month, most first."""
    month = Month.previous(today)
    totals: dict[str, int] = defaultdict(int)
    rows = DailyStat.objects.filter(
        gmina=gmina,
        dimension=DailyStat.SOURCE,
        day__gte=month.first_day,
        day__lte=month.last_day,
    ).values_list("key", "views")
    for key, views in rows:
        totals[key] += views
    ordered = sorted(Source, key=lambda s: -totals.get(s.value, 0))
    return month, [
        Row(str(s.label), (public_count(totals.get(s.value, 0)),)) for s in ordered
    ]


def followers(gmina) -> tuple[date | None, list[Row]]:
    """The latest count of each channel, Ratusz's own and the networks'."""
    latest = (
        FanCount.objects.filter(gmina=gmina, channel=FanCount.ALL)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    labels = {
        Channel.EMAIL.value: _("E-mail"),
        Channel.PUSH.value: _("Powiadomienia w przeglądarce"),
        Channel.SMS.value: _("SMS"),
        FanCount.ALL: _("Obserwujący w serwisie (razem)"),
    }
    counts = dict(
        FanCount.objects.filter(gmina=gmina, day=latest).values_list("channel", "count")
    )
    rows = [
        Row(label, (public_count(counts.get(channel)),))
        for channel, label in labels.items()
        if latest is not None
    ]
    networks = (
        NetworkDaily.objects.filter(
            gmina=gmina, metric=NetworkDaily.FOLLOWERS, value__isnull=False
        )
        .order_by("network", "-day")
        .values_list("network", "value")
    )
    seen = set()
    for network, value in networks:
        if network not in seen:
            seen.add(network)
            rows.append(
                Row(NETWORK_NAMES.get(network, network), (public_count(value),))
            )
    return latest, rows


def conversations(gmina, today: date) -> list[Row]:
    """Conversations per finished month and the median first-response time
    (only from `SMALL` answered conversations up)."""
    rows = []
    for month in _months_back(today, MESSENGER_MONTHS):
        start = datetime.combine(month.first_day, datetime.min.time(), WARSAW)
        end = datetime.combine(
            month.last_day + timedelta(days=1), datetime.min.time(), WARSAW
        )
        total = metrics.conversation_stats(gmina, start, end)["total"]
        median = (
            format_minutes(total.first_response_median)
            if total.responded >= SMALL
            else _("za mało rozmów")
        )
        rows.append(Row(month.name(), (public_count(total.conversations), median)))
    return rows


def public_numbers(gmina, choices: PublicStats, *, today: date | None = None) -> dict:
    """The sections the gmina chose, ready to show."""
    today = today or timezone.localdate()
    numbers: dict = {}
    if choices.show_visits:
        numbers["visits"] = visits(gmina, today)
    if choices.show_sources:
        numbers["sources_month"], numbers["sources"] = sources(gmina, today)
    if choices.show_followers:
        numbers["followers_day"], numbers["followers"] = followers(gmina)
    if choices.show_messenger:
        numbers["conversations"] = conversations(gmina, today)
    return numbers
