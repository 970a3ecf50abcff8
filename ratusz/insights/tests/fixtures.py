"""Known numbers for November 2026, shared by the report and public-page tests.

Gmina A (`gmina`): two rolled-up days and one day only in raw events;
followers counted on 31 October and 30 November; Facebook followers from
the network, Mastodon with no number; three conversations; missed
searches. Gmina B (`other_gmina`) has numbers of its own that must never
show up in A's.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from ratusz.fans.models import FanCount
from ratusz.insights.models import (
    DailyStat,
    MissedSearch,
    NetworkDaily,
    ViewEvent,
)
from ratusz.messenger import services as messenger
from ratusz.messenger.models import Conversation
from ratusz.test import make_article

WARSAW = ZoneInfo("Europe/Warsaw")


def at(day, hour, minute=0, month=11):
    return datetime(2026, month, day, hour, minute, tzinfo=WARSAW)


def stat(gmina, day, dimension, key, views, visitors):
    DailyStat.objects.create(
        gmina=gmina,
        day=date(2026, 11, day),
        dimension=dimension,
        key=key,
        views=views,
        visitors=visitors,
    )


def fans(gmina, day, **counts):
    for channel, count in counts.items():
        FanCount.objects.create(gmina=gmina, day=day, channel=channel, count=count)


def make_november(gmina, other_gmina, staff):
    """Fill both gminas; return the article of gmina A."""
    article = make_article(gmina, "Odbiór odpadów wielkogabarytowych")
    # 2 November: 100 views, 40 visitors.
    stat(gmina, 2, "site", "", 100, 40)
    stat(gmina, 2, "page", str(article.pk), 70, 30)
    stat(gmina, 2, "page", str(gmina.site.root_page_id), 30, 20)
    stat(gmina, 2, "source", "facebook", 60, 25)
    stat(gmina, 2, "source", "direct", 40, 15)
    stat(gmina, 2, "device", "phone", 80, 32)
    stat(gmina, 2, "device", "desktop", 20, 8)
    # 3 November: 50 views, 20 visitors.
    stat(gmina, 3, "site", "", 50, 20)
    stat(gmina, 3, "page", str(article.pk), 50, 20)
    stat(gmina, 3, "source", "email", 50, 20)
    stat(gmina, 3, "device", "desktop", 50, 20)
    # 30 November: not rolled up yet, 3 raw views by 2 visitors.
    raw = (("a" * 32, "search"), ("a" * 32, "internal"), ("b" * 32, "direct"))
    for visitor, source in raw:
        ViewEvent.objects.create(
            gmina=gmina,
            day=date(2026, 11, 30),
            at=at(30, 10),
            page_id=article.pk,
            path=article.url,
            visitor=visitor,
            source=source,
            device="tablet",
        )
    # A day of October and of December never count in November.
    DailyStat.objects.create(
        gmina=gmina,
        day=date(2026, 10, 31),
        dimension="site",
        key="",
        views=9,
        visitors=9,
    )
    DailyStat.objects.create(
        gmina=gmina,
        day=date(2026, 12, 1),
        dimension="site",
        key="",
        views=7,
        visitors=7,
    )
    # The other gmina's month.
    stat(other_gmina, 2, "site", "", 5000, 4000)
    stat(other_gmina, 2, "source", "facebook", 5000, 4000)
    fans(other_gmina, date(2026, 11, 30), all=777, email=777, push=0, sms=0)
    NetworkDaily.objects.create(
        gmina=other_gmina, network="facebook", metric="followers",
        day=date(2026, 11, 30), value=99999,
    )  # fmt: skip

    fans(gmina, date(2026, 10, 31), all=10, email=6, push=3, sms=4)
    fans(gmina, date(2026, 11, 15), all=12, email=7, push=3, sms=5)
    fans(gmina, date(2026, 11, 30), all=15, email=9, push=2, sms=7)
    for day, value in ((date(2026, 10, 31), 1000), (date(2026, 11, 30), 1012)):
        NetworkDaily.objects.create(
            gmina=gmina, network="facebook", metric="followers", day=day, value=value
        )
    NetworkDaily.objects.create(
        gmina=gmina, network="mastodon", metric="followers",
        day=date(2026, 11, 30), value=None, note="Serwer nie odpowiedział",
    )  # fmt: skip

    # Conversations: first responses after 30 and 90 minutes, one resolved
    # after 4 hours, one unanswered; one in October does not count.
    c1, _, _ = messenger.open_conversation(gmina, body="Gabaryty?", now=at(10, 9))
    messenger.reply(c1, staff, "W piątek", now=at(10, 9, 30))
    messenger.set_status(c1, Conversation.Status.RESOLVED, now=at(10, 13))
    c2, _, _ = messenger.open_conversation(gmina, body="Worki?", now=at(11, 9))
    messenger.reply(c2, staff, "Pokój 3", now=at(11, 10, 30))
    messenger.open_conversation(gmina, body="Bez odpowiedzi", now=at(12, 9))
    messenger.open_conversation(gmina, body="Październik", now=at(20, 9, month=10))
    messenger.open_conversation(other_gmina, body="Obca", now=at(10, 9))

    missed = ((4, "żółty worek", 3), (5, "żółty worek", 2), (5, "psi park", 4))
    for day, lemmas, searches in missed:
        MissedSearch.objects.create(
            gmina=gmina, day=date(2026, 11, day), lemmas=lemmas, searches=searches
        )
    MissedSearch.objects.create(
        gmina=other_gmina, day=date(2026, 11, 5), lemmas="obce słowo", searches=50
    )
    return article
