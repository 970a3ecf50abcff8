"""The admin's search box opens a case: "RZ/2026/000123" typed in the
sidebar's search (which opens Wagtail's page search) goes to that
conversation, if it is in one of the user's gminas. Anything else is
Wagtail's page search as it was.

ratusz/urls.py puts `urls.search_urlpatterns` before Wagtail's admin URLs,
so this view answers /admin/pages/search/ and hands every other query to
Wagtail's own view.
"""

from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.viewsets.pages import page_viewset_registry

from .. import services
from .access import staff_gminas
from .inbox import inbox_index

_page_search = page_viewset_registry.as_view("search", is_base_page=True)


@require_admin_access
@never_cache
def admin_search(request):
    text = request.GET.get("q", "")
    if (
        services.find_case_reference(text) is not None
        and staff_gminas(request.user).exists()
    ):
        # Not found (or another gmina's): the inbox says so, naming nothing.
        return inbox_index(request)
    return _page_search(request)
