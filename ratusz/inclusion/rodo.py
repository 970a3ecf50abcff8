"""A household's rights under RODO: its export (art. 15/20), its erasure
request (art. 17) and the anonymisation after the archiving period.

The funding agreement obliges the gmina to keep the programme's records of a
beneficiary until the end of durability plus the archiving period (art.
17(3)(b): a legal obligation). So an erasure request

1. erases at once what the programme does not require (`ERASED_AT_ONCE`);
2. keeps what it requires (`KEPT_UNTIL_RETENTION_END`) and marks the
   household "do anonimizacji po <date>" (`retention_end`);
3. the worker (`anonymise_due`, daily) anonymises it after that date: the
   name becomes "Gospodarstwo #id", address and notes are cleared, the
   signed scans and the check photos are deleted from private storage. The
   household row, its village, basis and documents list, its protocols'
   numbers and its equipment's history stay, so the reports' counts do not
   change.

`personal_data.py` builds its registry entries from the two tables below.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from ratusz.lib import private_files
from ratusz.lib.dates import WARSAW
from ratusz.lib.pdf import Document

from .checks import Inspection
from .equipment import EquipmentEvent, Protocol
from .households import Household
from .programmes import add_years
from .statements import Statement
from .trainings import Participant

# Household fields the programme does not require: contact and staff notes.
ERASED_AT_ONCE = {
    "phone": "a contact number, not required by any programme",
    "email": "a contact address, not required by any programme",
    "notes": "staff's free notes, not required by any programme",
}
# Fields the programme requires (who received the equipment, where it is
# checked, why they qualified), kept until retention_end, then anonymised.
KEPT_UNTIL_RETENTION_END = {
    "inclusion.Household.surname": "replaced by „Gospodarstwo #id”",
    "inclusion.Household.first_name": "cleared",
    "inclusion.Household.address": "cleared",
    "inclusion.Household.basis_note": "cleared (the basis itself is kept)",
    "inclusion.Inspection.note": "cleared",
    "inclusion.Inspection.photo": "the photo deleted from private storage",
    "inclusion.Protocol.scan": "the signed scan deleted from private storage",
    "inclusion.Statement.note": "cleared (the date and the way it came in are kept)",
    "inclusion.Participant.attended": "kept: attendance of an anonymised household",
    "inclusion.Participant.hours_attended": "kept: hours of an anonymised household",
}


def archive_years() -> int:
    return settings.INCLUSION_ARCHIVE_YEARS


def retention_end(household: Household) -> date | None:
    """The last day the programme's records must be kept (None: the
    programme's durability is not set yet, so no date can be given)."""
    end = household.programme.durability_end
    if end is None:
        return None
    return add_years(end, archive_years())


def local_today() -> date:
    return timezone.now().astimezone(WARSAW).date()


# Erasure ----------------------------------------------------------------


def request_erasure(household: Household, *, today: date | None = None) -> bool:
    """Erase what the programme does not require and mark the household for
    anonymisation; anonymise at once if the retention already ended.

    Returns whether the household is anonymised now.
    """
    today = today or local_today()
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=household.pk)
        for name in ERASED_AT_ONCE:
            setattr(household, name, "")
        household.erasure_requested_on = household.erasure_requested_on or today
        household.save(update_fields=[*ERASED_AT_ONCE, "erasure_requested_on"])
    end = retention_end(household)
    if end is not None and today > end:
        return anonymise(household)
    return False


def anonymise(household: Household) -> bool:
    """Anonymise one household (idempotent: False if it already was).

    The row is locked while its files are deleted: two workers never clear
    the same household twice, and a crash before the commit leaves it to
    the next run (deleting a file already gone does nothing).
    """
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=household.pk)
        if household.anonymised_at is not None:
            return False
        storage = private_files.storage()
        inspections = Inspection.objects.filter(household=household)
        protocols = Protocol.objects.filter(household=household)
        for name in [
            *inspections.exclude(photo="").values_list("photo", flat=True),
            *protocols.exclude(scan="").values_list("scan", flat=True),
        ]:
            storage.delete(name)
        inspections.update(note="", photo="", photo_type="")
        Statement.objects.filter(household=household).update(note="")
        protocols.update(scan="", scan_type="")
        household.surname = f"Gospodarstwo #{household.pk}"
        household.first_name = ""
        household.address = ""
        household.basis_note = ""
        for name in ERASED_AT_ONCE:
            setattr(household, name, "")
        household.anonymised_at = timezone.now()
        household.save(
            update_fields=[
                "surname",
                "first_name",
                "address",
                "basis_note",
                *ERASED_AT_ONCE,
                "anonymised_at",
            ]
        )
    return True


def anonymise_due(today: date | None = None) -> int:
    """The worker's daily run: anonymise every household that asked for
    erasure and whose retention ended before `today`. Returns how many."""
    today = today or local_today()
    waiting = Household.objects.filter(
        erasure_requested_on__isnull=False, anonymised_at__isnull=True
    ).select_related("programme")
    done = 0
    for household in waiting.iterator():
        end = retention_end(household)
        if end is not None and today > end and anonymise(household):
            done += 1
    return done


# Export -------------------------------------------------------------------


def _value(value):
    if isinstance(value, datetime):
        return timezone.localtime(value, WARSAW).isoformat()
    if isinstance(value, date | Decimal):
        return str(value)
    return value


def _is_staff_account(field) -> bool:
    # Which official entered or changed a record is the office's
    # accountability data about its staff, not the household's.
    return field.is_relation and field.related_model is get_user_model()


def _fields(obj: models.Model, *, files: dict[str, str] | None = None) -> dict:
    """Every concrete field of `obj` by name (staff accounts left out); a
    relation as its text, a private file as its name inside the archive."""
    files = files or {}
    row = {}
    for field in obj._meta.concrete_fields:
        if _is_staff_account(field):
            continue
        if field.name in files:
            row[field.name] = files[field.name]
        elif field.is_relation:
            related = getattr(obj, field.name)
            row[field.name] = None if related is None else str(related)
        else:
            row[field.name] = _value(field.value_from_object(obj))
    return row


def _archive_name(folder: str, stem: str, stored: str) -> str:
    return f"pliki/{folder}/{stem}{PurePosixPath(stored).suffix}"


def export_household(household: Household) -> bytes:
    """A ZIP of everything the register holds about the household: dane.json
    (every field of it, its equipment, protocols, checks, the equipment's
    history with it, its yearly statements and training attendance),
    dane.pdf (the same, readable) and the signed scans and check photos from
    private storage."""
    storage = private_files.storage()
    files: dict[str, str] = {}  # archive name → stored name

    def keep(folder, stem, stored):
        if not stored or not storage.exists(stored):
            return None
        name = _archive_name(folder, stem, stored)
        files[name] = stored
        return name

    protocols = list(household.protocols.prefetch_related("items"))
    inspections = list(household.inspections.all())
    events = (
        EquipmentEvent.objects.filter(
            Q(household=household) | Q(protocol__household=household)
        )
        .select_related("equipment", "protocol", "by")
        .order_by("at", "pk")
    )
    data = {
        "wygenerowano": _value(timezone.now()),
        "gospodarstwo": _fields(household),
        "do_anonimizacji_po": _value(retention_end(household)),
        "sprzet": [_fields(item) for item in household.equipment.all()],
        "protokoly": [
            {
                **_fields(
                    p,
                    files={
                        "scan": keep("protokoly", p.number.replace("/", "-"), p.scan)
                    },
                ),
                "items": [str(item) for item in p.items.all()],
            }
            for p in protocols
        ],
        "kontrole": [
            _fields(
                i,
                files={"photo": keep("kontrole", f"{i.checked_on}-{i.pk}", i.photo)},
            )
            for i in inspections
        ],
        "historia_sprzetu": [_fields(e) for e in events],
        "oswiadczenia": [
            {
                **_fields(st),
                "okno": f"{st.campaign.window_start}–{st.campaign.window_end}",
            }
            for st in household.statements.select_related("campaign")
        ],
        "szkolenia": [
            {**_fields(p), "szkolenie": str(p.training.title)}
            for p in household.participations.select_related("training")
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "dane.json", json.dumps(data, ensure_ascii=False, indent=2, default=str)
        )
        archive.writestr("dane.pdf", _pdf(household, data))
        for name, stored in files.items():
            with storage.open(stored, "rb") as f:
                archive.writestr(name, f.read())
    return buffer.getvalue()


def _labelled(model, row: dict) -> list[list[str]]:
    labels = {f.name: str(f.verbose_name) for f in model._meta.concrete_fields}
    return [
        [labels.get(name, name), "—" if value in (None, "", []) else str(value)]
        for name, value in row.items()
    ]


def _pdf(household: Household, data: dict) -> bytes:
    doc = Document(
        f"Dane gospodarstwa #{household.pk}",
        author=household.gmina.name,
        footer=f"{household.gmina.name} – dane gospodarstwa #{household.pk}",
    )
    doc.heading(f"Dane osobowe w rejestrze e-Integracji: gospodarstwo #{household.pk}")
    made = timezone.localtime(timezone.now(), WARSAW)
    doc.paragraph(
        f"{household.gmina.name}. Wygenerowano {made:%d.%m.%Y %H:%M}. "
        "Ten sam zakres w formacie JSON: plik dane.json w tym archiwum."
    )
    sections = [
        ("Gospodarstwo", Household, [data["gospodarstwo"]]),
        ("Sprzęt", household.equipment.model, data["sprzet"]),
        ("Protokoły przekazania", Protocol, data["protokoly"]),
        ("Kontrole trwałości", Inspection, data["kontrole"]),
        ("Historia sprzętu", EquipmentEvent, data["historia_sprzetu"]),
        (
            "Oświadczenia o posiadaniu i wykorzystaniu sprzętu",
            Statement,
            data["oswiadczenia"],
        ),
        ("Szkolenia", Participant, data["szkolenia"]),
    ]
    for title, model, rows in sections:
        doc.heading(title, level=2)
        if not rows:
            doc.paragraph("Brak.")
        for row in rows:
            doc.table(["pole", "wartość"], _labelled(model, row), widths=[55, 119])
    return doc.output_bytes()
