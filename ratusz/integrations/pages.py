"""What posting articles to a gmina's own page on a network shares.

Facebook (`facebook.FacebookPage`) and Mastodon (`mastodon.MastodonAccount`)
both keep one gmina's connection with a write-only token, stop posting when
the network refuses that token, and post each article once, whatever the
retries. The shared parts live here; each network adds its address fields,
its API and its words.
"""

from __future__ import annotations

import httpx
from django.db import models
from django.utils import timezone

from ratusz.lib import http
from ratusz.outbox.services import record_remote_id
from ratusz.outbox.transports import Envelope, TransportError


def when(moment) -> str:
    """A moment as staff read it in a token error: "03.12.2026, 13:05"."""
    return timezone.localtime(moment).strftime("%d.%m.%Y, %H:%M")


class PageAccount(models.Model):
    """One gmina's connection to its page on a network (abstract).

    A subclass has `gmina`, `enabled` and `access_token` (never shown again
    once saved) and says when it is connected (`is_connected`) and what
    staff read once the token is refused (`token_rejected_text`).
    """

    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when the network refused the token: posting stops until a new
    # token is saved. Plain Polish, shown to the gmina's staff.
    token_error = models.TextField(blank=True, editable=False)
    token_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def has_token(self) -> bool:
        return bool(self.access_token)

    def is_connected(self) -> bool:
        """Whether the address and the token are saved."""
        raise NotImplementedError

    def is_ready(self) -> bool:
        return bool(self.enabled and self.is_connected() and not self.token_error)

    def token_rejected_text(self, reason: str, now) -> str:
        raise NotImplementedError

    def mark_token_rejected(self, reason: str = "") -> str:
        """Stop posting until a new token is saved; return what the editor reads."""
        now = timezone.now()
        text = self.token_rejected_text(reason, now)
        type(self).objects.filter(pk=self.pk).update(
            token_error=text, token_error_at=now
        )
        self.token_error, self.token_error_at = text, now
        return text


class PageApiError(TransportError):
    """An error of a network's API; `token_rejected` when it refused the token."""

    @property
    def token_rejected(self) -> bool:
        return False


class PagePostTransport:
    """The outbox transport of a page channel: one article, posted once.

    1. A delivery that already has a remote id reached the network on an
       earlier attempt: its id is returned, nothing is posted again.
    2. A page that is not connected, switched off or whose token was refused
       fails the row at once with the reason.
    3. `post()` (the network's part) returns the new post's id, which is
       written to the row at once (`record_remote_id`), before anything else
       can fail. A refused token stops the gmina's posting
       (`PageAccount.mark_token_rejected`).
    """

    account_model: type[PageAccount]
    # What staff read when the page is not connected / switched off / when
    # the network took the post without naming it.
    not_connected: str
    switched_off: str
    no_remote_id: str

    def __init__(self, gmina):
        self.gmina = gmina
        self.config = self.account_model.objects.filter(gmina=gmina).first()
        self.api: httpx.Client | None = None

    def timeout(self) -> float:
        raise NotImplementedError

    def post(self, config, delivery, message: Envelope) -> str:
        raise NotImplementedError

    def send(self, delivery, message: Envelope) -> str:
        if delivery.remote_id:
            # An earlier attempt got as far as the network; never post twice.
            return delivery.remote_id
        config = self.config
        if config is None or not config.is_connected():
            raise TransportError(self.not_connected, permanent=True)
        if not config.enabled:
            raise TransportError(self.switched_off, permanent=True)
        if config.token_error:
            raise TransportError(config.token_error, permanent=True)
        if self.api is None:
            self.api = http.client(timeout=self.timeout())
        try:
            remote_id = self.post(config, delivery, message)
        except PageApiError as error:
            if error.token_rejected:
                error.message = config.mark_token_rejected(error.message)
            raise
        if not remote_id:
            raise TransportError(self.no_remote_id, permanent=True)
        record_remote_id(delivery, remote_id)
        return remote_id

    def close(self):
        if self.api is not None:
            self.api.close()
            self.api = None
