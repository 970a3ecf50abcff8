"""The gmina's free wireless network (WiFi4EU hotspots and the like).

`AccessPoint` is what staff record about a hotspot, plus what the worker last
saw of it (`state`); the worker's checks (`network_checks.py`) keep history
as `Outage` rows (one per time it went down: state changes only) and
`CheckDay` rows (how many checks and failures per access point and day,
Polish time): hundreds of gminas × dozens of access points × a check every
5 minutes would be millions of rows a day if every check were kept, while
these give the outages, the alerts and the uptime per month in a few rows.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ratusz.gminas.models import Gmina, Membership

# Who manages the access points and hears of their outages: the gmina's
# administrators and its e-Inclusion coordinators (the register's role).
MANAGER_ROLES = [Membership.Role.ADMIN, "coordinator"]

LATITUDE = [MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))]
LONGITUDE = [MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))]


class AccessPointQuerySet(models.QuerySet):
    def for_gmina(self, gmina):
        return self.filter(gmina=gmina)

    def monitored(self):
        """Access points in service with a way to check them."""
        return self.filter(status=AccessPoint.Status.ACTIVE).exclude(
            check_method=AccessPoint.CheckMethod.NONE
        )

    def due(self, now):
        return self.monitored().filter(
            Q(next_check_at__isnull=True) | Q(next_check_at__lte=now)
        )

    def public(self):
        """What residents see: planned and working hotspots, not retired ones."""
        return self.exclude(status=AccessPoint.Status.RETIRED).order_by("name")


class AccessPoint(models.Model):
    """One hotspot of the gmina's free network."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planowany")
        ACTIVE = "active", _("w eksploatacji")
        SUSPENDED = "suspended", _("czasowo wyłączony")
        RETIRED = "retired", _("wycofany")

    class CheckMethod(models.TextChoices):
        NONE = "", _("nie sprawdzaj")
        TCP = "tcp", _("połączenie TCP (host:port)")
        HTTP = "http", _("zapytanie HTTP (adres URL)")

    class State(models.TextChoices):
        UNKNOWN = "unknown", _("nie sprawdzono")
        UP = "up", _("działa")
        DOWN = "down", _("nie działa")

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="access_points"
    )
    programme = models.ForeignKey(
        "inclusion.Programme",
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_points",
    )
    name = models.CharField(_("nazwa"), max_length=120, help_text=_("np. Rynek"))
    address = models.CharField(
        _("adres lub miejsce"),
        max_length=200,
        blank=True,
        help_text=_("np. Rynek 1, przed urzędem gminy"),
    )
    latitude = models.DecimalField(
        _("szerokość geograficzna"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=LATITUDE,
        help_text=_("stopnie, np. 50.061400"),
    )
    longitude = models.DecimalField(
        _("długość geograficzna"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=LONGITUDE,
        help_text=_("stopnie, np. 19.936600"),
    )
    how_to_connect = models.TextField(
        _("jak się połączyć"),
        blank=True,
        help_text=_(
            "Dla mieszkańców, np. zasięg, godziny działania. Pusta: ogólna "
            "instrukcja sieci WiFi4EU."
        ),
    )
    ssid = models.CharField(_("nazwa sieci (SSID)"), max_length=32, default="WiFi4EU")
    installed_on = models.DateField(_("data instalacji"), null=True, blank=True)
    equipment = models.CharField(
        _("urządzenie"), max_length=200, blank=True, help_text=_("producent, model")
    )
    backhaul_mbps = models.PositiveIntegerField(
        _("przepustowość łącza (Mb/s)"),
        null=True,
        blank=True,
        help_text=_("WiFi4EU wymaga co najmniej 30 Mb/s."),
    )
    isp_contract_end = models.DateField(
        _("koniec umowy z dostawcą internetu"), null=True, blank=True
    )
    wifi4eu_network_id = models.UUIDField(
        _("identyfikator sieci WiFi4EU"),
        null=True,
        blank=True,
        help_text=_("UUID z raportu z instalacji"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    check_method = models.CharField(
        _("sprawdzanie"),
        max_length=4,
        choices=CheckMethod.choices,
        default=CheckMethod.NONE,
        blank=True,
    )
    check_target = models.CharField(
        _("adres do sprawdzania"),
        max_length=300,
        blank=True,
        help_text=_(
            "TCP: host:port, np. 10.20.1.5:22. HTTP: adres URL, np. "
            "http://10.20.1.5/. Adres musi należeć do sieci, którą "
            "administrator instalacji dopuścił dla gminy."
        ),
    )

    # What the worker last saw (network_checks.record_result writes these).
    state = models.CharField(
        _("stan"), max_length=8, choices=State.choices, default=State.UNKNOWN
    )
    state_since = models.DateTimeField(_("stan od"), null=True, blank=True)
    last_checked_at = models.DateTimeField(
        _("ostatnie sprawdzenie"), null=True, blank=True
    )
    last_error = models.CharField(_("ostatni błąd"), max_length=300, blank=True)
    # The next check is due then; moved on when a worker claims the row.
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = AccessPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("punkt dostępowy")
        verbose_name_plural = _("punkty dostępowe")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "name"], name="inclusion_accesspoint_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90),
                name="inclusion_accesspoint_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True)
                | Q(longitude__gte=-180, longitude__lte=180),
                name="inclusion_accesspoint_longitude_range",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                _("Podaj obie współrzędne (szerokość i długość) albo żadnej.")
            )
        if self.programme_id and self.programme.gmina_id != self.gmina_id:
            raise ValidationError({"programme": _("To program innej gminy.")})
        if self.check_method and not self.check_target.strip():
            raise ValidationError(
                {"check_target": _("Podaj adres, pod którym sprawdzać punkt.")}
            )

    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def is_monitored(self) -> bool:
        return self.status == self.Status.ACTIVE and bool(self.check_method)


class Outage(models.Model):
    """A time an access point did not answer: from the first failed check to
    the first successful one after it (open while `ended_at` is None)."""

    access_point = models.ForeignKey(
        AccessPoint, on_delete=models.CASCADE, related_name="outages"
    )
    started_at = models.DateTimeField(_("od"))
    ended_at = models.DateTimeField(_("do"), null=True, blank=True)
    error = models.CharField(_("błąd"), max_length=300, blank=True)
    # When the alerts were planned: each at most once per outage.
    down_alerted_at = models.DateTimeField(null=True, blank=True)
    up_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("przerwa w działaniu")
        verbose_name_plural = _("przerwy w działaniu")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["access_point", "started_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["access_point"],
                condition=Q(ended_at__isnull=True),
                name="inclusion_outage_one_open",
            )
        ]

    def __str__(self):
        return f"{self.access_point}: {self.started_at:%Y-%m-%d %H:%M}"

    def duration(self, now):
        return (self.ended_at or now) - self.started_at


class CheckDay(models.Model):
    """The checks of one access point on one day (Polish time)."""

    access_point = models.ForeignKey(
        AccessPoint, on_delete=models.CASCADE, related_name="check_days"
    )
    day = models.DateField()
    checks = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["access_point", "day"], name="inclusion_checkday_unique"
            )
        ]

    def __str__(self):
        return f"{self.access_point} {self.day}: {self.failures}/{self.checks}"
