"""Durability checks: the due and overdue lists, a visit recorded on a
household, its photo served after the access check."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from wagtail.admin import messages

from ratusz.lib import private_files

from .. import checks
from ..access import get_register_gmina
from ..access_log import AccessLog, record
from .forms import InspectionForm
from .households import _get_household
from .programmes import local_today

PHOTO_MAX_BYTES = 10 * 1024 * 1024
Action = AccessLog.Action


def check_lists(request, gmina_id):
    gmina = get_register_gmina(request, gmina_id)
    today = local_today()
    record(gmina, request.user, Action.LIST, "kontrole: zaległe i nadchodzące")
    return render(
        request,
        "inclusion/admin/checks.html",
        {
            "gmina": gmina,
            "today": today,
            "overdue": checks.overdue(gmina, today),
            "due": checks.due(gmina, today),
            "within": checks.DUE_WITHIN.days,
        },
    )


@csrf_exempt  # checked by _inspection_add: the upload handler must come first
def inspection_add(request, gmina_id, household_id):
    if request.method == "POST":
        request.upload_handlers.insert(
            0, private_files.SizeLimitUploadHandler(request, limit=PHOTO_MAX_BYTES)
        )
    return _inspection_add(request, gmina_id, household_id)


@csrf_protect
def _inspection_add(request, gmina_id, household_id):
    gmina, household = _get_household(request, gmina_id, household_id)
    form = InspectionForm(
        request.POST or None,
        request.FILES or None,
        initial={"checked_on": local_today()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checks.record_inspection(household, by=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Zapisano kontrolę."))
            return redirect("inclusion-household", gmina.pk, household.pk)
    return render(
        request,
        "inclusion/admin/inspection_form.html",
        {"gmina": gmina, "household": household, "form": form},
    )


def inspection_photo(request, gmina_id, pk):
    gmina = get_register_gmina(request, gmina_id)
    inspection = get_object_or_404(checks.Inspection, pk=pk, gmina=gmina)
    if not inspection.photo:
        raise Http404
    record(gmina, request.user, Action.SCAN, f"zdjęcie z kontroli #{inspection.pk}")
    extension = checks.PHOTO_TYPES[inspection.photo_type]
    return private_files.serve(
        inspection.photo,
        content_type=inspection.photo_type,
        filename=f"kontrola-{inspection.pk}{extension}",
    )
