"""Statement campaigns: the list with counts, starting one (reminders sent),
a campaign's statements (CSV/XLSX), recording a statement, the follow-up
list and the letters to print. Coordinators and administrators only; every
look at a household's data is logged."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from .. import statement_reminders as reminders
from ..access import get_register_gmina
from ..access_log import AccessLog, record
from ..programmes import Window
from ..statements import (
    Statement,
    StatementCampaign,
    record_statement,
    statement_filter,
)
from .exports import spreadsheet
from .forms import CampaignStartForm, StatementFilter, StatementForm
from .listing import logged_list
from .programmes import local_today

Action = AccessLog.Action


def _subject(campaign) -> str:
    return f"kampania oświadczeń #{campaign.pk}"


def _get_campaign(request, gmina_id, pk):
    gmina = get_register_gmina(request, gmina_id)
    campaign = get_object_or_404(
        StatementCampaign.objects.select_related("programme"), pk=pk, gmina=gmina
    )
    return gmina, campaign


def campaign_list(request, gmina_id):
    gmina = get_register_gmina(request, gmina_id)
    today = local_today()
    campaigns = StatementCampaign.objects.filter(gmina=gmina).select_related(
        "programme"
    )
    rows = [
        (campaign, [(label, n) for _v, label, n in _labelled(campaign.counts(today))])
        for campaign in campaigns
    ]
    return render(
        request,
        "inclusion/admin/statement_campaigns.html",
        {
            "gmina": gmina,
            "today": today,
            "rows": rows,
            "statuses": Statement.Status.choices,
            "form": CampaignStartForm(gmina=gmina, today=today),
        },
    )


@require_POST
def campaign_start(request, gmina_id):
    gmina = get_register_gmina(request, gmina_id)
    today = local_today()
    form = CampaignStartForm(request.POST, gmina=gmina, today=today)
    if not form.is_valid():
        messages.error(request, _("Wybierz okno z listy."))
        return redirect("inclusion-statements", gmina.pk)
    programme, window, year = form.chosen()
    campaign, added, sent = reminders.start_campaign(
        programme, window, year, by=request.user, today=today
    )
    _say_sent(request, added, sent)
    return redirect("inclusion-statement-campaign", gmina.pk, campaign.pk)


def _say_sent(request, added: int, sent: dict) -> None:
    parts = [
        f"{Statement.Channel(channel).label}: {count}"
        for channel, count in sent.items()
        if count
    ]
    # "Dodano oświadczeń: 3." reads right for any number, without plural forms.
    text = _("Dodano oświadczeń: %(n)d.") % {"n": added}
    if parts:
        text += " " + _("Przypomnienia: %(parts)s.") % {"parts": ", ".join(parts)}
    else:
        text += " " + _("Nie wysłano nowych przypomnień.")
    messages.success(request, text)


def campaign_detail(request, gmina_id, pk):
    gmina, campaign = _get_campaign(request, gmina_id, pk)
    today = local_today()
    form = StatementFilter(request.GET or None)
    statements = statement_filter(
        campaign.statements.select_related("household__village", "recorded_by"),
        today=today,
        **form.values(),
    )
    return logged_list(
        request,
        gmina,
        statements,
        form=form,
        noun=_subject(campaign),
        template="inclusion/admin/statement_campaign.html",
        export=lambda rows, fmt: _export(campaign, rows, fmt),
        context={
            "campaign": campaign,
            "today": today,
            "phase": campaign.phase(today),
            "counts": _labelled(campaign.counts(today)),
            "letters": reminders.letter_statements(campaign).count(),
        },
    )


def _labelled(counts: dict) -> list[tuple[str, str, int]]:
    return [(value, Statement.Status(value).label, n) for value, n in counts.items()]


def _export(campaign, statements, fmt):
    header = [
        "nazwisko",
        "imię",
        "adres",
        "sołectwo",
        "telefon",
        "e-mail",
        "stan",
        "data złożenia",
        "forma złożenia",
        "przypomnienie",
        "uwagi",
    ]
    rows = [
        [
            s.household.surname,
            s.household.first_name,
            s.household.address,
            s.household.village.name if s.household.village_id else "",
            s.household.phone,
            s.household.email,
            Statement.Status(s.status).label,
            f"{s.submitted_on:%Y-%m-%d}" if s.submitted_on else "",
            s.get_received_how_display(),
            s.get_reminder_channel_display(),
            s.note,
        ]
        for s in statements
    ]
    name = f"oswiadczenia-{campaign.window_start:%Y-%m-%d}"
    return spreadsheet(name, header, rows, fmt)


def campaign_followup(request, gmina_id, pk):
    gmina, campaign = _get_campaign(request, gmina_id, pk)
    today = local_today()
    statements = (
        campaign.statements.follow_up(today)
        .select_related("household__village")
        .order_by("status", "household__surname", "household__first_name", "pk")
    )
    return logged_list(
        request,
        gmina,
        statements,
        form=None,
        noun=f"{_subject(campaign)}: do wyjaśnienia",
        template="inclusion/admin/statement_followup.html",
        export=lambda rows, fmt: _export(campaign, rows, fmt),
        context={
            "campaign": campaign,
            "today": today,
            "missing": campaign.counts(today)[Statement.Status.MISSING],
        },
    )


def _pdf(request, gmina, campaign, statements, *, follow_up: bool, name: str):
    what = "wezwania" if follow_up else "przypomnienia"
    record(gmina, request.user, Action.PDF, f"{_subject(campaign)}: {what}")
    response = HttpResponse(
        reminders.letters_pdf(statements, today=local_today(), follow_up=follow_up),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def campaign_letters(request, gmina_id, pk):
    """The reminders of households that have only a postal address."""
    gmina, campaign = _get_campaign(request, gmina_id, pk)
    statements = reminders.letter_statements(campaign)
    name = f"przypomnienia-{campaign.window_start:%Y-%m-%d}"
    return _pdf(request, gmina, campaign, statements, follow_up=False, name=name)


def followup_letters(request, gmina_id, pk):
    """A follow-up letter to every household whose statement is missing."""
    gmina, campaign = _get_campaign(request, gmina_id, pk)
    statements = reminders.follow_up_letter_statements(campaign, local_today())
    name = f"wezwania-{campaign.window_start:%Y-%m-%d}"
    return _pdf(request, gmina, campaign, statements, follow_up=True, name=name)


@require_POST
def campaign_remind(request, gmina_id, pk):
    """Remind households added since the start (none is reminded twice)."""
    gmina, campaign = _get_campaign(request, gmina_id, pk)
    campaign, added, sent = reminders.start_campaign(
        campaign.programme,
        _window_of(campaign),
        campaign.year,
        by=request.user,
        today=local_today(),
    )
    _say_sent(request, added, sent)
    return redirect("inclusion-statement-campaign", gmina.pk, campaign.pk)


def _window_of(campaign):
    for window in campaign.programme.windows():
        if window.dates(campaign.year)[0] == campaign.window_start:
            return window
    # The programme's windows changed since: the campaign keeps its own dates.
    return Window(
        (campaign.window_start.day, campaign.window_start.month),
        (campaign.window_end.day, campaign.window_end.month),
        campaign.window_label,
    )


def statement_record(request, gmina_id, pk):
    gmina = get_register_gmina(request, gmina_id)
    statement = get_object_or_404(
        Statement.objects.select_related("campaign__programme", "household"),
        pk=pk,
        campaign__gmina=gmina,
    )
    record(gmina, request.user, Action.EDIT, f"oświadczenie #{statement.pk}")
    today = local_today()
    initial = {
        "submitted_on": statement.submitted_on or today,
        "received_how": statement.received_how,
        "note": statement.note,
    }
    form = StatementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record_statement(
                statement, by=request.user, today=today, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("submitted_on", error)
        else:
            messages.success(request, _("Zapisano oświadczenie."))
            return redirect(
                "inclusion-statement-campaign", gmina.pk, statement.campaign_id
            )
    return render(
        request,
        "inclusion/admin/statement_form.html",
        {
            "gmina": gmina,
            "statement": statement,
            "form": form,
            "status": statement.status_label(today),
        },
    )
