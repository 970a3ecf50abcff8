"""How fast and how well the office answers: the numbers behind "Statystyki
rozmów" and, later, the insights dashboard (`summary()`).

Computed in Python from a few plain queries, so SQLite and PostgreSQL give
the same numbers (no database-specific percentile or date functions).

Definitions:
- first-response time: from the conversation's start to the first staff reply
  the resident saw (`first_response_at`); automatic replies and internal notes
  do not count. Conversations without a reply yet are left out.
- resolution time: from the start to `resolved_at`, for resolved conversations.
- median: the middle value (mean of the two middle ones for an even count);
  p90: nearest rank, the value at position ceil(0.9 × n) of the sorted list.
- week: the ISO week (Monday–Sunday, Polish time) the conversation started in;
  hour: the hour of the day (Polish time) it started.
- first responder: the staff member whose reply the resident saw first.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.utils import timezone

from ratusz.lib import charts
from ratusz.lib.dates import WARSAW

from .models import Conversation, Message


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def p90(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


@dataclass(frozen=True)
class Row:
    """One line of a table: a label, how many conversations, and times in
    minutes (None when there is nothing to measure)."""

    label: str
    conversations: int
    responded: int
    first_response_median: float | None
    first_response_p90: float | None
    resolved: int
    resolution_median: float | None
    resolution_p90: float | None


def _minutes(start, end) -> float:
    return round((end - start).total_seconds() / 60, 1)


def _row(label, items) -> Row:
    first = [
        _minutes(c.created_at, c.first_response_at)
        for c in items
        if c.first_response_at
    ]
    done = [_minutes(c.created_at, c.resolved_at) for c in items if c.resolved_at]
    return Row(
        label=label,
        conversations=len(items),
        responded=len(first),
        first_response_median=median(first),
        first_response_p90=p90(first),
        resolved=len(done),
        resolution_median=median(done),
        resolution_p90=p90(done),
    )


def _conversations(gmina, start, end):
    return list(
        Conversation.objects.filter(
            gmina=gmina, created_at__gte=start, created_at__lt=end
        )
        .select_related("category")
        .only(
            "pk",
            "created_at",
            "first_response_at",
            "resolved_at",
            "status",
            "resolved_in_chat",
            "category__name",
        )
        .order_by("created_at", "pk")
    )


def _first_responders(conversations) -> dict[int, str]:
    """{conversation id: the name of the staff member who answered first}."""
    replies = (
        Message.objects.filter(
            conversation__in=[c.pk for c in conversations],
            author=Message.Author.STAFF,
            internal=False,
            published_at__isnull=False,
        )
        .select_related("staff_user")
        .order_by("conversation_id", "published_at", "pk")
    )
    found = {}
    for message in replies:
        if message.conversation_id in found:
            continue
        user = message.staff_user
        found[message.conversation_id] = (
            (user.get_full_name() or user.get_username())
            if user
            else "(konto usunięte)"
        )
    return found


def default_period(now=None, weeks: int = 12) -> tuple[datetime, datetime]:
    """The last `weeks` full ISO weeks plus the current one, Polish time."""
    now = timezone.localtime(now or timezone.now(), WARSAW)
    monday = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return monday - timedelta(weeks=weeks), now + timedelta(seconds=1)


def conversation_stats(gmina, start=None, end=None) -> dict:
    """All the tables of "Statystyki rozmów" for conversations started in
    [start, end)."""
    if start is None or end is None:
        start, end = default_period()
    conversations = _conversations(gmina, start, end)
    by_week, by_hour, by_staff, by_category, by_day = (
        defaultdict(list) for _ in range(5)
    )
    responders = _first_responders(conversations)
    for c in conversations:
        local = timezone.localtime(c.created_at, WARSAW)
        year, week, _ = local.isocalendar()
        by_week[(year, week)].append(c)
        by_hour[local.hour].append(c)
        by_day[local.date()].append(c)
        if c.pk in responders:
            by_staff[responders[c.pk]].append(c)
        by_category[c.category.name if c.category else "(bez kategorii)"].append(c)
    resolved = [c for c in conversations if c.status == Conversation.Status.RESOLVED]
    in_chat = [c for c in resolved if c.resolved_in_chat]
    return {
        "start": start,
        "end": end,
        "total": _row("Razem", conversations),
        "weeks": [_row(f"{y}-W{w:02d}", by_week[(y, w)]) for y, w in sorted(by_week)],
        "staff": [_row(name, by_staff[name]) for name in sorted(by_staff)],
        "hours": [_row(f"{h:02d}:00–{h:02d}:59", by_hour[h]) for h in sorted(by_hour)],
        # {date (Polish time): Row} for the days conversations started on.
        "days": {day: _row(day.isoformat(), by_day[day]) for day in sorted(by_day)},
        "categories": sorted(
            ((name, len(items)) for name, items in by_category.items()),
            key=lambda item: (-item[1], item[0]),
        ),
        "resolved": len(resolved),
        "resolved_in_chat": len(in_chat),
        "resolved_in_chat_share": (len(in_chat) / len(resolved)) if resolved else None,
    }


class _Times(NamedTuple):
    created_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None


def daily_stats(gmina, start, end) -> dict:
    """Only the total and the days of `conversation_stats` (same rows), from
    one query of three columns: what the insights dashboard shows, twice per
    page, without reading the categories and the first replies' authors."""
    times = [
        _Times(*row)
        for row in Conversation.objects.filter(
            gmina=gmina, created_at__gte=start, created_at__lt=end
        )
        .order_by("created_at", "pk")
        .values_list("created_at", "first_response_at", "resolved_at")
    ]
    by_day = defaultdict(list)
    for t in times:
        by_day[timezone.localtime(t.created_at, WARSAW).date()].append(t)
    return {
        "total": _row("Razem", times),
        "days": {day: _row(day.isoformat(), by_day[day]) for day in sorted(by_day)},
    }


def summary(gmina, *, days: int = 30, now=None) -> dict:
    """A few headline numbers for the insights dashboard."""
    now = now or timezone.now()
    stats = conversation_stats(gmina, now - timedelta(days=days), now)
    total = stats["total"]
    return {
        "days": days,
        "conversations": total.conversations,
        "first_response_median_minutes": total.first_response_median,
        "first_response_p90_minutes": total.first_response_p90,
        "resolution_median_minutes": total.resolution_median,
        "resolved_in_chat_share": stats["resolved_in_chat_share"],
        "categories": stats["categories"],
    }


CHART_FRAME = charts.Frame(width=640, height=220, left=56, right=16, top=16, bottom=40)


def week_chart(rows: list[Row]) -> dict | None:
    """Bars of the weekly median first-response time (SVG geometry)."""
    values = [(r.label, r.first_response_median) for r in rows]
    values = [(label, v) for label, v in values if v is not None]
    if not values:
        return None
    return charts.bar_chart(values, frame=CHART_FRAME)
