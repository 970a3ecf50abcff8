"""Reports for the funding body and the council, one registry of them.

A report is a function `(gmina, programme=None) -> (title, headers, rows)`:
rows are lists of cells (text, int, Decimal, date or None), already in the
order shown. The "Raporty" screen (`staff/reports.py`) shows every
registered report as a table and offers it as CSV, XLSX and, all together,
one PDF; `manage.py inclusion_report` writes the same files. A report that
names people (`personal=True`) is logged in the access log when shown or
downloaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ratusz.gminas.models import Gmina
from ratusz.lib import polish
from ratusz.lib.pdf import Document

from .checks import Inspection
from .equipment import Equipment, Protocol, Status
from .households import Household
from .network import AccessPoint
from .network_uptime import monthly_uptime
from .rodo import local_today
from .statements import statements_report
from .trainings import trainings_report

Table = tuple[str, list[str], list[list]]
ReportFunction = Callable[..., Table]


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    function: ReportFunction
    personal: bool = False

    def run(self, gmina: Gmina, programme=None) -> Table:
        return self.function(gmina, programme)


_REPORTS: dict[str, Report] = {}


def register_report(
    slug: str, title: str, function: ReportFunction, *, personal: bool = False
) -> None:
    """Add a report (in the order shown); `personal`: it names households."""
    if slug in _REPORTS:
        raise ValueError(f"report {slug!r} is registered twice")
    _REPORTS[slug] = Report(slug, title, function, personal)


def all_reports() -> list[Report]:
    return list(_REPORTS.values())


def get_report(slug: str) -> Report | None:
    return _REPORTS.get(slug)


def display(cell) -> str:
    """A cell as the screen and the PDF show it (Polish dates and decimals)."""
    if cell is None or cell == "":
        return "—"
    if isinstance(cell, date):
        return f"{cell:%d.%m.%Y}"
    if isinstance(cell, Decimal):
        return str(cell).replace(".", ",")
    return str(cell)


def pdf(gmina: Gmina, programme=None, *, today: date) -> bytes:
    """Every report in one PDF, after a title page (gmina, programme, date)."""
    title = _("Raporty e-Integracji")
    doc = Document(title, author=gmina.name, footer=f"{gmina.name} – {title}")
    doc.heading(title)
    doc.paragraph(_("Gmina: %(name)s") % {"name": gmina.name})
    doc.paragraph(
        _("Program: %(name)s")
        % {"name": programme.name if programme else _("wszystkie programy")}
    )
    doc.paragraph(_("Stan na dzień: %(day)s") % {"day": f"{today:%d.%m.%Y}"})
    doc.paragraph(_("Zawartość:"))
    tables = [report.run(gmina, programme) for report in all_reports()]
    for number, (report_title, _headers, _rows) in enumerate(tables, start=1):
        doc.paragraph(f"{number}. {report_title}")
    for number, (report_title, headers, rows) in enumerate(tables, start=1):
        doc.add_page()
        doc.heading(f"{number}. {report_title}", level=2)
        if rows:
            doc.table(headers, [[_pdf_cell(cell) for cell in row] for row in rows])
        else:
            doc.paragraph(_("Brak danych."))
    return doc.output_bytes()


def _pdf_cell(cell):
    # Numbers stay numbers (the table aligns them right).
    return cell if isinstance(cell, int) else display(cell)


def _scoped(queryset, programme, field="programme"):
    return queryset.filter(**{field: programme}) if programme is not None else queryset


# The reports ----------------------------------------------------------------


def equipment_report(gmina, programme=None) -> Table:
    """Items per programme and status, with the programme's total."""
    counts = (
        _scoped(Equipment.objects.filter(gmina=gmina), programme)
        .values_list("programme__name", "status")
        .annotate(n=Count("pk"))
    )
    by_programme: dict[str, dict[str, int]] = {}
    for name, status, n in counts:
        by_programme.setdefault(name, {})[status] = n
    headers = [_("Program"), *Status.labels, _("Razem")]
    rows = []
    for name in polish.sorted_polish(by_programme):
        statuses = by_programme[name]
        cells = [statuses.get(value, 0) for value in Status.values]
        rows.append([name, *cells, sum(cells)])
    if len(rows) > 1:
        totals = [sum(row[i] for row in rows) for i in range(1, len(headers))]
        rows.append([_("Razem"), *totals])
    return _("Sprzęt według programu i stanu"), headers, rows


def households_report(gmina, programme=None) -> Table:
    """Households per village: registered, served (a protocol handed over)
    and the items handed over to them."""
    households = _scoped(Household.objects.filter(gmina=gmina), programme)
    rows_by_village: dict[str, list[int]] = {}
    served_count = Count("protocols", filter=Q(protocols__handed_over_at__isnull=False))
    for village, served in households.annotate(served=served_count).values_list(
        "village__name", "served"
    ):
        row = rows_by_village.setdefault(village or "", [0, 0, 0])
        row[0] += 1
        row[1] += 1 if served else 0
    items = (
        Protocol.items.through.objects.filter(
            protocol__in=_scoped(
                Protocol.objects.filter(gmina=gmina, handed_over_at__isnull=False),
                programme,
            )
        )
        .values_list("protocol__household__village__name")
        .annotate(n=Count("equipment", distinct=True))
    )
    for village, n in items:
        rows_by_village.setdefault(village or "", [0, 0, 0])[2] += n
    named = polish.sorted_polish(name for name in rows_by_village if name)
    order = named + ([""] if "" in rows_by_village else [])
    rows = [[name or _("bez sołectwa"), *rows_by_village[name]] for name in order]
    if len(rows) > 1:
        rows.append([_("Razem"), *(sum(r[i] for r in rows) for i in (1, 2, 3))])
    headers = [
        _("Sołectwo"),
        _("Gospodarstwa"),
        _("Gospodarstwa, które otrzymały sprzęt"),
        _("Przekazany sprzęt"),
    ]
    return _("Gospodarstwa według sołectw"), headers, rows


def durability_report(gmina, programme=None, *, today: date | None = None) -> Table:
    """Each household: its programme's durability end, the last check, the
    next one due and whether it is overdue (programmes with checks at the
    household, while durability runs)."""
    today = today or local_today()
    latest = Inspection.objects.filter(household=OuterRef("pk")).order_by(
        "-checked_on", "-pk"
    )
    households = (
        _scoped(Household.objects.filter(gmina=gmina), programme)
        .annotate(
            last_checked_on=Subquery(latest.values("checked_on")[:1]),
            next_due_on=Subquery(latest.values("next_due_on")[:1]),
        )
        .select_related("programme", "village")
    )
    rows = []
    for h in sorted(households, key=_by_name):
        checked = h.programme.household_checks
        running = h.programme.durability_state(today) == "running"
        if not (checked and running):
            overdue = _("nie dotyczy")
        elif h.next_due_on is None or h.next_due_on < today:
            overdue = _("tak")
        else:
            overdue = _("nie")
        rows.append(
            [
                str(h),
                h.programme.name,
                h.village.name if h.village_id else "",
                h.programme.durability_end,
                h.last_checked_on,
                h.next_due_on if checked else None,
                overdue,
            ]
        )
    headers = [
        _("Gospodarstwo"),
        _("Program"),
        _("Sołectwo"),
        _("Koniec trwałości"),
        _("Ostatnia kontrola"),
        _("Następna kontrola"),
        _("Zaległa"),
    ]
    return _("Trwałość w gospodarstwach"), headers, rows


def _by_name(household):
    return (
        polish.sort_key(household.surname),
        polish.sort_key(household.first_name),
        household.pk,
    )


def uptime_report(gmina, programme=None, *, now=None) -> Table:
    """The free network's uptime per access point and month (the last 12
    months with checks or outages, newest first)."""
    points = _scoped(AccessPoint.objects.filter(gmina=gmina), programme)
    rows = []
    for point in polish.sorted_polish(points, key=lambda p: p.name):
        for month in monthly_uptime(point, months=12, now=now):
            if not (month.checks or month.outages):
                continue
            rows.append(
                [
                    point.name,
                    f"{month.month:%Y-%m}",
                    month.checks,
                    month.percent,
                    month.outages,
                    month.downtime_text if month.outages else "",
                ]
            )
    headers = [
        _("Punkt dostępowy"),
        _("Miesiąc"),
        _("Sprawdzenia"),
        _("Dostępność (%)"),
        _("Przerwy"),
        _("Czas przerw"),
    ]
    return _("Darmowy internet: dostępność w miesiącach"), headers, rows


register_report(
    "sprzet", gettext_lazy("Sprzęt według programu i stanu"), equipment_report
)
register_report(
    "solectwa", gettext_lazy("Gospodarstwa według sołectw"), households_report
)
register_report(
    "trwalosc",
    gettext_lazy("Trwałość w gospodarstwach"),
    durability_report,
    personal=True,
)
register_report(
    "oswiadczenia", gettext_lazy("Oświadczenia według okien"), statements_report
)
register_report("szkolenia", gettext_lazy("Szkolenia"), trainings_report)
register_report(
    "dostepnosc",
    gettext_lazy("Darmowy internet: dostępność w miesiącach"),
    uptime_report,
)
