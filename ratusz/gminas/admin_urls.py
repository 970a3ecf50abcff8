"""Admin URLs that take precedence over Wagtail's own (included before them).

Being included before Wagtail's URLs, they miss the access check Wagtail puts
on its own: every pattern here is wrapped in it below (anonymous visitors go
to the login page, staff without admin access are refused), as well as in
Wagtail's no-caching.
"""

from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import permission_denied, require_admin_access
from wagtail.admin.views import workflows
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.viewsets.pages import page_viewset_registry
from wagtail.models import Workflow
from wagtail.permissions import policy_registry
from wagtail.utils.urlpatterns import decorate_urlpatterns

from . import mfa_views
from .views import (
    LimitedPasswordResetView,
    OwnGminaPageBrowseView,
    OwnLockedPagesView,
    OwnWorkflowTasksView,
    OwnWorkflowView,
    SiteHistoryView,
    only_moves_the_user_may_make,
)


def _superuser_only(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_superuser:
            return permission_denied(request)
        return view(request, *args, **kwargs)

    return wrapped


def _workflow_editors_only(view):
    # Workflows and their tasks are global in Wagtail; the task chooser names
    # every gmina's approval task. Only those who edit workflows (superusers
    # here: create_gmina makes each gmina's) have a use for it.
    def wrapped(request, *args, **kwargs):
        policy = policy_registry.get_by_type(Workflow)
        if not policy.user_has_any_permission(request.user, ["add", "change"]):
            return permission_denied(request)
        return view(request, *args, **kwargs)

    return wrapped


urlpatterns = [
    path("choose-page/<int:parent_page_id>/", OwnGminaPageBrowseView.as_view()),
    path("reports/site-history/", SiteHistoryView.as_view()),
    path("reports/site-history/results/", SiteHistoryView.as_view(results_only=True)),
    path(
        "pages/<int:page_to_move_id>/move/<int:destination_id>/confirm/",
        only_moves_the_user_may_make(
            page_viewset_registry.as_view(
                "move_confirm", page_id_kwarg="page_to_move_id"
            )
        ),
    ),
    path("reports/locked/", OwnLockedPagesView.as_view()),
    path("reports/locked/results/", OwnLockedPagesView.as_view(results_only=True)),
    path("reports/workflow/", OwnWorkflowView.as_view()),
    path("reports/workflow/results/", OwnWorkflowView.as_view(results_only=True)),
    path("reports/workflow_tasks/", OwnWorkflowTasksView.as_view()),
    path(
        "reports/workflow_tasks/results/",
        OwnWorkflowTasksView.as_view(results_only=True),
    ),
    *[
        path(f"workflows/{route}", _workflow_editors_only(view))
        for route, view in [
            ("task_chooser/", workflows.TaskChooserView.as_view()),
            ("task_chooser/results/", workflows.TaskChooserResultsView.as_view()),
            ("task_chooser/create/", workflows.TaskChooserCreateView.as_view()),
            ("task_chooser/<int:task_id>/", workflows.task_chosen),
        ]
    ],
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
    # The second factor: reached signed in but before it is given (the
    # views check the sign-in themselves; SecondFactorMiddleware sends here).
    path("2fa/", mfa_views.manage, name="mfa-manage"),
    path("2fa/konfiguracja/", mfa_views.setup, name="mfa-setup"),
    path("2fa/kod/", mfa_views.verify, name="mfa-verify"),
]
urlpatterns = decorate_urlpatterns(urlpatterns, never_cache)
