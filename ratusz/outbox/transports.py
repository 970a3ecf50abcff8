"""What the engine needs from a network, and the envelope it hands over.

Each `ratusz/integrations/<network>/transport.py` has a `Transport` class,
registered for its channel by the network's `AppConfig.ready`
(`registry.register_transport`):

    transport = Transport(gmina)          # cheap; connects lazily
    remote_id = transport.send(delivery, envelope)
    transport.close()                     # end of a batch

`send` returns the provider's id for the sent thing ("" when there is none)
or raises `TransportError`. One transport object serves a whole batch of the
same gmina and channel, so connections (SMTP, HTTP keep-alive) are reused.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class TransportError(Exception):
    """Sending failed. `permanent` errors are never retried.

    `retry_after` (seconds) is the provider's own hint, e.g. from a 429's
    Retry-After header. `message` is shown to editors, so it is plain Polish.
    """

    def __init__(
        self, message: str, *, permanent: bool, retry_after: float | None = None
    ):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after


@dataclass
class Envelope:
    """One thing to deliver, already composed for one recipient.

    Not `messenger.models.Message` (a message in a conversation): an envelope
    is what a composer hands the engine for one `Delivery`.
    """

    subject: str
    text: str
    url: str = ""
    html: str = ""
    image_url: str = ""
    # E-mail only: the deterministic Message-ID and extra headers.
    message_id: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    # Anything a network needs besides, e.g. an idempotency key.
    extra: dict = field(default_factory=dict)
