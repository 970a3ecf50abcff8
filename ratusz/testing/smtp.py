"""A real SMTP server on loopback for tests (aiosmtpd), with fault injection.

with SmtpSink() as sink:
    sink.reply_for["zly@example.org"] = "550 5.1.1 No such user"
    ... settings EMAIL_HOST=sink.host, EMAIL_PORT=sink.port ...
    sink.messages  # email.message.Message objects, in arrival order
"""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.sink.reply_for.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.sink.lock:
            if self.sink.data_reply:
                return self.sink.data_reply
            self.sink.messages.append(message)
            self.sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


class SmtpSink:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.messages: list = []
        self.envelopes: list = []
        self.reply_for: dict[str, str] = {}
        self.data_reply: str | None = None
        self.lock = threading.Lock()
        if not port:  # aiosmtpd checks its port by connecting: it needs a real one
            with socket.socket() as probe:
                probe.bind((host, 0))
                port = probe.getsockname()[1]
        self.controller = Controller(_Handler(self), hostname=host, port=port)

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller.server is not None:  # stopping twice is fine
            self.controller.stop()

    @property
    def host(self) -> str:
        return self.controller.hostname

    @property
    def port(self) -> int:
        return self.controller.port

    def settings(self) -> dict:
        """Django settings that route mail here."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
