"""What following asks of the integration behind a channel.

`fans` owns every rule of following; the parts only a provider knows (is
the gmina connected, how a code is sent, what raw messages it kept from a
follower's address) are asked of the provider that the integration
registers in its `AppConfig.ready`, so `fans` never imports an integration:

    providers.register(Channel.SMS, SmsProvider())
"""

from __future__ import annotations


class CodeNotSent(Exception):
    """The provider could not send a confirmation code; the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Provider:
    """The defaults: a channel nobody provides (not offered, keeps nothing)."""

    def is_available(self, gmina) -> bool:
        """Can residents of `gmina` sign up for this channel now?"""
        return False

    def send_code(self, gmina, to: str, text: str, *, idx: str) -> None:
        """Send a confirmation code's `text` to `to`, or raise CodeNotSent."""
        raise NotImplementedError

    def received_from(self, follower):
        """Raw messages the follower's address sent to the gmina, oldest first.

        Each has `sender`, `text`, `sent_at`, `received_at` and
        `get_result_display()`: the settings page shows them, the export
        lists them.
        """
        return []

    def forget_received_from(self, follower) -> None:
        """Delete what `received_from` returns (the follower's erasure)."""


_providers: dict[str, Provider] = {}


def register(channel: str, provider: Provider) -> None:
    _providers[channel] = provider


def get(channel: str) -> Provider:
    return _providers.get(channel) or Provider()
