"""The yearly statement campaign (Granty PPGR's "oświadczenie o posiadaniu i
wykorzystaniu sprzętu"): one `StatementCampaign` per window of a
programme's reporting windows and year, one `Statement` per household that
holds the programme's equipment.

A statement's status is computed, never stored, from its submission date,
the window and the day it is asked on (`Statement.status_on`, and the same
rule in SQL: `StatementQuerySet.with_status`):

- submitted on or before the window's last day → "submitted" (a statement
  cannot be dated before the window opens: `record_statement` refuses it);
- submitted after the last day → "late";
- none and the window has closed → "missing";
- none and the window is open or still to come → "awaiting".

So no worker has to run for a window to close, and the follow-up list is
right on the morning after the last day. Reminders (to households and to
staff) are in `statement_reminders.py` and `staff_reminders.py`.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Count, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from ratusz.gminas.models import Gmina

from .equipment import HANDED_OVER, Equipment
from .equipment import Status as EquipmentStatus
from .households import Household
from .programmes import Window

# Holders of a programme's equipment: handed over, or away for repair.
HOLDING = {*HANDED_OVER, EquipmentStatus.IN_REPAIR}


class StatementCampaign(models.Model):
    """The statements of one programme's window in one year."""

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="inclusion_statement_campaigns"
    )
    programme = models.ForeignKey(
        "inclusion.Programme",
        on_delete=models.PROTECT,
        related_name="statement_campaigns",
        verbose_name="program",
    )
    # The year the window opens in (a window over New Year ends the next).
    year = models.PositiveSmallIntegerField("rok")
    window_label = models.CharField("okno", max_length=200, blank=True)
    window_start = models.DateField("początek okna")
    window_end = models.DateField("koniec okna")
    started_at = models.DateTimeField("rozpoczęto", default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "kampania oświadczeń"
        verbose_name_plural = "kampanie oświadczeń"
        ordering = ["-window_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "window_start"],
                name="inclusion_statementcampaign_once_per_window",
            )
        ]

    def __str__(self):
        return (
            f"{self.programme.name}: {self.window_start:%d.%m.%Y}–"
            f"{self.window_end:%d.%m.%Y}"
        )

    def phase(self, today: date) -> str:
        """ "future", "open" or "closed" on `today`."""
        if today < self.window_start:
            return "future"
        return "open" if today <= self.window_end else "closed"

    def counts(self, today: date) -> dict[str, int]:
        """Statements per status (every status named, zeros included)."""
        found = dict(
            self.statements.with_status(today)
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {value: found.get(value, 0) for value in Statement.Status.values}


class StatementQuerySet(models.QuerySet):
    def with_status(self, today: date):
        """Each statement annotated with `status` on `today` (the rule of
        `Statement.status_on`, in SQL, so lists filter and count by it)."""
        S = Statement.Status
        return self.annotate(
            status=Case(
                When(
                    submitted_on__isnull=False,
                    submitted_on__lte=models.F("campaign__window_end"),
                    then=Value(S.SUBMITTED.value),
                ),
                When(submitted_on__isnull=False, then=Value(S.LATE.value)),
                When(campaign__window_end__lt=today, then=Value(S.MISSING.value)),
                default=Value(S.AWAITING.value),
                output_field=models.CharField(),
            )
        )

    def follow_up(self, today: date):
        """Missing and late statements: the households to contact."""
        S = Statement.Status
        return self.with_status(today).filter(status__in=[S.MISSING, S.LATE])


class Statement(models.Model):
    """One household's statement in a campaign, and how it was reminded."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", "oczekuje"
        SUBMITTED = "submitted", "złożone w terminie"
        LATE = "late", "złożone po terminie"
        MISSING = "missing", "brak"

    class Received(models.TextChoices):
        PAPER = "paper", "na papierze (poczta, biuro podawcze)"
        EMAIL = "email", "e-mailem (Profil Zaufany, podpis kwalifikowany)"
        IN_PERSON = "in_person", "osobiście w urzędzie"
        MESSENGER = "messenger", "w rozmowie „Napisz do urzędu”"

    class Channel(models.TextChoices):
        LETTER = "letter", "list do wydrukowania"
        EMAIL = "email", "e-mail"
        SMS = "sms", "SMS"
        MESSENGER = "messenger", "rozmowa „Napisz do urzędu”"

    campaign = models.ForeignKey(
        StatementCampaign, on_delete=models.CASCADE, related_name="statements"
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="statements"
    )
    submitted_on = models.DateField("data złożenia", null=True, blank=True)
    received_how = models.CharField(
        "forma złożenia", max_length=10, choices=Received.choices, blank=True
    )
    note = models.TextField("uwagi", blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reminder_channel = models.CharField(
        "przypomnienie", max_length=10, choices=Channel.choices, blank=True
    )
    reminded_at = models.DateTimeField("przypomniano", null=True, blank=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = "oświadczenie"
        verbose_name_plural = "oświadczenia"
        ordering = ["household__surname", "household__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "household"],
                name="inclusion_statement_once_per_household",
            )
        ]

    def __str__(self):
        return f"{self.household} ({self.campaign.window_start:%Y})"

    def status_on(self, today: date) -> str:
        S = self.Status
        end = self.campaign.window_end
        if self.submitted_on is not None:
            return S.SUBMITTED if self.submitted_on <= end else S.LATE
        return S.MISSING if today > end else S.AWAITING

    def status_label(self, today: date) -> str:
        return self.Status(self.status_on(today)).label


def holders(programme):
    """Households holding the programme's equipment (handed over or in repair)."""
    holding = Equipment.objects.filter(programme=programme, status__in=HOLDING)
    return Household.objects.filter(
        gmina=programme.gmina, pk__in=holding.values("household")
    )


def held_items(household, programme):
    return household.equipment.filter(programme=programme, status__in=HOLDING).order_by(
        "inventory_number"
    )


def open_windows(programme, today: date) -> list[tuple[Window, int, date, date]]:
    """The programme's windows of last year, this year and next not yet
    started as campaigns: (window, year, first day, last day), soonest last."""
    started = set(programme.statement_campaigns.values_list("window_start", flat=True))
    found = []
    for year in (today.year - 1, today.year, today.year + 1):
        for window in programme.windows():
            first, last = window.dates(year)
            if first not in started:
                found.append((window, year, first, last))
    return sorted(found, key=lambda entry: entry[2])


@transaction.atomic
def create_campaign(
    programme, window: Window, year: int, *, by=None
) -> tuple[StatementCampaign, int]:
    """The campaign of `window` in `year` (found if it exists) with a statement
    for every holder that has none yet; returns it and how many were added."""
    first, last = window.dates(year)
    campaign, _created = StatementCampaign.objects.get_or_create(
        programme=programme,
        window_start=first,
        defaults={
            "gmina": programme.gmina,
            "year": year,
            "window_label": window.label,
            "window_end": last,
            "started_by": by,
        },
    )
    # One start at a time (two clicks, two staff): the campaign row is the lock.
    StatementCampaign.objects.select_for_update().get(pk=campaign.pk)
    have = campaign.statements.values("household")
    new = [
        Statement(campaign=campaign, household=household)
        for household in holders(programme).exclude(pk__in=have)
    ]
    Statement.objects.bulk_create(new, ignore_conflicts=True)
    return campaign, len(new)


def record_statement(
    statement: Statement,
    *,
    submitted_on: date,
    received_how: str,
    note: str = "",
    by=None,
    today: date,
) -> None:
    """Keep that the household's statement came in on `submitted_on`."""
    campaign = statement.campaign
    if submitted_on > today:
        raise ValidationError(_("Data złożenia nie może być z przyszłości."))
    if submitted_on < campaign.window_start:
        raise ValidationError(
            _(
                "Okno składania oświadczeń otwiera się %(start)s — wpisz datę "
                "z okna lub późniejszą."
            )
            % {"start": f"{campaign.window_start:%d.%m.%Y}"}
        )
    statement.submitted_on = submitted_on
    statement.received_how = received_how
    statement.note = note
    statement.recorded_by = by
    statement.recorded_at = timezone.now()
    statement.save(
        update_fields=[
            "submitted_on",
            "received_how",
            "note",
            "recorded_by",
            "recorded_at",
        ]
    )


REPORT_HEADER = [
    "program",
    "okno",
    "gospodarstwa",
    "złożone w terminie",
    "złożone po terminie",
    "brak",
    "oczekuje",
]


def statements_report(
    gmina, programme=None, *, today: date | None = None
) -> tuple[str, list[str], list[list]]:
    """Title, column headers and one row per campaign (window) for the
    funding body's reports: households, submitted, late, missing, awaiting."""
    today = today or timezone.localdate()
    campaigns = StatementCampaign.objects.filter(gmina=gmina).select_related(
        "programme"
    )
    if programme is not None:
        campaigns = campaigns.filter(programme=programme)
    S = Statement.Status
    rows = []
    for campaign in campaigns.order_by("programme__name", "window_start"):
        counts = campaign.counts(today)
        window = f"{campaign.window_start:%d.%m.%Y}–{campaign.window_end:%d.%m.%Y}"
        rows.append(
            [
                campaign.programme.name,
                window,
                sum(counts.values()),
                counts[S.SUBMITTED],
                counts[S.LATE],
                counts[S.MISSING],
                counts[S.AWAITING],
            ]
        )
    title = _("Oświadczenia o posiadaniu i wykorzystaniu sprzętu")
    return title, list(REPORT_HEADER), rows


def household_statements(household):
    return household.statements.select_related("campaign__programme").order_by(
        "-campaign__window_start"
    )


def statement_filter(statements, *, status: str = "", text: str = "", today: date):
    """Statements annotated with their status, by status and household text."""
    statements = statements.with_status(today)
    if status:
        statements = statements.filter(status=status)
    text = text.strip()
    if text:
        statements = statements.filter(
            Q(household__surname__icontains=text)
            | Q(household__first_name__icontains=text)
            | Q(household__address__icontains=text)
        )
    return statements
