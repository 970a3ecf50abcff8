"""The "Raporty" screen (coordinators and administrators): every registered
report as a table, each as CSV or XLSX, all of them as one PDF. What names
households is logged like every other look at the register."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from .. import reports
from ..access import get_register_gmina
from ..access_log import AccessLog, record
from ..rodo import local_today
from .exports import FORMATS, spreadsheet
from .forms import ReportFilter


def _filtered(request, gmina):
    form = ReportFilter(request.GET or None, gmina=gmina)
    return form, form.chosen_programme()


def _subject(programme) -> str:
    return f"raporty ({programme.name if programme else 'wszystkie programy'})"


def _any_personal() -> bool:
    return any(report.personal for report in reports.all_reports())


def _shown(report, title, headers, rows) -> dict:
    """A report as the screen shows it: each cell with its column's name."""
    return {
        "report": report,
        "title": title,
        "headers": headers,
        "rows": [
            [
                (header, reports.display(cell))
                for header, cell in zip(headers, row, strict=True)
            ]
            for row in rows
        ],
    }


def report_list(request, gmina_id):
    gmina = get_register_gmina(request, gmina_id)
    form, programme = _filtered(request, gmina)
    tables = [
        _shown(report, *report.run(gmina, programme))
        for report in reports.all_reports()
    ]
    if _any_personal():
        record(gmina, request.user, AccessLog.Action.LIST, _subject(programme))
    return render(
        request,
        "inclusion/admin/reports.html",
        {
            "gmina": gmina,
            "form": form,
            "tables": tables,
            "query": request.GET.urlencode(),
        },
    )


def report_download(request, gmina_id, slug, fmt):
    gmina = get_register_gmina(request, gmina_id)
    report = reports.get_report(slug)
    if report is None or fmt not in FORMATS:
        raise Http404
    _form, programme = _filtered(request, gmina)
    _title, headers, rows = report.run(gmina, programme)
    if report.personal:
        record(
            gmina,
            request.user,
            AccessLog.Action.EXPORT,
            f"raport {slug} ({fmt}) {request.GET.urlencode()}".strip(),
        )
    return spreadsheet(f"raport-{slug}", headers, rows, fmt)


def report_pdf(request, gmina_id):
    gmina = get_register_gmina(request, gmina_id)
    _form, programme = _filtered(request, gmina)
    document = reports.pdf(gmina, programme, today=local_today())
    if _any_personal():
        record(gmina, request.user, AccessLog.Action.PDF, _subject(programme))
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="raporty-e-integracji.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
