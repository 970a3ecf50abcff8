"""SVG geometry of the dashboard's charts, built on `lib.charts`.

Every number for an SVG attribute leaves as text from `charts.svg_number`:
a float handed to a Polish template is localized into "141,2", which SVG
cannot read. The same data is always shown as a table as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ratusz.lib import charts
from ratusz.lib.charts import svg_number

LINES_FRAME = charts.Frame(width=640, height=240, left=56, right=16, top=16, bottom=32)
# Dash patterns tell the lines apart without colour.
DASHES = ("", "8 5", "2 4", "12 4 2 4")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per day; None: nothing known


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """Consecutive known values, as (index, value): a gap breaks the line."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for i, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((i, value))
    if current:
        runs.append(current)
    return runs


def lines(
    days: Sequence[date], series: Sequence[Series], frame: charts.Frame = LINES_FRAME
) -> dict | None:
    """Lines over `days`, one per series, broken where a value is missing."""
    known = [v for s in series for v in s.values if v is not None]
    if not days or not known:
        return None
    top = charts.nice_ceiling(max(known))
    span = max(len(days) - 1, 1)

    def point(i: int, value: float) -> tuple[str, str]:
        return (
            svg_number(frame.left + frame.inner_width * i / span),
            svg_number(frame.top + frame.inner_height * (1 - value / top)),
        )

    drawn = []
    for n, s in enumerate(series):
        runs = _runs(s.values)
        drawn.append(
            {
                "name": s.name,
                "dash": DASHES[n % len(DASHES)],
                "lines": [
                    " ".join("{},{}".format(*point(i, v)) for i, v in run)
                    for run in runs
                    if len(run) > 1
                ],
                "dots": [point(*run[0]) for run in runs if len(run) == 1],
            }
        )
    return {
        **frame.attrs(),
        "kind": "lines",
        "series": drawn,
        "max": top,
        "first": days[0],
        "last": days[-1],
        "axis_label_x": svg_number(frame.left - 6),
        "top_label_y": svg_number(frame.top + 4),
        "bottom_label_y": svg_number(frame.height - frame.bottom + 4),
        "label_y": svg_number(frame.height - 8),
    }


def bars(values: Sequence[float], days: Sequence[date]) -> dict | None:
    """One bar per day (conversations per day); dates only at both ends."""
    if not values or not any(values):
        return None
    frame = LINES_FRAME
    geometry = charts.bar_chart([("", v) for v in values], frame=frame)
    return {
        **geometry,
        "kind": "bars",
        "first": days[0],
        "last": days[-1],
        "axis_label_x": svg_number(frame.left - 6),
        "top_label_y": svg_number(frame.top + 4),
        "bottom_label_y": svg_number(frame.height - frame.bottom + 4),
        "label_y": svg_number(frame.height - 8),
    }


BAR_ROW = 28


def horizontal_bars(values: Sequence[tuple[str, float]]) -> dict | None:
    """One labelled horizontal bar per (label, value), scaled to the largest."""
    if not values or not any(v for _, v in values):
        return None
    width, label_width, value_width = 640, 190, 70
    top = max(v for _, v in values)
    inner = width - label_width - value_width
    rows = []
    for i, (label, value) in enumerate(values):
        length = inner * value / top
        y = 8 + i * BAR_ROW
        rows.append(
            {
                "label": label,
                "value": value,
                "y": svg_number(y),
                "text_y": svg_number(y + BAR_ROW * 0.6),
                "width": svg_number(max(length, 1 if value else 0)),
                "value_x": svg_number(label_width + length + 6),
            }
        )
    return {
        "kind": "hbars",
        "width": svg_number(width),
        "height": svg_number(16 + len(values) * BAR_ROW),
        "label_x": svg_number(label_width - 8),
        "bar_x": svg_number(label_width),
        "bar_height": svg_number(BAR_ROW * 0.7),
        "rows": rows,
    }


def heatmap(rows: Sequence[tuple[str, Sequence[int]]], columns: Sequence[str]) -> dict:
    """A grid of cells, darker for more (rows: (label, one value per column))."""
    width, left, top_margin, cell_height = 640, 40, 8, 26
    cell_width = (width - left - 8) / len(columns)
    top = max((v for _, values in rows for v in values), default=0)
    cells = []
    for r, (_, values) in enumerate(rows):
        for c, value in enumerate(values):
            cells.append(
                {
                    "x": svg_number(left + c * cell_width),
                    "y": svg_number(top_margin + r * cell_height),
                    # Empty cells keep a faint outline only.
                    "opacity": svg_number(0.1 + 0.9 * value / top if value else 0)
                    if top
                    else "0",
                }
            )
    grid_bottom = top_margin + len(rows) * cell_height
    return {
        "kind": "heatmap",
        "width": svg_number(width),
        "height": svg_number(grid_bottom + 24),
        "cell_width": svg_number(cell_width - 2),
        "cell_height": svg_number(cell_height - 2),
        "cells": cells,
        "row_labels": [
            {
                "label": label,
                "y": svg_number(top_margin + r * cell_height + cell_height * 0.65),
            }
            for r, (label, _) in enumerate(rows)
        ],
        "row_label_x": svg_number(left - 6),
        "column_labels": [
            {"label": label, "x": svg_number(left + (c + 0.5) * cell_width)}
            for c, label in enumerate(columns)
            if c % 3 == 0
        ],
        "column_label_y": svg_number(grid_bottom + 16),
    }
