"""What Facebook says about a gmina's Page and its posts, for insights.

`collect(gmina, now)` (registered in `insights.registry` by `FacebookConfig`)
reads the Graph API's insights edge
(https://developers.facebook.com/docs/graph-api/reference/insights):

- the Page, once a day: `page_follows` (followers) and
  `page_total_media_view_unique` (people who saw anything of the Page that
  day), `period=day` over the last few days, into `insights.NetworkDaily`
  ("followers", "reach"). Meta gives nothing to a Page under 100 likes (an
  empty `data`): the day is stored as None with a note saying so.
- each post the outbox put on the Page within `FACEBOOK_INSIGHTS_DAYS`, at
  most every `FACEBOOK_INSIGHTS_REFRESH_HOURS`: every metric of
  `FACEBOOK_POST_METRICS` with its own call (`GET /{post-id}/insights?metric=…`),
  because one invalid metric fails a whole request and Meta retires metrics
  often. A retired one (`(#100) The value must be a valid insights metric`)
  is stored as None ("Meta nie udostępnia") and the others are still read.

Faults never leave `collect`: a refused token (190) stops the gmina and is
shown where posting shows it (`FacebookPage.mark_token_rejected`: the
settings screen, and posting pauses); a rate limit (429, codes 4, 17, 32,
613, business-use-case limits) stops this run for the gmina, the next run
(15 minutes later) tries again; a 5xx or a timeout skips that one reading.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import httpx
from django.conf import settings
from django.utils import timezone

from ratusz.gminas.models import Gmina
from ratusz.insights.models import NetworkDaily, PostMetric
from ratusz.lib import http
from ratusz.lib.dates import WARSAW
from ratusz.outbox.models import Delivery

from .graph import GraphError, Use, call
from .models import FacebookPage
from .transport import TIMEOUT

logger = logging.getLogger(__name__)

NETWORK = "facebook"
# Page metrics, period "day" (Graph names → NetworkDaily metrics).
PAGE_METRICS = {
    "page_follows": NetworkDaily.FOLLOWERS,
    "page_total_media_view_unique": NetworkDaily.REACH,
}
# Days of Page figures asked each day: Meta fills a day in late.
PAGE_DAYS_BACK = 3

UNDER_100_LIKES = (
    "Meta nie podaje liczb stron, które mają mniej niż 100 polubień "
    "(albo nie podała ich jeszcze za ten dzień)."
)
METRIC_RETIRED = "Meta nie udostępnia już tej liczby (metryka wycofana)."

INSIGHTS = Use(
    many="zapytań o statystyki",
    one="zapytanie o statystyki",
    permissions="Token nie ma uprawnień do statystyk strony (potrzebne: "
    "read_insights i pages_read_engagement).",
    refusal=lambda failure: None,
)


class _Stop(Exception):
    """Stop reading this gmina for this run (a refused token, a rate limit)."""


class _Skip(Exception):
    """Skip this one reading (Facebook's trouble, a post that is gone)."""


def connected_gminas():
    """Gminas whose Page is saved with a token Facebook has not refused."""
    pages = FacebookPage.objects.exclude(page_id="").exclude(access_token="")
    return Gmina.objects.filter(
        pk__in=pages.filter(token_error="").values("gmina_id")
    ).order_by("pk")


def is_retired_metric(error: GraphError) -> bool:
    return error.code == 100 and "valid insights metric" in error.detail


class Reader:
    """One gmina's Graph calls, with the fault rules of the module docstring."""

    def __init__(self, api: httpx.Client, config: FacebookPage):
        self.api = api
        self.config = config

    def insights(self, node: str, params: dict) -> list | None:
        """The `data` of `GET /{node}/insights`; None for a retired metric."""
        params = {**params, "access_token": self.config.access_token}
        try:
            body = call(self.api, "GET", f"{node}/insights", INSIGHTS, params=params)
        except GraphError as error:
            if error.token_rejected:
                text = self.config.mark_token_rejected(error.message)
                logger.warning(
                    "facebook insights: gmina %s: token refused: %s",
                    self.config.gmina_id,
                    text,
                )
                raise _Stop from error
            if error.retry_after is not None:
                logger.info(
                    "facebook insights: gmina %s rate-limited; next run retries",
                    self.config.gmina_id,
                )
                raise _Stop from error
            if is_retired_metric(error):
                logger.warning(
                    "facebook insights: metric %s refused: %s",
                    params.get("metric"),
                    error.detail,
                )
                return None
            logger.warning(
                "facebook insights: gmina %s, %s skipped: %s",
                self.config.gmina_id,
                node,
                error.message,
            )
            raise _Skip from error
        data = body.get("data")
        return data if isinstance(data, list) else []


def _number(value) -> int | None:
    """A metric's value: a count, or a breakdown ({"like": 3, …}) summed."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, dict) and all(isinstance(v, int) for v in value.values()):
        return sum(value.values())
    return None


def _latest_value(data: list) -> int | None:
    for entry in data:
        values = entry.get("values") if isinstance(entry, dict) else None
        if isinstance(values, list) and values and isinstance(values[-1], dict):
            return _number(values[-1].get("value"))
    return None


def _daily_values(data: list) -> dict[date, int | None]:
    """Graph's daily values by the day they count.

    A day's `end_time` is the following midnight, Pacific time
    ("2026-12-02T08:00:00+0000" closes 1 December).
    """
    days = {}
    for entry in data:
        values = entry.get("values") if isinstance(entry, dict) else None
        for value in values if isinstance(values, list) else []:
            if not isinstance(value, dict):
                continue
            try:
                end = datetime.fromisoformat(str(value.get("end_time")))
            except ValueError:
                continue
            days[end.date() - timedelta(days=1)] = _number(value.get("value"))
    return days


def _store_daily(gmina, metric: str, day: date, value, note: str = "") -> None:
    NetworkDaily.objects.update_or_create(
        gmina=gmina,
        network=NETWORK,
        metric=metric,
        day=day,
        defaults={"value": value, "note": note},
    )


def collect_page(reader: Reader, gmina, now) -> None:
    """The Page's followers and daily reach, once a day (after yesterday's)."""
    yesterday = timezone.localtime(now, WARSAW).date() - timedelta(days=1)
    done = NetworkDaily.objects.filter(
        gmina=gmina, network=NETWORK, day=yesterday, metric__in=PAGE_METRICS.values()
    ).count()
    if done == len(PAGE_METRICS):
        return
    since = yesterday - timedelta(days=PAGE_DAYS_BACK - 1)
    for name, metric in PAGE_METRICS.items():
        params = {
            "metric": name,
            "period": "day",
            "since": since.isoformat(),
            "until": (yesterday + timedelta(days=1)).isoformat(),
        }
        try:
            data = reader.insights(reader.config.page_id, params)
        except _Skip:
            continue
        if data is None:
            _store_daily(gmina, metric, yesterday, None, METRIC_RETIRED)
            continue
        days = _daily_values(data)
        for day, value in days.items():
            if since <= day <= yesterday:
                _store_daily(gmina, metric, day, value)
        if yesterday not in days:
            _store_daily(gmina, metric, yesterday, None, UNDER_100_LIKES)


def _posts_due(gmina, now):
    """The Page posts of the window whose numbers are missing or old."""
    rows = (
        Delivery.objects.filter(
            gmina=gmina,
            channel=NETWORK,
            state=Delivery.State.SENT,
            sent_at__gte=now - timedelta(days=settings.FACEBOOK_INSIGHTS_DAYS),
            page__isnull=False,
        )
        .exclude(remote_id="")
        .order_by("-sent_at")
    )
    metrics = list(settings.FACEBOOK_POST_METRICS)
    fresh_after = now - timedelta(hours=settings.FACEBOOK_INSIGHTS_REFRESH_HOURS)
    fresh = set(
        PostMetric.objects.filter(
            gmina=gmina,
            network=NETWORK,
            checkpoint="",
            metric__in=metrics,
            read_at__gt=fresh_after,
        ).values_list("page_id", "metric")
    )
    for row in rows:
        if any((row.page_id, metric) not in fresh for metric in metrics):
            yield row


def collect_posts(reader: Reader, gmina, now) -> None:
    for row in _posts_due(gmina, now):
        for metric in settings.FACEBOOK_POST_METRICS:
            params = {"metric": metric, "period": "lifetime"}
            try:
                data = reader.insights(row.remote_id, params)
            except _Skip:
                continue
            # None: retired metric; []: Meta gives nothing (a small Page).
            value = _latest_value(data) if data else None
            PostMetric.objects.update_or_create(
                gmina=gmina,
                page_id=row.page_id,
                network=NETWORK,
                metric=metric,
                checkpoint="",
                defaults={"value": value, "read_at": now},
            )


def collect(gmina, now) -> None:
    """Read the gmina's Page figures and post metrics (see the module docstring)."""
    config = FacebookPage.objects.filter(gmina=gmina).first()
    if config is None or not config.is_connected() or config.token_error:
        return
    with http.client(timeout=TIMEOUT) as api:
        reader = Reader(api, config)
        try:
            collect_page(reader, gmina, now)
            collect_posts(reader, gmina, now)
        except _Stop:
            return
