"""Admin URLs that take precedence over Wagtail's own (included before them)."""

from django.urls import path
from wagtail.admin.auth import permission_denied, require_admin_access
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView

from .views import LimitedPasswordResetView, SiteHistoryView


def _superuser_only(view):
    @require_admin_access
    def wrapped(request, *args, **kwargs):
        if not request.user.is_superuser:
            return permission_denied(request)
        return view(request, *args, **kwargs)

    return wrapped


# The report names the latest edited page of each type on any site, drafts of
# other gminas included.
urlpatterns = [
    # Before Wagtail's own: limited per address and per client address.
    path("password_reset/", LimitedPasswordResetView.as_view()),
    path("reports/site-history/", SiteHistoryView.as_view()),
    path("reports/site-history/results/", SiteHistoryView.as_view(results_only=True)),
    path(
        "reports/page-types-usage/",
        _superuser_only(PageTypesUsageReportView.as_view()),
    ),
    path(
        "reports/page-types-usage/results/",
        _superuser_only(PageTypesUsageReportView.as_view(results_only=True)),
    ),
]
