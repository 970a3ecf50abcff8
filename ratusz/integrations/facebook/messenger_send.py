"""Staff replies to Messenger conversations, through the Send API.

`POST /{version}/{page-id}/messages` (form fields; the JSON objects
`recipient` and `message` as JSON strings, the Page access token in the
body, never in the URL). Facebook lets a Page answer a person:

- within 24 hours of their last message: `messaging_type=RESPONSE`;
- after that, up to 7 days, only as a human agent:
  `messaging_type=MESSAGE_TAG`, `tag=HUMAN_AGENT` (the app needs the Human
  Agent permission);
- after 7 days not at all: the delivery fails at once with a reason staff
  can read, and the inbox has warned beforehand (`messenger_window`).

Answer: `{"recipient_id": "<psid>", "message_id": "m_…"}`. Like Page posts
there is no idempotency key, so the message id is written to the delivery
row the moment it is known and a later attempt returns it instead of
sending again (see `facebook.transport`). Errors follow
https://developers.facebook.com/docs/messenger-platform/error-codes.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import httpx
from django.utils import timezone

from ratusz.lib import http
from ratusz.outbox.services import record_remote_id
from ratusz.outbox.transports import Envelope, TransportError

from .models import FacebookPage
from .transport import GraphError as SendApiError
from .transport import graph_url

logger = logging.getLogger(__name__)

TIMEOUT = 20.0
STANDARD_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
DEFAULT_RATE_LIMIT_WAIT = 300.0
RATE_LIMIT_CODES = {4, 17, 32, 613}
TRANSIENT_CODES = {1, 2}
OUTSIDE_WINDOW_SUBCODE = 2018278
NO_SUCH_USER_SUBCODE = 2018001

STANDARD = "standard"
HUMAN_AGENT = "human_agent"
CLOSED = "closed"

CLOSED_TEXT = (
    "Minęło ponad 7 dni od ostatniej wiadomości mieszkańca na Messengerze: "
    "Facebook nie pozwala już na nią odpowiedzieć. Odpowiedź jest widoczna "
    "pod linkiem do rozmowy; jeśli to ważne, skontaktuj się z mieszkańcem "
    "inną drogą."
)


def messenger_window(conversation, now=None):
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


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else DEFAULT_RATE_LIMIT_WAIT


def classify(response: httpx.Response) -> SendApiError:
    """A Send API error answer as a TransportError staff can read."""
    status = response.status_code
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    if not isinstance(error, dict):
        error = {}
    code, sub = error.get("code"), error.get("error_subcode")
    detail = str(error.get("message") or "")[:300]

    def fail(text, permanent, retry_after=None):
        return SendApiError(
            text, permanent=permanent, retry_after=retry_after, code=code, sub=sub
        )

    if code in (102, 190):
        return fail("Token Facebooka wygasł albo został unieważniony.", True)
    if code == 10 and sub == OUTSIDE_WINDOW_SUBCODE:
        return fail(
            "Facebook odrzucił odpowiedź: minęło okno odpowiedzi na Messengerze "
            "(24 godziny, z oznaczeniem „pracownik” 7 dni od ostatniej wiadomości "
            "mieszkańca). Skontaktuj się z mieszkańcem inną drogą.",
            True,
        )
    if code == 551:
        return fail(
            "Ta osoba jest teraz niedostępna na Messengerze (mogła zablokować "
            "stronę gminy albo usunąć konto). Odpowiedź jest widoczna pod linkiem "
            "do rozmowy.",
            True,
        )
    if code == 100 and sub == NO_SUCH_USER_SUBCODE:
        return fail(
            "Facebook nie zna tego odbiorcy (konto mogło zostać usunięte).", True
        )
    if status == 429 or code in RATE_LIMIT_CODES:
        return fail(
            "Facebook ogranicza liczbę wiadomości (limit zapytań); spróbujemy później.",
            False,
            _retry_after(response),
        )
    if status >= 500 or code in TRANSIENT_CODES or error.get("is_transient"):
        return fail(
            f"Facebook ma chwilowe kłopoty (HTTP {status}); spróbujemy później.", False
        )
    if code == 10 or code == 230 or (isinstance(code, int) and 200 <= code <= 299):
        return fail(
            "Token nie ma uprawnień do wysyłania wiadomości z tej strony "
            f"(potrzebne: pages_messaging). Facebook: {detail}",
            True,
        )
    if 400 <= status < 500:
        return fail(
            f"Facebook odrzucił wiadomość (HTTP {status}). {detail}".strip(), True
        )
    return fail(f"Nieoczekiwana odpowiedź Facebooka (HTTP {status}).", False)


class Transport:
    """The outbox's "messenger" channel: one staff reply to one PSID."""

    def __init__(self, gmina):
        self.gmina = gmina
        self.config = FacebookPage.objects.filter(gmina=gmina).first()
        self.api: httpx.Client | None = None

    def _conversation(self, message: Envelope):
        from ratusz.messenger.models import Conversation

        return Conversation.objects.filter(
            pk=message.extra.get("conversation"), gmina=self.gmina
        ).first()

    def send(self, delivery, message: Envelope) -> str:
        if delivery.remote_id:
            # An earlier attempt reached Facebook; never send twice.
            return delivery.remote_id
        config = self.config
        if config is None or not config.page_id or not config.access_token:
            raise TransportError(
                "Strona na Facebooku nie jest połączona (brak identyfikatora "
                "strony lub tokenu).",
                permanent=True,
            )
        if config.token_error:
            raise TransportError(config.token_error, permanent=True)
        psid = str(message.extra.get("psid") or "")
        conversation = self._conversation(message)
        if not psid or conversation is None:
            raise TransportError("Brak odbiorcy na Messengerze.", permanent=True)
        _, kind = messenger_window(conversation)
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
        body = self._post(f"{config.page_id}/messages", data)
        remote_id = str(body.get("message_id") or "")
        if not remote_id:
            raise TransportError(
                "Facebook przyjął wiadomość, ale nie podał jej identyfikatora.",
                permanent=True,
            )
        record_remote_id(delivery, remote_id)
        return remote_id

    def _post(self, path: str, data: dict) -> dict:
        if self.api is None:
            self.api = http.client(timeout=TIMEOUT)
        try:
            response = self.api.post(graph_url(path), data=data)
        except http.FetchError as error:  # BlockedHost included
            raise SendApiError(str(error), permanent=True) from error
        except httpx.TimeoutException as error:
            # Possibly delivered, and Facebook has no idempotency key: a
            # repeated reply costs the resident less than a lost one.
            raise SendApiError(
                "Facebook nie odpowiedział na czas; spróbujemy później.",
                permanent=False,
            ) from error
        except httpx.HTTPError as error:
            raise SendApiError(
                f"Brak połączenia z Facebookiem ({type(error).__name__}); "
                "spróbujemy później.",
                permanent=False,
            ) from error
        if response.status_code != 200:
            raise self._error(classify(response))
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or "error" in (body or {}):
            raise self._error(classify(response))
        return body

    def _error(self, error: SendApiError) -> SendApiError:
        if error.token_rejected and self.config is not None:
            from .services import mark_token_rejected

            error.message = mark_token_rejected(self.config, error.message)
        return error

    def close(self):
        if self.api is not None:
            self.api.close()
            self.api = None
