"""Test objects of the e-Inclusion register and the free network."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook

from ratusz.inclusion import equipment as register
from ratusz.inclusion import importing
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


def sheet_row(inventory="EI/101", serial=None, kind="laptop", **cells) -> list:
    """A register row in the import template's column order."""
    cells.update(
        nr_inwentarzowy=inventory,
        numer_seryjny=f"SN-{inventory}" if serial is None else serial,
        rodzaj=kind,
    )
    return [cells.get(column, "") for column in importing.COLUMNS]


def handed(surname="Kowalska", first_name="Anna", address="ul. Polna 1", **cells):
    """The cells of an item handed to a household (on 04.05.2013 by default)."""
    cells.setdefault("data_przekazania", "04.05.2013")
    return {"nazwisko": surname, "imie": first_name, "adres": address, **cells}


def sheet_csv(rows, *, header=None, delimiter=";", encoding="utf-8-sig") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(importing.COLUMNS if header is None else header)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def sheet_xlsx(rows, *, header=None) -> bytes:
    book = Workbook()
    book.active.append(importing.COLUMNS if header is None else header)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Three yearly windows: winter, summer and one over New Year.
THREE_WINDOWS = "01.02–24.02 zimowe\n01.06–30.06 letnie\n01.12–15.01 na przełomie roku"


def make_ppgr(gmina, name="Granty PPGR", windows=THREE_WINDOWS, **fields):
    return make_programme(
        gmina, name, template="ppgr", reporting_windows=windows, **fields
    )


def make_holder(gmina, programme, surname, inventory, **fields):
    """A household holding one item of `programme` (handed over)."""
    household = make_household(gmina, programme, surname, **fields)
    hand_over(household, make_item(gmina, programme, inventory))
    return household


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
