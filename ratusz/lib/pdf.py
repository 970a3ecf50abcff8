"""Printable Polish documents as PDF (reports for the council, handover
protocols), with fpdf2: pure Python, nothing to install on the server.

fpdf2's built-in fonts are Latin-1 and have no ą, ę, ł, ś, ż: every document
embeds DejaVu Sans (shipped in `lib/fonts/`, its licence beside it), so the
PDF renders the same on any machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"


class Document(FPDF):
    """An A4 portrait document with the Polish font, page numbers in the
    footer ("Strona 2 z 5") and small helpers for headings, text and tables."""

    def __init__(self, title: str, *, author: str = "", footer: str = ""):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_title(title)
        self.set_lang("pl")
        if author:
            self.set_author(author)
        self.set_creator("Ratusz")
        self.footer_text = footer
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)
        self.alias_nb_pages()
        self.add_page()
        self.set_font(FAMILY, size=10)

    def footer(self):
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        text = f"Strona {self.page_no()} z {{nb}}"
        if self.footer_text:
            text = f"{self.footer_text} · {text}"
        self.cell(0, 6, text, align="C")
        self.set_font(FAMILY, size=10)

    def heading(self, text: str, *, level: int = 1) -> None:
        size = {1: 16, 2: 13}.get(level, 11)
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_font(FAMILY, size=10)

    def paragraph(self, text: str) -> None:
        self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        widths: Sequence[int] | None = None,
        align_numbers: bool = True,
    ) -> None:
        """A table with a bold header row repeated on every page; numbers
        (int/float cells) right-aligned."""
        if align_numbers and rows:
            text_align = [
                "RIGHT" if isinstance(cell, int | float) else "LEFT" for cell in rows[0]
            ]
        else:
            text_align = "LEFT"
        with super().table(
            col_widths=widths,
            text_align=text_align,
            headings_style=FontFace(emphasis="BOLD"),
            line_height=5.5,
            repeat_headings=1,
        ) as table:
            table.row([str(cell) for cell in header])
            for values in rows:
                table.row(["" if v is None else str(v) for v in values])
        self.ln(3)

    def output_bytes(self) -> bytes:
        return bytes(self.output())
