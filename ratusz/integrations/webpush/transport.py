"""Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm (RFC 8291).

The payload is encrypted for the browser's key with http_ece and signed with
py-vapid; the request goes out through `ratusz.lib.http.client()`, because
push endpoints are URLs that browsers (so anybody) hand to the server.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading

import http_ece
import httpx
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.templatetags.static import static

from ratusz.fans.models import PushSubscription
from ratusz.lib import http
from ratusz.outbox.transports import Envelope, TransportError

from . import vapid

SENT = {200, 201, 202}
GONE = {404, 410}
TRANSIENT = {408, 425, 429}
# A push service refuses payloads over 4 kB (RFC 8030 § 7.2).
MAX_PAYLOAD = 3800

_clients = threading.local()


def b64decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def encrypt(payload: bytes, p256dh: str, auth: str) -> bytes:
    """The aes128gcm body for one subscription (a fresh ECDH key each time)."""
    try:
        receiver = b64decode(p256dh)
        secret = b64decode(auth)
    except (binascii.Error, ValueError) as error:
        raise TransportError(
            "Subskrypcja ma uszkodzone klucze (p256dh/auth).", permanent=True
        ) from error
    if len(receiver) != 65 or receiver[0] != 4 or len(secret) != 16:
        raise TransportError(
            "Subskrypcja ma nieprawidłowe klucze (p256dh/auth).", permanent=True
        )
    server_key = ec.generate_private_key(ec.SECP256R1())
    try:
        return http_ece.encrypt(
            payload,
            private_key=server_key,
            dh=receiver,
            auth_secret=secret,
            version="aes128gcm",
        )
    except ValueError as error:  # not a point on the curve
        raise TransportError(
            "Subskrypcja ma nieprawidłowy klucz przeglądarki.", permanent=True
        ) from error


def _reason(response: httpx.Response) -> str:
    text = " ".join(response.text.split())[:200]
    return f" ({text})" if text else ""


class Transport:
    def __init__(self, gmina):
        self.gmina = gmina
        self.keys = vapid.keys()
        self._urgent: dict[int, bool] = {}
        self._icon: str | None = None

    def _http(self) -> httpx.Client:
        # One client per worker thread, kept across batches: building one
        # (its TLS context) costs more than sending a batch of 50 over
        # keep-alive connections.
        timeout = settings.WEBPUSH_TIMEOUT
        client = getattr(_clients, "client", None)
        if client is None or getattr(_clients, "timeout", None) != timeout:
            if client is not None:
                client.close()
            client = _clients.client = http.client(timeout=timeout)
            _clients.timeout = timeout
        return client

    def send(self, delivery, message: Envelope) -> str:
        subscription = delivery.push_subscription
        if subscription is None:
            raise TransportError(
                "Subskrypcja powiadomień została usunięta.", permanent=True
            )
        body = encrypt(
            self.payload(delivery, message), subscription.p256dh, subscription.auth
        )
        headers = {
            "TTL": str(settings.WEBPUSH_TTL),
            "Urgency": "high" if self._is_urgent(delivery) else "normal",
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "Authorization": self.keys.authorization(subscription.endpoint),
        }
        try:
            response = self._http().post(
                subscription.endpoint, content=body, headers=headers
            )
        except http.BlockedHost as error:
            raise TransportError(str(error), permanent=True) from error
        except http.FetchError as error:  # the host name does not resolve
            raise TransportError(str(error), permanent=False) from error
        except httpx.TimeoutException as error:
            self._drop_connections()
            raise TransportError(
                "Usługa powiadomień nie odpowiedziała na czas.", permanent=False
            ) from error
        except httpx.HTTPError as error:
            self._drop_connections()
            raise TransportError(
                f"Brak połączenia z usługą powiadomień ({type(error).__name__}).",
                permanent=False,
            ) from error
        return self._result(subscription, response)

    def _result(self, subscription: PushSubscription, response) -> str:
        status = response.status_code
        if status in SENT:
            return response.headers.get("location", "")[:200]
        if status in GONE:
            # The browser unsubscribed or the subscription expired: it will
            # never work again (RFC 8030 § 7.3). Its pending rows lose it too.
            PushSubscription.objects.filter(pk=subscription.pk).delete()
            raise TransportError(
                f"Subskrypcja wygasła lub została wycofana w przeglądarce "
                f"({status}); usunięto ją.",
                permanent=True,
            )
        if status in TRANSIENT or status >= 500:
            raise TransportError(
                f"Usługa powiadomień jest chwilowo niedostępna lub przeciążona "
                f"({status}){_reason(response)}.",
                permanent=False,
                retry_after=http.retry_after(response),
            )
        if status in (401, 403):
            problem = "odrzuciła podpis VAPID – sprawdź klucze VAPID"
        elif status == 413:
            problem = "uznała wiadomość za zbyt dużą"
        else:
            problem = "odrzuciła wiadomość"
        raise TransportError(
            f"Usługa powiadomień {problem} ({status}){_reason(response)}.",
            permanent=True,
        )

    def payload(self, delivery, message: Envelope) -> bytes:
        data = {
            "title": message.subject,
            "body": message.text,
            "url": message.url,
            "icon": self._icon_url(),
            # The browser replaces a notification with the same tag, so a
            # message sent again (after an "unknown") is not shown twice.
            "tag": delivery.item,
        }
        encoded = json.dumps(data, ensure_ascii=False).encode()
        if len(encoded) > MAX_PAYLOAD:
            data["body"] = data["body"][:200]
            data["title"] = data["title"][:200]
            encoded = json.dumps(data, ensure_ascii=False).encode()
        return encoded

    def _is_urgent(self, delivery) -> bool:
        if delivery.page_id is None:
            return False
        if delivery.page_id not in self._urgent:
            self._urgent[delivery.page_id] = delivery.page.specific.is_marked_urgent()
        return self._urgent[delivery.page_id]

    def _icon_url(self) -> str:
        if self._icon is None:
            try:
                path = static("img/favicon.svg")
            except ValueError:  # no collectstatic manifest: an icon is optional
                path = settings.STATIC_URL + "img/favicon.svg"
            if self.gmina.coat_of_arms_id:
                path = self.gmina.coat_of_arms.get_rendition("max-192x192").url
            self._icon = path if "://" in path else self.gmina.absolute_url(path)
        return self._icon

    def close(self):
        """Keep the thread's connections for the next batch."""

    def _drop_connections(self):
        client = getattr(_clients, "client", None)
        if client is not None:
            _clients.client = None
            client.close()
