"""E-mail through any SMTP server (settings.EMAIL_*), one connection per batch."""

from __future__ import annotations

import smtplib
import socket
import ssl

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from ratusz.lib.mailbox import gmina_headers
from ratusz.outbox.transports import Envelope, TransportError


def _classify(error: Exception) -> TransportError:
    """SMTP 4xx and network trouble are transient; SMTP 5xx is permanent."""
    code, text = None, b""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, text = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, text = error.smtp_code, error.smtp_error
    if code is not None:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        detail = f"Serwer poczty odpowiedział {code}: {text}".strip(": ")
        return TransportError(detail[:500], permanent=500 <= code < 600)
    if isinstance(error, (smtplib.SMTPException, OSError)):
        return TransportError(
            f"Brak połączenia z serwerem poczty ({_network_problem(error)}).",
            permanent=False,
        )
    raise error


def _network_problem(error: Exception) -> str:
    """What went wrong, in words an editor can pass on to whoever hosts it."""
    # Most specific first: several of these are subclasses of OSError.
    problems = [
        (ConnectionRefusedError, "serwer odmówił połączenia"),
        (socket.gaierror, "nie znaleziono serwera pod podanym adresem"),
        (TimeoutError, "serwer nie odpowiedział w czasie"),
        (ssl.SSLError, "nie udało się nawiązać szyfrowanego połączenia"),
        (smtplib.SMTPServerDisconnected, "serwer przerwał połączenie"),
    ]
    for kind, words in problems:
        if isinstance(error, kind):
            return words
    return "błąd sieci"


class Transport:
    def __init__(self, gmina):
        self.gmina = gmina
        self.connection = None

    def _connect(self):
        if self.connection is None:
            self.connection = get_connection(fail_silently=False, timeout=30)
            self.connection.open()
        return self.connection

    def send(self, delivery, message: Envelope) -> str:
        address = delivery.follower.email if delivery.follower else ""
        if not delivery.follower_id:
            # Not a follower (e.g. a resident told about a reply in the
            # messenger): the composer names the address at send time.
            address = message.extra.get("to", "")
        if not address:
            raise TransportError("Brak adresu e-mail odbiorcy.", permanent=True)
        headers = {
            "Message-ID": message.message_id,
            **gmina_headers(self.gmina.pk),
            **message.headers,
        }
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=_sender(self.gmina),
            to=[address],
            headers=headers,
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        try:
            self._connect().send_messages([email])
        except Exception as error:
            self.close()  # the connection's state is unknown: start afresh
            raise _classify(error) from error
        return message.message_id

    def close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            except (smtplib.SMTPException, OSError):
                pass  # closing a broken connection must not hide the result
            self.connection = None


def _sender(gmina) -> str:
    """'Gmina Zawada <ratusz@…>': the gmina's name, the installation's address."""
    from email.utils import formataddr, parseaddr

    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((gmina.name, address or settings.DEFAULT_FROM_EMAIL))
