"""Equipment screens: the list, an item with its history (status events and
fault reports) and its moves, and the sheet of QR labels (coordinators and
administrators; every look logged)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from .. import equipment as register
from .. import faults, labels
from ..access import get_register_gmina
from ..access_log import AccessLog, record
from ..equipment import Equipment
from .exports import spreadsheet
from .forms import EquipmentFilter, EquipmentForm, StatusForm
from .listing import logged_list

Action = AccessLog.Action


def _subject(item) -> str:
    return f"sprzęt #{item.pk}"


def _get_item(request, gmina_id, pk):
    gmina = get_register_gmina(request, gmina_id)
    item = get_object_or_404(
        Equipment.objects.select_related("programme", "household", "protocol"),
        pk=pk,
        gmina=gmina,
    )
    return gmina, item


def equipment_list(request, gmina_id):
    gmina = get_register_gmina(request, gmina_id)
    form = EquipmentFilter(request.GET or None, gmina=gmina)
    items = form.filter(
        Equipment.objects.filter(gmina=gmina).select_related(
            "programme", "household", "household__village"
        )
    )
    return logged_list(
        request,
        gmina,
        items,
        form=form,
        noun="sprzęt",
        template="inclusion/admin/equipment_list.html",
        export=_export,
    )


def _export(items, fmt):
    header = [
        "nr inwentarzowy",
        "numer seryjny",
        "rodzaj",
        "model",
        "elementy",
        "program",
        "stan",
        "gospodarstwo",
        "sołectwo",
    ]
    rows = [
        [
            item.inventory_number,
            item.serial_number,
            item.get_kind_display(),
            item.model,
            item.components,
            item.programme.name,
            item.get_status_display(),
            str(item.household) if item.household_id else "",
            item.household.village.name
            if item.household_id and item.household.village_id
            else "",
        ]
        for item in items
    ]
    return spreadsheet("sprzet", header, rows, fmt)


def equipment_detail(request, gmina_id, pk):
    gmina, item = _get_item(request, gmina_id, pk)
    record(gmina, request.user, Action.VIEW, _subject(item))
    return render(
        request,
        "inclusion/admin/equipment.html",
        {
            "gmina": gmina,
            "item": item,
            "history": faults.item_history(item),
            "label_url": faults.label_url(item, gmina=gmina),
            "status_form": StatusForm(item=item),
        },
    )


def equipment_edit(request, gmina_id, pk=None):
    if pk:
        gmina, item = _get_item(request, gmina_id, pk)
    else:
        gmina = get_register_gmina(request, gmina_id)
        item = Equipment(gmina=gmina)
    form = EquipmentForm(request.POST or None, instance=item, gmina=gmina)
    if request.method == "POST" and form.is_valid():
        if pk:
            item = form.save()
        else:
            item = register.register_item(
                gmina=gmina, by=request.user, **form.cleaned_data
            )
        messages.success(request, _("Zapisano sprzęt."))
        return redirect("inclusion-equipment", gmina.pk, item.pk)
    return render(
        request,
        "inclusion/admin/form.html",
        {
            "gmina": gmina,
            "form": form,
            "title": _("Sprzęt"),
            "back": reverse("inclusion-equipment-list", args=[gmina.pk]),
        },
    )


@require_POST
def equipment_status(request, gmina_id, pk):
    gmina, item = _get_item(request, gmina_id, pk)
    form = StatusForm(request.POST, item=item)
    if form.is_valid():
        try:
            register.change_status(
                item,
                form.cleaned_data["status"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Zmieniono stan sprzętu."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Wybierz dozwolony stan."))
    return redirect("inclusion-equipment", gmina.pk, item.pk)


# 20 sheets: more at once is a mistake of the filters, not a print job.
MAX_LABELS = 20 * labels.PER_SHEET


def equipment_labels(request, gmina_id):
    """The QR labels (PDF) of the items ticked on the list (`?item=`), or of
    the whole filtered list, or of one item.

    A label holds no personal data, but a sheet picked through the list's
    filters (the holder's surname, the village) tells who holds which item,
    so every download is logged like the list it comes from.
    """
    gmina = get_register_gmina(request, gmina_id)
    items = Equipment.objects.filter(gmina=gmina)
    if "selected" in request.GET or "item" in request.GET:
        ticked = [v for v in request.GET.getlist("item") if v.isdigit()]
        items = items.filter(pk__in=ticked)
    else:
        items = EquipmentFilter(request.GET or None, gmina=gmina).filter(items)
    items = list(items.order_by("inventory_number", "pk")[: MAX_LABELS + 1])
    back = redirect("inclusion-equipment-list", gmina.pk)
    if not items:
        messages.error(request, _("Zaznacz sprzęt, dla którego drukujesz etykiety."))
        return back
    if len(items) > MAX_LABELS:
        messages.error(
            request,
            _("Najwyżej %(max)d etykiet naraz: zawęź listę filtrami.")
            % {"max": MAX_LABELS},
        )
        return back
    record(
        gmina,
        request.user,
        Action.PDF,
        f"etykiety QR ({len(items)}) {request.GET.urlencode()}".strip(),
    )
    response = HttpResponse(
        labels.render_sheet(items, gmina), content_type="application/pdf"
    )
    response["Content-Disposition"] = 'attachment; filename="etykiety-qr.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
