"""The public pages of insights: the statistics a gmina chose to show, and
what the site counts about its visitors (generated from the settings)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ratusz.gminas.models import Gmina
from ratusz.website import pagecache
from ratusz.website.models import StandardPage

from .models import PublicStats
from .public_stats import cache_tag, public_numbers

# Slugs under which a gmina usually keeps its GDPR information clause.
PRIVACY_CLAUSE_SLUGS = ("ochrona-danych-osobowych", "rodo", "polityka-prywatnosci")


@require_GET
@pagecache.cache_listing
def statistics(request):
    gmina = Gmina.for_request_or_404(request)
    choices = PublicStats.for_gmina(gmina)
    if not choices.is_enabled():
        raise Http404
    # Saving the choices deletes the cached page (`public_stats.save_choices`).
    pagecache.add_dependency(cache_tag(gmina))
    context = {"choices": choices, **public_numbers(gmina, choices)}
    return render(request, "insights/public/statistics.html", context)


@require_GET
def privacy(request):
    gmina = Gmina.for_request_or_404(request)
    # The text follows the settings, which change only with a restart: the
    # cached copy lives at most PAGE_CACHE_TTL after one.
    pagecache.mark_cacheable(request)
    clause = (
        StandardPage.objects.live()
        .child_of(gmina.site.root_page)
        .filter(slug__in=PRIVACY_CLAUSE_SLUGS)
        .first()
    )
    context = {
        "counting": settings.INSIGHTS_COUNTING,
        "raw_days": settings.INSIGHTS_RAW_DAYS,
        "rollup_months": settings.INSIGHTS_ROLLUP_MONTHS,
        "flush_seconds": settings.INSIGHTS_FLUSH_SECONDS,
        "clause": clause,
        "clause_url": clause.get_url(request) if clause else "",
        "statistics_shown": PublicStats.for_gmina(gmina).is_enabled(),
    }
    return render(request, "insights/public/privacy.html", context)
