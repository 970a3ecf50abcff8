"""The staff dashboard for a one-year range, with three years of data.

Run by `bench/insights.py` inside `manage.py shell` (Django set up, the demo
gmina loaded), once on SQLite and once on PostgreSQL; prints one JSON line.

The data set is what three years of a busy gmina leave behind, written in
bulk (no server needed to make it):
- the daily roll-ups that about 5 million views over 1,095 days make, every
  dimension the roll-up writes: site, source, device, hour, page and
  page_source (the articles read each day, from several sources);
- 470 articles (three a week), 20,000 followers and 50,000 sent
  deliveries across the articles (e-mail, push, SMS and the daily e-mail
  digests that contained them), the Facebook and Mastodon posts' metrics;
- the networks' daily numbers (Facebook reach and followers, Mastodon
  followers), Ratusz's own follower counts, missed searches;
- Messenger conversations (three a day, answered and resolved) with their
  first staff reply;
- today's raw views, a whole day's worth (4,566, not rolled up yet).

Then the real dashboard view is asked through Django's test client, logged
in as an editor of the gmina, for the last 365 days: once right after a new
database connection ("first") and `RUNS` times more (best and median),
beside two references measured the same way in the same run: the same
client asking a small staff page (the insights "missed searches" page), and
one SELECT of the year's site roll-ups. Also reported: the dashboard's
queries (count and time) and, with BENCH_PROFILE=1, a cProfile of one
request on stderr.
"""

import cProfile
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from datetime import time as dtime

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.rich_text import RichText

from ratusz.fans.digest import digest_item
from ratusz.fans.models import ChannelState, FanCount, Follower, Rhythm
from ratusz.gminas.models import Gmina, Membership, User
from ratusz.gminas.services import add_member
from ratusz.insights.models import (
    DailyStat,
    MissedSearch,
    NetworkDaily,
    PostMetric,
    ViewEvent,
)
from ratusz.lib.dates import WARSAW
from ratusz.messenger.models import Conversation, Message
from ratusz.outbox.models import Channel, Delivery
from ratusz.website.models import ArticlePage, NewsIndexPage

DAYS = 3 * 365
VIEWS = 5_000_000
VIEWS_A_DAY = VIEWS // DAYS  # 4,566
ARTICLES_A_WEEK = 3
FOLLOWERS = 20_000
DELIVERIES = 50_000
DIGESTS = 4_000  # of the deliveries: daily e-mail digests
STATIC_PAGES = 40  # pages other than articles that residents read
CONVERSATIONS_A_DAY = 3
RUNS = int(os.environ.get("BENCH_DASHBOARD_RUNS", "7"))
SOURCES = ["facebook", "search", "direct", "email", "push", "other", "sms", "mastodon"]
SOURCE_SHARE = [0.35, 0.2, 0.15, 0.1, 0.08, 0.06, 0.03, 0.03]
DEVICES = [("phone", 0.62), ("desktop", 0.3), ("tablet", 0.08)]
# Share of a day's views per Warsaw hour (people read in the morning and
# the evening).
HOURS = [1, 1, 1, 1, 1, 2, 4, 6, 7, 7, 6, 6, 6, 6, 6, 6, 6, 7, 8, 8, 7, 5, 3, 2]
BATCH = 5_000


def _bulk(model, rows):
    model.objects.bulk_create(rows, batch_size=BATCH)


def _articles(gmina, today, rng) -> list[ArticlePage]:
    index = NewsIndexPage.objects.child_of(gmina.site.root_page).first()
    articles = []
    count = DAYS * ARTICLES_A_WEEK // 7
    for n in range(count):
        published = timezone.make_aware(
            datetime.combine(
                today - timedelta(days=DAYS - n * 7 // ARTICLES_A_WEEK),
                dtime(9 + n % 8, 15),
            )
        )
        article = ArticlePage(
            title=f"Komunikat {n}: remont drogi w sołectwie",
            slug=f"bench-komunikat-{n}",
            live=True,
            first_published_at=published,
            last_published_at=published,
            date=published,
            body=[("paragraph", RichText("<p>Treść komunikatu.</p>"))],
        )
        index.add_child(instance=article)
        articles.append(article)
    return articles


def _rollups(gmina, today, articles, rng):
    """The roll-ups of `DAYS` finished days: every dimension of each day."""
    by_day: dict = {}
    for article in articles:
        first = timezone.localtime(article.first_published_at, WARSAW).date()
        for age in range(14):  # read for two weeks, fewer each day
            by_day.setdefault(first + timedelta(days=age), []).append(
                (article.pk, 400 // (age + 1))
            )
    static = [100_000 + n for n in range(STATIC_PAGES)]
    rows = []
    for n in range(1, DAYS + 1):
        day = today - timedelta(days=n)
        views = int(VIEWS_A_DAY * rng.uniform(0.8, 1.2))
        visitors = views // 3

        def add(dimension, key, v, u, day=day):
            rows.append(
                DailyStat(
                    gmina=gmina,
                    day=day,
                    dimension=dimension,
                    key=key,
                    views=max(v, 1),
                    visitors=max(min(u, v), 1),
                )
            )

        add(DailyStat.SITE, "", views, visitors)
        for source, share in zip(SOURCES, SOURCE_SHARE, strict=True):
            add(DailyStat.SOURCE, source, int(views * share), int(visitors * share))
        for device, share in DEVICES:
            add(DailyStat.DEVICE, device, int(views * share), int(visitors * share))
        for hour, weight in enumerate(HOURS):
            share = weight / sum(HOURS)
            add(
                DailyStat.HOUR, f"{hour:02d}", int(views * share), int(visitors * share)
            )
        read = by_day.get(day, [])
        article_views = sum(v for _, v in read)
        rest = max(views - article_views, len(static))
        pages = [(pk, v) for pk, v in read] + [
            (pk, rest // len(static)) for pk in static
        ]
        for pk, v in pages:
            add(DailyStat.PAGE, str(pk), v, v * 2 // 3)
            for source, share in zip(SOURCES[:4], (0.5, 0.2, 0.2, 0.1), strict=True):
                add(
                    DailyStat.PAGE_SOURCE,
                    f"{pk}:{source}",
                    int(v * share),
                    int(v * share * 2 / 3),
                )
        if len(rows) >= 50_000:
            _bulk(DailyStat, rows)
            rows.clear()
    _bulk(DailyStat, rows)


def _followers(gmina) -> list[int]:
    _bulk(
        Follower,
        [
            Follower(
                gmina=gmina,
                email=f"bench-czytelnik{n}@example.org",
                email_state=ChannelState.ACTIVE,
                email_rhythm=Rhythm.DAILY if n % 5 == 0 else Rhythm.EACH,
                phone=f"+48699{n:06d}" if n % 4 == 0 else "",
                phone_state=ChannelState.ACTIVE if n % 4 == 0 else "",
            )
            for n in range(FOLLOWERS)
        ],
    )
    return list(
        Follower.objects.filter(gmina=gmina)
        .order_by("pk")
        .values_list("pk", flat=True)[:FOLLOWERS]
    )


def _deliveries(gmina, articles, followers, rng):
    rows = []
    per_article = (DELIVERIES - DIGESTS) // len(articles)
    channels = [Channel.EMAIL] * 6 + [Channel.PUSH] * 3 + [Channel.SMS]
    for article in articles:
        sent = article.first_published_at + timedelta(minutes=5)
        for i, follower in enumerate(rng.sample(followers, per_article)):
            channel = channels[i % len(channels)]
            recipient = (
                f"push:{follower}"
                if channel == Channel.PUSH
                else f"follower:{follower}"
            )
            rows.append(
                Delivery(
                    gmina=gmina,
                    item=f"article:{article.pk}",
                    page=article,
                    channel=channel,
                    recipient=recipient,
                    follower_id=follower,
                    state=Delivery.State.SENT,
                    created_at=sent,
                    sent_at=sent,
                )
            )
        for channel in (Channel.FACEBOOK, Channel.MASTODON):
            rows.append(
                Delivery(
                    gmina=gmina,
                    item=f"article:{article.pk}",
                    page=article,
                    channel=channel,
                    recipient="page",
                    state=Delivery.State.SENT,
                    created_at=sent,
                    sent_at=sent,
                )
            )
    # The digests: daily readers, the day after an article came out.
    readers = followers[::5]
    for n in range(DIGESTS):
        article = articles[n % len(articles)]
        day = timezone.localtime(article.first_published_at, WARSAW).date()
        day += timedelta(days=1)
        follower = readers[n // len(articles) % len(readers)]
        at = timezone.make_aware(datetime.combine(day, dtime(18, 0)))
        rows.append(
            Delivery(
                gmina=gmina,
                item=digest_item(gmina, day),
                channel=Channel.EMAIL,
                recipient=f"follower:{follower}",
                follower_id=follower,
                payload={"articles": [article.pk]},
                state=Delivery.State.SENT,
                created_at=at,
                sent_at=at,
            )
        )
    _bulk(Delivery, rows)


def _network_numbers(gmina, today, articles):
    now = timezone.now()
    daily = []
    for n in range(1, DAYS + 1):
        day = today - timedelta(days=n)
        for network, metric, value in (
            ("facebook", NetworkDaily.REACH, 600 + n % 90),
            ("facebook", NetworkDaily.FOLLOWERS, 1_000 - n // 3),
            ("mastodon", NetworkDaily.FOLLOWERS, 80 - n // 20),
        ):
            daily.append(
                NetworkDaily(
                    gmina=gmina, network=network, metric=metric, day=day, value=value
                )
            )
    _bulk(NetworkDaily, daily)
    metrics = []
    for article in articles:
        for metric in (
            "post_total_media_view_unique",
            "post_media_view",
            "post_reactions_like_total",
            "post_clicks",
        ):
            metrics.append(
                PostMetric(
                    gmina=gmina,
                    page_id=article.pk,
                    network="facebook",
                    metric=metric,
                    value=article.pk % 500,
                    read_at=now,
                )
            )
        for checkpoint in ("1h", "24h", "7d"):
            for metric in ("replies_count", "reblogs_count", "favourites_count"):
                metrics.append(
                    PostMetric(
                        gmina=gmina,
                        page_id=article.pk,
                        network="mastodon",
                        metric=metric,
                        checkpoint=checkpoint,
                        value=3,
                        read_at=now,
                    )
                )
    _bulk(PostMetric, metrics)
    _bulk(
        FanCount,
        [
            FanCount(
                gmina=gmina, day=today - timedelta(days=n), channel=channel, count=c
            )
            for n in range(1, DAYS + 1)
            for channel, c in (
                (FanCount.ALL, FOLLOWERS - n * 10),
                ("email", FOLLOWERS - n * 10),
                ("push", 6_000 - n * 3),
                ("sms", 5_000 - n * 2),
            )
        ],
    )
    _bulk(
        MissedSearch,
        [
            MissedSearch(
                gmina=gmina,
                day=today - timedelta(days=n),
                lemmas=f"wywóz gabaryt {k}",
                searches=1 + k,
            )
            for n in range(1, DAYS + 1)
            for k in range(5)
        ],
    )


def _conversations(gmina, today, staff):
    rows = []
    for n in range(DAYS * CONVERSATIONS_A_DAY):
        day = today - timedelta(days=1 + n // CONVERSATIONS_A_DAY)
        created = timezone.make_aware(datetime.combine(day, dtime(8 + n % 9, 30)))
        rows.append(
            Conversation(
                gmina=gmina,
                year=day.year,
                number=900_000 + n,
                reference=f"B/{day.year}/{n}",
                subject="Wywóz śmieci",
                status=Conversation.Status.RESOLVED,
                created_at=created,
                last_message_at=created + timedelta(hours=3),
                first_response_at=created + timedelta(minutes=20 + n % 90),
                resolved_at=created + timedelta(hours=3),
                resolved_in_chat=n % 2 == 0,
            )
        )
    _bulk(Conversation, rows)
    created = Conversation.objects.filter(gmina=gmina, number__gte=900_000)
    _bulk(
        Message,
        [
            Message(
                conversation_id=pk,
                author=Message.Author.STAFF,
                staff_user=staff,
                channel=Message.Channel.STAFF,
                body="Dzień dobry, sprawdzimy.",
                created_at=first,
                published_at=first,
            )
            for pk, first in created.values_list("pk", "first_response_at")
        ],
    )


def _today(gmina, today, articles, rng):
    """A whole day's raw views of today, not rolled up yet."""
    start = datetime.combine(today, dtime.min, WARSAW)
    visitors = [f"{rng.getrandbits(128):032x}" for _ in range(VIEWS_A_DAY // 3)]
    recent = [a.pk for a in articles[-6:]] + [100_000 + n for n in range(STATIC_PAGES)]
    sources = [*SOURCES, "internal", "internal", "internal"]
    _bulk(
        ViewEvent,
        [
            ViewEvent(
                gmina=gmina,
                day=today,
                at=start + timedelta(seconds=i * 86_400 / VIEWS_A_DAY),
                page_id=rng.choice(recent),
                path="/aktualnosci/",
                visitor=rng.choice(visitors),
                source=rng.choice(sources),
                device=rng.choice(["phone", "phone", "desktop", "tablet"]),
            )
            for i in range(VIEWS_A_DAY)
        ],
    )


def build(gmina, staff) -> dict:
    rng = random.Random(2026)
    today = timezone.localdate()
    timings = {}
    with transaction.atomic():
        # The demo's own few numbers make way for three years of them.
        for model in (DailyStat, NetworkDaily, PostMetric, MissedSearch, ViewEvent):
            model.objects.filter(gmina=gmina).delete()
        FanCount.objects.filter(gmina=gmina).delete()
        t = time.perf_counter()
        articles = _articles(gmina, today, rng)
        timings["articles_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        _rollups(gmina, today, articles, rng)
        followers = _followers(gmina)
        _deliveries(gmina, articles, followers, rng)
        _network_numbers(gmina, today, articles)
        _conversations(gmina, today, staff)
        _today(gmina, today, articles, rng)
        timings["rest_s"] = round(time.perf_counter() - t, 1)
    return {
        **timings,
        "rollup_rows": DailyStat.objects.filter(gmina=gmina).count(),
        "views_in_rollups": sum(
            DailyStat.objects.filter(gmina=gmina, dimension=DailyStat.SITE).values_list(
                "views", flat=True
            )
        ),
        "articles": len(articles),
        "followers": len(followers),
        "deliveries": Delivery.objects.filter(gmina=gmina).count(),
        "conversations": Conversation.objects.filter(gmina=gmina).count(),
        "raw_views_today": ViewEvent.objects.filter(gmina=gmina, day=today).count(),
    }


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def timed(ask, runs: int) -> dict:
    """`ask()` right after a new connection, then `runs` more times."""
    connection.close()
    t = time.perf_counter()
    ask()
    first = time.perf_counter() - t
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        ask()
        times.append(time.perf_counter() - t)
    return {
        "first_ms": _ms(first),
        "best_ms": _ms(min(times)),
        "median_ms": _ms(statistics.median(times)),
    }


def main():
    gmina = Gmina.objects.select_related("site").order_by("pk").first()
    staff, _ = User.objects.get_or_create(
        username="bench-redaktor", defaults={"email": "bench@example.org"}
    )
    add_member(gmina, staff, Membership.Role.EDITOR)
    data = build(gmina, staff)
    client = Client(HTTP_HOST=gmina.site.hostname)
    client.force_login(staff)
    url = reverse("insights-dashboard", args=[gmina.pk]) + "?dni=365"
    small = reverse("insights-missed", args=[gmina.pk])
    today = timezone.localdate()

    def ask(path):
        def get():
            response = client.get(path, secure=True)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return get

    def select_year():
        return list(
            DailyStat.objects.filter(
                gmina=gmina,
                dimension=DailyStat.SITE,
                day__gt=today - timedelta(days=365),
            ).values_list("day", "views", "visitors")
        )

    ask(url)()  # templates and code paths loaded once
    result = {"vendor": connection.vendor, "data": data}
    result["dashboard"] = timed(ask(url), RUNS)
    result["reference_small_page"] = timed(ask(small), RUNS)
    result["reference_select_year"] = timed(select_year, RUNS)
    result["ratio_to_small_page"] = round(
        result["dashboard"]["median_ms"] / result["reference_small_page"]["median_ms"],
        1,
    )
    result["ratio_to_select_year"] = round(
        result["dashboard"]["median_ms"]
        / max(result["reference_select_year"]["median_ms"], 0.1),
        1,
    )
    with CaptureQueriesContext(connection) as queries:
        ask(url)()
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
    result["queries"] = {
        "count": len(queries.captured_queries),
        "total_ms": _ms(sum(float(q["time"]) for q in queries.captured_queries)),
        "slowest": [
            {"ms": _ms(float(q["time"])), "sql": q["sql"][:160]} for q in slowest[:5]
        ],
    }
    if os.environ.get("BENCH_PROFILE"):
        profile = cProfile.Profile()
        profile.runcall(ask(url))
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue(), file=sys.stderr)
    print(json.dumps(result, default=str))


main()
