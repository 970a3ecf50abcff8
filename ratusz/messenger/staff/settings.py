"""The inbox's settings screens: saved replies (administrators and editors),
office hours and holidays, the mayor's "available this evening" switch
(administrators)."""

from __future__ import annotations

from datetime import datetime
from datetime import time as dtime

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from ratusz.gminas.models import Gmina, Membership
from ratusz.gminas.permissions import get_rw_gmina

from ..models import Holiday, OfficeHours, SavedReply
from .access import get_gmina
from .forms import WARSAW, HolidayForm, OfficeHoursForm, SavedReplyForm

# Who may manage the gmina's saved replies.
SAVED_REPLY_ROLES = [Membership.Role.ADMIN, Membership.Role.EDITOR]


# --- saved replies --------------------------------------------------------------


def _get_rw_saved_gmina(request, gmina_id) -> Gmina:
    return get_rw_gmina(request, gmina_id, roles=SAVED_REPLY_ROLES)


def saved_replies(request, gmina_id):
    gmina = get_gmina(request, gmina_id)
    can_edit = (
        Gmina.objects.administered_by(request.user, SAVED_REPLY_ROLES)
        .filter(pk=gmina.pk)
        .exists()
    )
    return render(
        request,
        "messenger/admin/saved_replies.html",
        {
            "gmina": gmina,
            "replies": SavedReply.objects.filter(gmina=gmina),
            "can_edit": can_edit,
        },
    )


def saved_reply_edit(request, gmina_id, pk=None):
    gmina = _get_rw_saved_gmina(request, gmina_id)
    reply = (
        get_object_or_404(SavedReply, pk=pk, gmina=gmina)
        if pk
        else SavedReply(gmina=gmina)
    )
    form = SavedReplyForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if saved.created_by_id is None:
            saved.created_by = request.user
        saved.save()
        messages.success(request, _("Zapisano gotową odpowiedź."))
        return redirect("messenger-saved-replies", gmina.pk)
    return render(
        request,
        "messenger/admin/saved_reply_form.html",
        {"gmina": gmina, "form": form, "reply": reply},
    )


def saved_reply_delete(request, gmina_id, pk):
    gmina = _get_rw_saved_gmina(request, gmina_id)
    reply = get_object_or_404(SavedReply, pk=pk, gmina=gmina)
    if request.method == "POST":
        reply.delete()
        messages.success(request, _("Usunięto gotową odpowiedź."))
        return redirect("messenger-saved-replies", gmina.pk)
    return render(
        request,
        "messenger/admin/saved_reply_delete.html",
        {"gmina": gmina, "reply": reply},
    )


# --- office hours, holidays and the mayor's switch ---------------------------------


def _render_hours(request, gmina, hours, *, form=None, holiday_form=None):
    return render(
        request,
        "messenger/admin/office_hours.html",
        {
            "gmina": gmina,
            "form": form
            or OfficeHoursForm(initial=OfficeHoursForm.initial_from(hours)),
            "holiday_form": holiday_form or HolidayForm(),
            "holidays": Holiday.objects.filter(gmina=gmina),
            "hours": hours,
            "now": timezone.now(),
        },
    )


def office_hours(request, gmina_id):
    gmina = get_rw_gmina(request, gmina_id)
    hours, _created = OfficeHours.objects.get_or_create(gmina=gmina)
    if request.method != "POST":
        return _render_hours(request, gmina, hours)
    form = OfficeHoursForm(request.POST, initial=OfficeHoursForm.initial_from(hours))
    if not form.is_valid():
        return _render_hours(request, gmina, hours, form=form)
    hours.weekly = form.cleaned_data["weekly"]
    hours.auto_reply = form.cleaned_data["auto_reply"]
    hours.save(update_fields=["weekly", "auto_reply"])
    messages.success(request, _("Zapisano godziny odpowiedzi."))
    return redirect("messenger-hours", gmina.pk)


@require_POST
def holiday_add(request, gmina_id):
    gmina = get_rw_gmina(request, gmina_id)
    form = HolidayForm(request.POST)
    if not form.is_valid():
        hours, _created = OfficeHours.objects.get_or_create(gmina=gmina)
        return _render_hours(request, gmina, hours, holiday_form=form)
    Holiday.objects.update_or_create(
        gmina=gmina,
        date=form.cleaned_data["date"],
        defaults={"name": form.cleaned_data["name"]},
    )
    messages.success(request, _("Dodano dzień wolny."))
    return redirect("messenger-hours", gmina.pk)


@require_POST
def holiday_delete(request, gmina_id, pk):
    gmina = get_rw_gmina(request, gmina_id)
    Holiday.objects.filter(gmina=gmina, pk=pk).delete()
    messages.success(request, _("Usunięto dzień wolny."))
    return redirect("messenger-hours", gmina.pk)


@require_POST
def availability(request, gmina_id):
    """The mayor's "Dostępny(-a) dziś wieczorem": until 23:59 today, or off."""
    gmina = get_rw_gmina(request, gmina_id)
    hours, _created = OfficeHours.objects.get_or_create(gmina=gmina)
    if request.POST.get("available") == "1":
        today = timezone.localtime(timezone.now(), WARSAW).date()
        hours.available_until = datetime.combine(today, dtime(23, 59), tzinfo=WARSAW)
        messages.success(
            request,
            _("Jesteś dostępny(-a) dziś do 23:59: odpowiedź automatyczna nie wyjdzie."),
        )
    else:
        hours.available_until = None
        messages.success(request, _("Wyłączono dostępność na dziś wieczór."))
    hours.save(update_fields=["available_until"])
    target = request.POST.get("next")
    if target == "inbox":
        return redirect("messenger-inbox", gmina.pk)
    return redirect("messenger-hours", gmina.pk)
