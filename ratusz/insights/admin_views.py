"""The staff dashboard in the Wagtail admin ("Statystyki"): the dashboard,
CSV of each of its tables, the missed searches and their draft button.

Every staff role of a gmina (administrator, editor, author) may see its
numbers; another gmina's id is 404. The numbers come from `dashboard.py`.
"""

from __future__ import annotations

import csv

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from ratusz.gminas.models import Gmina
from ratusz.lib.spreadsheets import escape_formula
from ratusz.website import procedures

from . import dashboard
from .forms import PRESETS, RangeForm
from .missed import draft_page_for, top_missed
from .models import MissedSearch


def staff_gminas(user):
    return Gmina.objects.for_user(user).order_by("name")


def _get_gmina(request, gmina_id) -> Gmina:
    gmina = staff_gminas(request.user).select_related("site__root_page")
    gmina = gmina.filter(pk=gmina_id).first()
    if gmina is None:
        raise Http404
    return gmina


def _range(request) -> RangeForm:
    return RangeForm(request.GET or None)


def index(request):
    gminas = list(staff_gminas(request.user))
    if not gminas:
        raise PermissionDenied
    if len(gminas) == 1:
        return redirect("insights-dashboard", gminas[0].pk)
    return render(request, "insights/admin/pick_gmina.html", {"gminas": gminas})


def dashboard_view(request, gmina_id):
    gmina = _get_gmina(request, gmina_id)
    form = _range(request)
    period = form.period()
    return render(
        request,
        "insights/admin/dashboard.html",
        {
            "gmina": gmina,
            "form": form,
            "presets": PRESETS,
            "period": period,
            "previous": period.previous(),
            "query": _query(form, period),
            "sections": dashboard.build(gmina, period),
        },
    )


def export_csv(request, gmina_id, slug):
    gmina = _get_gmina(request, gmina_id)
    period = _range(request).period()
    if slug == MISSED_TABLE:
        table = _missed_table(gmina, period)
    else:
        table = dashboard.find_table(dashboard.build(gmina, period), slug)
    if table is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{slug}-{period.since}-{period.until}.csv"'
    )
    writer = csv.writer(response)
    for row in dashboard.csv_rows(table):
        writer.writerow([escape_formula(cell) for cell in row])
    return response


MISSED_TABLE = "szukane"


def _missed_table(gmina, period) -> dashboard.Table:
    return dashboard.Table(
        slug=MISSED_TABLE,
        caption=_("Wyszukiwania bez wyników"),
        columns=(
            dashboard.Column(_("Szukane słowa"), "text"),
            dashboard.Column(_("Liczba wyszukiwań")),
        ),
        rows=[
            (m.lemmas, m.searches)
            for m in top_missed(gmina, period.since, period.until)
        ],
    )


def missed(request, gmina_id):
    gmina = _get_gmina(request, gmina_id)
    form = _range(request)
    period = form.period()
    return render(
        request,
        "insights/admin/missed.html",
        {
            "gmina": gmina,
            "form": form,
            "presets": PRESETS,
            "period": period,
            "previous": period.previous(),
            "query": _query(form, period),
            "missed": top_missed(gmina, period.since, period.until),
        },
    )


@require_POST
def draft_page(request, gmina_id):
    """A draft "Jak załatwić sprawę" page titled from a missed search; then
    its editor."""
    gmina = _get_gmina(request, gmina_id)
    try:
        page, created = draft_page_for(
            gmina, request.POST.get("lemmas", ""), request.user
        )
    except MissedSearch.DoesNotExist as error:
        raise Http404 from error
    except (procedures.NoProcedureIndex, PermissionDenied) as error:
        messages.error(request, str(error))
        return redirect("insights-missed", gmina.pk)
    if created:
        messages.success(
            request,
            _("Utworzono szkic strony „%s”. Uzupełnij go i opublikuj.") % page.title,
        )
    else:
        messages.info(request, _("Szkic strony „%s” już istnieje.") % page.title)
    return redirect("wagtailadmin_pages:edit", page.pk)


def _query(form: RangeForm, period) -> str:
    """The period as a query string, for links that keep it (CSV, the
    missed searches screen)."""
    preset = form.preset()
    if preset:
        return f"dni={preset}"
    return f"od={period.since.isoformat()}&do={period.until.isoformat()}"
