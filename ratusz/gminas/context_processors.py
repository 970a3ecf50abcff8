from wagtail.models import Site


def gmina(request):
    """Put the gmina serving this request (by its Wagtail Site) in every template."""
    site = Site.find_for_request(request)
    return {"gmina": getattr(site, "gmina", None) if site else None, "site": site}
