"""Test objects of the e-Inclusion register and the free network."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from ratusz.inclusion import equipment as register
from ratusz.inclusion.households import Household
from ratusz.inclusion.models import Programme
from ratusz.inclusion.network import AccessPoint
from ratusz.inclusion.trainings import Training


def make_programme(gmina, name="eInclusion", template="poig83", **fields):
    programme = Programme(gmina=gmina, name=name, template=template, **fields)
    programme.apply_template()
    programme.full_clean()
    programme.save()
    return programme


def make_household(gmina, programme, surname="Kowalska", **fields):
    fields.setdefault("first_name", "Anna")
    fields.setdefault("address", "ul. Polna 1")
    fields.setdefault("basis", Household.Basis.INCOME)
    return Household.objects.create(
        gmina=gmina, programme=programme, surname=surname, **fields
    )


def make_item(gmina, programme, inventory="EI/001", serial=None, **fields):
    fields.setdefault("kind", "laptop")
    fields.setdefault("model", "Lenovo L530")
    return register.register_item(
        gmina=gmina,
        programme=programme,
        inventory_number=inventory,
        serial_number=serial or f"SN-{inventory}",
        **fields,
    )


def hand_over(household, *items, handed_on=date(2026, 5, 4)):
    protocol = register.create_protocol(household, items, handed_on=handed_on)
    register.hand_over(protocol)
    protocol.refresh_from_db()
    return protocol


def make_access_point(gmina, name: str = "Rynek", **fields) -> AccessPoint:
    fields.setdefault("status", AccessPoint.Status.ACTIVE)
    return AccessPoint.objects.create(gmina=gmina, name=name, **fields)


def make_wifi_programme(gmina, name: str = "WiFi4EU") -> Programme:
    return make_programme(gmina, name, template=Programme.Template.WIFI4EU)


def at(day: int, hour: int = 10) -> datetime:
    """A moment of October 2026, Warsaw time."""
    return timezone.make_aware(datetime(2026, 10, day, hour))


def make_training(gmina, programme=None, title="Podstawy komputera", **fields):
    fields.setdefault("starts_at", at(5))
    fields.setdefault("ends_at", at(5, 14))
    fields.setdefault("place", "Świetlica")
    fields.setdefault("hours", Decimal("4"))
    return Training.objects.create(
        gmina=gmina, programme=programme, title=title, **fields
    )
