"""The handover protocol and agreement as a PDF ready to sign, and the
signed scan kept in private storage."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ratusz.lib import private_files
from ratusz.lib.pdf import Document

from .equipment import Protocol, Status

SCAN_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def scan_max_bytes() -> int:
    """The largest scan kept (a setting, 10 MB unless said otherwise)."""
    return getattr(settings, "INCLUSION_SCAN_MAX_BYTES", 10 * 1024 * 1024)


def _date(value) -> str:
    return f"{value:%d.%m.%Y}" if value else "…………"


def render_pdf(protocol: Protocol) -> bytes:
    """The protocol with both parties, the items and serials, the date and
    the programme's clauses, with places to sign."""
    gmina = protocol.gmina
    household = protocol.household
    programme = protocol.programme
    lent = protocol.kind == Status.LENT
    agreement = _("umowa użyczenia") if lent else _("umowa przekazania (darowizny)")
    receiver = _("Biorący w użyczenie") if lent else _("Obdarowany")
    giver = _("Użyczający") if lent else _("Przekazujący")
    doc = Document(
        _("Protokół przekazania sprzętu %(number)s") % {"number": protocol.number},
        author=gmina.name,
        footer=f"{gmina.name} · {protocol.number}",
    )
    doc.heading(
        _("Protokół przekazania sprzętu nr %(number)s") % {"number": protocol.number}
    )
    doc.paragraph(
        _("wraz z postanowieniami: %(agreement)s, sporządzony dnia %(date)s.")
        % {"agreement": agreement, "date": _date(protocol.handed_on)}
    )
    doc.paragraph(_("Program: %(name)s") % {"name": programme.name})
    if programme.funding_source:
        doc.paragraph(_("Źródło finansowania: %(s)s") % {"s": programme.funding_source})
    if programme.agreement_number:
        doc.paragraph(
            _("Umowa o dofinansowanie nr %(n)s") % {"n": programme.agreement_number}
        )
    doc.heading(_("Strony"), level=2)
    office = ", ".join(
        part for part in [gmina.name, gmina.address.replace("\n", ", ")] if part
    )
    doc.paragraph(f"{giver}: {office}")
    place = household.address
    if household.village_id:
        place = f"{place} ({household.village.name})"
    doc.paragraph(f"{receiver}: {household.first_name} {household.surname}, {place}")
    doc.heading(_("Przekazany sprzęt"), level=2)
    rows = [
        [
            index,
            item.inventory_number,
            item.serial_number,
            f"{item.get_kind_display()} {item.model}".strip(),
            item.components,
        ]
        for index, item in enumerate(protocol.items.order_by("inventory_number"), 1)
    ]
    doc.table(
        [_("Lp."), _("Nr inwentarzowy"), _("Nr seryjny"), _("Sprzęt"), _("Elementy")],
        rows,
        widths=[10, 30, 40, 45, 49],
    )
    if programme.clauses:
        doc.heading(_("Postanowienia"), level=2)
        doc.paragraph(programme.clauses)
    doc.paragraph(
        _(
            "%(receiver)s potwierdza odbiór sprzętu kompletnego i sprawnego oraz "
            "zapoznanie się z informacją o przetwarzaniu danych osobowych (RODO)."
        )
        % {"receiver": receiver}
    )
    doc.ln(14)
    doc.paragraph(
        f"……………………………………………            ……………………………………………\n"
        f"{giver} ({_('podpis i pieczęć')})              {receiver} ({_('podpis')})"
    )
    return doc.output_bytes()


def attach_scan(protocol: Protocol, upload, *, by) -> None:
    """Keep the signed scan (PDF, JPEG or PNG by its content, size limited)."""
    limit = scan_max_bytes()
    if getattr(upload, "too_big", False) or upload.size > limit:
        raise ValidationError(
            _("Skan może mieć najwyżej %(mb)s MB.") % {"mb": round(limit / 2**20, 1)}
        )
    head = upload.read(2048)
    upload.seek(0)
    content_type = private_files.sniff(head)
    if content_type not in SCAN_TYPES:
        raise ValidationError(_("Skan musi być plikiem PDF, JPEG lub PNG."))
    storage = private_files.storage()
    name = storage.save(
        private_files.random_name("inclusion/protocols", SCAN_TYPES[content_type]),
        upload,
    )
    old = protocol.scan
    protocol.scan = name
    protocol.scan_type = content_type
    protocol.scan_uploaded_at = timezone.now()
    protocol.scan_uploaded_by = by
    protocol.save(
        update_fields=["scan", "scan_type", "scan_uploaded_at", "scan_uploaded_by"]
    )
    if old:
        storage.delete(old)


def serve_scan(protocol: Protocol):
    """The stored scan (call only after the access check)."""
    extension = SCAN_TYPES.get(protocol.scan_type, "")
    filename = f"protokol-{protocol.number.replace('/', '-')}-skan{extension}"
    return private_files.serve(
        protocol.scan, content_type=protocol.scan_type, filename=filename
    )
