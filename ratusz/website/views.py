from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Site

from . import search as site_search


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    site = Site.find_for_request(request)
    base = site.root_url if site else request.build_absolute_uri("/").rstrip("/")
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /szukaj/",
        "Disallow: /en/szukaj/",
        f"Sitemap: {base}/sitemap.xml",
    ]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
    )


@require_GET
def search(request):
    query = site_search.parse_query(request.GET.get("q", ""))
    try:
        results = site_search.search_site(
            Site.find_for_request(request), query, request.GET.get("strona")
        )
    except site_search.NoSuchPage:
        results = None
    context = {
        "search_query": query.text,
        "query": query,
        "results": results,
        "notices": site_search.notices(query, results),
        "summary": site_search.results_summary(results.count) if results else "",
        "query_string": urlencode({"q": query.text}),
    }
    status = 404 if results is None else 200
    request.search_outcome = (query, results)  # insights counts missed searches
    return render(request, "website/search.html", context, status=status)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that touch the database: the database may be down.
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponse(template.render({}), status=500)
