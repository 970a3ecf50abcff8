"""Cells and figures of the staff dashboard, as the office reads them."""

from datetime import date

from django import template
from django.utils.formats import date_format, number_format

register = template.Library()


def _number(value, decimals=None) -> str:
    return number_format(value, decimal_pos=decimals, force_grouping=True)


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
        return date_format(value, "d.m.Y")
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
def insights_figure(value, kind) -> str:
    if kind == "minutes":
        return f"{_number(value, 1)} min"
    return _number(value)


@register.filter
def insights_change(value) -> str:
    return _change(value)


@register.filter
def insights_row(row, table) -> list[str]:
    """A table row's cells as text, each by its column."""
    return [insights_cell(v, c) for v, c in zip(row, table.columns, strict=True)]
