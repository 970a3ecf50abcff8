"""Durability checks: a visit at the household (is the equipment there and
used?), with a result, a note, an optional photo and the next due date;
the "due" and "overdue" lists of the households still to visit.

Only programmes that require checks at the household (`household_checks`)
and are in durability on the day count. A household never checked is
overdue.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from ratusz.gminas.models import Gmina
from ratusz.lib import private_files

from .households import Household
from .programmes import add_years

PHOTO_TYPES = {"image/jpeg": ".jpg", "image/png": ".png"}
# A household due within this many days is on the "due" list.
DUE_WITHIN = timedelta(days=30)


class Inspection(models.Model):
    class Result(models.TextChoices):
        OK = "ok", "sprzęt na miejscu i używany"
        ISSUES = "issues", "uwagi (np. uszkodzenie, nieużywany)"
        MISSING = "missing", "brak sprzętu"
        NO_ACCESS = "no_access", "nie zastano / brak dostępu"

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="inclusion_inspections"
    )
    household = models.ForeignKey(
        "inclusion.Household", on_delete=models.CASCADE, related_name="inspections"
    )
    checked_on = models.DateField("data kontroli")
    result = models.CharField("wynik", max_length=10, choices=Result.choices)
    note = models.TextField("notatka", blank=True)
    photo = models.CharField(max_length=200, blank=True)  # private storage name
    photo_type = models.CharField(max_length=30, blank=True)
    next_due_on = models.DateField("następna kontrola")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "kontrola trwałości"
        verbose_name_plural = "kontrole trwałości"
        ordering = ["-checked_on", "-pk"]

    def __str__(self):
        return f"{self.checked_on:%d.%m.%Y} {self.get_result_display()}"


def record_inspection(
    household,
    *,
    checked_on: date,
    result: str,
    note="",
    photo=None,
    next_due_on=None,
    by=None,
) -> Inspection:
    """Keep a visit's outcome; the next one defaults to a year later."""
    if next_due_on is not None and next_due_on <= checked_on:
        raise ValidationError(_("Następna kontrola musi być po tej kontroli."))
    inspection = Inspection(
        gmina=household.gmina,
        household=household,
        checked_on=checked_on,
        result=result,
        note=note,
        next_due_on=next_due_on or add_years(checked_on, 1),
        by=by,
    )
    if photo is not None:
        _keep_photo(inspection, photo)
    inspection.save()
    return inspection


def _keep_photo(inspection: Inspection, upload) -> None:
    if getattr(upload, "too_big", False):
        raise ValidationError(_("Zdjęcie jest za duże."))
    head = upload.read(2048)
    upload.seek(0)
    content_type = private_files.sniff(head)
    if content_type not in PHOTO_TYPES:
        raise ValidationError(_("Zdjęcie musi być plikiem JPEG lub PNG."))
    inspection.photo = private_files.storage().save(
        private_files.random_name("inclusion/inspections", PHOTO_TYPES[content_type]),
        upload,
    )
    inspection.photo_type = content_type


def households_to_check(gmina: Gmina, today: date):
    """Households of programmes in durability that require checks, each with
    `next_due_on` (None: never checked), soonest first."""
    in_durability = [
        p.pk
        for p in gmina.inclusion_programmes.filter(household_checks=True)
        if p.durability_state(today) == "running"
    ]
    latest = Inspection.objects.filter(household=OuterRef("pk")).order_by(
        "-checked_on", "-pk"
    )
    return (
        Household.objects.filter(gmina=gmina, programme__in=in_durability)
        .annotate(next_due_on=Subquery(latest.values("next_due_on")[:1]))
        .select_related("village", "programme")
        .order_by(models.F("next_due_on").asc(nulls_first=True), "surname", "pk")
    )


def overdue(gmina: Gmina, today: date):
    """Never checked, or past their next due date."""
    return households_to_check(gmina, today).filter(
        models.Q(next_due_on__isnull=True) | models.Q(next_due_on__lt=today)
    )


def due(gmina: Gmina, today: date):
    """Due from today within DUE_WITHIN."""
    return households_to_check(gmina, today).filter(
        next_due_on__gte=today, next_due_on__lte=today + DUE_WITHIN
    )
