"""The monthly report as a printable PDF (`lib/pdf.Document`, Polish font)."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from ratusz.lib.pdf import Document

from .report import MonthlyReport, format_change


def _number(value: int | None) -> str:
    return "–" if value is None else formats.number_format(value, force_grouping=True)


def _date(text: str) -> str:
    year, month, day = text.split("-")
    return f"{day}.{month}.{year}"


def _heading(doc: Document, text: str, *, level: int) -> None:
    """A heading that starts a new page rather than end one alone."""
    if doc.will_page_break(30):
        doc.add_page()
    doc.heading(text, level=level)


def render_pdf(report: MonthlyReport) -> bytes:
    doc = Document(report.title, author=report.gmina_name, footer=report.title)
    doc.heading(report.title)
    doc.paragraph(
        _("Okres: %(first)s – %(until)s.")
        % {
            "first": report.month.first_day.strftime("%d.%m.%Y"),
            "until": report.until.strftime("%d.%m.%Y"),
        }
    )

    _heading(doc, _("Serwis internetowy"), level=2)
    doc.paragraph(
        _("Wyświetlenia stron: %(views)s. Odwiedzający: %(visitors)s.")
        % {"views": _number(report.views), "visitors": _number(report.visitors)}
    )
    doc.paragraph(
        _(
            "Liczba odwiedzających w miesiącu to suma dziennych unikalnych "
            "odwiedzających: serwis nie używa ciasteczek, więc tę samą osobę "
            "rozpoznaje tylko w obrębie jednego dnia, a odwiedzającą w trzech "
            "różnych dniach liczy trzy razy."
        )
    )
    _heading(doc, _("Dzień po dniu"), level=3)
    doc.table(
        [_("Dzień"), _("Wyświetlenia"), _("Odwiedzający")],
        [(_date(d.label), d.views, d.visitors) for d in report.days],
        widths=(60, 55, 55),
    )
    _heading(doc, _("Najczęściej oglądane strony"), level=3)
    if report.pages:
        doc.table(
            [_("Strona"), _("Wyświetlenia"), _("Odwiedzający")],
            [(p.label, p.views, p.visitors) for p in report.pages],
            widths=(110, 30, 30),
        )
    else:
        doc.paragraph(_("Brak wyświetleń w tym miesiącu."))
    _heading(doc, _("Skąd przyszli odwiedzający"), level=3)
    doc.table(
        [_("Źródło"), _("Wyświetlenia"), _("Odwiedzający")],
        [(s.label, s.views, s.visitors) for s in report.sources],
        widths=(90, 40, 40),
    )
    _heading(doc, _("Urządzenia"), level=3)
    doc.table(
        [_("Urządzenie"), _("Wyświetlenia"), _("Odwiedzający")],
        [(s.label, s.views, s.visitors) for s in report.devices],
        widths=(90, 40, 40),
    )

    _heading(doc, _("Obserwujący"), level=2)
    doc.table(
        [_("Kanał"), _("Na początku"), _("Na koniec"), _("Zmiana")],
        [
            (
                f.channel + (f" ({f.note})" if f.note else ""),
                _number(f.at_start),
                _number(f.at_end),
                format_change(f.change),
            )
            for f in report.followers
        ],
        widths=(85, 28, 28, 29),
    )

    _heading(doc, _("Rozmowy z mieszkańcami"), level=2)
    doc.table([_("Miara"), _("Wartość")], report.conversation_lines(), widths=(110, 60))
    doc.paragraph(
        _(
            "Mediana: połowa rozmów dostała odpowiedź szybciej. p90: w tym czasie "
            "zmieściło się 90% rozmów."
        )
    )

    _heading(doc, _("Czego mieszkańcy szukali i nie znaleźli"), level=2)
    if report.missed_searches:
        doc.table(
            [_("Szukane słowa"), _("Liczba wyszukiwań")],
            list(report.missed_searches),
            widths=(120, 50),
        )
    else:
        doc.paragraph(_("Każde wyszukiwanie w tym miesiącu coś znalazło."))
    return doc.output_bytes()
