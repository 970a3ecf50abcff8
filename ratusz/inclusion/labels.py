"""A printable A4 sheet of QR labels, one per item (3 × 8 stickers of
70 × 36 mm, the common self-adhesive sheet).

Each label carries the QR code of the item's "Zgłoś usterkę" page on its
gmina's site (faults.py), the gmina's name, "Zgłoś usterkę", the inventory
number and the address to type in. Nothing about the household: the sticker
sits on the computer in someone's home. The QR code is a PNG that segno
writes (with its quiet zone), placed by fpdf2 at its printed size.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import segno
from django.utils.translation import gettext as _

from ratusz.lib.pdf import FAMILY, Document

from . import faults
from .equipment import Equipment

COLUMNS, ROWS = 3, 8
PER_SHEET = COLUMNS * ROWS
LABEL_W, LABEL_H = 70.0, 36.0
PAGE_W, PAGE_H = 210.0, 297.0
LEFT = (PAGE_W - COLUMNS * LABEL_W) / 2
TOP = (PAGE_H - ROWS * LABEL_H) / 2
QR_SIZE = 27.0  # mm, quiet zone included
PAD = 1.0
# One PNG pixel block per module: sharp when printed, small in the file.
QR_SCALE = 8


class LabelSheet(Document):
    """Labels fill the page edge to edge: no footer, no page breaks."""

    def __init__(self, title: str, *, author: str = ""):
        super().__init__(title, author=author)
        self.set_auto_page_break(auto=False)
        self.set_margins(0, 0, 0)

    def footer(self):
        pass


def qr_png(url: str) -> io.BytesIO:
    """The QR code of `url` as a PNG, with the 4-module quiet zone."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer, kind="png", scale=QR_SCALE, border=4
    )
    buffer.seek(0)
    return buffer


def _fit(doc: LabelSheet, text: str, width: float, size: float, smallest: float):
    """Set the largest font size (down to `smallest`) at which `text` fits in
    `width`; cut it with "…" if even that is too wide. Returns the text."""
    while size > smallest and doc.get_string_width(text) > width:
        size -= 0.5
        doc.set_font_size(size)
    if doc.get_string_width(text) <= width:
        return text
    while text and doc.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _text(doc, x, y, width, height, text, *, size, smallest=None, bold=False):
    doc.set_font(FAMILY, "B" if bold else "", size)
    text = _fit(doc, text, width, size, smallest or size)
    doc.set_xy(x, y)
    doc.cell(width, height, text)


def _label(doc: LabelSheet, item: Equipment, gmina, x: float, y: float) -> None:
    url = faults.label_url(item, gmina=gmina)
    doc.image(qr_png(url), x=x + PAD, y=y + PAD, w=QR_SIZE, h=QR_SIZE)
    left = x + PAD + QR_SIZE + 0.5
    width = x + LABEL_W - 2.5 - left
    _text(doc, left, y + 3, width, 3.5, gmina.name, size=7, smallest=5, bold=True)
    _text(doc, left, y + 8, width, 6, _("Zgłoś usterkę"), size=12, bold=True)
    _text(doc, left, y + 14, width, 3.5, _("Zeskanuj kod telefonem"), size=6.5)
    _text(doc, left, y + 19, width, 3, _("Nr inwentarzowy"), size=6)
    number = item.inventory_number
    _text(doc, left, y + 22, width, 5, number, size=10, smallest=6, bold=True)
    address = faults.short_url(item, gmina=gmina)
    bottom = y + PAD + QR_SIZE + 1.5
    _text(doc, x + 2.5, bottom, LABEL_W - 5, 3.5, address, size=6.5, smallest=4.5)


def render_sheet(items: Iterable[Equipment], gmina) -> bytes:
    """The labels of `items` (of `gmina`), 24 to a page, in the given order."""
    doc = LabelSheet(_("Etykiety QR sprzętu – %(gmina)s") % {"gmina": gmina.name})
    doc.set_author(gmina.name)
    for index, item in enumerate(items):
        if index and index % PER_SHEET == 0:
            doc.add_page()
        row, column = divmod(index % PER_SHEET, COLUMNS)
        _label(doc, item, gmina, LEFT + column * LABEL_W, TOP + row * LABEL_H)
    return doc.output_bytes()
