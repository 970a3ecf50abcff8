"""The "Import z arkusza" screen: upload a register spreadsheet, see its
check (every error with row and column, or what would be created), then
import it. The checked file waits in private storage, named only in the
session, and is checked again when "Importuj" is pressed; the form carries
a token that picks it, never the file or its data."""

from __future__ import annotations

import secrets

from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from ratusz.lib.private_files import SizeLimitUploadHandler

from .. import importing
from ..access import get_register_gmina
from ..access_log import AccessLog, record
from ..models import Programme
from .exports import FORMATS, spreadsheet
from .forms import ImportForm

Action = AccessLog.Action
SESSION_KEY = "inclusion-import"


@csrf_exempt  # checked by _import_sheet: the upload handler must come first
def import_sheet(request, gmina_id):
    """GET: the form; POST: check the uploaded sheet (a dry run)."""
    if request.method == "POST":
        request.upload_handlers.insert(
            0, SizeLimitUploadHandler(request, limit=importing.MAX_BYTES)
        )
    return _import_sheet(request, gmina_id)


@csrf_protect
def _import_sheet(request, gmina_id):
    gmina = get_register_gmina(request, gmina_id)
    form = ImportForm(request.POST or None, request.FILES or None, gmina=gmina)
    context = {"gmina": gmina, "form": form}
    if request.method == "POST" and form.is_valid():
        programme = form.cleaned_data["programme"]
        data, fmt = form.cleaned_data["sheet"]
        _forget_pending(request)
        result = importing.run(gmina, programme, data, dry_run=True, by=request.user)
        # The check compares the file with the register's households.
        record(
            gmina,
            request.user,
            Action.VIEW,
            f"import z arkusza – sprawdzenie (program #{programme.pk})",
        )
        if result.ok and result.items:
            token = secrets.token_urlsafe(16)
            request.session[SESSION_KEY] = {
                "token": token,
                "gmina": gmina.pk,
                "programme": programme.pk,
                "file": importing.keep_upload(data, fmt),
            }
            context["token"] = token
        context.update(result=result, programme=programme)
    return render(request, "inclusion/admin/import.html", context)


@require_POST
def import_confirm(request, gmina_id):
    """Import the sheet checked before (checked again: the register may
    have changed since)."""
    gmina = get_register_gmina(request, gmina_id)
    pending = request.session.get(SESSION_KEY) or {}
    data = None
    if pending.get("gmina") == gmina.pk and constant_time_compare(
        pending.get("token", ""), request.POST.get("token", "")
    ):
        data = importing.read_upload(pending["file"])
    programme = Programme.objects.filter(
        gmina=gmina, pk=pending.get("programme")
    ).first()
    if data is None or programme is None:
        messages.error(
            request, _("Sprawdzenie pliku wygasło. Wczytaj arkusz jeszcze raz.")
        )
        return redirect("inclusion-import", gmina.pk)
    _forget_pending(request)
    result = importing.run(gmina, programme, data, by=request.user)
    if not result.written:
        form = ImportForm(gmina=gmina, initial={"programme": programme.pk})
        return render(
            request,
            "inclusion/admin/import.html",
            {"gmina": gmina, "form": form, "result": result, "programme": programme},
        )
    record(
        gmina,
        request.user,
        Action.EDIT,
        f"import z arkusza (program #{programme.pk}): gospodarstwa "
        f"{result.households}, sprzęt {result.items}, protokoły {result.protocols}",
    )
    messages.success(request, result.summary()[0])
    if result.skipped:
        messages.info(
            request,
            _("Pominięto pozycje już zapisane w rejestrze: %(n)d.")
            % {"n": len(result.skipped)},
        )
    return redirect("inclusion-equipment-list", gmina.pk)


def _forget_pending(request) -> None:
    """Drop the sheet waiting in this session, if any."""
    pending = request.session.pop(SESSION_KEY, None)
    if pending and pending.get("file"):
        importing.drop_upload(pending["file"])


def import_template(request, gmina_id):
    """The columns and one example row, as CSV or XLSX (`?format=`)."""
    gmina = get_register_gmina(request, gmina_id)
    fmt = request.GET.get("format")
    if fmt not in FORMATS:
        fmt = "csv"
    header, rows = importing.template_rows(gmina)
    return spreadsheet("wzor-importu-e-integracja", header, rows, fmt)
