"""Counting fans: every day, per gmina, in total and per channel.

A fan is a follower with at least one active channel; one with e-mail and
push counts once in the total and once in each of the two channels. Today's
row is rewritten each time the count runs (hourly), so the day keeps its last
count and a worker that was down for a while loses no day it ran on.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Min, Q
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from ratusz.gminas.models import Gmina
from ratusz.outbox.models import Channel

from .models import FanCount, Follower

CHANNELS = (FanCount.ALL, Channel.EMAIL, Channel.PUSH, Channel.SMS)
MILESTONES = (100, 500, 1000, 2000, 5000)


def current_counts(gmina) -> dict[str, int]:
    """{"all": n, "email": n, "push": n, "sms": n} right now."""
    followers = Follower.objects.for_gmina(gmina)
    return {
        FanCount.ALL: followers.fans().count(),
        Channel.EMAIL.value: followers.with_email().count(),
        Channel.PUSH.value: followers.with_push().count(),
        Channel.SMS.value: followers.with_sms().count(),
    }


def count_fans(gmina, day: date | None = None) -> dict[str, int]:
    """Store the gmina's fan counts for `day` (today); idempotent per day."""
    day = day or timezone.localdate()
    counts = current_counts(gmina)
    for channel, count in counts.items():
        FanCount.objects.update_or_create(
            gmina=gmina, day=day, channel=channel, defaults={"count": count}
        )
    return counts


def count_all_fans(day: date | None = None) -> int:
    """Count every gmina's fans for `day` (today); return how many gminas."""
    day = day or timezone.localdate()
    gminas = list(Gmina.objects.all())
    for gmina in gminas:
        count_fans(gmina, day)
    return len(gminas)


def history(gmina, *, days: int = 90) -> list[dict]:
    """Counted days of the last `days`, oldest first, as {"day", channel: n}."""
    since = timezone.localdate() - timedelta(days=days - 1)
    rows: dict[date, dict] = {}
    counts = FanCount.objects.filter(gmina=gmina, day__gte=since).values_list(
        "day", "channel", "count"
    )
    for day, channel, count in counts.order_by("day"):
        rows.setdefault(day, {"day": day, **dict.fromkeys(CHANNELS, 0)})[channel] = (
            count
        )
    return list(rows.values())


def milestones(gmina) -> list[tuple[int, date]]:
    """(threshold, first day the total reached it) for thresholds reached."""
    firsts = FanCount.objects.filter(gmina=gmina, channel=FanCount.ALL).aggregate(
        **{f"m{n}": Min("day", filter=Q(count__gte=n)) for n in MILESTONES}
    )
    return [(n, firsts[f"m{n}"]) for n in MILESTONES if firsts[f"m{n}"]]


@db_periodic_task(crontab(minute="50"))
@lock_task("fans-count")
def count_fans_periodic():
    count_all_fans()
