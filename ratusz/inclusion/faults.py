"""Fault reports from an item's QR label ("Zgłoś usterkę").

Every item carries a sticker (`labels.py`) whose QR code opens a public page
on its gmina's site, `/zglos-usterke/<label_token>/` (`fault_page.py`). The
page names the item by kind, model and inventory number only (never the
household that holds it) and opens a messenger conversation through the
messenger's own form flow; a `FaultReport` links the two. The item's history
lists its reports beside its status events, and the staff conversation shows
"Dotyczy sprzętu: <inventory number>" through the messenger's subject
registry (`conversation_subject`, registered in apps.py): the messenger does
not import this app.

A written-off item has left the register: its page says so and points to
"Napisz do urzędu" instead of opening a report. A lost one still takes
reports (whoever found it may say where it is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ratusz.messenger import services as messenger
from ratusz.messenger.models import Conversation
from ratusz.messenger.subjects import Subject

from .access import can_keep_register
from .equipment import Equipment, EquipmentEvent, Status


class FaultReport(models.Model):
    """A conversation opened from an item's label, about that item."""

    equipment = models.ForeignKey(
        Equipment, on_delete=models.CASCADE, related_name="fault_reports"
    )
    # The conversation's erasure takes the link with it.
    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="inclusion_fault_report"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "zgłoszenie usterki"
        verbose_name_plural = "zgłoszenia usterek"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.equipment.inventory_number}: {self.conversation_id}"


def label_path(item: Equipment) -> str:
    # Polish, whatever language the staff member printing the sheet uses.
    with translation.override("pl"):
        return reverse("inclusion-report-fault", args=[item.label_token])


def label_url(item: Equipment, *, gmina=None) -> str:
    """The address the QR code encodes, on the item's gmina's own host
    (`gmina`: the item's, already loaded)."""
    return (gmina or item.gmina).absolute_url(label_path(item))


def short_url(item: Equipment, *, gmina=None) -> str:
    """The label's address to type in, without the scheme."""
    return label_url(item, gmina=gmina).split("://", 1)[-1]


def accepts_reports(item: Equipment) -> bool:
    return item.status != Status.WRITTEN_OFF


def fault_subject(item: Equipment) -> str:
    return _("Usterka sprzętu %(number)s") % {"number": item.inventory_number}


@transaction.atomic
def open_fault_report(item: Equipment, gmina, **fields) -> Conversation:
    """A conversation about `item` with the resident's description, linked.

    `fields` are `messenger.services.open_conversation`'s (body, resident's
    name and contact, consent, client_id). A retried submit returns the
    conversation it opened, linked once.
    """
    if gmina.pk != item.gmina_id:
        raise ValueError("an item is reported on its own gmina's site only")
    conversation, _message, _created = messenger.open_conversation(
        gmina, subject=fault_subject(item), **fields
    )
    FaultReport.objects.get_or_create(
        conversation=conversation,
        defaults={"equipment": item, "created_at": conversation.created_at},
    )
    return conversation


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    event: EquipmentEvent | None = None
    report: FaultReport | None = None


def item_history(item: Equipment) -> list[HistoryEntry]:
    """The item's status events and fault reports, newest first."""
    entries = [
        HistoryEntry(event.at, event=event)
        for event in item.events.select_related("by", "household", "protocol")
    ]
    entries += [
        HistoryEntry(report.created_at, report=report)
        for report in item.fault_reports.select_related("conversation")
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def conversation_subject(conversation, user) -> Subject | None:
    """The messenger's subject resolver: "Dotyczy sprzętu: EI/005", linked
    to the item for those who keep the register."""
    report = (
        FaultReport.objects.filter(conversation=conversation)
        .select_related("equipment")
        .first()
    )
    if report is None:
        return None
    item = report.equipment
    url = ""
    if can_keep_register(user, conversation.gmina):
        url = reverse("inclusion-equipment", args=[item.gmina_id, item.pk])
    return Subject(_("Dotyczy sprzętu"), item.inventory_number, url)
