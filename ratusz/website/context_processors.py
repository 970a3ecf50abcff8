from .models import AccessibilityStatementPage


def site_links(request):
    """Links every page carries: the accessibility statement (required by law)."""
    site = getattr(request, "_wagtail_site", None)
    if site is None:
        from wagtail.models import Site

        site = Site.find_for_request(request)
    if site is None:
        return {}
    statement = (
        AccessibilityStatementPage.objects.live()
        .descendant_of(site.root_page, inclusive=True)
        .first()
    )
    return {
        "accessibility_statement_url": statement.get_url(request) if statement else ""
    }
