"""Training screens: the list, a training's form, and its page where staff
enrol households (found by surname or village) and record who attended for
how long (coordinators and administrators).

The list names no household and is not logged; a training's page lists its
participants, so opening it and changing attendance are logged.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from .. import trainings
from ..access import get_register_gmina
from ..access_log import AccessLog, record
from ..households import Household
from ..trainings import Participant, Training
from .forms import AttendanceForm, ParticipantSearch, TrainingForm

Action = AccessLog.Action
PER_PAGE = 50
CANDIDATES = 20


def _subject(training) -> str:
    return f"szkolenie #{training.pk}"


def _get_training(request, gmina_id, pk):
    gmina = get_register_gmina(request, gmina_id)
    training = get_object_or_404(
        Training.objects.select_related("programme"), pk=pk, gmina=gmina
    )
    return gmina, training


def training_list(request, gmina_id):
    gmina = get_register_gmina(request, gmina_id)
    rows = Training.objects.filter(gmina=gmina).select_related("programme")
    # Meta.ordering does not apply to a GROUP BY query: order it again.
    rows = rows.with_totals().order_by("-starts_at", "-pk")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("p"))
    return render(
        request,
        "inclusion/admin/trainings.html",
        {"gmina": gmina, "page": page, "query": ""},
    )


def training_edit(request, gmina_id, pk=None):
    if pk:
        gmina, training = _get_training(request, gmina_id, pk)
    else:
        gmina = get_register_gmina(request, gmina_id)
        training = Training(gmina=gmina, created_by=request.user)
    form = TrainingForm(request.POST or None, instance=training, gmina=gmina)
    if request.method == "POST" and form.is_valid():
        training = form.save()
        messages.success(request, _("Zapisano szkolenie."))
        return redirect("inclusion-training", gmina.pk, training.pk)
    return render(
        request,
        "inclusion/admin/form.html",
        {
            "gmina": gmina,
            "form": form,
            "title": _("Szkolenie"),
            "back": reverse("inclusion-trainings", args=[gmina.pk]),
        },
    )


def _participants(training):
    return training.participants.select_related("household", "household__village")


def _candidates(training, search: ParticipantSearch):
    """Households matching the search that are not enrolled yet."""
    if not search.is_valid() or not any(search.cleaned_data.values()):
        return None
    households = Household.objects.filter(gmina=training.gmina_id)
    if training.programme_id:
        households = households.filter(programme=training.programme_id)
    households = search.filter(households.select_related("village"))
    enrolled = training.participants.values("household")
    return list(households.exclude(pk__in=enrolled)[:CANDIDATES])


def _detail(request, gmina, training, attendance=None, status=200):
    search = ParticipantSearch(request.GET or None, gmina=gmina)
    participants = _participants(training)
    attendance = attendance or AttendanceForm(
        training=training, participants=participants
    )
    context = {
        "gmina": gmina,
        "training": training,
        "attendance": attendance,
        "totals": Training.objects.filter(pk=training.pk).with_totals().get(),
        "search": search,
        "candidates": _candidates(training, search),
    }
    return render(request, "inclusion/admin/training.html", context, status=status)


def training_detail(request, gmina_id, pk):
    gmina, training = _get_training(request, gmina_id, pk)
    record(gmina, request.user, Action.VIEW, _subject(training))
    return _detail(request, gmina, training)


@require_POST
def training_attendance(request, gmina_id, pk):
    gmina, training = _get_training(request, gmina_id, pk)
    form = AttendanceForm(
        request.POST, training=training, participants=_participants(training)
    )
    if not form.is_valid():
        messages.error(request, _("Popraw godziny obecności zaznaczone poniżej."))
        return _detail(request, gmina, training, attendance=form, status=400)
    trainings.record_attendance(training, form.attendance())
    record(gmina, request.user, Action.EDIT, _subject(training))
    messages.success(request, _("Zapisano obecność."))
    return redirect("inclusion-training", gmina.pk, training.pk)


def _back_to_search(gmina, training, post):
    """The training's page with the search the staff member came from."""
    url = reverse("inclusion-training", args=[gmina.pk, training.pk])
    query = {k: post[k] for k in ("q", "village") if post.get(k)}
    return redirect(f"{url}?{urlencode(query)}" if query else url)


@require_POST
def participant_add(request, gmina_id, pk):
    gmina, training = _get_training(request, gmina_id, pk)
    household = get_object_or_404(
        Household, pk=request.POST.get("household") or 0, gmina=gmina
    )
    try:
        trainings.add_participant(training, household)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        record(gmina, request.user, Action.EDIT, _subject(training))
        messages.success(
            request, _("Zapisano na szkolenie: %(name)s.") % {"name": household}
        )
    return _back_to_search(gmina, training, request.POST)


@require_POST
def participant_remove(request, gmina_id, pk, participant_id):
    gmina, training = _get_training(request, gmina_id, pk)
    participant = get_object_or_404(Participant, pk=participant_id, training=training)
    participant.delete()
    record(gmina, request.user, Action.EDIT, _subject(training))
    messages.success(request, _("Usunięto uczestnika ze szkolenia."))
    return redirect("inclusion-training", gmina.pk, training.pk)
