"""How many people an article reached, on which channel, and all together.

Read from the daily roll-ups (`DailyStat` "page" and "page_source") plus the
raw events of days not rolled up yet (today), the outbox's sent deliveries
and what the networks reported (`PostMetric`). A list of articles costs a
handful of aggregate queries, never one per article and never a scan of
months of raw events.

For the dashboard (keep these signatures):

- `top_articles(gmina, since, until, limit=10) -> list[ArticleReach]`:
  articles whose publication date (`ArticlePage.date`, Warsaw days, both
  ends included) falls in since..until, largest combined reach first; their
  `url` is filled in.
- `weekly_reach(gmina, since, until) -> list[WeekReach]`: every ISO week
  that overlaps since..until, with the articles published in it and the
  sum of their combined reach (0 for a week without articles).
- Both read `articles_reach(gmina, since, until)`; a screen that shows both
  may call it once and pass the result to `top(reaches, limit)` and
  `by_week(reaches, since, until)`.

For one article: `article_reach(gmina, page) -> ArticleReach`,
`daily_views(gmina, page) -> list[DayViews]`, or both at once with
`article_report(gmina, page)` (the drill-down page "Zasięg wpisu").

An article's figures count every view since it was published, up to now
(not only up to `until`). Visitors over several days are the sum of each
day's distinct visitors: a visitor is a hash with a salt of one day, so the
same person on two days is two visitors (`FORMULA`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from ratusz.fans.digest import DIGEST_LOOKBACK_DAYS, digest_item
from ratusz.outbox.models import Channel, Delivery
from ratusz.website.models import ArticlePage

from .models import DailyStat, PostMetric, Source
from .rollup import Counts, counts_of_days

FOLLOWER_CHANNELS = (Channel.EMAIL, Channel.PUSH, Channel.SMS)
NETWORKS = (Channel.FACEBOOK, Channel.MASTODON)
# Visits that came through a link Ratusz sent (the `?z=` parameter).
NOTIFICATION_SOURCES = (Source.EMAIL, Source.PUSH, Source.SMS)
# Readers already counted by another term of the combined reach: followers
# who got the message, and Facebook's unique viewers of the post.
COUNTED_ELSEWHERE = (*NOTIFICATION_SOURCES, Source.FACEBOOK)

FACEBOOK_UNIQUE_VIEWS = "post_total_media_view_unique"
FACEBOOK_METRICS = {
    FACEBOOK_UNIQUE_VIEWS: "Unikalni widzowie wpisu",
    "post_media_view": "Wyświetlenia wpisu",
    "post_reactions_like_total": "Polubienia",
    "post_clicks": "Kliknięcia we wpis",
}
MASTODON_CHECKPOINTS = {
    "1h": "po 1 godzinie",
    "24h": "po 24 godzinach",
    "7d": "po 7 dniach",
}
MASTODON_METRICS = {
    "replies_count": "Odpowiedzi",
    "reblogs_count": "Podbicia",
    "favourites_count": "Ulubione",
}
NOT_GIVEN = "Meta nie udostępnia"
NOT_READ = "jeszcze nie odczytano"
MASTODON_NO_REACH = (
    "Mastodon nie podaje zasięgu (ile osób zobaczyło wpis): pokazujemy tylko "
    "odpowiedzi, podbicia i ulubione oraz wejścia z Mastodona na stronę."
)
FORMULA = (
    "Łączny zasięg to szacunek liczby różnych osób: obserwujący, którzy dostali "
    "artykuł co najmniej jednym kanałem (e-mail – osobno lub w codziennym "
    "zestawieniu, które go zawierało – powiadomienie w przeglądarce, "
    "SMS; każdy policzony raz; powiadomienie w przeglądarce bez przypisanego "
    "obserwującego liczymy jako jedną osobę) + unikalni widzowie wpisu na "
    "Facebooku (według Meta; gdy Meta tej liczby nie udostępnia, dodajemy 0) + "
    "odwiedzający stronę artykułu, którzy nie przyszli z linku w e-mailu, "
    "powiadomieniu, SMS-ie ani z Facebooka. Odwiedzających z kilku dni liczymy "
    "jako sumę dziennych unikalnych odwiedzających, więc ta sama osoba w dwa dni "
    "liczy się dwa razy. Mastodon nie podaje zasięgu: liczą się tylko wejścia "
    "z niego na stronę."
)
SOURCE_LABELS = {
    Source.EMAIL: "E-mail",
    Source.PUSH: "Powiadomienia w przeglądarce",
    Source.SMS: "SMS",
    Source.FACEBOOK: "Facebook",
    Source.MASTODON: "Mastodon",
    Source.SEARCH: "Wyszukiwarki",
    Source.OTHER: "Inne strony",
    Source.DIRECT: "Wejścia bezpośrednie",
}


@dataclass
class ArticleReach:
    page_id: int
    title: str
    published: date
    # Distinct recipients whose message was sent, per follower channel.
    delivered: dict[str, int] = field(default_factory=dict)
    # Networks where the gmina's post of the article went out.
    posted_on: set[str] = field(default_factory=set)
    # Distinct people who got it on at least one follower channel.
    followers_reached: int = 0
    views: int = 0
    visitors: int = 0  # sum of daily distinct visitors
    # source → (views, visitors) of the article.
    sources: dict[str, tuple[int, int]] = field(default_factory=dict)
    # metric → value; None: Meta does not give it; absent: not read yet.
    facebook: dict[str, int | None] = field(default_factory=dict)
    # checkpoint → metric → value.
    mastodon: dict[str, dict[str, int | None]] = field(default_factory=dict)
    url: str = ""

    @property
    def email_delivered(self) -> int:
        return self.delivered.get(Channel.EMAIL, 0)

    @property
    def push_delivered(self) -> int:
        return self.delivered.get(Channel.PUSH, 0)

    @property
    def sms_delivered(self) -> int:
        return self.delivered.get(Channel.SMS, 0)

    @property
    def facebook_views(self) -> int | None:
        """Facebook's unique viewers of the post; None when Meta gave none."""
        return self.facebook.get(FACEBOOK_UNIQUE_VIEWS)

    @property
    def mastodon_interactions(self) -> int | None:
        """Replies + boosts + favourites at the latest checkpoint read."""
        for checkpoint in reversed(MASTODON_CHECKPOINTS):
            values = [
                v for v in self.mastodon.get(checkpoint, {}).values() if v is not None
            ]
            if values:
                return sum(values)
        return None

    def source(self, source: str) -> tuple[int, int]:
        return self.sources.get(source, (0, 0))

    @property
    def notification_clicks(self) -> int:
        """Views that came from a link in an e-mail, push or SMS."""
        return sum(self.source(s)[0] for s in NOTIFICATION_SOURCES)

    @property
    def other_visitors(self) -> int:
        """Visitors not already counted as followers or Facebook viewers."""
        return sum(
            visitors
            for source, (_, visitors) in self.sources.items()
            if source not in COUNTED_ELSEWHERE
        )

    @property
    def combined_reach(self) -> int:
        return self.followers_reached + (self.facebook_views or 0) + self.other_visitors

    def combined_sum(self) -> str:
        """'120 + 340 + 55 = 515': the formula's terms for this article."""
        return (
            f"{self.followers_reached} + {self.facebook_views or 0} + "
            f"{self.other_visitors} = {self.combined_reach}"
        )


@dataclass(frozen=True)
class WeekReach:
    year: int  # ISO year
    week: int  # ISO week number
    monday: date
    articles: int
    combined_reach: int


@dataclass(frozen=True)
class DayViews:
    day: date
    views: int
    visitors: int


def local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def published_between(gmina, since: date, until: date):
    """The gmina's articles (ever published) dated since..until."""
    return (
        ArticlePage.objects.descendant_of(gmina.site.root_page)
        .filter(
            first_published_at__isnull=False,
            date__gte=_start_of(since),
            date__lt=_start_of(until + timedelta(days=1)),
        )
        .only("id", "title", "date", "first_published_at", "url_path")
        .order_by("date", "pk")
    )


def _first_day(page) -> date:
    """The first day the article could have been read."""
    days = [d for d in (local_day(page.date), local_day(page.first_published_at)) if d]
    return min(days) if days else timezone.localdate()


def unrolled_days(gmina, since: date) -> list[date]:
    """Days from `since` to today whose views are still only raw events.

    Only the raw events' retention window can hold such days, so this reads
    no older raw event.
    """
    today = timezone.localdate()
    first = max(since, today - timedelta(days=settings.INSIGHTS_RAW_DAYS))
    rolled = set(
        DailyStat.objects.filter(
            gmina=gmina, dimension=DailyStat.SITE, day__gte=first
        ).values_list("day", flat=True)
    )
    days = []
    day = first
    while day <= today:
        if day not in rolled:
            days.append(day)
        day += timedelta(days=1)
    return days


def _raw_counts(gmina, since: date, known=None) -> dict[date, Counts]:
    """Counts of the days since `since` not rolled up yet; `known`: such
    counts already read (the dashboard's), not read again."""
    known = known or {}
    days = unrolled_days(gmina, since)
    counts = {day: known[day] for day in days if day in known}
    counts.update(counts_of_days(gmina.pk, [d for d in days if d not in known]))
    return counts


def _page_keys(page_ids) -> tuple[list[str], list[str]]:
    """The articles' keys of the "page" and of the "page_source" rows."""
    return (
        [str(page_id) for page_id in page_ids],
        [f"{page_id}:{source}" for page_id in page_ids for source in Source.values],
    )


def _visits(gmina, page_ids: set[int], since: date, raw) -> dict[int, dict]:
    """page id → {"views", "visitors", "sources": {source: [views, visitors]}}.

    `raw`: `_raw_counts(gmina, since)` (or of an earlier day).
    """
    result = {
        page_id: {"views": 0, "visitors": 0, "sources": defaultdict(lambda: [0, 0])}
        for page_id in page_ids
    }
    # One query per dimension, by key (index insights_daily_by_key): only
    # these articles' rows. (An OR of both makes SQLite scan every row of
    # the period instead.)
    rows = []
    for dimension, keys in zip(
        (DailyStat.PAGE, DailyStat.PAGE_SOURCE), _page_keys(page_ids), strict=True
    ):
        rows.extend(
            (dimension, key, views, visitors)
            for key, views, visitors in DailyStat.objects.filter(
                gmina=gmina, dimension=dimension, key__in=keys, day__gte=since
            )
            .values("key")
            .annotate(v=Sum("views"), u=Sum("visitors"))
            .values_list("key", "v", "u")
        )
    for day, counts in raw.items():
        if day < since:
            continue
        rows.extend(
            (dimension, key, views, visitors)
            for (dimension, key), (views, visitors) in counts.items()
            if dimension in (DailyStat.PAGE, DailyStat.PAGE_SOURCE)
        )
    for dimension, key, views, visitors in rows:
        page_key, _, source = key.partition(":")
        if not page_key.isdigit() or int(page_key) not in result:
            continue
        visits = result[int(page_key)]
        if dimension == DailyStat.PAGE:
            visits["views"] += views
            visits["visitors"] += visitors
        else:
            visits["sources"][source][0] += views
            visits["sources"][source][1] += visitors
    return result


# What each follower channel delivered of each article, per recipient: the
# article's own rows plus the daily e-mail digests that contained it (a
# digest row names its articles in `payload["articles"]`, fixed to what the
# e-mail really held when it was composed: `fans.messages.compose_digest`).
# {digest_articles} reads that list per database; {pages} and {items} are
# placeholders filled per call.
_DELIVERED_SQL = """
WITH reached AS (
    SELECT page_id, channel, recipient, follower_id
    FROM {table}
    WHERE gmina_id = %s AND state = %s AND channel IN (%s, %s, %s)
        AND page_id IN ({pages})
    UNION ALL
    SELECT CAST(a.value AS INTEGER), d.channel, d.recipient, d.follower_id
    FROM {digest_articles}
    WHERE d.gmina_id = %s AND d.state = %s AND d.channel = %s
        AND d.item IN ({items})
)
SELECT page_id, channel, COUNT(DISTINCT recipient)
    FROM reached WHERE page_id IN ({pages}) GROUP BY page_id, channel
UNION ALL
SELECT page_id, '', COUNT(DISTINCT CASE WHEN follower_id IS NULL THEN recipient
                                        ELSE CAST(follower_id AS TEXT) END)
    FROM reached WHERE page_id IN ({pages}) GROUP BY page_id
"""
_DIGEST_ARTICLES = {
    "sqlite": "{table} d, json_each(d.payload, '$.articles') a",
    "postgresql": (
        "{table} d CROSS JOIN LATERAL "
        "jsonb_array_elements_text(d.payload -> 'articles') AS a(value)"
    ),
}


def _digest_items(gmina, pages) -> list[str]:
    """The digests that may hold these articles: a digest takes the articles
    first published in the `DIGEST_LOOKBACK_DAYS` before it is planned."""
    items = set()
    for page in pages:
        first = local_day(page.first_published_at)
        if first is None:
            continue
        for n in range(DIGEST_LOOKBACK_DAYS + 1):
            items.add(digest_item(gmina, first + timedelta(days=n)))
    return sorted(items)


def _deliveries(gmina, pages) -> tuple[dict, dict, dict]:
    """Per article: {channel: distinct recipients sent}, the networks posted
    on, and the distinct people reached on the follower channels (a push
    subscription without a follower, or an erased follower's rows
    "follower:12", once per recipient key). Two queries."""
    page_ids = sorted({page.pk for page in pages})
    delivered: dict[int, dict[str, int]] = defaultdict(dict)
    people: dict[int, int] = {}
    items = _digest_items(gmina, pages) or [""]
    table = connection.ops.quote_name(Delivery._meta.db_table)
    sql = _DELIVERED_SQL.format(
        table=table,
        digest_articles=_DIGEST_ARTICLES[connection.vendor].format(table=table),
        pages=", ".join(["%s"] * len(page_ids)),
        items=", ".join(["%s"] * len(items)),
    )
    sent = Delivery.State.SENT
    params = [
        gmina.pk,
        sent,
        *FOLLOWER_CHANNELS,
        *page_ids,
        gmina.pk,
        sent,
        Channel.EMAIL,
        *items,
        *page_ids,
        *page_ids,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for page_id, channel, n in cursor.fetchall():
            if channel:
                delivered[page_id][channel] = n
            else:
                people[page_id] = n
    posted: dict[int, set[str]] = defaultdict(set)
    for page_id, channel in (
        Delivery.objects.filter(
            gmina=gmina, page_id__in=page_ids, channel__in=NETWORKS, state=sent
        )
        .values_list("page_id", "channel")
        .distinct()
    ):
        posted[page_id].add(channel)
    return delivered, posted, people


def _post_metrics(gmina, page_ids) -> tuple[dict, dict]:
    facebook: dict[int, dict] = defaultdict(dict)
    mastodon: dict[int, dict] = defaultdict(lambda: defaultdict(dict))
    for page_id, network, metric, checkpoint, value in PostMetric.objects.filter(
        gmina=gmina, page_id__in=page_ids, network__in=NETWORKS
    ).values_list("page_id", "network", "metric", "checkpoint", "value"):
        if network == Channel.FACEBOOK:
            facebook[page_id][metric] = value
        else:
            mastodon[page_id][checkpoint][metric] = value
    return facebook, mastodon


def reach_of_articles(gmina, pages, raw=None, known=None) -> list[ArticleReach]:
    """The reach of each of `pages` (the gmina's articles), in their order.

    `raw`: `_raw_counts` of their days; `known`: some of them, read already.
    """
    pages = list(pages)
    if not pages:
        return []
    page_ids = {page.pk for page in pages}
    since = min(_first_day(page) for page in pages)
    if raw is None:
        raw = _raw_counts(gmina, since, known)
    visits = _visits(gmina, page_ids, since, raw)
    delivered, posted, people = _deliveries(gmina, pages)
    facebook, mastodon = _post_metrics(gmina, page_ids)
    result = []
    for page in pages:
        page_visits = visits[page.pk]
        result.append(
            ArticleReach(
                page_id=page.pk,
                title=page.title,
                published=local_day(page.date) or _first_day(page),
                delivered=delivered.get(page.pk, {}),
                posted_on=posted.get(page.pk, set()),
                followers_reached=people.get(page.pk, 0),
                views=page_visits["views"],
                visitors=page_visits["visitors"],
                sources={s: tuple(vu) for s, vu in page_visits["sources"].items()},
                facebook=facebook.get(page.pk, {}),
                mastodon={k: dict(v) for k, v in mastodon.get(page.pk, {}).items()},
            )
        )
    return result


def article_reach(gmina, page) -> ArticleReach:
    return article_report(gmina, page)[0]


def article_report(gmina, page) -> tuple[ArticleReach, list[DayViews]]:
    """The article's reach and its daily views, reading today's raw events once."""
    raw = _raw_counts(gmina, _first_day(page))
    reach = reach_of_articles(gmina, [page], raw)[0]
    reach.url = page.get_full_url()
    return reach, _daily_views(gmina, page, raw)


def articles_reach(gmina, since: date, until: date, known=None) -> list[ArticleReach]:
    """Reach of the articles dated since..until, oldest first, with `url`.

    `known`: counts of days not rolled up yet that the caller has read
    already ({day: counts}, e.g. the dashboard's today), not read again.
    """
    pages = list(published_between(gmina, since, until))
    reaches = reach_of_articles(gmina, pages, known=known)
    # page.get_full_url() asks the cache for the site root paths once per
    # page; every article here is under the gmina's own root.
    root_path = gmina.site.root_page.url_path
    for page, reach in zip(pages, reaches, strict=True):
        reach.url = gmina.absolute_url("/" + page.url_path[len(root_path) :])
    return reaches


def top(reaches: list[ArticleReach], limit: int = 10) -> list[ArticleReach]:
    """The `limit` largest by combined reach (the newer first on a tie)."""
    ranked = sorted(
        reaches, key=lambda r: (r.combined_reach, r.published, r.page_id), reverse=True
    )
    return ranked[:limit]


def by_week(reaches: list[ArticleReach], since: date, until: date) -> list[WeekReach]:
    """Combined reach summed per ISO week of publishing, every week in range."""
    articles: dict[date, int] = defaultdict(int)
    total: dict[date, int] = defaultdict(int)
    for reach in reaches:
        monday = reach.published - timedelta(days=reach.published.weekday())
        articles[monday] += 1
        total[monday] += reach.combined_reach
    weeks = []
    monday = since - timedelta(days=since.weekday())
    while monday <= until:
        year, week, _ = monday.isocalendar()
        weeks.append(WeekReach(year, week, monday, articles[monday], total[monday]))
        monday += timedelta(days=7)
    return weeks


def top_articles(
    gmina, since: date, until: date, limit: int = 10
) -> list[ArticleReach]:
    return top(articles_reach(gmina, since, until), limit)


def weekly_reach(gmina, since: date, until: date) -> list[WeekReach]:
    return by_week(articles_reach(gmina, since, until), since, until)


def daily_views(gmina, page) -> list[DayViews]:
    """The article's views and visitors on every day since it was published."""
    return _daily_views(gmina, page, _raw_counts(gmina, _first_day(page)))


def _daily_views(gmina, page, raw) -> list[DayViews]:
    first = _first_day(page)
    today = timezone.localdate()
    per_day: dict[date, tuple[int, int]] = {
        day: (views, visitors)
        for day, views, visitors in DailyStat.objects.filter(
            gmina=gmina, dimension=DailyStat.PAGE, key=str(page.pk), day__gte=first
        ).values_list("day", "views", "visitors")
    }
    for day, counts in raw.items():
        per_day[day] = counts.get((DailyStat.PAGE, str(page.pk)), (0, 0))
    days = []
    day = first
    while day <= today:
        views, visitors = per_day.get(day, (0, 0))
        days.append(DayViews(day, views, visitors))
        day += timedelta(days=1)
    return days


CHANNEL_COLUMNS = [
    "Kanał",
    "Dostarczono",
    "Wyświetlenia artykułu",
    "Odwiedzający (suma dziennych)",
    "Liczby z sieci",
]


def facebook_text(reach: ArticleReach) -> str:
    if FACEBOOK_UNIQUE_VIEWS in reach.facebook:
        value = reach.facebook[FACEBOOK_UNIQUE_VIEWS]
        return f"unikalni widzowie: {NOT_GIVEN if value is None else value}"
    if Channel.FACEBOOK in reach.posted_on:
        return f"unikalni widzowie: {NOT_READ}"
    return ""


def mastodon_text(reach: ArticleReach) -> str:
    interactions = reach.mastodon_interactions
    if interactions is None:
        return "nie podaje zasięgu"
    return f"interakcje: {interactions}; nie podaje zasięgu"


def channel_rows(reach: ArticleReach) -> list[list]:
    """The per-channel table (`CHANNEL_COLUMNS`), for the page and its CSV."""
    rows = []
    for source in SOURCE_LABELS:
        views, visitors = reach.source(source)
        if source in FOLLOWER_CHANNELS:
            delivered = reach.delivered.get(source, 0)
            network = ""
        elif source in NETWORKS:
            delivered = "wpis opublikowany" if source in reach.posted_on else "—"
            network = (
                facebook_text(reach)
                if source == Channel.FACEBOOK
                else mastodon_text(reach)
            )
        else:
            delivered, network = "—", ""
        rows.append([SOURCE_LABELS[source], delivered, views, visitors, network])
    rows.append(["Razem na stronie gminy", "—", reach.views, reach.visitors, ""])
    return rows
