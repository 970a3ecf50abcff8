"""CSV and XLSX downloads of the register, with no live formulas."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from openpyxl import Workbook

from ratusz.lib.spreadsheets import escape_formula

FORMATS = {"csv", "xlsx"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}


def spreadsheet_bytes(tables: list[tuple[str, list[str], list]], fmt: str) -> bytes:
    """Tables (title, header, rows of cells) as one file: an XLSX sheet each,
    or one CSV (a table's title row above it when there are several)."""
    if fmt == "xlsx":
        book = Workbook()
        book.remove(book.active)
        for title, header, rows in tables:
            # Sheet titles: at most 31 characters, none of []:*?/\
            name = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Arkusz"
            sheet = book.create_sheet(name)
            sheet.append(header)
            for row in rows:
                sheet.append([escape_formula(cell) for cell in row])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    text = io.StringIO()
    writer = csv.writer(text)
    for number, (title, header, rows) in enumerate(tables):
        if len(tables) > 1:
            if number:
                writer.writerow([])
            writer.writerow([escape_formula(title)])
        writer.writerow(header)
        writer.writerows([escape_formula(cell) for cell in row] for row in rows)
    # The BOM makes Excel read the Polish letters as UTF-8.
    return ("\ufeff" + text.getvalue()).encode()


def spreadsheet(name: str, header: list[str], rows, fmt: str) -> HttpResponse:
    """`rows` (lists of cells) as `name`.csv or `name`.xlsx."""
    response = HttpResponse(
        spreadsheet_bytes([(name, header, list(rows))], fmt),
        content_type=CONTENT_TYPES[fmt],
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
