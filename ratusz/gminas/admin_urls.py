"""Admin URLs that take precedence over Wagtail's own (included before them).

Being included before Wagtail's URLs, they miss the access check Wagtail puts
on its own: every pattern here is wrapped in it below (anonymous visitors go
to the login page, staff without admin access are refused), as well as in
Wagtail's no-caching.
"""

from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import permission_denied, require_admin_access
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.utils.urlpatterns import decorate_urlpatterns

from .views import LimitedPasswordResetView, OwnGminaPageBrowseView, SiteHistoryView


def _superuser_only(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_superuser:
            return permission_denied(request)
        return view(request, *args, **kwargs)

    return wrapped


urlpatterns = [
    path("choose-page/<int:parent_page_id>/", OwnGminaPageBrowseView.as_view()),
    path("reports/site-history/", SiteHistoryView.as_view()),
    path("reports/site-history/results/", SiteHistoryView.as_view(results_only=True)),
    # The report names the latest edited page of each type on any site, drafts
    # of other gminas included.
    path(
        "reports/page-types-usage/",
        _superuser_only(PageTypesUsageReportView.as_view()),
    ),
    path(
        "reports/page-types-usage/results/",
        _superuser_only(PageTypesUsageReportView.as_view(results_only=True)),
    ),
]

urlpatterns = decorate_urlpatterns(urlpatterns, require_admin_access)
# Public by nature (it is how one gets back in), before Wagtail's own: limited
# per address and per client address. Same name as Wagtail's, so the access
# tests treat it as the public form it is.
urlpatterns += [
    path(
        "password_reset/",
        LimitedPasswordResetView.as_view(),
        name="wagtailadmin_password_reset",
    ),
]
urlpatterns = decorate_urlpatterns(urlpatterns, never_cache)
