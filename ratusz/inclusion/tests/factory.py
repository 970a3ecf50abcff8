"""Test objects of the free network."""

from ratusz.inclusion.models import Programme
from ratusz.inclusion.network import AccessPoint


def make_access_point(gmina, name: str = "Rynek", **fields) -> AccessPoint:
    fields.setdefault("status", AccessPoint.Status.ACTIVE)
    return AccessPoint.objects.create(gmina=gmina, name=name, **fields)


def make_programme(gmina, name: str = "WiFi4EU") -> Programme:
    return Programme.objects.create(
        gmina=gmina, name=name, template=Programme.Template.WIFI4EU
    )
