"""What a programme obliges the gmina to: its templates, the durability
period's arithmetic and the yearly reporting windows.

A period "of N years from" a date ends, as the Civil Code counts it (art. 112
KC), with the day whose date matches the start day; when that month has no
such day (29 February in a common year), with the month's last day. The
start day itself is the event (final payment, approval of the settlement):
art. 111 § 2 KC does not count it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# How equipment reaches a household under the programme's agreement.
LENT = "lent"
GIVEN = "given"


def add_years(start: date, years: int) -> date:
    """The date `years` after `start`; 29 February → 28 February."""
    year = start.year + years
    last_day = calendar.monthrange(year, start.month)[1]
    return start.replace(year=year, day=min(start.day, last_day))


def durability_end(start: date, years: int) -> date:
    """The last day of a durability period of `years` from `start` (art. 112 KC)."""
    return add_years(start, years)


@dataclass(frozen=True)
class Window:
    """A yearly window (day and month of its first and last day)."""

    start: tuple[int, int]  # (day, month)
    end: tuple[int, int]
    label: str = ""

    def dates(self, year: int) -> tuple[date, date]:
        """The window that opens in `year` (a window over New Year ends the next)."""
        first = _day_in(year, *self.start)
        end_year = year if self.end[::-1] >= self.start[::-1] else year + 1
        return first, _day_in(end_year, *self.end)

    def __str__(self):
        (d1, m1), (d2, m2) = self.start, self.end
        text = f"{d1:02d}.{m1:02d}–{d2:02d}.{m2:02d}"
        return f"{text} {self.label}".strip()


def _day_in(year: int, day: int, month: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


_WINDOW = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\s*[-–—]\s*(\d{1,2})\.(\d{1,2})\s*(.*)$")


def parse_windows(text: str) -> list[Window]:
    """One window a line: "01.02–24.02 oświadczenie roczne"; blank lines skipped.

    Raises ValidationError naming the line that is not a window.
    """
    windows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _WINDOW.match(line)
        if not match:
            raise ValidationError(
                _("Wiersz %(n)d: zapisz okno jako „DD.MM–DD.MM opis”.") % {"n": number}
            )
        d1, m1, d2, m2 = (int(g) for g in match.groups()[:4])
        for day, month in ((d1, m1), (d2, m2)):
            # 29.02 is a real day (in leap years; otherwise the 28th counts).
            if (
                not 1 <= month <= 12
                or not 1 <= day <= calendar.monthrange(2024, month)[1]
            ):
                raise ValidationError(
                    _("Wiersz %(n)d: nie ma dnia %(day)02d.%(month)02d.")
                    % {"n": number, "day": day, "month": month}
                )
        windows.append(Window((d1, m1), (d2, m2), match.group(5).strip()))
    return windows


@dataclass(frozen=True)
class Template:
    """What a known programme pre-fills."""

    funding_source: str
    durability_years: int
    durability_basis: str
    handover: str
    household_checks: bool
    reporting_windows: str = ""
    documents: list[str] = field(default_factory=list)
    clauses: str = ""


_POIG_CLAUSES = (
    "1. Użyczający (Gmina) oddaje Biorącemu do bezpłatnego używania sprzęt "
    "wymieniony w protokole, zakupiony w ramach projektu współfinansowanego ze "
    "środków Unii Europejskiej (Program Operacyjny Innowacyjna Gospodarka, "
    "działanie 8.3 „Przeciwdziałanie wykluczeniu cyfrowemu – eInclusion”).\n"
    "2. Sprzęt pozostaje własnością Gminy. Biorący nie może go sprzedać, "
    "użyczyć ani oddać osobom trzecim.\n"
    "3. Biorący udostępnia sprzęt do kontroli w miejscu zamieszkania i "
    "niezwłocznie zgłasza zmianę adresu, awarię, kradzież lub zniszczenie.\n"
    "4. Umowa obowiązuje do końca okresu trwałości projektu (5 lat od "
    "płatności końcowej); po jego upływie sprzęt może zostać przekazany "
    "Biorącemu na własność."
)
_PPGR_CLAUSES = (
    "1. Gmina przekazuje Obdarowanemu na własność sprzęt wymieniony w "
    "protokole, zakupiony w ramach konkursu Granty PPGR (Program Operacyjny "
    "Polska Cyfrowa, działanie 5.1).\n"
    "2. Obdarowany zobowiązuje się wykorzystywać sprzęt do nauki dziecka i nie "
    "zbywać go przez 2 lata od zatwierdzenia wniosku o płatność końcową "
    "(wniosku rozliczającego).\n"
    "3. Obdarowany składa co roku, w terminie wskazanym przez Gminę, "
    "oświadczenie o posiadaniu i wykorzystywaniu sprzętu (także po "
    "ukończeniu 18 lat przez dziecko)."
)

TEMPLATES: dict[str, Template] = {
    "poig83": Template(
        funding_source=(
            "Program Operacyjny Innowacyjna Gospodarka 2007–2013, działanie 8.3 "
            "„Przeciwdziałanie wykluczeniu cyfrowemu – eInclusion”"
        ),
        durability_years=5,
        durability_basis="od płatności końcowej",
        handover=LENT,
        household_checks=True,
        documents=[
            "wniosek o udział w projekcie",
            "zaświadczenie o dochodach / decyzja OPS",
            "orzeczenie o niepełnosprawności",
            "umowa użyczenia",
            "protokół przekazania sprzętu",
            "deklaracja udziału w szkoleniu",
        ],
        clauses=_POIG_CLAUSES,
    ),
    "ppgr": Template(
        funding_source="Program Operacyjny Polska Cyfrowa, działanie 5.1 – Granty PPGR",
        durability_years=2,
        durability_basis="od zatwierdzenia wniosku rozliczającego",
        handover=GIVEN,
        household_checks=False,
        reporting_windows=(
            "01.02–24.02 oświadczenie o posiadaniu i wykorzystaniu sprzętu"
        ),
        documents=[
            "oświadczenie rodzica (miejscowość PGR, zatrudnienie krewnego)",
            "oświadczenie o braku sprzętu",
            "umowa przekazania (darowizny)",
            "protokół przekazania sprzętu",
        ],
        clauses=_PPGR_CLAUSES,
    ),
    "wifi4eu": Template(
        funding_source="WiFi4EU – bon Komisji Europejskiej (15 000 EUR)",
        durability_years=3,
        durability_basis="od zatwierdzenia raportu z instalacji",
        handover=LENT,
        household_checks=False,
        documents=["umowa o udzielenie dotacji", "raport z instalacji"],
    ),
}


def template(key: str) -> Template | None:
    return TEMPLATES.get(key)
