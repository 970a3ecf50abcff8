"""CSV and XLSX downloads of the register, with no live formulas."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from openpyxl import Workbook

from ratusz.lib.spreadsheets import escape_formula

FORMATS = {"csv", "xlsx"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet(name: str, header: list[str], rows, fmt: str) -> HttpResponse:
    """`rows` (lists of cells) as `name`.csv or `name`.xlsx."""
    rows = [[escape_formula(cell) for cell in row] for row in rows]
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows(rows)
        # The BOM makes Excel read the Polish letters as UTF-8.
        response = HttpResponse(
            "\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
