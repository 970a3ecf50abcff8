"""Programme screens: every member of the gmina reads them; coordinators
and administrators add and change them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin import messages

from ratusz.lib.dates import WARSAW

from ..access import can_keep_register, get_gmina, get_register_gmina, staff_gminas
from ..equipment import Status
from ..models import Programme
from .forms import ProgrammeForm


def local_today():
    return timezone.now().astimezone(WARSAW).date()


def index(request):
    gminas = list(staff_gminas(request.user))
    if len(gminas) == 1:
        return redirect("inclusion-programmes", gminas[0].pk)
    if not gminas:
        raise PermissionDenied
    return render(request, "inclusion/admin/pick_gmina.html", {"gminas": gminas})


def _context(request, gmina, **extra):
    return {
        "gmina": gmina,
        "can_keep": can_keep_register(request.user, gmina),
        "today": local_today(),
        **extra,
    }


def programme_list(request, gmina_id):
    gmina = get_gmina(request, gmina_id)
    programmes = Programme.objects.filter(gmina=gmina).order_by("name")
    return render(
        request,
        "inclusion/admin/programmes.html",
        _context(request, gmina, programmes=programmes),
    )


def programme_detail(request, gmina_id, pk):
    gmina = get_gmina(request, gmina_id)
    programme = get_object_or_404(Programme, pk=pk, gmina=gmina)
    # Counts only: no household is named here.
    by_status = dict(programme.equipment.values_list("status").annotate(n=Count("pk")))
    statuses = [(label, by_status.get(value, 0)) for value, label in Status.choices]
    return render(
        request,
        "inclusion/admin/programme.html",
        _context(
            request,
            gmina,
            programme=programme,
            statuses=statuses,
            households=programme.households.count(),
        ),
    )


def programme_edit(request, gmina_id, pk=None):
    gmina = get_register_gmina(request, gmina_id)
    if pk:
        programme = get_object_or_404(Programme, pk=pk, gmina=gmina)
    else:
        programme = Programme(gmina=gmina, template=request.GET.get("wzor", ""))
        programme.apply_template()
        if programme.template not in Programme.Template.values:
            programme.template = Programme.Template.OTHER
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        programme = form.save()
        messages.success(request, _("Zapisano program."))
        return redirect("inclusion-programme", gmina.pk, programme.pk)
    return render(
        request,
        "inclusion/admin/programme_form.html",
        _context(
            request,
            gmina,
            form=form,
            programme=programme,
            templates=Programme.Template.choices[:-1],
        ),
    )
