"""Geometry for the small SVG charts of the admin (fans line, weekly bars).

Every number meant for an SVG attribute leaves here as a string with a dot
decimal point. A float handed to a template is localized in Polish into
"141,2", which SVG cannot read, and the chart is drawn empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def svg_number(value: float) -> str:
    """Return `value` rounded to 0.1 as locale-independent SVG text ("141.2", "56")."""
    text = f"{round(value, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def nice_ceiling(value: float) -> int:
    """Return the smallest of 1, 2, 5 × 10^n that is at least `value` (min 10)."""
    step = 10
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


@dataclass(frozen=True)
class Frame:
    """A drawing of `width` × `height` with margins kept for the axis labels."""

    width: int = 640
    height: int = 220
    left: int = 56
    right: int = 16
    top: int = 16
    bottom: int = 32

    @property
    def inner_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def inner_height(self) -> int:
        return self.height - self.top - self.bottom

    def attrs(self) -> dict[str, str]:
        """Return the frame's edges as SVG attribute text."""
        return {
            "width": svg_number(self.width),
            "height": svg_number(self.height),
            "left": svg_number(self.left),
            "right": svg_number(self.width - self.right),
            "top": svg_number(self.top),
            "bottom": svg_number(self.height - self.bottom),
            "middle": svg_number(self.top + self.inner_height / 2),
        }


def line_chart(
    values: Sequence[tuple[float, float]], *, x_span: float, y_max: float, frame: Frame
) -> dict[str, object]:
    """Return the geometry of a line through `values` ((x, y) from 0).

    `x_span` and `y_max` are the data at the right and top edges. A single
    value cannot draw a line, so it also gets a dot.
    """
    x_span, y_max = x_span or 1, y_max or 1

    def point(x: float, y: float) -> tuple[str, str]:
        return (
            svg_number(frame.left + frame.inner_width * x / x_span),
            svg_number(frame.top + frame.inner_height * (1 - y / y_max)),
        )

    points = [point(x, y) for x, y in values]
    return {
        **frame.attrs(),
        "points": " ".join(f"{x},{y}" for x, y in points),
        "dots": points if len(points) == 1 else [],
        "axis_label_x": svg_number(frame.left - 6),
        "top_label_y": svg_number(frame.top + 4),
        "bottom_label_y": svg_number(frame.height - frame.bottom + 4),
        "label_y": svg_number(frame.height - 8),
    }


def bar_chart(
    values: Sequence[tuple[str, float]], *, frame: Frame
) -> dict[str, object]:
    """Return the geometry of one bar per (label, value), scaled to the largest."""
    top = max((v for _, v in values), default=0) or 1
    step = frame.inner_width / max(len(values), 1)
    bars = []
    for i, (label, value) in enumerate(values):
        height = round(frame.inner_height * value / top, 1)
        bars.append(
            {
                "x": svg_number(frame.left + i * step + step * 0.15),
                "y": svg_number(frame.top + frame.inner_height - height),
                "width": svg_number(step * 0.7),
                "height": svg_number(height),
                "label": label,
                "label_x": svg_number(frame.left + i * step + step / 2),
                "value": value,
            }
        )
    return {
        **frame.attrs(),
        "bars": bars,
        "label_y": svg_number(frame.height - frame.bottom + 16),
        "max": top,
    }
