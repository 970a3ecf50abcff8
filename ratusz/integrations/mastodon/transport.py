"""Posting articles to a gmina's Mastodon account (REST API, no library).

`POST /api/v1/statuses` with `status`, `visibility` and `language=pl`, the
`Authorization: Bearer` token and an `Idempotency-Key` built from the article
and its published revision (https://docs.joinmastodon.org/methods/statuses/).
Mastodon keeps the key for an hour and answers a repeat with the status it
already made, so a retry after a lost answer (timeout, a worker killed between
Mastodon's 200 and our commit) never posts twice. The status id is also
written to the delivery row at once, as for Facebook. A retry that may come
after the key expired (the row was planned more than KEY_TRUST ago; Mastodon
keeps keys about an hour) first reads the account's own recent statuses
(`GET /api/v1/accounts/verify_credentials` for the id, then
`GET /api/v1/accounts/:id/statuses` with `limit` ≤ 40, `exclude_reblogs`,
`exclude_replies` and `max_id` paging, https://docs.joinmastodon.org/methods/accounts/)
and takes a status that links the article instead of posting again.

Mastodon.py would do the same, but it talks HTTP through `requests`; the
instance address comes from a gmina's staff, so every request must go through
the SSRF-guarded `ratusz.lib.http.client()` instead.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.utils import timezone

from ratusz.integrations.pages import PageApiError, PagePostTransport
from ratusz.lib import http
from ratusz.outbox.transports import Envelope

from .models import MastodonAccount
from .text import LIMIT, URL_LENGTH, length, status_text  # noqa: F401 (re-exported)

DEFAULT_RATE_LIMIT_WAIT = 300.0


class MastodonError(PageApiError):
    def __init__(self, message, *, permanent, retry_after=None, status=None):
        super().__init__(message, permanent=permanent, retry_after=retry_after)
        self.status = status

    @property
    def token_rejected(self) -> bool:
        return self.status == 401


# Mastodon keeps an Idempotency-Key for an hour; past this, read back first.
KEY_TRUST = timedelta(minutes=50)
RECONCILE_PAGE_SIZE = 40
RECONCILE_MAX_PAGES = 5


def _status_links(status: dict, url: str) -> bool:
    content = html.unescape(str(status.get("content") or ""))
    return bool(url) and url in content


def call_list(api: httpx.Client, config, path: str, params: dict) -> list:
    """A GET that answers a JSON array (a timeline)."""
    headers = {"Authorization": f"Bearer {config.access_token}"}
    try:
        response = api.get(api_url(config, path), params=params, headers=headers)
    except http.FetchError as error:
        raise MastodonError(str(error), permanent=True) from error
    except httpx.HTTPError as error:
        raise MastodonError(
            f"Brak połączenia z serwerem Mastodona ({type(error).__name__}); "
            "spróbujemy później.",
            permanent=False,
        ) from error
    if response.status_code != 200:
        raise classify(response)
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, list):
        raise MastodonError(
            "Serwer Mastodona odpowiedział w nieznanym formacie.", permanent=True
        )
    return body


def find_status(api: httpx.Client, config, *, since, url: str) -> str:
    """The id of the account's own status since `since` linking `url`, or ""."""
    account = call(api, config, "GET", "/api/v1/accounts/verify_credentials")
    path = f"/api/v1/accounts/{account.get('id')}/statuses"
    params = {
        "limit": str(RECONCILE_PAGE_SIZE),
        "exclude_reblogs": "true",
        "exclude_replies": "true",
    }
    for _page in range(RECONCILE_MAX_PAGES):
        statuses = call_list(api, config, path, params)
        for status in statuses:
            if isinstance(status, dict) and _status_links(status, url):
                return str(status.get("id") or "")
        if not statuses:
            return ""
        last = statuses[-1] if isinstance(statuses[-1], dict) else {}
        try:
            oldest = datetime.fromisoformat(str(last.get("created_at")))
        except ValueError:
            oldest = None
        if oldest is not None and oldest < since:
            return ""
        params["max_id"] = str(last.get("id"))
    return ""


def idempotency_key(delivery, message: Envelope) -> str:
    """The same for every attempt of one article revision's post."""
    revision = (message.extra or {}).get("revision") or f"d{delivery.pk}"
    return f"ratusz-{delivery.item.replace(':', '-')}-rev-{revision}"


def api_url(config: MastodonAccount, path: str) -> str:
    return config.instance_url.rstrip("/") + path


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        return str(body.get("error") or "")[:300]
    return ""


def retry_after(response: httpx.Response) -> float:
    """Retry-After, else the X-RateLimit-Reset moment, else 5 minutes."""
    seconds = http.retry_after(response)
    if seconds is not None:
        return seconds
    reset = response.headers.get("x-ratelimit-reset", "")
    try:
        moment = datetime.fromisoformat(reset)
    except ValueError:
        return DEFAULT_RATE_LIMIT_WAIT
    if moment.tzinfo is None:
        return DEFAULT_RATE_LIMIT_WAIT
    return max((moment - timezone.now()).total_seconds(), 1.0)


def classify(response: httpx.Response) -> MastodonError:
    status = response.status_code
    detail = _error_text(response)

    def fail(text, permanent, retry_after=None):
        return MastodonError(
            text, permanent=permanent, retry_after=retry_after, status=status
        )

    if status == 401:
        return fail("Token Mastodona unieważniony", True)
    if status == 429:
        return fail(
            "Serwer Mastodona ogranicza liczbę wpisów (limit zapytań); "
            "spróbujemy później.",
            False,
            retry_after(response),
        )
    if status == 408 or status >= 500:
        return fail(
            f"Serwer Mastodona ma chwilowe kłopoty (HTTP {status}); "
            "spróbujemy później.",
            False,
        )
    if status == 422:
        return fail(f"Mastodon odrzucił wpis: {detail or 'błędne dane'}.", True)
    if status == 403:
        return fail(
            "Mastodon odmówił publikacji (HTTP 403): sprawdź, czy token ma "
            f"uprawnienie write:statuses i czy konto nie jest zablokowane. {detail}",
            True,
        )
    if status == 404:
        return fail("Pod tym adresem nie ma API Mastodona (HTTP 404).", True)
    return fail(f"Mastodon odrzucił wpis (HTTP {status}). {detail}".strip(), True)


def call(api: httpx.Client, config, method: str, path: str, **kwargs) -> dict:
    """One API request; the JSON object on success, MastodonError otherwise."""
    headers = {"Authorization": f"Bearer {config.access_token}"}
    headers.update(kwargs.pop("headers", {}))
    try:
        response = api.request(method, api_url(config, path), headers=headers, **kwargs)
    except http.FetchError as error:  # BlockedHost included
        raise MastodonError(str(error), permanent=True) from error
    except httpx.TimeoutException as error:
        raise MastodonError(
            "Serwer Mastodona nie odpowiedział na czas; spróbujemy później.",
            permanent=False,
        ) from error
    except httpx.HTTPError as error:
        raise MastodonError(
            f"Brak połączenia z serwerem Mastodona ({type(error).__name__}); "
            "spróbujemy później.",
            permanent=False,
        ) from error
    if response.status_code != 200:
        raise classify(response)
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise MastodonError(
            "Serwer Mastodona odpowiedział w nieznanym formacie.", permanent=True
        )
    return body


class Transport(PagePostTransport):
    """The outbox's "mastodon" channel: one article on the gmina's account."""

    account_model = MastodonAccount
    not_connected = (
        "Konto w Mastodonie nie jest połączone (brak adresu serwera lub tokenu)."
    )
    switched_off = "Publikowanie w Mastodonie jest wyłączone w ustawieniach gminy."
    no_remote_id = "Mastodon przyjął wpis, ale nie podał jego identyfikatora."

    def timeout(self) -> float:
        return settings.MASTODON_TIMEOUT

    def post(self, config, delivery, message: Envelope) -> str:
        text = delivery.payload.get("text") or "\n\n".join(
            part for part in (message.subject, message.text) if part
        )
        data = {
            "status": status_text(text, message.url),
            "visibility": config.visibility,
            "language": "pl",
        }
        key = idempotency_key(delivery, message)
        first_try_long_ago = (delivery.created_at or timezone.now()) < (
            timezone.now() - KEY_TRUST
        )
        if (delivery.attempts or delivery.state == "unknown") and first_try_long_ago:
            since = delivery.created_at - timedelta(hours=1)
            found = find_status(self.api, config, since=since, url=message.url)
            if found:
                return found
        body = call(
            self.api,
            config,
            "POST",
            "/api/v1/statuses",
            data=data,
            headers={"Idempotency-Key": key},
        )
        return str(body.get("id") or "")
