from wagtail.models import Site

from .models import Gmina


def gmina(request):
    """Put the gmina serving this request (by its Wagtail Site) in every template."""
    site = Site.find_for_request(request)
    return {"gmina": Gmina.for_site(site), "site": site}
