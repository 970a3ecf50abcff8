"""SMS through SMSAPI.pl: `POST /sms.do`, one gmina's account per transport.

The request is built by hand (form fields, Bearer token) and sent through
`ratusz.lib.http.client()`; smsapi-client uses `requests` and could not be
pointed at the guarded client. `idx` carries our own id with `check_idx=1`,
so SMSAPI refuses to send the same delivery twice.

Answers (format=json): `{"count": 1, "list": [{"id": "…", …}]}` on success,
`{"error": <code>, "message": "…"[, "invalid_numbers": […]]}` on failure —
with HTTP 200 or a 4xx status, so both are read the same way.
"""

from __future__ import annotations

import logging

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from ratusz.lib import http
from ratusz.outbox.transports import Envelope, TransportError

from .models import SmsSettings

logger = logging.getLogger(__name__)

TIMEOUT = 15.0

# SMSAPI error codes. Checked against https://www.smsapi.pl/statusy-wiadomosci
# ("Kody błędów"): 8 error in the request, 11 message too long or empty,
# 12 over 160 characters with single=1, 13 no valid phone numbers (wrong,
# landline or blacklisted), 14 invalid sender field, 18 wrong number of
# parameters, 20 wrong number of IDX values, 27 IDX longer than 255 — all
# about this request, so permanent. The JSON shape of an error (`error`,
# `message`, `invalid_numbers` with `number`/`submitted_number`/`message`)
# and the /sms.do parameters (idx, check_idx, encoding, test, from, …) follow
# smsapi/smsapi-python-client (smsapi/sms/api.py, smsapi/exception.py,
# tests/sms/fixtures/send_to_invalid_number.json). The 1xx account codes and
# 2xx/999 system codes below are not in those sources and stay as they were.
DOCUMENTED_PERMANENT = {8, 11, 12, 13, 14, 17, 18, 19, 20, 27}
AUTH_ERRORS = {101, 102, 1001}  # bad or expired token, bad credentials
INVALID_NUMBER = {13}
INVALID_SENDER = {14}
TRANSIENT_ERRORS = {201, 202, 203, 999}  # internal error, too many requests


class InvalidNumber(TransportError):
    """SMSAPI refused the recipient's number (error 13)."""


def token_message() -> str:
    return _(
        "Token SMSAPI jest nieprawidłowy lub wygasł — wprowadź nowy w ustawieniach."
    )


def _api_number(phone: str) -> str:
    """SMSAPI takes numbers as digits with the country code: 48600123456."""
    return phone.lstrip("+")


class SmsApi:
    """One gmina's SMSAPI account; reuses its HTTP connection until `close()`."""

    def __init__(self, gmina, sms_settings: SmsSettings | None = None):
        self.gmina = gmina
        self.settings = sms_settings or SmsSettings.objects.filter(gmina=gmina).first()
        self._client: httpx.Client | None = None

    def _check_settings(self) -> SmsSettings:
        if self.settings is None or not self.settings.is_configured():
            raise TransportError(
                _("SMS-y nie są skonfigurowane: brak tokenu SMSAPI w ustawieniach."),
                permanent=True,
            )
        if self.settings.token_error:
            raise TransportError(self.settings.token_error, permanent=True)
        return self.settings

    def send(self, phone: str, text: str, *, idx: str) -> str:
        """Send `text` to `phone` (E.164); return SMSAPI's message id."""
        config = self._check_settings()
        fields = {
            "to": _api_number(phone),
            "message": text,
            "encoding": "utf-8",
            "format": "json",
            "idx": idx,
            "check_idx": "1",
        }
        if config.sender:
            fields["from"] = config.sender
        if config.test_mode:
            fields["test"] = "1"
        if self._client is None:
            self._client = http.client(timeout=TIMEOUT)
        try:
            response = self._client.post(
                settings.SMSAPI_URL.rstrip("/") + "/sms.do",
                data=fields,
                headers={
                    "Authorization": f"Bearer {config.token}",
                    "Accept": "application/json",
                },
            )
        except http.BlockedHost as error:
            raise TransportError(str(error), permanent=True) from error
        except httpx.TimeoutException as error:
            self.close()
            raise TransportError(
                _("SMSAPI nie odpowiedziało na czas."), permanent=False
            ) from error
        except httpx.HTTPError as error:
            self.close()
            raise TransportError(
                _("Brak połączenia z SMSAPI (%(error)s).")
                % {"error": type(error).__name__},
                permanent=False,
            ) from error
        return self._read(response)

    def _read(self, response: httpx.Response) -> str:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("error") not in (None, "", 0):
            raise self._api_error(body, response)
        if status == 429 or status >= 500:
            raise TransportError(
                _("SMSAPI jest chwilowo niedostępne (HTTP %(status)d).")
                % {"status": status},
                permanent=False,
                retry_after=http.retry_after(response),
            )
        if status in (401, 403):
            raise self._token_refused()
        if status >= 400:
            raise TransportError(
                _("SMSAPI odrzuciło wiadomość (HTTP %(status)d).") % {"status": status},
                permanent=status != 408,
            )
        try:
            return str(body["list"][0]["id"])
        except (TypeError, KeyError, IndexError):
            raise TransportError(
                _("Niezrozumiała odpowiedź SMSAPI (HTTP %(status)d).")
                % {"status": status},
                permanent=False,
            ) from None

    def _api_error(self, body: dict, response: httpx.Response) -> TransportError:
        status = response.status_code
        code = body.get("error")
        detail = str(body.get("message") or "")[:200]
        try:
            code = int(code)
        except (TypeError, ValueError):
            pass
        if code in AUTH_ERRORS or code == "invalid_token":
            return self._token_refused()
        if code in INVALID_NUMBER or body.get("invalid_numbers"):
            return InvalidNumber(
                _("Nieprawidłowy numer telefonu odbiorcy (SMSAPI: %(detail)s).")
                % {"detail": detail or code},
                permanent=True,
            )
        if code in INVALID_SENDER:
            return TransportError(
                _(
                    "Nazwa nadawcy nie jest aktywna w SMSAPI — popraw ją "
                    "w ustawieniach SMS."
                ),
                permanent=True,
            )
        if code == 103:
            return TransportError(
                _("Brak punktów na koncie SMSAPI — doładuj konto i ponów wysyłkę."),
                permanent=True,
            )
        transient = code in TRANSIENT_ERRORS or status == 429 or status >= 500
        return TransportError(
            _("SMSAPI zwróciło błąd %(code)s: %(detail)s")
            % {"code": code, "detail": detail},
            permanent=not transient,
            retry_after=http.retry_after(response),
        )

    def _token_refused(self) -> TransportError:
        message = token_message()
        if self.settings is not None and self.settings.token_error != message:
            # Stop this gmina's sending until staff save a new token.
            SmsSettings.objects.filter(pk=self.settings.pk).update(token_error=message)
            self.settings.token_error = message
            logger.warning("SMSAPI refused the token of gmina %s", self.gmina.pk)
        return TransportError(message, permanent=True)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


class Transport:
    """The outbox's SMS transport: an article's text to one follower."""

    def __init__(self, gmina):
        self.gmina = gmina
        self.api = SmsApi(gmina)

    def send(self, delivery, message: Envelope) -> str:
        phone = delivery.follower.phone if delivery.follower else ""
        if not delivery.follower_id:
            # Not a follower (a messenger notification): the composer's number.
            phone = message.extra.get("to", "")
        if not phone:
            raise TransportError(_("Brak numeru telefonu odbiorcy."), permanent=True)
        # The delivery's id: a retry after a lost answer is refused by SMSAPI
        # instead of reaching the resident twice.
        return self.api.send(phone, message.text, idx=str(delivery.pk))

    def close(self) -> None:
        self.api.close()
