"""Posting articles to a gmina's Facebook Page through the Graph API.

`POST /{version}/{page-id}/feed` (message + link) or, when the gmina chose
photos and the article has a main image, `POST /{version}/{page-id}/photos`
(url + caption). The Page access token goes in the `access_token` parameter
of the form body of a POST; the one GET (reading the feed back before a retry)
carries it in the query string, as Graph API GETs do.

Facebook has no idempotency key. Three guards keep a post from doubling:

1. The post id is written to the delivery row right after Facebook's answer,
   in its own statement, before the engine records the result; a later
   attempt on a row that has a remote id returns it without posting again.
2. A worker that dies between Facebook's answer and that write leaves the row
   in `sending`, which the engine turns into `unknown` and never retries by
   itself: an editor decides (see outbox.services).
3. Any attempt that is not the first (an automatic retry after a timeout or a
   5xx, or an editor's retry of an `unknown` row) first reads the Page's own
   posts since the row was planned (`GET /{page-id}/feed`, the documented
   Page feed edge, newest first, with `since` and cursor paging) and, when a
   post for this article is there, takes its id instead of posting again.
   A post matches by the article's URL in its message (photo captions) or
   attachments (link posts), or, for a post without a link, by its exact text.

Errors follow https://developers.facebook.com/docs/graph-api/guides/error-handling.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import httpx
from django.conf import settings
from django.utils import timezone

from ratusz.lib import http
from ratusz.outbox.services import record_remote_id
from ratusz.outbox.transports import Envelope, TransportError

from .models import FacebookPage

logger = logging.getLogger(__name__)

TIMEOUT = 20.0
# When Facebook throttles without saying for how long.
DEFAULT_RATE_LIMIT_WAIT = 300.0
RATE_LIMIT_CODES = {4, 17, 32, 613}
TRANSIENT_CODES = {1, 2, 341, 368}
# "Business Use Case" rate limits of Page tokens (e.g. 80001 for Pages).
BUC_RATE_LIMIT_CODES = range(80000, 80100)


class GraphError(TransportError):
    """A Graph API error, with the documented fields kept for callers."""

    def __init__(self, message, *, permanent, retry_after=None, code=None, sub=None):
        super().__init__(message, permanent=permanent, retry_after=retry_after)
        self.code = code
        self.subcode = sub

    @property
    def token_rejected(self) -> bool:
        return self.code in (102, 190)


def graph_url(path: str) -> str:
    base = settings.FACEBOOK_GRAPH_URL.rstrip("/")
    return f"{base}/{settings.FACEBOOK_GRAPH_VERSION}/{path.lstrip('/')}"


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("retry-after", "")
    if value.isdigit():
        return float(value)
    # {"<business-id>": [{"type": "pages", "estimated_time_to_regain_access": 5}]}
    usage = response.headers.get("x-business-use-case-usage", "")
    minutes = 0
    try:
        for entries in json.loads(usage).values():
            for entry in entries:
                minutes = max(
                    minutes, int(entry.get("estimated_time_to_regain_access"))
                )
    except (ValueError, TypeError, AttributeError):
        pass
    return minutes * 60.0 if minutes else DEFAULT_RATE_LIMIT_WAIT


def _token_error_text(subcode) -> str:
    if subcode == 463:
        return "Token Facebooka wygasł"
    if subcode == 460:
        return "Token Facebooka przestał działać po zmianie hasła do Facebooka"
    if subcode == 467:
        return "Token Facebooka jest nieważny (wylogowano go lub wygasł)"
    return "Token Facebooka wygasł albo został unieważniony"


def classify(response: httpx.Response) -> GraphError:
    """Turn a Graph API error answer into a TransportError editors can read."""
    status = response.status_code
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    if not isinstance(error, dict):
        error = {}
    code, sub = error.get("code"), error.get("error_subcode")
    detail = str(error.get("error_user_msg") or error.get("message") or "")[:300]

    def fail(text, permanent, retry_after=None):
        return GraphError(
            text, permanent=permanent, retry_after=retry_after, code=code, sub=sub
        )

    if code in (102, 190):
        return fail(_token_error_text(sub) + ".", True)
    if status == 429 or code in RATE_LIMIT_CODES or code in BUC_RATE_LIMIT_CODES:
        return fail(
            "Facebook ogranicza liczbę wpisów (limit zapytań); spróbujemy później.",
            False,
            _retry_after(response),
        )
    if status >= 500 or code in TRANSIENT_CODES:
        return fail(
            f"Facebook ma chwilowe kłopoty (HTTP {status}); spróbujemy później.", False
        )
    if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
        return fail(
            "Token nie ma uprawnień do publikowania na tej stronie (potrzebne: "
            "pages_manage_posts i pages_read_engagement, a token musi być "
            f"tokenem strony). Facebook: {detail}",
            True,
        )
    if code == 100:
        return fail(
            f"Facebook odrzucił wpis: nieprawidłowy parametr lub strona. {detail}",
            True,
        )
    if code == 506:
        return fail("Facebook odrzucił wpis jako powtórzenie poprzedniego.", True)
    if code == 1609005:
        return fail(
            "Facebook nie mógł odczytać linku do artykułu. Sprawdź, czy strona "
            "gminy jest dostępna z internetu.",
            True,
        )
    if 400 <= status < 500:
        return fail(f"Facebook odrzucił wpis (HTTP {status}). {detail}".strip(), True)
    return fail(f"Nieoczekiwana odpowiedź Facebooka (HTTP {status}).", False)


def call(api: httpx.Client, method: str, path: str, **kwargs) -> dict:
    """One Graph API request; a dict on success, GraphError otherwise."""
    try:
        response = api.request(method, graph_url(path), **kwargs)
    except http.FetchError as error:  # BlockedHost included
        raise GraphError(str(error), permanent=True) from error
    except httpx.TimeoutException as error:
        raise GraphError(
            "Facebook nie odpowiedział na czas; spróbujemy później.", permanent=False
        ) from error
    except httpx.HTTPError as error:
        raise GraphError(
            f"Brak połączenia z Facebookiem ({type(error).__name__}); "
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
        raise GraphError("Facebook odpowiedział w nieznanym formacie.", permanent=True)
    if "error" in body:
        raise classify(response)
    return body


# Reconciling before a retry: how far back and how many pages of the feed.
RECONCILE_MARGIN = timedelta(hours=1)  # clock skew between us and Facebook
RECONCILE_PAGE_SIZE = 50
RECONCILE_MAX_PAGES = 5
FEED_FIELDS = "id,message,created_time,permalink_url,attachments{url,unshimmed_url}"


def _attachment_urls(post: dict) -> list[str]:
    attachments = post.get("attachments")
    data = attachments.get("data") if isinstance(attachments, dict) else None
    urls = []
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict):
            urls += [str(item.get(k) or "") for k in ("unshimmed_url", "url")]
    return [u for u in urls if u]


def matches(post: dict, url: str, text: str) -> bool:
    """Whether a post read back from the Page is this article's post."""
    message = str(post.get("message") or "")
    if url:
        return url in message or url in _attachment_urls(post)
    return bool(text) and message.strip() == text.strip()


def find_post(api: httpx.Client, config, *, since, url: str, text: str) -> str:
    """The id of a post of the Page since `since` matching the article, or ""."""
    params = {
        "fields": FEED_FIELDS,
        "since": str(int(since.timestamp())),
        "limit": str(RECONCILE_PAGE_SIZE),
        "access_token": config.access_token,
    }
    for _page in range(RECONCILE_MAX_PAGES):
        body = call(api, "GET", f"{config.page_id}/feed", params=params)
        posts = body.get("data")
        for post in posts if isinstance(posts, list) else []:
            if isinstance(post, dict) and post.get("id") and matches(post, url, text):
                return str(post["id"])
        paging = body.get("paging") if isinstance(body.get("paging"), dict) else {}
        after = (paging.get("cursors") or {}).get("after")
        if not paging.get("next") or not after:
            return ""
        params["after"] = after
    return ""


class Transport:
    def __init__(self, gmina):
        self.gmina = gmina
        self.config = FacebookPage.objects.filter(gmina=gmina).first()
        self.api: httpx.Client | None = None

    def send(self, delivery, message: Envelope) -> str:
        if delivery.remote_id:
            # An earlier attempt got as far as Facebook; never post twice.
            return delivery.remote_id
        config = self.config
        if config is None or not config.page_id or not config.access_token:
            raise TransportError(
                "Strona na Facebooku nie jest połączona (brak identyfikatora "
                "strony lub tokenu).",
                permanent=True,
            )
        if not config.enabled:
            raise TransportError(
                "Publikowanie na Facebooku jest wyłączone w ustawieniach gminy.",
                permanent=True,
            )
        if config.token_error:
            raise TransportError(config.token_error, permanent=True)
        if self.api is None:
            self.api = http.client(timeout=TIMEOUT)
        text = message.text or message.subject
        photo = config.post_as == FacebookPage.PostAs.PHOTO and message.image_url
        caption = f"{text}\n\n{message.url}" if message.url else text
        if delivery.attempts or delivery.state == "unknown":
            # Not the first attempt: Facebook may have taken an earlier one
            # whose answer (or our write of it) was lost.
            found = self._reconcile(
                config, delivery, message, caption if photo else text
            )
            if found:
                record_remote_id(delivery, found)
                return found
        if photo:
            path = f"{config.page_id}/photos"
            data = {"url": message.image_url, "caption": caption}
        else:
            path = f"{config.page_id}/feed"
            data = {"message": text}
            if message.url:
                data["link"] = message.url
        data["access_token"] = config.access_token
        body = self._call("POST", path, data=data)
        # /feed answers {"id": "<page>_<post>"}; /photos answers
        # {"id": "<photo>", "post_id": "<page>_<post>"}.
        remote_id = str(body.get("post_id") or body.get("id") or "")
        if not remote_id:
            raise TransportError(
                "Facebook przyjął wpis, ale nie podał jego identyfikatora.",
                permanent=True,
            )
        record_remote_id(delivery, remote_id)
        return remote_id

    def _call(self, method: str, path: str, **kwargs) -> dict:
        try:
            return call(self.api, method, path, **kwargs)
        except GraphError as error:
            if error.token_rejected:
                from .services import mark_token_rejected

                error.message = mark_token_rejected(self.config, error.message)
            raise

    def _reconcile(self, config, delivery, message: Envelope, text: str) -> str:
        since = (delivery.created_at or timezone.now()) - RECONCILE_MARGIN
        try:
            return find_post(self.api, config, since=since, url=message.url, text=text)
        except GraphError as error:
            if error.token_rejected:
                from .services import mark_token_rejected

                error.message = mark_token_rejected(config, error.message)
            elif error.permanent:
                error.message = (
                    "Nie udało się sprawdzić, czy wpis już jest na stronie "
                    f"(ponowienie wymaga odczytu wpisów strony). {error.message}"
                )
            raise

    def close(self):
        if self.api is not None:
            self.api.close()
            self.api = None
