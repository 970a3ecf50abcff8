"""What Mastodon says about a gmina's statuses and followers, for insights.

`collect(gmina, now)` (registered in `insights.registry` by `MastodonConfig`)
uses the REST API the way the transport does (`transport.call`: the
SSRF-guarded client, `Authorization: Bearer`):

- each status the outbox posted (the delivery's `remote_id`) is read with
  `GET /api/v1/statuses/:id` (https://docs.joinmastodon.org/methods/statuses/#get)
  at three checkpoints after it was sent: +1 h, +24 h and +7 days. A
  checkpoint is read once, on the first run after it is due; its
  `replies_count`, `reblogs_count` and `favourites_count` go into
  `insights.PostMetric` with checkpoint "1h", "24h" or "7d". A run that comes
  late (the worker was down) stores every due checkpoint with what it reads
  then; `read_at` says when. A status deleted on the server (404) is stored
  as None.
- the account's `followers_count` once a day
  (`GET /api/v1/accounts/verify_credentials`) into `insights.NetworkDaily`
  "followers".

Mastodon has no reach or impression figure, so none is stored.

Faults never leave `collect`: a refused token (401) stops the gmina and is
shown where posting shows it (`MastodonAccount.mark_token_rejected`); a 429
stops this run for the gmina; a 5xx or a timeout skips that one status.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import quote

import httpx
from django.conf import settings
from django.utils import timezone

from ratusz.gminas.models import Gmina
from ratusz.insights.models import NetworkDaily, PostMetric
from ratusz.lib import http
from ratusz.lib.dates import WARSAW
from ratusz.outbox.models import Delivery

from .models import MastodonAccount
from .transport import MastodonError, call

logger = logging.getLogger(__name__)

NETWORK = "mastodon"
CHECKPOINTS = (
    ("1h", timedelta(hours=1)),
    ("24h", timedelta(hours=24)),
    ("7d", timedelta(days=7)),
)
COUNTS = ("replies_count", "reblogs_count", "favourites_count")
# A checkpoint missed for longer than this (the worker was down for weeks)
# is no longer read: the number would say little about its moment.
LATEST_READING = timedelta(days=30)


class _Stop(Exception):
    """Stop reading this gmina for this run (a refused token, a rate limit)."""


def connected_gminas():
    """Gminas whose account is saved with a token the instance has not refused."""
    accounts = MastodonAccount.objects.exclude(instance_url="").exclude(access_token="")
    return Gmina.objects.filter(
        pk__in=accounts.filter(token_error="").values("gmina_id")
    ).order_by("pk")


def _get(api: httpx.Client, config: MastodonAccount, path: str) -> dict:
    """One GET; raises _Stop for a refused token or a rate limit."""
    try:
        return call(api, config, "GET", path)
    except MastodonError as error:
        if error.token_rejected:
            text = config.mark_token_rejected(error.message)
            logger.warning(
                "mastodon insights: gmina %s: token refused: %s", config.gmina_id, text
            )
            raise _Stop from error
        if error.status == 429:
            logger.info(
                "mastodon insights: gmina %s rate-limited; next run retries",
                config.gmina_id,
            )
            raise _Stop from error
        raise


def collect_followers(api, config: MastodonAccount, gmina, now) -> None:
    """The account's followers, once a day (Polish date)."""
    today = timezone.localtime(now, WARSAW).date()
    stored = NetworkDaily.objects.filter(
        gmina=gmina, network=NETWORK, metric=NetworkDaily.FOLLOWERS, day=today
    )
    if stored.exists():
        return
    try:
        account = _get(api, config, "/api/v1/accounts/verify_credentials")
    except MastodonError as error:
        logger.warning(
            "mastodon insights: gmina %s, followers skipped: %s",
            gmina.pk,
            error.message,
        )
        return
    followers = account.get("followers_count")
    NetworkDaily.objects.update_or_create(
        gmina=gmina,
        network=NETWORK,
        metric=NetworkDaily.FOLLOWERS,
        day=today,
        defaults={
            "value": followers if isinstance(followers, int) else None,
            "note": "",
        },
    )


def _due_checkpoints(gmina, now):
    """(delivery, [checkpoint names due and not stored]) per posted status."""
    rows = (
        Delivery.objects.filter(
            gmina=gmina,
            channel=NETWORK,
            state=Delivery.State.SENT,
            sent_at__gte=now - LATEST_READING,
            sent_at__lte=now - CHECKPOINTS[0][1],
            page__isnull=False,
        )
        .exclude(remote_id="")
        .order_by("sent_at")
    )
    rows = list(rows)
    stored = set(
        PostMetric.objects.filter(
            gmina=gmina, network=NETWORK, page_id__in=[r.page_id for r in rows]
        ).values_list("page_id", "checkpoint")
    )
    for row in rows:
        due = [
            name
            for name, after in CHECKPOINTS
            if row.sent_at + after <= now and (row.page_id, name) not in stored
        ]
        if due:
            yield row, due


def _store_counts(gmina, row, checkpoints, status: dict | None, now) -> None:
    for checkpoint in checkpoints:
        for metric in COUNTS:
            value = (status or {}).get(metric)
            PostMetric.objects.update_or_create(
                gmina=gmina,
                page_id=row.page_id,
                network=NETWORK,
                metric=metric,
                checkpoint=checkpoint,
                defaults={
                    "value": value if isinstance(value, int) else None,
                    "read_at": now,
                },
            )


def collect_statuses(api, config: MastodonAccount, gmina, now) -> None:
    for row, checkpoints in _due_checkpoints(gmina, now):
        path = f"/api/v1/statuses/{quote(row.remote_id, safe='')}"
        try:
            status = _get(api, config, path)
        except MastodonError as error:
            if error.status == 404:
                # Deleted on the server: nothing more will ever be read.
                _store_counts(gmina, row, checkpoints, None, now)
                continue
            logger.warning(
                "mastodon insights: gmina %s, status %s skipped: %s",
                gmina.pk,
                row.remote_id,
                error.message,
            )
            continue
        _store_counts(gmina, row, checkpoints, status, now)


def collect(gmina, now) -> None:
    """Read the account's followers and its statuses' checkpoints."""
    config = MastodonAccount.objects.filter(gmina=gmina).first()
    if config is None or not config.is_connected() or config.token_error:
        return
    with http.client(timeout=settings.MASTODON_TIMEOUT) as api:
        try:
            collect_followers(api, config, gmina, now)
            collect_statuses(api, config, gmina, now)
        except _Stop:
            return
