"""Who may see what in the admin, gmina by gmina.

Wagtail's page and collection permissions already keep staff inside their own
gmina's page tree and collection (see services.sync_groups). Django model
permissions are global, though: `gminas.change_village` would let an
administrator of one gmina edit every gmina's villages. The policy below adds
the missing half: a model permission counts only for the gminas that the user
administers.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import ModelLogEntry, Page, PageLogEntry
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry

from .models import Category, Gmina, Membership, User, Village

# Who may connect the gmina's social network accounts (Facebook, Mastodon).
NETWORK_ROLES = [Membership.Role.ADMIN, Membership.Role.EDITOR]


def get_rw_gmina(request, gmina_id, *, roles=None) -> Gmina:
    """The gmina whose settings a view changes.

    404 for a gmina the user is not a member of; 403 when their role may not
    change it (`roles` as in `GminaQuerySet.administered_by`).
    """
    gmina = Gmina.objects.for_user(request.user).filter(pk=gmina_id).first()
    if gmina is None:
        raise Http404
    allowed = Gmina.objects.administered_by(request.user, roles)
    if not allowed.filter(pk=gmina.pk).exists():
        raise PermissionDenied
    return gmina


def page_scope(user) -> Q | None:
    """Return a filter for the pages of the user's gminas (None: no limit)."""
    if user.is_active and user.is_superuser:
        return None
    paths = Gmina.objects.for_user(user).values_list("site__root_page__path", flat=True)
    scope = Q(pk__in=[])
    for path in paths:
        scope |= Q(path__startswith=path)
    return scope


def scope_pages(pages: QuerySet, user) -> QuerySet:
    scope = page_scope(user)
    return pages if scope is None else pages.filter(scope)


# Log entries of these models are shown to staff of the object's gmina; the
# actions are those that make an object "one of the user's" under its policy.
_LOGGED_MODELS = {
    Gmina: ["add", "change", "delete", "view"],
    Village: ["add", "change", "delete", "view"],
    Category: ["add", "change", "delete", "view"],
}
_LOGGED_FILES = ["add", "change", "delete", "choose"]


def _logged_models():
    return {
        **_LOGGED_MODELS,
        get_image_model(): _LOGGED_FILES,
        get_document_model(): _LOGGED_FILES,
    }


def scope_log_entries(entries: QuerySet, user) -> QuerySet:
    """Keep the history entries about the user's own gminas (superusers: all).

    Wagtail shows a model's log entries to anyone holding a Django permission
    on that model, and ours are global. Pages count within the gminas' trees;
    other models only when their policy puts the object in one of the user's
    gminas. Anything else (a model not listed, an object since deleted, a
    log model we do not know) is hidden from staff.
    """
    if user.is_active and user.is_superuser:
        return entries
    if entries.model is PageLogEntry:
        return entries.filter(page__in=scope_pages(Page.objects.all(), user))
    if entries.model is not ModelLogEntry:
        return entries.none()
    allowed = Q(pk__in=[])
    for model, actions in _logged_models().items():
        policy = policy_registry.get_by_type(model)
        own = policy.instances_user_has_any_permission_for(user, actions)
        allowed |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=own.annotate(key=Cast("pk", CharField())).values("key"),
        )
    return entries.filter(allowed)


def history_users(user) -> QuerySet:
    """Who may be named in the user's site-history filter: their gminas' staff."""
    if user.is_active and user.is_superuser:
        return User.objects.all()
    return User.objects.filter(memberships__gmina__in=Gmina.objects.for_user(user))


class GminaScopedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions that apply only within the gminas the user administers.

    `gmina_lookup` leads from the model to its gmina ("gmina" for a village,
    "pk" for the gmina itself).
    """

    def __init__(self, model, gmina_lookup="gmina"):
        super().__init__(model)
        self.gmina_lookup = gmina_lookup

    def _gminas(self, user):
        return Gmina.objects.administered_by(user)

    def user_has_permission(self, user, action):
        if not user.is_active:
            return False
        if user.is_superuser:
            return True
        return super().user_has_permission(user, action) and self._gminas(user).exists()

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return (
            user.is_superuser
            or self.model._default_manager.filter(
                Q(pk=instance.pk) & self.scope(user)
            ).exists()
        )

    def scope(self, user) -> Q:
        return Q(**{f"{self.gmina_lookup}__in": self._gminas(user)})

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        if user.is_superuser:
            return self.model._default_manager.all()
        return self.model._default_manager.filter(self.scope(user))
