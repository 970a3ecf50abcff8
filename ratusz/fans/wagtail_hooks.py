"""The fans panel on the admin dashboard: how many follow the gmina, and since when."""

from __future__ import annotations

from django.template.loader import render_to_string
from wagtail import hooks
from wagtail.admin.ui.components import Component

from ratusz.gminas.models import Gmina
from ratusz.lib import charts

from . import counts

FRAME = charts.Frame(width=640, height=220, left=56, right=16, top=16, bottom=32)


def chart(rows: list[dict]) -> dict | None:
    """Geometry of the total-fans line for the SVG (None without data)."""
    if not rows:
        return None
    first, last = rows[0]["day"], rows[-1]["day"]
    top = charts.nice_ceiling(max(r[counts.FanCount.ALL] for r in rows))
    geometry = charts.line_chart(
        [((r["day"] - first).days, r[counts.FanCount.ALL]) for r in rows],
        x_span=max((last - first).days, 1),
        y_max=top,
        frame=FRAME,
    )
    return {
        **geometry,
        "max": top,
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


# The follower settings screen (digest hour) and the article's "Powiadomienia"
# screen register their own hooks.
from . import admin_views, notifications_hooks  # noqa: E402, F401
