"""Trainings of the programme's beneficiaries: when and where, who taught,
how many hours, and which households came for how long.

Funding bodies ask for the trainings with their participants and hours
(`trainings_report`, the rows another part of the reports builds on).
Attendance is personal data of the households: the screens are the
register's (coordinators and administrators, every look logged).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ratusz.gminas.models import Gmina

MAX_HOURS = Decimal("200")


class TrainingQuerySet(models.QuerySet):
    def with_totals(self):
        """Each training with `attended_count` and `attended_hours` (the
        hours of those who attended, summed)."""
        attended = Q(participants__attended=True)
        return self.annotate(
            enrolled_count=Count("participants"),
            attended_count=Count("participants", filter=attended),
            attended_hours=Sum("participants__hours_attended", filter=attended),
        )


class Training(models.Model):
    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="inclusion_trainings"
    )
    programme = models.ForeignKey(
        "inclusion.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
        verbose_name="program",
    )
    title = models.CharField("temat", max_length=200)
    starts_at = models.DateTimeField("początek")
    ends_at = models.DateTimeField("koniec")
    place = models.CharField("miejsce", max_length=200)
    trainer = models.CharField("prowadzący", max_length=200, blank=True)
    hours = models.DecimalField(
        "liczba godzin",
        max_digits=5,
        decimal_places=1,
        help_text="Godziny szkolenia według programu (np. 4 albo 2,5).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = "szkolenie"
        verbose_name_plural = "szkolenia"
        ordering = ["-starts_at", "-pk"]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.starts_at):%d.%m.%Y})"

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("Koniec szkolenia musi być po jego początku.")
        if self.hours is not None and not Decimal("0") < self.hours <= MAX_HOURS:
            errors["hours"] = _("Liczba godzin to od 0,5 do %(max)s.") % {
                "max": hours_text(MAX_HOURS)
            }
        if (
            self.programme_id
            and self.gmina_id
            and self.programme.gmina_id != self.gmina_id
        ):
            errors["programme"] = _("To nie jest program tej gminy.")
        if errors:
            raise ValidationError(errors)


class Participant(models.Model):
    """One household at one training: enrolled, and whether and how long it
    attended."""

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="participants"
    )
    household = models.ForeignKey(
        "inclusion.Household",
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name="gospodarstwo",
    )
    attended = models.BooleanField("obecność", default=False)
    hours_attended = models.DecimalField(
        "godziny obecności", max_digits=5, decimal_places=1, default=Decimal("0")
    )

    class Meta:
        verbose_name = "uczestnik szkolenia"
        verbose_name_plural = "uczestnicy szkoleń"
        ordering = ["household__surname", "household__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "household"],
                name="inclusion_participant_once",
            )
        ]

    def __str__(self):
        return f"{self.training_id}: {self.household_id}"


def add_participant(training: Training, household) -> Participant:
    """Enroll `household` (of the training's gmina and, if the training is
    a programme's, of that programme); enrolling twice changes nothing."""
    if household.gmina_id != training.gmina_id:
        raise ValidationError(_("To gospodarstwo nie należy do tej gminy."))
    if training.programme_id and household.programme_id != training.programme_id:
        raise ValidationError(
            _("Gospodarstwo nie należy do programu „%(programme)s”.")
            % {"programme": training.programme.name}
        )
    participant, _created = Participant.objects.get_or_create(
        training=training, household=household
    )
    return participant


def attendance_hours(training: Training, attended: bool, hours) -> Decimal:
    """The hours to store: none when absent, the whole training when present
    and not said otherwise; never more than the training had."""
    if not attended:
        return Decimal("0")
    if hours is None:
        return training.hours
    if hours < 0 or hours > training.hours:
        raise ValidationError(
            _("Godziny obecności: od 0 do %(hours)s.")
            % {"hours": hours_text(training.hours)}
        )
    return hours


@transaction.atomic
def record_attendance(training: Training, rows) -> int:
    """Save attendance: `rows` are (participant, attended, hours or None) of
    this training. Returns how many changed."""
    changed = 0
    for participant, attended, hours in rows:
        if participant.training_id != training.pk:
            raise ValidationError(_("Ten uczestnik jest zapisany na inne szkolenie."))
        hours = attendance_hours(training, attended, hours)
        if (participant.attended, participant.hours_attended) == (attended, hours):
            continue
        participant.attended = attended
        participant.hours_attended = hours
        participant.save(update_fields=["attended", "hours_attended"])
        changed += 1
    return changed


def _number(value) -> int | float:
    value = value or Decimal("0")
    return int(value) if value == value.to_integral_value() else float(value)


def hours_text(value) -> str:
    """4 → "4", 2.5 → "2,5" (Polish decimal comma)."""
    return str(_number(value)).replace(".", ",")


def trainings_report(gmina: Gmina, programme=None) -> tuple[str, list[str], list[list]]:
    """The trainings for a funding body's report: (title, headers, rows).

    One row per training, oldest first: the day it started (a `date`), the
    topic, the place, the households that attended and their hours summed
    (int, or float for halves).
    """
    trainings = Training.objects.filter(gmina=gmina)
    title = _("Szkolenia – %(gmina)s") % {"gmina": gmina.name}
    if programme is not None:
        trainings = trainings.filter(programme=programme)
        title = f"{title} – {programme.name}"
    headers = [
        _("Data"),
        _("Temat"),
        _("Miejsce"),
        _("Uczestnicy"),
        _("Godziny razem"),
    ]
    rows = [
        [
            timezone.localtime(training.starts_at).date(),
            training.title,
            training.place,
            training.attended_count,
            _number(training.attended_hours),
        ]
        for training in trainings.with_totals().order_by("starts_at", "pk")
    ]
    return title, headers, rows
