"""Handover protocols: drawn up for a household, printed as PDF, handed
over (items become lent or given), the signed scan uploaded and served
only to the register's keepers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from ratusz.lib.private_files import SizeLimitUploadHandler

from .. import equipment as register
from .. import protocols
from ..access import get_register_gmina
from ..access_log import AccessLog, record
from ..equipment import Protocol
from .forms import ProtocolForm, ScanForm
from .households import _get_household
from .programmes import local_today

Action = AccessLog.Action


def _subject(protocol) -> str:
    return f"protokół #{protocol.pk} ({protocol.number})"


def _get_protocol(request, gmina_id, pk):
    gmina = get_register_gmina(request, gmina_id)
    protocol = get_object_or_404(
        Protocol.objects.select_related("household", "programme", "gmina"),
        pk=pk,
        gmina=gmina,
    )
    return gmina, protocol


def protocol_add(request, gmina_id, household_id):
    gmina, household = _get_household(request, gmina_id, household_id)
    form = ProtocolForm(
        request.POST or None, household=household, initial={"handed_on": local_today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            protocol = register.create_protocol(
                household,
                form.cleaned_data["items"],
                handed_on=form.cleaned_data["handed_on"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Sporządzono protokół %s.") % protocol.number)
            return redirect("inclusion-protocol", gmina.pk, protocol.pk)
    return render(
        request,
        "inclusion/admin/protocol_form.html",
        {"gmina": gmina, "household": household, "form": form},
    )


def protocol_detail(request, gmina_id, pk):
    gmina, protocol = _get_protocol(request, gmina_id, pk)
    record(gmina, request.user, Action.VIEW, _subject(protocol))
    return render(
        request,
        "inclusion/admin/protocol.html",
        {
            "gmina": gmina,
            "protocol": protocol,
            "items": protocol.items.order_by("inventory_number"),
            "scan_form": ScanForm(),
        },
    )


def protocol_pdf(request, gmina_id, pk):
    gmina, protocol = _get_protocol(request, gmina_id, pk)
    record(gmina, request.user, Action.PDF, _subject(protocol))
    response = HttpResponse(
        protocols.render_pdf(protocol), content_type="application/pdf"
    )
    filename = f"protokol-{protocol.number.replace('/', '-')}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def protocol_hand_over(request, gmina_id, pk):
    gmina, protocol = _get_protocol(request, gmina_id, pk)
    try:
        register.hand_over(protocol, by=request.user)
        messages.success(request, _("Sprzęt wydano zgodnie z protokołem."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("inclusion-protocol", gmina.pk, protocol.pk)


@csrf_exempt  # checked by _protocol_scan: the upload handler must come first
def protocol_scan(request, gmina_id, pk):
    """GET: the signed scan; POST: upload it (bytes past the limit dropped)."""
    if request.method == "POST":
        request.upload_handlers.insert(
            0, SizeLimitUploadHandler(request, limit=protocols.scan_max_bytes())
        )
    return _protocol_scan(request, gmina_id, pk)


@csrf_protect
def _protocol_scan(request, gmina_id, pk):
    gmina, protocol = _get_protocol(request, gmina_id, pk)
    if request.method != "POST":
        if not protocol.scan:
            raise Http404
        record(gmina, request.user, Action.SCAN, _subject(protocol))
        return protocols.serve_scan(protocol)
    form = ScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            protocols.attach_scan(protocol, form.cleaned_data["scan"], by=request.user)
            messages.success(request, _("Dołączono podpisany skan."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Wybierz plik skanu."))
    return redirect("inclusion-protocol", gmina.pk, protocol.pk)
