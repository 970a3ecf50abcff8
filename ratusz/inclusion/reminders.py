"""What the staff were reminded of, so that nothing is said twice.

One `StaffReminder` is one e-mail to the gmina's coordinators and
administrators (an outbox delivery per person, item
`inclusion-reminder:<id>`): either the durability checks that became due or
overdue since the last one (its `CheckReminder` rows), or the statements
still awaiting a few days before a campaign's window ends (once per
campaign). The job that writes them is `staff_reminders.py`.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from ratusz.gminas.models import Gmina


class StaffReminder(models.Model):
    class Kind(models.TextChoices):
        CHECKS = "checks", "kontrole trwałości"
        STATEMENTS = "statements", "oświadczenia przed końcem okna"

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="inclusion_staff_reminders"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    campaign = models.ForeignKey(
        "inclusion.StatementCampaign",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_reminders",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign"],
                condition=Q(campaign__isnull=False),
                name="inclusion_staffreminder_once_per_campaign",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class CheckReminder(models.Model):
    """A household's check was announced as due (or overdue) for a date."""

    class Kind(models.TextChoices):
        DUE = "due", "zbliża się termin"
        OVERDUE = "overdue", "po terminie"

    reminder = models.ForeignKey(
        StaffReminder, on_delete=models.CASCADE, related_name="checks"
    )
    household = models.ForeignKey(
        "inclusion.Household", on_delete=models.CASCADE, related_name="+"
    )
    # The check's due date (a household never visited: the durability start).
    due_on = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "due_on", "kind"],
                name="inclusion_checkreminder_once_per_due_date",
            )
        ]

    def __str__(self):
        return f"{self.household_id} {self.kind} {self.due_on}"
