"""The one delivery engine's state: a row per (item, channel, recipient).

Rows are written in the same transaction as the thing that causes them (an
article going live), so nothing is sent for a publish that rolled back and
nothing is lost when the queue that wakes the worker loses a message: the
table is the queue. See `services` for how rows move between states.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ratusz.gminas.models import Gmina


class Channel(models.TextChoices):
    EMAIL = "email", "e-mail"
    PUSH = "push", "powiadomienie w przeglądarce"
    SMS = "sms", "SMS"
    FACEBOOK = "facebook", "Facebook"
    MASTODON = "mastodon", "Mastodon"
    MESSENGER = "messenger", "Messenger (odpowiedź w rozmowie)"


class DeliveryQuerySet(models.QuerySet):
    def for_gmina(self, gmina):
        return self.filter(gmina=gmina)

    def waiting_for_retry(self):
        """Rows that failed transiently and wait for their next attempt."""
        return self.filter(state=Delivery.State.PENDING).exclude(error="")

    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(state=Delivery.State.PENDING, next_attempt_at__lte=now)

    def claimable(self, now=None):
        """Due rows that no live worker holds."""
        now = now or timezone.now()
        return self.due(now).filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now)
        )

    def sendable(self, now=None):
        """Claimable rows whose gmina's channel is not paused by its breaker."""
        now = now or timezone.now()
        paused = CircuitBreaker.objects.filter(
            gmina=OuterRef("gmina"), channel=OuterRef("channel"), open_until__gt=now
        )
        return self.claimable(now).exclude(Exists(paused))


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "oczekuje"
        SENDING = "sending", "w trakcie wysyłki"
        SENT = "sent", "wysłano"
        FAILED = "failed", "błąd"
        # The worker died while this one was in flight: it may or may not
        # have gone out. Never retried automatically; an editor decides.
        UNKNOWN = "unknown", "nieznany (przerwana wysyłka)"
        CANCELLED = "cancelled", "anulowano"

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="deliveries"
    )
    # What is delivered, e.g. "article:123" or "digest:2026-11-24".
    item = models.CharField(max_length=80)
    # The article behind the item, for the editor's views; kept as history
    # when the page is deleted.
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(max_length=12, choices=Channel.choices)
    # Who, as a key that stays unique after the follower is erased:
    # "follower:12", "push:34", "page".
    recipient = models.CharField(max_length=80)
    follower = models.ForeignKey(
        "fans.Follower",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    push_subscription = models.ForeignKey(
        "fans.PushSubscription",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    # Channel-specific content fixed when the row was planned (an editor's
    # SMS or Facebook text), so a later edit of the article changes nothing.
    payload = models.JSONField(default=dict, blank=True)

    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker's claim on a batch of pending rows; it lapses on its own.
    claimed_by = models.CharField(max_length=120, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    remote_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = "wysyłka"
        verbose_name_plural = "wysyłki"
        constraints = [
            models.UniqueConstraint(
                fields=["item", "channel", "recipient"],
                name="outbox_delivery_once_per_recipient",
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["page", "channel", "state"], name="outbox_progress"),
        ]

    def __str__(self):
        return f"{self.item} → {self.channel}:{self.recipient} ({self.state})"

    def is_due(self, now=None) -> bool:
        now = now or timezone.now()
        return self.state == self.State.PENDING and self.next_attempt_at <= now


class CircuitBreakerQuerySet(models.QuerySet):
    def open(self, now=None):
        return self.filter(open_until__gt=now or timezone.now())


class CircuitBreaker(models.Model):
    """A gmina's channel that keeps failing: paused for a while (SECURITY.md C13).

    One row per (gmina, channel), in the database so that every worker
    process sees the same state. `failures` counts transient failures in a
    row (a success resets it; a permanent, per-recipient error leaves it
    alone); reaching the threshold sets `open_until`, and until then no
    worker sends that channel's rows. After the pause the next attempt
    decides: a success closes the breaker, another failure opens it again.
    """

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="circuit_breakers"
    )
    channel = models.CharField(max_length=12, choices=Channel.choices)
    failures = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    open_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CircuitBreakerQuerySet.as_manager()

    class Meta:
        verbose_name = "wstrzymanie kanału"
        verbose_name_plural = "wstrzymania kanałów"
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "channel"],
                name="outbox_circuitbreaker_one_per_channel",
            )
        ]

    def __str__(self):
        return f"{self.gmina_id}:{self.channel} ({self.failures})"

    def is_open(self, now=None) -> bool:
        return self.open_until is not None and self.open_until > (now or timezone.now())
