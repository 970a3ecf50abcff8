"""Households (beneficiaries) of a programme: who they are, why they
qualified, which documents the office holds and what they agreed to.

Residents without internet are the point of these programmes, so staff
enter everything; only coordinators and administrators see it
(`access.py`), and every look is logged (`access_log.py`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ratusz.gminas.models import Gmina, Village


class HouseholdQuerySet(models.QuerySet):
    def search(self, text: str):
        """Surname, first name, address or phone containing `text`."""
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(surname__icontains=text)
            | Q(first_name__icontains=text)
            | Q(address__icontains=text)
            | Q(phone__icontains=text)
        )


class Household(models.Model):
    """One beneficiary household, named after the person who signs for it."""

    class Basis(models.TextChoices):
        INCOME = "income", "kryterium dochodowe"
        DISABILITY = "disability", "niepełnosprawność"
        FOSTER = "foster", "rodzina zastępcza"
        SCHOLARSHIP = "scholarship", "uczeń ze stypendium socjalnym"
        SENIOR = "senior", "osoba 50+"
        PPGR = "ppgr", "oświadczenie PPGR (rodzina byłego pracownika PGR)"
        OTHER = "other", "inne"

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="inclusion_households"
    )
    programme = models.ForeignKey(
        "inclusion.Programme",
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name="program",
    )
    surname = models.CharField("nazwisko", max_length=100)
    first_name = models.CharField("imię", max_length=100)
    phone = models.CharField("telefon", max_length=30, blank=True)
    email = models.EmailField("e-mail", blank=True)
    address = models.CharField("adres", max_length=200)
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="sołectwo",
    )
    basis = models.CharField(
        "podstawa zakwalifikowania", max_length=20, choices=Basis.choices
    )
    basis_note = models.CharField("uzasadnienie", max_length=300, blank=True)
    documents = models.JSONField("złożone dokumenty", default=list, blank=True)
    consent = models.BooleanField("zgoda na udział w programie", default=False)
    consent_on = models.DateField("data zgody", null=True, blank=True)
    rodo_informed_on = models.DateField(
        "klauzula informacyjna RODO przekazana", null=True, blank=True
    )
    notes = models.TextField("uwagi", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # RODO (rodo.py): the day the household asked for erasure (what the
    # programme does not require is erased at once), and when the worker
    # anonymised the rest after the archiving period.
    erasure_requested_on = models.DateField(
        "żądanie usunięcia danych", null=True, blank=True
    )
    anonymised_at = models.DateTimeField("zanonimizowano", null=True, blank=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = "gospodarstwo domowe"
        verbose_name_plural = "gospodarstwa domowe"
        ordering = ["surname", "first_name", "pk"]

    def __str__(self):
        # An anonymised household has no first name.
        return f"{self.surname} {self.first_name}".strip()
