"""Admin screens for a gmina's settings, villages and categories.

Every view loads its rows through the model's GminaScopedPermissionPolicy, so
an id from another gmina in the URL gives 404 whatever the view.
"""

from functools import partial

import django_filters
from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail.admin.filters import ContentTypeFilter, FilteredModelChoiceFilter
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views import account, generic
from wagtail.admin.views.chooser import BrowseView
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.reports.audit_logging import (
    LogEntriesView,
    SiteHistoryReportFilterSet,
)
from wagtail.admin.views.reports.locked_pages import (
    LockedPagesReportFilterSet,
    LockedPagesView,
)
from wagtail.admin.views.reports.workflows import (
    WorkflowReportFilterSet,
    WorkflowTasksReportFilterSet,
    WorkflowTasksView,
    WorkflowView,
)
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import Page, Task, Workflow, WorkflowState
from wagtail.permissions import policy_registry

from . import login_limits, services, tasks
from .forms import CreateGminaForm, GminaForm, GminaOwnedForm
from .models import Category, Gmina, Village
from .permissions import history_users, page_scope, scope_log_entries, scope_pages

ANY_ACTION = ["add", "change", "delete", "view"]


def _scoped(model, user):
    policy = policy_registry.get_by_type(model)
    return policy.instances_user_has_any_permission_for(user, ANY_ACTION)


class ScopedObjectMixin:
    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not _scoped(self.model, self.request.user).filter(pk=obj.pk).exists():
            raise Http404
        return obj


class ScopedIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(pk__in=_scoped(self.model, self.request.user).values("pk"))
        )


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    pass


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    pass


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, usage.UsageView):
    pass


class ScopedViewSet(ModelViewSet):
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    copy_view_enabled = False
    inspect_view_enabled = False


class CreateGminaView(generic.CreateView):
    def save_instance(self):
        gmina = self.form.save()
        log(gmina, "wagtail.create", user=self.request.user)
        return gmina


class EditGminaView(ScopedEditView):
    def save_instance(self):
        gmina = super().save_instance()
        if "name" in self.form.changed_data:
            # Group, collection and workflow names carry the gmina's name.
            services.sync_groups(gmina)
        if "email" in self.form.changed_data and services.email_changed(gmina):
            transaction.on_commit(partial(tasks.send_email_confirmation, gmina.pk))
            messages.info(
                self.request,
                _(
                    "Na adres %(email)s wysłaliśmy link potwierdzający. Dopóki ktoś "
                    "go nie otworzy, e-maile na ten adres nie trafiają do rozmów."
                )
                % {"email": gmina.email},
            )
        return gmina


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_email(request, token):
    """The link sent to a gmina's new address (GET asks, POST confirms)."""
    try:
        gmina = services.check_email_confirmation(token)
        if request.method == "POST":
            services.confirm_email(token)
            return render(request, "gminas/email_confirmed.html", {"gmina": gmina})
    except services.EmailNotConfirmed:
        return render(request, "gminas/email_confirm_invalid.html", status=404)
    except services.EmailTaken:
        return render(request, "gminas/email_confirm_taken.html", status=409)
    return render(request, "gminas/email_confirm.html", {"confirmed_gmina": gmina})


class GminaViewSet(ScopedViewSet):
    model = Gmina
    icon = "site"
    menu_label = _("Ustawienia gminy")
    add_view_class = CreateGminaView
    edit_view_class = EditGminaView
    list_display = ["name", "short_name", "site"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
            FieldRowPanel([FieldPanel("name_genitive"), FieldPanel("name_locative")]),
            FieldPanel("teryt"),
            FieldPanel("coat_of_arms"),
            FieldRowPanel([FieldPanel("primary_colour"), FieldPanel("accent_colour")]),
            MultiFieldPanel(
                [
                    FieldPanel("address"),
                    FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
                    FieldPanel("office_hours"),
                    FieldPanel("epuap_address"),
                    FieldPanel("iod_email"),
                ],
                heading=_("Kontakt"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("bip_url"),
                    FieldPanel("facebook_url"),
                    FieldPanel("mastodon_url"),
                ],
                heading=_("Linki"),
            ),
        ],
        base_form_class=GminaForm,
    )
    create_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("short_name"), FieldPanel("hostname")],
        base_form_class=CreateGminaForm,
    )

    def get_add_view_kwargs(self, **kwargs):
        panel = self.create_handler.bind_to_model(self.model)
        return super().get_add_view_kwargs(
            panel=panel, form_class=panel.get_form_class(), **kwargs
        )


class VillageViewSet(ScopedViewSet):
    model = Village
    icon = "site"
    menu_label = _("Sołectwa")
    list_display = ["name", "gmina"]
    edit_handler = ObjectList(
        [FieldPanel("gmina"), FieldPanel("name"), FieldPanel("slug")],
        base_form_class=GminaOwnedForm,
    )


class CategoryViewSet(ScopedViewSet):
    model = Category
    icon = "tag"
    menu_label = _("Kategorie")
    list_display = ["name", "gmina", "is_urgent"]
    edit_handler = ObjectList(
        [
            FieldPanel("gmina"),
            FieldPanel("name"),
            FieldPanel("slug"),
            FieldPanel("is_urgent"),
        ],
        base_form_class=GminaOwnedForm,
    )


class GminaViewSetGroup(ViewSetGroup):
    menu_label = _("Gmina")
    menu_icon = "home"
    menu_order = 150
    items = (
        GminaViewSet("gminas_gmina", url_prefix="gminy"),
        VillageViewSet("gminas_village", url_prefix="solectwa"),
        CategoryViewSet("gminas_category", url_prefix="kategorie"),
    )


def _visible_log_entries(user):
    for log_model in log_action_registry.get_log_entry_models():
        yield scope_log_entries(log_model.objects.viewable_by_user(user), user)


def _content_types_for_filter(request):
    ids = set()
    for entries in _visible_log_entries(request.user):
        ids |= entries.get_content_type_ids()
    return ContentType.objects.filter(pk__in=ids).order_by("model")


class SiteHistoryFilterSet(SiteHistoryReportFilterSet):
    """Wagtail's filters, offering only what the user's own history holds."""

    object_type = ContentTypeFilter(
        label=_("Typ"),
        method="filter_object_type",
        queryset=_content_types_for_filter,
    )

    def get_users_queryset(self):
        user = self.request.user
        ids = set()
        for entries in _visible_log_entries(user):
            ids |= entries.get_user_ids()
        return history_users(user).filter(pk__in=ids).distinct().order_by("username")

    def get_action_choices(self):
        actions = set()
        for entries in _visible_log_entries(self.request.user):
            actions |= set(entries.get_actions())
        return [a for a in log_action_registry.get_choices() if a[0] in actions]


class SiteHistoryView(LogEntriesView):
    """Wagtail's site history (and its exports) limited to the user's gminas.

    Wagtail shows a model's log entries to anyone holding a Django permission
    on that model, and ours are global (see permissions.py); its user filter
    lists everyone who ever logged anything.
    """

    filterset_class = SiteHistoryFilterSet

    def filter_queryset(self, queryset):
        return scope_log_entries(super().filter_queryset(queryset), self.request.user)


def visible_workflows(user):
    """The workflows of the user's gminas (each gmina's runs on its root page)."""
    if user.is_active and user.is_superuser:
        return Workflow.objects.all()
    pages = scope_pages(Page.objects.all(), user)
    return Workflow.objects.filter(workflow_pages__page__in=pages).distinct()


def _workflows_for_filter(request):
    return visible_workflows(request.user).order_by("name")


def _tasks_for_filter(request):
    workflows = visible_workflows(request.user)
    return Task.objects.filter(workflow_tasks__workflow__in=workflows).distinct()


def _requesters_for_filter(request):
    # Wagtail's filter lists everyone who ever asked for a review, anywhere.
    requesters = WorkflowState.objects.filter(
        workflow__in=visible_workflows(request.user)
    ).values("requested_by")
    return history_users(request.user).filter(pk__in=requesters).distinct()


class OwnWorkflowReportFilterSet(WorkflowReportFilterSet):
    workflow = django_filters.ModelChoiceFilter(
        label=_("Workflow"), queryset=_workflows_for_filter
    )
    requested_by = django_filters.ModelChoiceFilter(
        field_name="requested_by", queryset=_requesters_for_filter
    )


class OwnWorkflowTasksReportFilterSet(WorkflowTasksReportFilterSet):
    workflow = django_filters.ModelChoiceFilter(
        field_name="workflow_state__workflow",
        label=_("Workflow"),
        queryset=_workflows_for_filter,
    )
    task = FilteredModelChoiceFilter(
        queryset=_tasks_for_filter,
        filter_field="id_workflow",
        filter_accessor="workflows",
    )


class OwnWorkflowView(WorkflowView):
    """Wagtail's workflow report: its rows are the user's pages already, but
    its filters offered every gmina's workflows and reviewers by name."""

    filterset_class = OwnWorkflowReportFilterSet


class OwnWorkflowTasksView(WorkflowTasksView):
    filterset_class = OwnWorkflowTasksReportFilterSet


def _lockers_for_filter(request):
    # Wagtail's filter lists everyone who holds a lock on any page, anywhere.
    locked = Page.objects.filter(locked=True).values("locked_by")
    return history_users(request.user).filter(pk__in=locked).distinct()


class OwnLockedPagesFilterSet(LockedPagesReportFilterSet):
    locked_by = django_filters.ModelChoiceFilter(
        label=_("Locked by"),
        empty_label=_("Anyone"),
        field_name="locked_by",
        queryset=_lockers_for_filter,
    )


class OwnLockedPagesView(LockedPagesView):
    filterset_class = OwnLockedPagesFilterSet


def only_moves_the_user_may_make(view):
    """Wagtail's move confirmation names both pages before it checks anything
    (the check comes with the POST): refuse a move the user may not make."""

    def wrapped(request, page_to_move_id, destination_id):
        page = get_object_or_404(Page, pk=page_to_move_id)
        destination = get_object_or_404(Page, pk=destination_id)
        if not page.permissions_for_user(request.user).can_move_to(destination):
            raise PermissionDenied
        return view(
            request, page_to_move_id=page_to_move_id, destination_id=destination_id
        )

    return wrapped


def _may_open_in_chooser(user, page_id) -> bool:
    """Whether the page chooser may open `page_id` (and name it) for the user:
    a page of their gminas, or an ancestor of one (the tree's root)."""
    scope = page_scope(user)
    page = Page.objects.filter(pk=page_id).only("path").first()
    if scope is None or page is None:
        return True  # a superuser; or no such page, which Wagtail answers
    if Page.objects.filter(scope, pk=page.pk).exists():
        return True
    roots = Gmina.objects.for_user(user).values_list("site__root_page__path", flat=True)
    return any(root.startswith(page.path) for root in roots)


class OwnGminaPageBrowseView(BrowseView):
    """Wagtail's page chooser, which does not open another gmina's page.

    The pages it lists pass construct_page_chooser_queryset (see
    wagtail_hooks), but the page it browses, named in its heading, is taken
    from the URL as is: another gmina's draft title would show.
    """

    def get(self, request, parent_page_id=None):
        if parent_page_id and not _may_open_in_chooser(request.user, parent_page_id):
            raise Http404
        return super().get(request, parent_page_id)


class LimitedPasswordResetView(account.PasswordResetView):
    """Wagtail's password reset, limited per address and per client address
    (login_limits.check_password_reset): it can neither flood an inbox nor
    be used to find out which addresses have accounts."""

    def form_valid(self, form):
        verdict = login_limits.check_password_reset(
            self.request, form.cleaned_data["email"]
        )
        if verdict == "ip":
            return render(
                self.request,
                "gminas/password_reset_limited.html",
                {"minutes": settings.PASSWORD_RESET_RATE_PERIOD // 60},
                status=429,
            )
        if verdict == "address":
            # The same answer as when the e-mail goes out.
            return redirect(self.get_success_url())
        return super().form_valid(form)
