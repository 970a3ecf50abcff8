"""The fans panel on the admin dashboard: how many follow the gmina, and since when."""

from __future__ import annotations

from django.template.loader import render_to_string
from wagtail import hooks
from wagtail.admin.ui.components import Component

from ratusz.gminas.models import Gmina

from . import counts

CHART_WIDTH, CHART_HEIGHT = 640, 220
# Room for the axis labels inside the drawing.
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 32


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 × 10^n that is at least `value` (min 10)."""
    step = 10
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def chart(rows: list[dict]) -> dict | None:
    """Geometry of the total-fans line for the SVG (None without data)."""
    if not rows:
        return None
    first, last = rows[0]["day"], rows[-1]["day"]
    span = max((last - first).days, 1)
    top = _nice_ceiling(max(r[counts.FanCount.ALL] for r in rows))
    width, height = CHART_WIDTH - LEFT - RIGHT, CHART_HEIGHT - TOP - BOTTOM

    def point(row):
        x = LEFT + width * (row["day"] - first).days / span
        y = TOP + height * (1 - row[counts.FanCount.ALL] / top)
        return round(x, 1), round(y, 1)

    points = [point(r) for r in rows]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "points": " ".join(f"{x},{y}" for x, y in points),
        "dots": points if len(points) == 1 else [],
        "left": LEFT,
        "right": CHART_WIDTH - RIGHT,
        "top": TOP,
        "bottom": CHART_HEIGHT - BOTTOM,
        "middle": TOP + height / 2,
        "max": top,
        "half": top // 2,
        "label_y": CHART_HEIGHT - 8,
        "first": first,
        "last": last,
        "first_count": rows[0][counts.FanCount.ALL],
        "last_count": rows[-1][counts.FanCount.ALL],
    }


class FansPanel(Component):
    name = "fans"
    order = 40

    def __init__(self, user):
        self.user = user

    def gminas(self):
        result = []
        for gmina in Gmina.objects.for_user(self.user):
            rows = counts.history(gmina)
            result.append(
                {
                    "gmina": gmina,
                    "now": counts.current_counts(gmina),
                    "rows": list(reversed(rows)),
                    "chart": chart(rows),
                    "milestones": counts.milestones(gmina),
                }
            )
        return result

    def render_html(self, parent_context=None):
        gminas = self.gminas()
        if not gminas:
            return ""
        return render_to_string(
            "fans/admin/dashboard_panel.html",
            {"gminas": gminas, "days": 90, "thresholds": counts.MILESTONES},
        )


@hooks.register("construct_homepage_panels")
def add_fans_panel(request, panels):
    panels.append(FansPanel(request.user))


# The follower settings screen (digest hour) registers its own hooks.
from . import admin_views  # noqa: E402, F401
