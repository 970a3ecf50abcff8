"""Admin screens for a gmina's settings, villages and categories.

Every view loads its rows through the model's GminaScopedPermissionPolicy, so
an id from another gmina in the URL gives 404 whatever the view.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry
from wagtail.permissions import policy_registry

from . import services
from .forms import CreateGminaForm, GminaForm, GminaOwnedForm
from .models import Category, Gmina, Village

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
        return gmina


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


class SiteHistoryView(LogEntriesView):
    """Wagtail's site history without other gminas' settings, villages, categories.

    Wagtail shows a model's log entries to anyone holding a Django permission
    on that model, and ours are global (see permissions.py).
    """

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        user = self.request.user
        if queryset.model is not ModelLogEntry or user.is_superuser:
            return queryset
        for model in (Gmina, Village, Category):
            own = [str(pk) for pk in _scoped(model, user).values_list("pk", flat=True)]
            queryset = queryset.exclude(
                Q(content_type=ContentType.objects.get_for_model(model))
                & ~Q(object_id__in=own)
            )
        return queryset
