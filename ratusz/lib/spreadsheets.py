"""CSV and XLSX exports with no live formulas (SECURITY.md A9, OWASP).

A cell that starts with = + - @, a tab or a carriage return is a formula to
Excel and LibreOffice: a page title "=HYPERLINK(…)" in an exported report
would run when an official opens the file. Such text gets a leading
apostrophe, which spreadsheets show as plain text; `unescape_formula` takes
it off again when a file of ours is imported back.

Every Wagtail export (reports, site history, page history, listings) goes
through SpreadsheetExportMixin.preprocess_field_value; `protect_wagtail_exports`
(called once at start-up, ratusz.website.apps) routes it through
`escape_formula`. A view of ours can also say so itself with
`FormulaSafeExportMixin`; both together escape once.
"""

from __future__ import annotations

from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Return `value` with a leading ' if a spreadsheet would run it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_formula(value):
    """Undo `escape_formula` on a cell read back (an export re-imported)."""
    if (
        isinstance(value, str)
        and value[:1] == "'"
        and value[1:].startswith(FORMULA_STARTS)
    ):
        return value[1:]
    return value


class FormulaSafeExportMixin:
    """For a view with SpreadsheetExportMixin: exported cells hold no formula."""

    def preprocess_field_value(self, field, value, export_format):
        return escape_formula(
            super().preprocess_field_value(field, value, export_format)
        )


_original = SpreadsheetExportMixin.preprocess_field_value


def _safe_preprocess_field_value(self, field, value, export_format):
    return escape_formula(_original(self, field, value, export_format))


def protect_wagtail_exports() -> None:
    SpreadsheetExportMixin.preprocess_field_value = _safe_preprocess_field_value
