"""The article's "Zasięg wpisu" screen: reach per channel, combined reach
with its formula, daily views (chart and table), and the tables as CSV.

Staff of the article's gmina (any role) see it; anyone else gets 404 and
an anonymous visitor the admin's login (Wagtail's admin URLs require it).
"""

from __future__ import annotations

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ratusz.gminas.models import Gmina
from ratusz.lib import charts
from ratusz.lib.spreadsheets import escape_formula
from ratusz.website.models import ArticlePage

from . import reach

FRAME = charts.Frame(width=640, height=220, left=56, right=16, top=16, bottom=32)
DAY_COLUMNS = ["Dzień", "Wyświetlenia", "Odwiedzający"]


def _article(request, page_id: int):
    """Return (article, gmina) if the user is staff of the article's gmina."""
    page = get_object_or_404(ArticlePage, pk=page_id)
    gmina = Gmina.objects.for_page(page)
    if gmina is None or not Gmina.objects.for_user(request.user).filter(pk=gmina.pk):
        raise Http404
    return page, gmina


def days_chart(days: list[reach.DayViews]) -> dict | None:
    """Geometry of the daily-views line (None before the first day)."""
    if not days:
        return None
    top = charts.nice_ceiling(max(d.views for d in days))
    geometry = charts.line_chart(
        [(i, d.views) for i, d in enumerate(days)],
        x_span=max(len(days) - 1, 1),
        y_max=top,
        frame=FRAME,
    )
    return {
        **geometry,
        "max": top,
        "first": days[0].day,
        "last": days[-1].day,
        "total": sum(d.views for d in days),
    }


@require_GET
def article(request, page_id):
    page, gmina = _article(request, page_id)
    article_reach, days = reach.article_report(gmina, page)
    facebook = [
        (label, article_reach.facebook[metric])
        for metric, label in reach.FACEBOOK_METRICS.items()
        if metric in article_reach.facebook
    ]
    mastodon = [
        (
            label,
            [article_reach.mastodon[checkpoint].get(m) for m in reach.MASTODON_METRICS],
        )
        for checkpoint, label in reach.MASTODON_CHECKPOINTS.items()
        if checkpoint in article_reach.mastodon
    ]
    return render(
        request,
        "insights/admin/article_reach.html",
        {
            "page": page,
            "gmina": gmina,
            "reach": article_reach,
            "columns": reach.CHANNEL_COLUMNS,
            "rows": reach.channel_rows(article_reach),
            "formula": reach.FORMULA,
            "facebook": facebook,
            "facebook_posted": "facebook" in article_reach.posted_on,
            "mastodon": mastodon,
            "mastodon_metrics": list(reach.MASTODON_METRICS.values()),
            "mastodon_no_reach": reach.MASTODON_NO_REACH,
            "not_given": reach.NOT_GIVEN,
            "days": list(reversed(days)),
            "chart": days_chart(days),
        },
    )


def _csv(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([escape_formula(cell) for cell in row])
    return response


@require_GET
def channels_csv(request, page_id):
    page, gmina = _article(request, page_id)
    article_reach = reach.article_reach(gmina, page)
    rows = [
        ["Artykuł", page.title, "", "", ""],
        *reach.channel_rows(article_reach),
        ["Łączny zasięg", article_reach.combined_sum(), "", "", reach.FORMULA],
    ]
    return _csv(f"zasieg-wpisu-{page.pk}.csv", reach.CHANNEL_COLUMNS, rows)


@require_GET
def days_csv(request, page_id):
    page, gmina = _article(request, page_id)
    rows = (
        [d.day.isoformat(), d.views, d.visitors] for d in reach.daily_views(gmina, page)
    )
    return _csv(f"wyswietlenia-wpisu-{page.pk}.csv", DAY_COLUMNS, rows)
