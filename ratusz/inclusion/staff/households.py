"""Household screens (coordinators and administrators; every look logged)."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages

from .. import rodo
from ..access import get_register_gmina
from ..access_log import AccessLog, record
from ..households import Household
from ..statements import household_statements
from .exports import spreadsheet
from .forms import ErasureForm, HouseholdFilter, HouseholdForm
from .listing import logged_list
from .programmes import local_today

Action = AccessLog.Action


def _subject(household) -> str:
    return f"gospodarstwo #{household.pk}"


def _get_household(request, gmina_id, pk):
    gmina = get_register_gmina(request, gmina_id)
    household = get_object_or_404(
        Household.objects.select_related("programme", "village"), pk=pk, gmina=gmina
    )
    return gmina, household


def household_list(request, gmina_id):
    gmina = get_register_gmina(request, gmina_id)
    form = HouseholdFilter(request.GET or None, gmina=gmina)
    households = form.filter(
        Household.objects.filter(gmina=gmina).select_related("programme", "village")
    )
    return logged_list(
        request,
        gmina,
        households,
        form=form,
        noun="gospodarstwa",
        template="inclusion/admin/households.html",
        export=_export,
    )


def _export(households, fmt):
    header = [
        "nazwisko",
        "imię",
        "adres",
        "sołectwo",
        "telefon",
        "e-mail",
        "program",
        "podstawa",
        "zgoda",
        "klauzula RODO",
    ]
    rows = [
        [
            h.surname,
            h.first_name,
            h.address,
            h.village.name if h.village_id else "",
            h.phone,
            h.email,
            h.programme.name,
            h.get_basis_display(),
            f"{h.consent_on:%Y-%m-%d}" if h.consent and h.consent_on else "",
            f"{h.rodo_informed_on:%Y-%m-%d}" if h.rodo_informed_on else "",
        ]
        for h in households
    ]
    return spreadsheet("gospodarstwa", header, rows, fmt)


def household_detail(request, gmina_id, pk):
    gmina, household = _get_household(request, gmina_id, pk)
    record(gmina, request.user, Action.VIEW, _subject(household))
    today = local_today()
    participations = list(
        household.participations.select_related("training").order_by(
            "-training__starts_at"
        )
    )
    return render(
        request,
        "inclusion/admin/household.html",
        {
            "gmina": gmina,
            "household": household,
            "items": household.equipment.order_by("inventory_number"),
            "protocols": household.protocols.prefetch_related("items"),
            "inspections": household.inspections.all(),
            "statements": [
                (statement, statement.status_label(today))
                for statement in household_statements(household)
            ],
            "participations": participations,
            "training_hours": sum(
                (p.hours_attended for p in participations if p.attended), Decimal(0)
            ),
            "retention_end": rodo.retention_end(household),
        },
    )


def household_edit(request, gmina_id, pk=None):
    if pk:
        gmina, household = _get_household(request, gmina_id, pk)
        if household.anonymised_at:
            messages.error(request, _("Gospodarstwo jest zanonimizowane."))
            return redirect("inclusion-household", gmina.pk, household.pk)
        record(gmina, request.user, Action.EDIT, _subject(household))
    else:
        gmina = get_register_gmina(request, gmina_id)
        household = Household(gmina=gmina, created_by=request.user)
    form = HouseholdForm(request.POST or None, instance=household, gmina=gmina)
    if request.method == "POST" and form.is_valid():
        household = form.save()
        if not pk:
            record(gmina, request.user, Action.EDIT, _subject(household))
        messages.success(request, _("Zapisano gospodarstwo."))
        return redirect("inclusion-household", gmina.pk, household.pk)
    return render(
        request,
        "inclusion/admin/form.html",
        {
            "gmina": gmina,
            "form": form,
            "title": _("Gospodarstwo domowe"),
            "back": reverse("inclusion-households", args=[gmina.pk]),
        },
    )


def household_export(request, gmina_id, pk):
    """Everything the register holds about the household (RODO art. 15/20)."""
    gmina, household = _get_household(request, gmina_id, pk)
    record(gmina, request.user, Action.EXPORT, f"{_subject(household)} (RODO, ZIP)")
    response = HttpResponse(
        rodo.export_household(household), content_type="application/zip"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="gospodarstwo-{household.pk}-dane.zip"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


def household_erase(request, gmina_id, pk):
    """The household's erasure request (RODO art. 17): asks, then erases
    what the programme does not require and marks the rest."""
    gmina, household = _get_household(request, gmina_id, pk)
    if household.anonymised_at:
        messages.error(request, _("Gospodarstwo jest już zanonimizowane."))
        return redirect("inclusion-household", gmina.pk, household.pk)
    # An empty POST (the box not ticked) must still be a bound form.
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        record(
            gmina, request.user, Action.EDIT, f"{_subject(household)} (RODO: usunięcie)"
        )
        if rodo.request_erasure(household):
            messages.success(request, _("Dane gospodarstwa zanonimizowano."))
        else:
            messages.success(
                request,
                _(
                    "Usunięto dane, których program nie wymaga. Pozostałe "
                    "zostaną zanonimizowane po okresie archiwizacji."
                ),
            )
        return redirect("inclusion-household", gmina.pk, household.pk)
    record(gmina, request.user, Action.VIEW, _subject(household))
    return render(
        request,
        "inclusion/admin/household_erase.html",
        {
            "gmina": gmina,
            "household": household,
            "form": form,
            "retention_end": rodo.retention_end(household),
            "archive_years": rodo.archive_years(),
        },
    )
