"""Reminding the gmina's coordinators and administrators by e-mail (a daily
worker job, `tasks.remind_staff`):

1. durability checks: a household's check is announced once when its due
   date comes within `INCLUSION_CHECK_REMINDER_DAYS` and once when it has
   passed (a household never visited: overdue from the durability start).
   A `CheckReminder` row per (household, due date, kind) remembers what was
   said; a new visit gives a new due date and so a new reminder later. All
   that is new for a gmina on one day goes in one e-mail.
2. statement campaigns: once per campaign, `INCLUSION_STATEMENT_REMINDER_DAYS`
   before its window ends, the statements still awaiting.

Each e-mail is a `StaffReminder` and one outbox delivery per person (item
`inclusion-reminder:<id>`, recipient `user:<id>`), planned in the same
transaction: a second run the same day finds everything already said.
The composer lists what is true at send time and skips people who are no
longer coordinators or administrators of the gmina.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ratusz.gminas.models import Gmina
from ratusz.lib.dates import WARSAW
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Channel, Delivery
from ratusz.outbox.transports import Envelope

from .checks import households_to_check
from .network_alerts import recipients
from .reminders import CheckReminder, StaffReminder
from .statements import Statement, StatementCampaign

ITEM_KIND = "inclusion-reminder"


def check_lead() -> timedelta:
    return timedelta(days=settings.INCLUSION_CHECK_REMINDER_DAYS)


def statement_lead() -> timedelta:
    return timedelta(days=settings.INCLUSION_STATEMENT_REMINDER_DAYS)


def local_today() -> date:
    return timezone.now().astimezone(WARSAW).date()


def run(today: date | None = None) -> int:
    """Plan today's reminders for every gmina; the number of e-mails planned
    (one per reminder, whatever the number of people)."""
    today = today or local_today()
    planned = 0
    gminas = Gmina.objects.filter(
        inclusion_programmes__household_checks=True
    ).distinct()
    for gmina in gminas:
        planned += remind_checks(gmina, today) is not None
    ending = StatementCampaign.objects.filter(
        window_end__gte=today, window_end__lte=today + statement_lead()
    ).exclude(staff_reminders__isnull=False)
    for campaign in ending:
        planned += remind_campaign_end(campaign, today) is not None
    return planned


def _checks_to_announce(gmina, today: date) -> list[tuple]:
    """(household, due date, kind) of every check due soon or overdue."""
    lead = check_lead()
    found = []
    for household in households_to_check(gmina, today):
        due_on = household.next_due_on
        if due_on is None:
            due_on = household.programme.durability_start
            kind = CheckReminder.Kind.OVERDUE
        elif due_on < today:
            kind = CheckReminder.Kind.OVERDUE
        elif due_on <= today + lead:
            kind = CheckReminder.Kind.DUE
        else:
            continue
        found.append((household, due_on, kind))
    return found


@transaction.atomic
def remind_checks(gmina, today: date) -> StaffReminder | None:
    """One e-mail with the checks that became due or overdue since the last
    reminder (None when there are none).

    Locks the gmina's row: two runs at once would otherwise both see the
    same checks as new."""
    Gmina.objects.select_for_update().get(pk=gmina.pk)
    found = _checks_to_announce(gmina, today)
    said = set(
        CheckReminder.objects.filter(
            household__in=[household.pk for household, _, _ in found]
        ).values_list("household", "due_on", "kind")
    )
    new = [row for row in found if (row[0].pk, row[1], row[2]) not in said]
    if not new:
        return None
    reminder = StaffReminder.objects.create(gmina=gmina, kind=StaffReminder.Kind.CHECKS)
    CheckReminder.objects.bulk_create(
        CheckReminder(reminder=reminder, household=household, due_on=due_on, kind=kind)
        for household, due_on, kind in new
    )
    _plan(reminder)
    return reminder


@transaction.atomic
def remind_campaign_end(campaign: StatementCampaign, today: date):
    """The campaign's one reminder of the statements still awaiting (None
    when every statement is in, or it was sent before)."""
    awaiting = campaign.statements.with_status(today).filter(
        status=Statement.Status.AWAITING
    )
    if not awaiting.exists():
        return None
    reminder, created = StaffReminder.objects.get_or_create(
        campaign=campaign,
        defaults={"gmina": campaign.gmina, "kind": StaffReminder.Kind.STATEMENTS},
    )
    if not created:
        return None
    _plan(reminder)
    return reminder


def _plan(reminder: StaffReminder) -> None:
    outbox.enqueue(
        Delivery(
            gmina=reminder.gmina,
            item=f"{ITEM_KIND}:{reminder.pk}",
            channel=Channel.EMAIL,
            recipient=f"user:{user.pk}",
        )
        for user in recipients(reminder.gmina)
    )


def compose(delivery: Delivery) -> Envelope | None:
    _kind, _sep, pk = delivery.item.partition(":")
    reminder = (
        StaffReminder.objects.select_related("gmina__site", "campaign__programme")
        .filter(pk=int(pk) if pk.isdigit() else 0, gmina=delivery.gmina_id)
        .first()
    )
    user_id = delivery.recipient.removeprefix("user:")
    user = None
    if reminder is not None and user_id.isdigit():
        user = recipients(reminder.gmina).filter(pk=int(user_id)).first()
    if user is None:
        return None
    gmina = reminder.gmina
    with translation.override(settings.LANGUAGE_CODE):
        if reminder.kind == StaffReminder.Kind.CHECKS:
            name = "checks"
            path = reverse("inclusion-checks", args=[gmina.pk])
            context = {
                "checks": reminder.checks.select_related("household__village").order_by(
                    "kind", "due_on", "pk"
                )
            }
        else:
            name = "statements"
            campaign = reminder.campaign
            # Still without a statement when the e-mail goes out.
            awaiting = list(
                campaign.statements.filter(submitted_on__isnull=True).select_related(
                    "household__village"
                )
            )
            if not awaiting:
                return None
            path = reverse("inclusion-statement-campaign", args=[gmina.pk, campaign.pk])
            context = {"campaign": campaign, "awaiting": awaiting}
        context.update(gmina=gmina, url=gmina.absolute_url(path))
        subject = render_to_string(f"inclusion/reminders/{name}-subject.txt", context)
        return Envelope(
            subject=" ".join(subject.split()),
            text=render_to_string(f"inclusion/reminders/{name}-body.txt", context),
            url=context["url"],
            extra={"to": user.email},
        )
