"""The programmes a gmina's equipment and network were funded by.

The register's households and equipment, and the free network's access
points, build on `Programme` (their own modules, imported here).
"""

from django.db import models

from ratusz.gminas.models import Gmina

# The free network's models, in their own module.
from .network import AccessPoint, CheckDay, Outage  # noqa: F401


class Programme(models.Model):
    """A funding programme and the gmina's agreement under it."""

    class Template(models.TextChoices):
        POIG_83 = "poig83", "POIG 8.3 eInclusion"
        PPGR = "ppgr", "Granty PPGR"
        WIFI4EU = "wifi4eu", "WiFi4EU"
        OTHER = "other", "inny"

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="inclusion_programmes"
    )
    name = models.CharField("nazwa", max_length=200)
    template = models.CharField(
        "wzór", max_length=10, choices=Template.choices, default=Template.OTHER
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
