"""The gmina's equipment, its life (status events) and the handover
protocols that put it in a household's hands.

Every change of status goes through `change_status`, which refuses a move
the table `TRANSITIONS` does not allow and a handover ("lent", "given")
without a protocol that lists the item; each accepted move is one
`EquipmentEvent`.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ratusz.gminas.models import Gmina

from . import programmes


class Status(models.TextChoices):
    IN_STOCK = "in_stock", "w magazynie"
    LENT = programmes.LENT, "użyczony"
    GIVEN = programmes.GIVEN, "przekazany na własność"
    IN_REPAIR = "in_repair", "w naprawie"
    RETURNED = "returned", "zwrócony"
    WRITTEN_OFF = "written_off", "zlikwidowany"
    LOST = "lost", "utracony"


HANDED_OVER = {Status.LENT, Status.GIVEN}
# Items a protocol may hand over.
AVAILABLE = {Status.IN_STOCK, Status.RETURNED}

TRANSITIONS: dict[str, set[str]] = {
    Status.IN_STOCK: {
        Status.LENT,
        Status.GIVEN,
        Status.IN_REPAIR,
        Status.WRITTEN_OFF,
        Status.LOST,
    },
    Status.LENT: {Status.IN_REPAIR, Status.RETURNED, Status.WRITTEN_OFF, Status.LOST},
    Status.GIVEN: {Status.IN_REPAIR, Status.RETURNED, Status.WRITTEN_OFF, Status.LOST},
    # Back from repair: to the household it came from, or to the stock.
    Status.IN_REPAIR: {
        Status.LENT,
        Status.GIVEN,
        Status.IN_STOCK,
        Status.RETURNED,
        Status.WRITTEN_OFF,
        Status.LOST,
    },
    Status.RETURNED: {
        Status.IN_STOCK,
        Status.LENT,
        Status.GIVEN,
        Status.IN_REPAIR,
        Status.WRITTEN_OFF,
        Status.LOST,
    },
    # A lost item that turns up comes back as returned; a written-off one is gone.
    Status.LOST: {Status.RETURNED},
    Status.WRITTEN_OFF: set(),
}


class TransitionRefused(ValidationError):
    pass


def new_label_token() -> str:
    """128 random bits for the item's QR label (its public fault-report page):
    the label is stuck on a computer in someone's home, so its address must
    not be the item's id or anything else one could count through."""
    return secrets.token_urlsafe(16)


class EquipmentQuerySet(models.QuerySet):
    def search(self, text: str):
        """Serial, inventory number, model or the holder's surname containing `text`."""
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(serial_number__icontains=text)
            | Q(inventory_number__icontains=text)
            | Q(model__icontains=text)
            | Q(household__surname__icontains=text)
        )


class Equipment(models.Model):
    class Kind(models.TextChoices):
        DESKTOP = "desktop", "komputer stacjonarny"
        LAPTOP = "laptop", "laptop"
        TABLET = "tablet", "tablet"
        MONITOR = "monitor", "monitor"
        PRINTER = "printer", "urządzenie wielofunkcyjne"
        MODEM = "modem", "modem / router"
        OTHER = "other", "inne"

    Status = Status

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="inclusion_equipment"
    )
    programme = models.ForeignKey(
        "inclusion.Programme",
        on_delete=models.PROTECT,
        related_name="equipment",
        verbose_name="program",
    )
    inventory_number = models.CharField("numer inwentarzowy", max_length=50)
    serial_number = models.CharField("numer seryjny", max_length=80)
    kind = models.CharField("rodzaj", max_length=10, choices=Kind.choices)
    model = models.CharField("model", max_length=120, blank=True)
    components = models.TextField(
        "elementy zestawu", blank=True, help_text="Np. mysz, klawiatura, zasilacz."
    )
    status = models.CharField(
        "stan", max_length=12, choices=Status.choices, default=Status.IN_STOCK
    )
    # Who holds it now and under which protocol (set by change_status).
    household = models.ForeignKey(
        "inclusion.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="equipment",
        verbose_name="gospodarstwo",
    )
    protocol = models.ForeignKey(
        "inclusion.Protocol",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="protokół",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The QR label's key (inclusion/faults.py); never shown as an id.
    label_token = models.CharField(
        max_length=32, unique=True, default=new_label_token, editable=False
    )

    objects = EquipmentQuerySet.as_manager()

    class Meta:
        verbose_name = "sprzęt"
        verbose_name_plural = "sprzęt"
        ordering = ["inventory_number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "inventory_number"],
                name="inclusion_equipment_inventory_unique",
                violation_error_message=(
                    "Ten numer inwentarzowy jest już w rejestrze gminy."
                ),
            ),
            models.UniqueConstraint(
                fields=["gmina", "serial_number"],
                name="inclusion_equipment_serial_unique",
                violation_error_message=(
                    "Ten numer seryjny jest już w rejestrze gminy."
                ),
            ),
        ]

    def __str__(self):
        return (
            f"{self.inventory_number} ({self.get_kind_display()} {self.model})".strip()
        )

    def allowed_statuses(self) -> list[str]:
        return [s for s in Status.values if s in TRANSITIONS[self.status]]


class Protocol(models.Model):
    """A handover protocol and agreement with one household (printable PDF;
    the signed scan kept in private storage)."""

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="inclusion_protocols"
    )
    programme = models.ForeignKey(
        "inclusion.Programme", on_delete=models.PROTECT, related_name="protocols"
    )
    household = models.ForeignKey(
        "inclusion.Household", on_delete=models.PROTECT, related_name="protocols"
    )
    number = models.CharField("numer", max_length=30)
    kind = models.CharField(
        "forma",
        max_length=10,
        choices=[
            (Status.LENT.value, Status.LENT.label),
            (Status.GIVEN.value, Status.GIVEN.label),
        ],
    )
    handed_on = models.DateField("data przekazania")
    items = models.ManyToManyField(Equipment, related_name="protocols")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    handed_over_at = models.DateTimeField("przekazano", null=True, blank=True)
    scan = models.CharField(max_length=200, blank=True)  # private storage name
    scan_type = models.CharField(max_length=50, blank=True)
    scan_uploaded_at = models.DateTimeField(null=True, blank=True)
    scan_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Where the protocol came from when not drawn up on the screens
    # ("zaimportowano z arkusza"); shown with it.
    note = models.CharField("uwaga", max_length=200, blank=True)

    class Meta:
        verbose_name = "protokół przekazania"
        verbose_name_plural = "protokoły przekazania"
        ordering = ["-handed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gmina", "number"], name="inclusion_protocol_number_unique"
            )
        ]

    def __str__(self):
        return self.number


class EquipmentEvent(models.Model):
    """One change of an item's status (its history)."""

    equipment = models.ForeignKey(
        Equipment, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    household = models.ForeignKey(
        "inclusion.Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    protocol = models.ForeignKey(
        Protocol, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField("uwaga", max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.equipment}: {self.from_status} → {self.to_status}"


def _refuse(message: str):
    raise TransitionRefused(message)


@transaction.atomic
def change_status(
    item: Equipment,
    to: str,
    *,
    by=None,
    protocol: Protocol | None = None,
    note: str = "",
    at=None,
) -> EquipmentEvent:
    """Move `item` to status `to` and record the event.

    A handover ("lent"/"given") needs a protocol listing the item (back from
    repair, the protocol it was handed over under counts); the protocol's
    form must match. Raises TransitionRefused with a Polish message.
    """
    item = Equipment.objects.select_for_update().get(pk=item.pk)
    old = item.status
    if to not in Status.values:
        _refuse(_("Nieznany stan sprzętu."))
    if to == old or to not in TRANSITIONS[old]:
        _refuse(
            _("Sprzętu w stanie „%(old)s” nie można oznaczyć jako „%(new)s”.")
            % {"old": Status(old).label, "new": Status(to).label}
        )
    household = item.household
    if to in HANDED_OVER:
        if protocol is None and old == Status.IN_REPAIR:
            protocol = item.protocol
        if protocol is None or not protocol.items.filter(pk=item.pk).exists():
            _refuse(
                _(
                    "Sprzęt można użyczyć lub przekazać tylko na podstawie "
                    "protokołu przekazania, który go wymienia."
                )
            )
        if protocol.kind != to:
            _refuse(
                _("Protokół %(number)s dotyczy formy „%(kind)s”.")
                % {"number": protocol.number, "kind": Status(protocol.kind).label}
            )
        household = protocol.household
    elif to in {Status.IN_STOCK, Status.RETURNED, Status.WRITTEN_OFF}:
        household = None
        protocol = None
    else:  # in repair, lost: still counted against its holder
        protocol = item.protocol
    item.status = to
    item.household = household
    item.protocol = protocol
    item.save(update_fields=["status", "household", "protocol"])
    return EquipmentEvent.objects.create(
        equipment=item,
        at=at or timezone.now(),
        by=by,
        from_status=old,
        to_status=to,
        household=household,
        protocol=protocol,
        note=note,
    )


def register_item(**fields) -> Equipment:
    """Add an item to the register (in stock) with its first event (its
    note "wpis do rejestru" unless `note` says otherwise)."""
    by = fields.pop("by", None)
    note = fields.pop("note", "") or _("wpis do rejestru")
    with transaction.atomic():
        item = Equipment.objects.create(**fields)
        EquipmentEvent.objects.create(
            equipment=item, by=by, to_status=item.status, note=note
        )
    return item


def next_protocol_number(gmina: Gmina, year: int) -> str:
    prefix = f"PP/{year}/"
    used = Protocol.objects.filter(gmina=gmina, number__startswith=prefix).count()
    return f"{prefix}{used + 1:03d}"


@transaction.atomic
def create_protocol(
    household, items, *, handed_on: date, by=None, note: str = ""
) -> Protocol:
    """A protocol handing `items` to `household` under its programme's form.

    Every item must be the gmina's, of the household's programme and
    available (in stock or returned).
    """
    programme = household.programme
    # Read again under lock: the caller's rows may be stale.
    items = list(
        Equipment.objects.select_for_update()
        .filter(pk__in=[item.pk for item in items])
        .order_by("pk")
    )
    if not items:
        raise ValidationError(_("Wybierz co najmniej jeden sprzęt."))
    for item in items:
        if item.gmina_id != household.gmina_id or item.programme_id != programme.pk:
            raise ValidationError(
                _("Sprzęt %(item)s nie należy do programu gospodarstwa.")
                % {"item": item.inventory_number}
            )
        if item.status not in AVAILABLE:
            raise ValidationError(
                _("Sprzęt %(item)s jest w stanie „%(status)s”, nie można go przekazać.")
                % {"item": item.inventory_number, "status": item.get_status_display()}
            )
    # Numbers are per gmina and year; the gmina row serialises two at once.
    Gmina.objects.select_for_update().get(pk=household.gmina_id)
    protocol = Protocol.objects.create(
        gmina=household.gmina,
        programme=programme,
        household=household,
        number=next_protocol_number(household.gmina, handed_on.year),
        kind=programme.handover,
        handed_on=handed_on,
        created_by=by,
        note=note,
    )
    protocol.items.set(items)
    return protocol


@transaction.atomic
def hand_over(protocol: Protocol, *, by=None, note: str = "") -> None:
    """Mark the protocol's items as lent or given (once); each event's note
    names the protocol, then `note` if given."""
    protocol = Protocol.objects.select_for_update().get(pk=protocol.pk)
    if protocol.handed_over_at is not None:
        raise ValidationError(_("Ten protokół jest już zrealizowany."))
    for item in protocol.items.all():
        change_status(
            item,
            protocol.kind,
            by=by,
            protocol=protocol,
            note=" – ".join(
                part
                for part in [
                    _("protokół %(number)s") % {"number": protocol.number},
                    note,
                ]
                if part
            ),
        )
    protocol.handed_over_at = timezone.now()
    protocol.save(update_fields=["handed_over_at"])
