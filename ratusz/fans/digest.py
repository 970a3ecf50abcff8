"""The daily digest: one e-mail a day of the articles a reader follows."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ratusz.gminas.models import Gmina
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Channel, Delivery
from ratusz.website.models import ArticlePage

from .models import FanSettings, Follower, Rhythm
from .planning import article_item

# A follower's first digest looks back at most this far.
DIGEST_LOOKBACK_DAYS = 1


def digest_item(gmina, day) -> str:
    return f"digest:{gmina.pk}:{day.isoformat()}"


def plan_due_digests(now=None) -> int:
    """Plan today's digest of every gmina whose digest hour has come.

    Safe to run often: rows are unique per item and recipient, and the
    window of each follower starts where their previous digest ended.
    Returns how many rows were planned.
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    hours = dict(FanSettings.objects.values_list("gmina_id", "digest_hour"))
    default_hour = FanSettings._meta.get_field("digest_hour").default
    planned = 0
    for gmina in Gmina.objects.select_related("site"):
        if local.hour >= hours.get(gmina.pk, default_hour):
            planned += plan_digest(gmina, now=now)
    return planned


@transaction.atomic
def plan_digest(gmina, *, now=None) -> int:
    """Create today's digest rows of one gmina (followers with new articles)."""
    now = now or timezone.now()
    item = digest_item(gmina, timezone.localdate(now))
    readers = list(
        Follower.objects.for_gmina(gmina)
        .with_email()
        .filter(email_rhythm=Rhythm.DAILY)
        .exclude(deliveries__item=item)
    )
    if not readers or gmina.site is None:
        return 0
    earliest = now - timedelta(days=DIGEST_LOOKBACK_DAYS)
    articles = list(
        ArticlePage.objects.live()
        .descendant_of(gmina.site.root_page)
        .filter(
            first_published_at__gt=earliest,
            first_published_at__lte=now,
            notify_followers=True,
        )
        .select_related("category")
        .order_by("first_published_at", "pk")
    )
    if not articles:
        return 0
    reader_ids = {f.pk for f in readers}
    audience = {}
    for article in articles:
        matching = Follower.objects.filter(pk__in=reader_ids).interested_in(
            category=article.category,
            villages=list(article.villages.all()),
            urgent=False,
        )
        already = Delivery.objects.filter(
            item=article_item(article), channel=Channel.EMAIL
        ).values("follower_id")
        audience[article.pk] = set(
            matching.exclude(pk__in=already).values_list("pk", flat=True)
        )
    rows = []
    for follower in readers:
        since = _digest_since(follower, earliest)
        ids = [
            a.pk
            for a in articles
            if a.first_published_at > since and follower.pk in audience[a.pk]
        ]
        if ids:
            rows.append(
                Delivery(
                    gmina=gmina,
                    item=item,
                    channel=Channel.EMAIL,
                    recipient=f"follower:{follower.pk}",
                    follower=follower,
                    payload={
                        "articles": ids,
                        "since": since.isoformat(),
                        "until": now.isoformat(),
                    },
                )
            )
    outbox.enqueue(rows)
    return len(rows)


def _digest_since(follower: Follower, earliest):
    """Where a follower's next digest starts: the end of their previous one."""
    previous = (
        Delivery.objects.filter(
            follower=follower, channel=Channel.EMAIL, item__startswith="digest:"
        )
        .order_by("-created_at", "-pk")
        .values_list("payload", flat=True)
        .first()
    )
    if previous and previous.get("until"):
        return datetime.fromisoformat(previous["until"])
    return max(earliest, follower.created_at)
