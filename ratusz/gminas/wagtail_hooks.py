"""Admin wiring: the gmina menu, and no glimpses of other gminas' content.

Wagtail already refuses other gminas' pages and files to their staff (group
permissions, see services.sync_groups), but a few of its screens list rows
the user cannot act on: the page chooser browses the whole tree, bulk-action
confirmations name every requested item, and the page types report shows the
latest edited page of any site. The hooks below trim those lists to the
user's own gminas. The public document view (/dokumenty/<id>/<name>) serves a
file only on the site of the gmina whose collection holds it.
"""

from django.http import Http404
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.views.pages.bulk_actions.delete import (
    DeleteBulkAction as PageDeleteBulkAction,
)
from wagtail.admin.views.pages.bulk_actions.move import MoveBulkAction
from wagtail.admin.views.pages.bulk_actions.publish import PublishBulkAction
from wagtail.admin.views.pages.bulk_actions.unpublish import UnpublishBulkAction
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.documents.views.bulk_actions.add_tags import (
    AddTagsBulkAction as DocumentAddTagsBulkAction,
)
from wagtail.documents.views.bulk_actions.add_to_collection import (
    AddToCollectionBulkAction as DocumentAddToCollectionBulkAction,
)
from wagtail.documents.views.bulk_actions.delete import (
    DeleteBulkAction as DocumentDeleteBulkAction,
)
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.images.views.bulk_actions.add_tags import (
    AddTagsBulkAction as ImageAddTagsBulkAction,
)
from wagtail.images.views.bulk_actions.add_to_collection import (
    AddToCollectionBulkAction as ImageAddToCollectionBulkAction,
)
from wagtail.images.views.bulk_actions.delete import (
    DeleteBulkAction as ImageDeleteBulkAction,
)
from wagtail.models import Page
from wagtail.permissions import policy_registry

from ratusz.lib import avatars

from . import mail_views, members  # noqa: F401  (register admin URLs and menu items)
from .models import Gmina
from .permissions import scope_pages
from .views import GminaViewSetGroup


@hooks.register("register_admin_viewset")
def register_gmina_viewsets():
    return GminaViewSetGroup()


@hooks.register("insert_global_admin_css")
def admin_stylesheet():
    # Every staff screen on a phone: see the stylesheet's header.
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("before_serve_document")
def serve_documents_only_on_their_gmina_site(document, request):
    # Document ids are sequential: without this any gmina's host would serve
    # every other gmina's files to whoever counts up.
    gmina = Gmina.for_request(request)
    own = gmina.collection if gmina else None
    collection = document.collection
    if own is None or not (collection == own or collection.is_descendant_of(own)):
        raise Http404


@hooks.register("construct_page_chooser_queryset")
def limit_page_chooser_to_own_gminas(pages, request):
    return scope_pages(pages, request.user)


@hooks.register("construct_reports_menu")
def hide_cross_site_reports(request, menu_items):
    if not request.user.is_superuser:
        menu_items[:] = [i for i in menu_items if i.name != "page-types-usage"]


class OwnGminaFilesAPIMixin:
    def get_queryset(self):
        user = self.request.user
        queryset = super().get_queryset()
        if user.is_superuser:
            return queryset
        visible = _visible_files(queryset.model)(user)
        return queryset.filter(pk__in=visible.values("pk"))


class OwnGminaImagesAPIViewSet(OwnGminaFilesAPIMixin, ImagesAdminAPIViewSet):
    pass


class OwnGminaDocumentsAPIViewSet(OwnGminaFilesAPIMixin, DocumentsAdminAPIViewSet):
    pass


# A higher order runs later, replacing Wagtail's own endpoints of these names.
@hooks.register("construct_admin_api", order=100)
def limit_admin_api_files(router):
    router.register_endpoint("images", OwnGminaImagesAPIViewSet)
    router.register_endpoint("documents", OwnGminaDocumentsAPIViewSet)


def _visible_pages(user):
    return scope_pages(Page.objects.all(), user)


def _visible_files(model):
    def visible(user):
        policy = policy_registry.get_by_type(model)
        return policy.instances_user_has_any_permission_for(
            user, ["add", "change", "delete", "choose"]
        )

    return visible


class OwnGminaBulkActionMixin:
    """List as "no permission" only items the user may know exist."""

    visible_objects = None

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        visible = set(
            type(self).visible_objects(self.request.user).values_list("pk", flat=True)
        )
        extra["items_with_no_access"] = [
            item for item in extra["items_with_no_access"] if item.pk in visible
        ]
        return objects, extra


_SCOPED_BULK_ACTIONS = [
    (PageDeleteBulkAction, _visible_pages),
    (MoveBulkAction, _visible_pages),
    (PublishBulkAction, _visible_pages),
    (UnpublishBulkAction, _visible_pages),
    (ImageDeleteBulkAction, _visible_files(get_image_model())),
    (ImageAddTagsBulkAction, _visible_files(get_image_model())),
    (ImageAddToCollectionBulkAction, _visible_files(get_image_model())),
    (DocumentDeleteBulkAction, _visible_files(get_document_model())),
    (DocumentAddTagsBulkAction, _visible_files(get_document_model())),
    (DocumentAddToCollectionBulkAction, _visible_files(get_document_model())),
]

for _action, _visible in _SCOPED_BULK_ACTIONS:
    # A higher order runs later, so these replace Wagtail's own registrations
    # of the same (model, action type) in the bulk action registry.
    hooks.register(
        "register_bulk_action",
        type(
            _action.__name__,
            (OwnGminaBulkActionMixin, _action),
            {"visible_objects": staticmethod(_visible), "__module__": __name__},
        ),
        order=100,
    )


# --- avatars -----------------------------------------------------------------


@hooks.register("get_avatar_url")
def initials_avatar(user, size):
    """Initials instead of Gravatar (blocked by the admin's CSP); an uploaded
    avatar still wins (None lets Wagtail use it)."""
    if getattr(user, "pk", None) is None:
        return None
    profile = getattr(user, "wagtail_userprofile", None)
    if profile is not None and profile.avatar:
        return None
    text = avatars.initials(user.first_name, user.last_name, user.get_username())
    return avatars.initials_data_uri(text, key=str(user.pk))
