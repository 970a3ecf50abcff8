"""What the operator's monitoring reads: the worker's heartbeat and the
alerts sent about it and about deliveries."""

from django.db import models
from django.db.models import Q


class WorkerBeat(models.Model):
    """One row per worker host and process: when it last ran its per-minute
    task, and how late that task ran (the queue's lag)."""

    worker = models.CharField(max_length=120, unique=True)
    beat_at = models.DateTimeField()
    # How long the periodic task waited in the queue after its minute.
    lag_seconds = models.FloatField(default=0)
    started_at = models.DateTimeField()

    class Meta:
        verbose_name = "puls zadań w tle"
        verbose_name_plural = "puls zadań w tle"

    def __str__(self):
        return f"{self.worker} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class Alert(models.Model):
    """One incident: opened when a check fails, closed when it passes again.
    At most one open alert per kind, so the administrator gets one e-mail
    per incident however many processes notice it."""

    class Kind(models.TextChoices):
        WORKER = "worker", "zadania w tle nie działają"
        DELIVERIES = "deliveries", "wysyłki nie wychodzą"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.TextField(blank=True)
    opened_at = models.DateTimeField()
    # None until the e-mail went out (a failed send is retried next check).
    notified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "alert"
        verbose_name_plural = "alerty"
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(closed_at__isnull=True),
                name="operations_one_open_alert_per_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.opened_at:%Y-%m-%d %H:%M})"
