"""Template tags of insights: the public footer's links, and the cells and
figures of the staff dashboard, as the office reads them.

Dashboard cells are formatted here rather than with Django's localization: a
year's tables have thousands of cells, and Polish digits are simple
(non-breaking space between thousands, decimal comma).
"""

from datetime import date

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ratusz.insights.models import PublicStats

register = template.Library()


@register.simple_tag(takes_context=True)
def insights_footer_links(context):
    """The footer's links: how visits are counted, and the public statistics
    while the gmina shows them (saving its choices stales every page)."""
    gmina = context.get("gmina")
    if gmina is None:
        return ""
    links = format_html(
        '<li><a href="{}">{}</a></li>',
        reverse("insights-privacy"),
        _("Statystyki odwiedzin a prywatność"),
    )
    if PublicStats.for_gmina(gmina).is_enabled():
        links += format_html(
            '<li><a href="{}">{}</a></li>',
            reverse("insights-statistics"),
            _("Statystyki serwisu"),
        )
    return links


def _number(value, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}" if decimals else f"{round(value):,}"
    return text.replace(",", "\xa0").replace(".", ",")


def _change(value: int) -> str:
    # A real minus sign: "-5%" can read as a dash.
    return f"+{value}%" if value > 0 else f"−{-value}%" if value < 0 else "0%"


@register.filter
def insights_cell(value, column) -> str:
    """One table cell as text, by its column's kind."""
    if value is None:
        return column.missing
    kind = column.kind
    if kind == "date" and isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if kind == "number":
        return _number(value)
    if kind == "minutes":
        return _number(value, 1)
    if kind == "percent":
        return f"{value}%"
    if kind == "change":
        return _change(value)
    return str(value)


@register.filter
def insights_row(row, table) -> str:
    """A table row's cells as HTML: the first heads the row."""
    cells = [
        escape(insights_cell(v, c)) for v, c in zip(row, table.columns, strict=True)
    ]
    rest = "".join(f"<td>{cell}</td>" for cell in cells[1:])
    return mark_safe(f'<th scope="row">{cells[0]}</th>{rest}')


@register.filter
def insights_figure(value, kind) -> str:
    if kind == "minutes":
        return f"{_number(value, 1)} min"
    return _number(value)


@register.filter
def insights_change(value) -> str:
    return _change(value)
