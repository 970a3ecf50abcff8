"""The programmes a gmina's equipment and network were funded by.

The register's households and equipment, and the free network's access
points, build on `Programme` (their own modules, imported here).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from ratusz.gminas.models import Gmina

from . import programmes
from .access_log import AccessLog
from .checks import Inspection
from .equipment import Equipment, EquipmentEvent, Protocol
from .faults import FaultReport
from .households import Household

# The free network's models, in their own module.
from .network import AccessPoint, CheckDay, Outage

# The yearly statements and the staff's reminders.
from .reminders import CheckReminder, StaffReminder
from .statements import Statement, StatementCampaign
from .trainings import Participant, Training

__all__ = [
    "AccessLog",
    "AccessPoint",
    "CheckDay",
    "CheckReminder",
    "Outage",
    "Equipment",
    "EquipmentEvent",
    "FaultReport",
    "Household",
    "Inspection",
    "Participant",
    "Programme",
    "Protocol",
    "StaffReminder",
    "Statement",
    "StatementCampaign",
    "Training",
]


class Programme(models.Model):
    """A funding programme and the gmina's agreement under it."""

    class Template(models.TextChoices):
        POIG_83 = "poig83", "POIG 8.3 eInclusion"
        PPGR = "ppgr", "Granty PPGR"
        WIFI4EU = "wifi4eu", "WiFi4EU"
        OTHER = "other", "inny"

    class Handover(models.TextChoices):
        LENT = programmes.LENT, "użyczenie (umowa użyczenia)"
        GIVEN = (
            programmes.GIVEN,
            "przekazanie na własność (umowa przekazania/darowizny)",
        )

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="inclusion_programmes"
    )
    name = models.CharField("nazwa", max_length=200)
    template = models.CharField(
        "wzór", max_length=10, choices=Template.choices, default=Template.OTHER
    )
    funding_source = models.CharField("źródło finansowania", max_length=300, blank=True)
    agreement_number = models.CharField(
        "numer umowy o dofinansowanie", max_length=100, blank=True
    )
    agreement_date = models.DateField("data umowy", null=True, blank=True)
    starts_on = models.DateField("początek realizacji", null=True, blank=True)
    ends_on = models.DateField("koniec realizacji", null=True, blank=True)
    durability_start = models.DateField(
        "początek okresu trwałości",
        null=True,
        blank=True,
        help_text=(
            "Dzień zdarzenia, od którego liczy się trwałość (np. płatność końcowa)."
        ),
    )
    durability_years = models.PositiveSmallIntegerField(
        "okres trwałości (lata)", null=True, blank=True
    )
    durability_basis = models.CharField("trwałość liczona", max_length=200, blank=True)
    handover = models.CharField(
        "forma przekazania sprzętu",
        max_length=10,
        choices=Handover.choices,
        default=Handover.LENT,
    )
    household_checks = models.BooleanField("kontrole w gospodarstwach", default=False)
    reporting_windows = models.TextField(
        "okna sprawozdawcze",
        blank=True,
        help_text=(
            "Jedno okno w wierszu: „DD.MM–DD.MM opis”, np. 01.02–24.02 oświadczenie."
        ),
    )
    documents = models.TextField(
        "komplet dokumentów", blank=True, help_text="Jeden dokument w wierszu."
    )
    clauses = models.TextField(
        "postanowienia umowy z gospodarstwem",
        blank=True,
        help_text="Drukowane w protokole przekazania.",
    )

    class Meta:
        verbose_name = "program"
        verbose_name_plural = "programy"
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "name"], name="inclusion_programme_name_unique"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _(
                "Koniec realizacji nie może być przed jej początkiem."
            )
        if self.durability_start and not self.durability_years:
            errors["durability_years"] = _("Podaj długość okresu trwałości.")
        if self.durability_years is not None and not 1 <= self.durability_years <= 20:
            errors["durability_years"] = _("Okres trwałości to od 1 do 20 lat.")
        if (
            self.durability_start
            and self.starts_on
            and self.durability_start < self.starts_on
        ):
            errors["durability_start"] = _(
                "Trwałość nie może się zacząć przed początkiem realizacji."
            )
        try:
            programmes.parse_windows(self.reporting_windows)
        except ValidationError as error:
            errors["reporting_windows"] = error.messages
        if errors:
            raise ValidationError(errors)

    def apply_template(self) -> None:
        """Fill the fields the template knows and the staff left empty."""
        known = programmes.template(self.template)
        if known is None:
            return
        for name in (
            "funding_source",
            "durability_basis",
            "reporting_windows",
            "clauses",
        ):
            if not getattr(self, name):
                setattr(self, name, getattr(known, name))
        if not self.documents:
            self.documents = "\n".join(known.documents)
        if self.durability_years is None:
            self.durability_years = known.durability_years
        self.handover = known.handover
        self.household_checks = self.household_checks or known.household_checks

    @property
    def durability_end(self) -> date | None:
        if self.durability_start is None or not self.durability_years:
            return None
        return programmes.durability_end(self.durability_start, self.durability_years)

    def durability_state(self, today: date) -> str:
        """ "before", "running", "over" or "" (durability not set)."""
        end = self.durability_end
        if end is None:
            return ""
        if today < self.durability_start:
            return "before"
        return "running" if today <= end else "over"

    def days_left(self, today: date) -> int | None:
        """Days of durability left after `today` (0 on the last day)."""
        if self.durability_state(today) != "running":
            return None
        return (self.durability_end - today).days

    def windows(self) -> list[programmes.Window]:
        return programmes.parse_windows(self.reporting_windows)

    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]
