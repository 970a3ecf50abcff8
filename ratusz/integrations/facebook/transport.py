"""Facebook's two outbox transports, both through the Graph API (`graph.py`).

Page posts (`Transport`, outbox channel "facebook")
---------------------------------------------------

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

Messenger replies (`ReplyTransport`, outbox channel "messenger")
----------------------------------------------------------------
Staff replies to a resident who wrote to the Page on Facebook Messenger go
through the Send API: `POST /{version}/{page-id}/messages` (form fields; the
JSON objects `recipient` and `message` as JSON strings, the Page access token
in the body, never in the URL). Facebook lets a Page answer a person:

- within 24 hours of their last message: `messaging_type=RESPONSE`;
- after that, up to 7 days, only as a human agent:
  `messaging_type=MESSAGE_TAG`, `tag=HUMAN_AGENT` (the app needs the Human
  Agent permission);
- after 7 days not at all: the delivery fails at once with a reason staff
  can read, and the inbox has warned beforehand (`reply_window`).

Answer: `{"recipient_id": "<psid>", "message_id": "m_…"}`. As for Page posts
there is no idempotency key, so the message id is written to the delivery
row the moment it is known and a later attempt returns it instead of
sending again. Errors follow
https://developers.facebook.com/docs/messenger-platform/error-codes.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import httpx
from django.utils import timezone

from ratusz.integrations.pages import PagePostTransport
from ratusz.lib import http
from ratusz.messenger.models import Conversation
from ratusz.messenger.networks import CLOSED, HUMAN_AGENT, STANDARD
from ratusz.outbox.services import record_remote_id
from ratusz.outbox.transports import Envelope, TransportError

from .graph import Failure, GraphError, Use, call
from .models import FacebookPage

logger = logging.getLogger(__name__)

TIMEOUT = 20.0
NOT_CONNECTED = (
    "Strona na Facebooku nie jest połączona (brak identyfikatora strony lub tokenu)."
)


# Page posts ------------------------------------------------------------------


def _post_refusal(failure: Failure) -> str | None:
    if failure.code == 100:
        return (
            "Facebook odrzucił wpis: nieprawidłowy parametr lub strona. "
            f"{failure.detail}"
        )
    if failure.code == 506:
        return "Facebook odrzucił wpis jako powtórzenie poprzedniego."
    if failure.code == 1609005:
        return (
            "Facebook nie mógł odczytać linku do artykułu. Sprawdź, czy strona "
            "gminy jest dostępna z internetu."
        )
    return None


PAGE_POSTS = Use(
    many="wpisów",
    one="wpis",
    permissions="Token nie ma uprawnień do publikowania na tej stronie (potrzebne: "
    "pages_manage_posts i pages_read_engagement, a token musi być tokenem strony).",
    refusal=_post_refusal,
)

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
        body = call(api, "GET", f"{config.page_id}/feed", PAGE_POSTS, params=params)
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


class Transport(PagePostTransport):
    """The outbox's "facebook" channel: one article on the gmina's Page."""

    account_model = FacebookPage
    not_connected = NOT_CONNECTED
    switched_off = "Publikowanie na Facebooku jest wyłączone w ustawieniach gminy."
    no_remote_id = "Facebook przyjął wpis, ale nie podał jego identyfikatora."

    def timeout(self) -> float:
        return TIMEOUT

    def post(self, config, delivery, message: Envelope) -> str:
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
        body = call(self.api, "POST", path, PAGE_POSTS, data=data)
        # /feed answers {"id": "<page>_<post>"}; /photos answers
        # {"id": "<photo>", "post_id": "<page>_<post>"}.
        return str(body.get("post_id") or body.get("id") or "")

    def _reconcile(self, config, delivery, message: Envelope, text: str) -> str:
        since = (delivery.created_at or timezone.now()) - RECONCILE_MARGIN
        try:
            return find_post(self.api, config, since=since, url=message.url, text=text)
        except GraphError as error:
            if error.permanent and not error.token_rejected:
                error.message = (
                    "Nie udało się sprawdzić, czy wpis już jest na stronie "
                    f"(ponowienie wymaga odczytu wpisów strony). {error.message}"
                )
            raise


# Messenger replies -----------------------------------------------------------

STANDARD_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
OUTSIDE_WINDOW_SUBCODE = 2018278
NO_SUCH_USER_SUBCODE = 2018001

CLOSED_TEXT = (
    "Minęło ponad 7 dni od ostatniej wiadomości mieszkańca na Messengerze: "
    "Facebook nie pozwala już na nią odpowiedzieć. Odpowiedź jest widoczna "
    "pod linkiem do rozmowy; jeśli to ważne, skontaktuj się z mieszkańcem "
    "inną drogą."
)


def reply_window(conversation, now=None):
    """(deadline, kind): until when and how the Page may still answer.

    kind is "standard" (within 24 h of the resident's last message),
    "human_agent" (24 h – 7 days, sent with the HUMAN_AGENT tag) or "closed"
    (deadline: when it closed; None when the resident never wrote).
    """
    now = now or timezone.now()
    last = conversation.last_resident_message_at
    if last is None:
        return None, CLOSED
    if now < last + STANDARD_WINDOW:
        return last + STANDARD_WINDOW, STANDARD
    if now < last + HUMAN_AGENT_WINDOW:
        return last + HUMAN_AGENT_WINDOW, HUMAN_AGENT
    return last + HUMAN_AGENT_WINDOW, CLOSED


def _reply_refusal(failure: Failure) -> str | None:
    if failure.code == 10 and failure.sub == OUTSIDE_WINDOW_SUBCODE:
        return (
            "Facebook odrzucił odpowiedź: minęło okno odpowiedzi na Messengerze "
            "(24 godziny, z oznaczeniem „pracownik” 7 dni od ostatniej wiadomości "
            "mieszkańca). Skontaktuj się z mieszkańcem inną drogą."
        )
    if failure.code == 551:
        return (
            "Ta osoba jest teraz niedostępna na Messengerze (mogła zablokować "
            "stronę gminy albo usunąć konto). Odpowiedź jest widoczna pod linkiem "
            "do rozmowy."
        )
    if failure.code == 100 and failure.sub == NO_SUCH_USER_SUBCODE:
        return "Facebook nie zna tego odbiorcy (konto mogło zostać usunięte)."
    return None


REPLIES = Use(
    many="wiadomości",
    one="wiadomość",
    permissions="Token nie ma uprawnień do wysyłania wiadomości z tej strony "
    "(potrzebne: pages_messaging).",
    refusal=_reply_refusal,
)


class ReplyTransport:
    """The outbox's "messenger" channel: one staff reply to one PSID.

    Unlike Page posts, replies go out even while posting articles is
    switched off (`FacebookPage.enabled`): the resident asked.
    """

    def __init__(self, gmina):
        self.gmina = gmina
        self.config = FacebookPage.objects.filter(gmina=gmina).first()
        self.api: httpx.Client | None = None

    def _conversation(self, message: Envelope):
        return Conversation.objects.filter(
            pk=message.extra.get("conversation"), gmina=self.gmina
        ).first()

    def send(self, delivery, message: Envelope) -> str:
        if delivery.remote_id:
            # An earlier attempt reached Facebook; never send twice.
            return delivery.remote_id
        config = self.config
        if config is None or not config.is_connected():
            raise TransportError(NOT_CONNECTED, permanent=True)
        if config.token_error:
            raise TransportError(config.token_error, permanent=True)
        psid = str(message.extra.get("psid") or "")
        conversation = self._conversation(message)
        if not psid or conversation is None:
            raise TransportError("Brak odbiorcy na Messengerze.", permanent=True)
        _, kind = reply_window(conversation)
        if kind == CLOSED:
            raise TransportError(CLOSED_TEXT, permanent=True)
        data = {
            "recipient": json.dumps({"id": psid}),
            "message": json.dumps({"text": message.text}, ensure_ascii=False),
            "access_token": config.access_token,
        }
        if kind == STANDARD:
            data["messaging_type"] = "RESPONSE"
        else:
            data["messaging_type"] = "MESSAGE_TAG"
            data["tag"] = "HUMAN_AGENT"
        if self.api is None:
            self.api = http.client(timeout=TIMEOUT)
        try:
            body = call(
                self.api, "POST", f"{config.page_id}/messages", REPLIES, data=data
            )
        except GraphError as error:
            if error.token_rejected:
                error.message = config.mark_token_rejected(error.message)
            raise
        remote_id = str(body.get("message_id") or "")
        if not remote_id:
            raise TransportError(
                "Facebook przyjął wiadomość, ale nie podał jej identyfikatora.",
                permanent=True,
            )
        record_remote_id(delivery, remote_id)
        return remote_id

    def close(self):
        if self.api is not None:
            self.api.close()
            self.api = None
