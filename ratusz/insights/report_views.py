"""The monthly report in the admin: a printable page and its PDF.

Staff of the gmina only (any role); another gmina's id is a 404.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ratusz.gminas.models import Gmina

from .report import Month, daily_chart, format_change, monthly_report
from .report_pdf import render_pdf


class MonthForm(forms.Form):
    miesiac = forms.CharField(
        label=_("Miesiąc"),
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=_("Rok i miesiąc, np. 2026-11."),
    )

    def clean_miesiac(self) -> Month:
        try:
            return Month.parse(self.cleaned_data["miesiac"])
        except ValueError:
            raise forms.ValidationError(_("Podaj miesiąc w postaci RRRR-MM.")) from None


def _get_gmina(request, gmina_id) -> Gmina:
    gmina = Gmina.objects.for_user(request.user).filter(pk=gmina_id).first()
    if gmina is None:
        raise Http404
    return gmina


def _month(request) -> tuple[MonthForm, Month]:
    """The month asked for; the last finished one when none (or a bad one) is."""
    default = Month.previous()
    form = MonthForm(request.GET if "miesiac" in request.GET else None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["miesiac"]
    if not form.is_bound:
        form = MonthForm(initial={"miesiac": str(default)})
    return form, default


def index(request):
    gminas = Gmina.objects.for_user(request.user).order_by("name")
    if not gminas:
        raise PermissionDenied
    if len(gminas) == 1:
        return redirect("insights-report", gminas[0].pk)
    return render(request, "insights/report/index.html", {"gminas": gminas})


def report(request, gmina_id):
    gmina = _get_gmina(request, gmina_id)
    form, month = _month(request)
    data = monthly_report(gmina, month)
    context = {
        "gmina": gmina,
        "form": form,
        "report": data,
        "pdf_url": reverse("insights-report-pdf", args=[gmina.pk])
        + f"?miesiac={month}",
    }
    return render(request, "insights/report/page.html", context | _formatted(data))


def report_pdf(request, gmina_id):
    gmina = _get_gmina(request, gmina_id)
    _form, month = _month(request)
    response = HttpResponse(
        render_pdf(monthly_report(gmina, month)), content_type="application/pdf"
    )
    name = f"sprawozdanie-{slugify(gmina.short_name or gmina.name)}-{month}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _formatted(data) -> dict:
    """Followers with their change as shown ("+12", "–"), the chart."""
    return {
        "followers": [(f, format_change(f.change)) for f in data.followers],
        "chart": daily_chart(data),
    }


def standalone_html(gmina, month: Month) -> str:
    """The report as one self-contained HTML file (`manage.py insights_report`)."""
    data = monthly_report(gmina, month)
    context = {"gmina": gmina, "report": data} | _formatted(data)
    return render_to_string("insights/report/standalone.html", context)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("statystyki/sprawozdanie/", index, name="insights-report-index"),
        path("statystyki/sprawozdanie/<int:gmina_id>/", report, name="insights-report"),
        path(
            "statystyki/sprawozdanie/<int:gmina_id>/pdf/",
            report_pdf,
            name="insights-report-pdf",
        ),
    ]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return Gmina.objects.for_user(request.user).exists()


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    return ReportMenuItem(
        _("Sprawozdanie miesięczne"),
        reverse("insights-report-index"),
        icon_name="doc-full",
        order=900,
    )
