"""Tenants and their staff: creating a gmina, adding staff with a role.

Each role in each gmina is a Wagtail group whose page permissions cover only
that gmina's page tree and whose image and document permissions cover only its
collection, so Wagtail itself keeps staff of one gmina out of another's content.
Authors' changes go through an approval workflow whose reviewers are the
gmina's editors and administrators; editors and administrators hold
`publish_page`, which Wagtail lets them use directly.
"""

from collections.abc import Callable
from datetime import timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from ratusz.lib import staff_permissions

from .models import Gmina, GminaGroup, Membership

Role = Membership.Role

# Wagtail's page permission types (wagtail.models.PAGE_PERMISSION_TYPES); there
# is no separate "delete": deleting follows from add/change/publish/bulk_delete.
PAGE_PERMISSIONS = {
    Role.ADMIN: ["add_page", "change_page", "publish_page", "lock_page",
                 "unlock_page", "bulk_delete_page"],
    Role.EDITOR: ["add_page", "change_page", "publish_page", "lock_page"],
    Role.AUTHOR: ["add_page", "change_page"],
    # The e-Inclusion coordinator keeps a register, not pages.
    Role.COORDINATOR: [],
}  # fmt: skip
COLLECTION_PERMISSIONS = {
    Role.ADMIN: ["add_image", "change_image", "delete_image", "choose_image",
                 "add_document", "change_document", "delete_document",
                 "choose_document"],
    Role.EDITOR: ["add_image", "change_image", "delete_image", "choose_image",
                  "add_document", "change_document", "delete_document",
                  "choose_document"],
    # With "add" only, Wagtail lets authors edit the files they uploaded.
    Role.AUTHOR: ["add_image", "choose_image", "add_document", "choose_document"],
    Role.COORDINATOR: [],
}  # fmt: skip
REVIEWER_ROLES = [Role.EDITOR, Role.ADMIN]


def group_name(gmina: Gmina, role: str) -> str:
    # Group names are unique; gmina names are not (there are several Gminas
    # Lipno), so the host name goes in too.
    return f"{gmina.name} ({gmina.site.hostname}) – {Role(role).label}"[:150]


@transaction.atomic
def create_gmina(
    *,
    name: str,
    short_name: str,
    hostname: str,
    port: int = 80,
    root_page: Page | None = None,
    is_default_site: bool = False,
    **fields,
) -> Gmina:
    """Create the Site, the Gmina, its collection, groups and workflow.

    Without `root_page`, create a home page with a news index for the gmina.
    """
    if root_page is None:
        root_page = _create_home(name)
    site = Site.objects.create(
        hostname=hostname,
        port=port,
        root_page=root_page,
        site_name=name,
        is_default_site=is_default_site,
    )
    gmina = Gmina.objects.create(site=site, name=name, short_name=short_name, **fields)
    sync_groups(gmina)
    return gmina


# A new gmina's first pages. The app that owns the page types (website)
# registers its builder in AppConfig.ready: the tenant knows no feature.
_home_page_builder: Callable[[str], Page] | None = None


def register_home_page_builder(build: Callable[[str], Page]) -> None:
    """Set what `create_gmina` calls, with the gmina's name, for its root page."""
    global _home_page_builder
    _home_page_builder = build


def _create_home(name: str) -> Page:
    if _home_page_builder is None:
        raise ImproperlyConfigured(
            "No home page builder is registered (ratusz.website registers it)."
        )
    return _home_page_builder(name)


@transaction.atomic
def sync_groups(gmina: Gmina) -> None:
    """Create or refresh the gmina's collection, role groups and workflow.

    Safe to run again after a rename or a change of the site's root page: the
    permissions of each group are set to exactly what its role grants.
    """
    collection = _sync_collection(gmina)
    site = gmina.site
    if site.site_name != gmina.name:
        site.site_name = gmina.name
        site.save(update_fields=["site_name"])
    root_page = site.root_page
    groups = {}
    for role in Role:
        group = _role_group(gmina, role)
        groups[role] = group
        # Each app declares its roles' model permissions (its staff_permissions.py).
        group.permissions.set(
            [
                _permission(app, codename)
                for app, codename in staff_permissions.granted(role)
            ]
        )
        page_permissions = [
            _permission("wagtailcore", codename) for codename in PAGE_PERMISSIONS[role]
        ]
        group.page_permissions.exclude(
            page=root_page, permission__in=page_permissions
        ).delete()
        for permission in page_permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root_page, permission=permission
            )
        collection_permissions = [
            _permission(_app_of(codename), codename)
            for codename in COLLECTION_PERMISSIONS[role]
        ]
        group.collection_permissions.exclude(
            collection=collection, permission__in=collection_permissions
        ).delete()
        for permission in collection_permissions:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )
    for membership in gmina.memberships.select_related("user"):
        _set_role_group(gmina, membership.user, groups[membership.role])
    _sync_workflow(gmina, [groups[role] for role in REVIEWER_ROLES])


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _app_of(codename: str) -> str:
    return "wagtailimages" if codename.endswith("_image") else "wagtaildocs"


def _sync_collection(gmina: Gmina) -> Collection:
    collection = gmina.collection
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=gmina.name)
        gmina.collection = collection
        gmina.save(update_fields=["collection"])
    elif collection.name != gmina.name:
        collection.name = gmina.name
        collection.save(update_fields=["name"])
    return collection


def _role_group(gmina: Gmina, role: str) -> Group:
    name = group_name(gmina, role)
    link = GminaGroup.objects.filter(gmina=gmina, role=role).select_related("group")
    link = link.first()
    if link is None:
        group = Group.objects.create(name=name)
        GminaGroup.objects.create(gmina=gmina, role=role, group=group)
        return group
    if link.group.name != name:
        link.group.name = name
        link.group.save(update_fields=["name"])
    return link.group


def _sync_workflow(gmina: Gmina, reviewers: list[Group]) -> None:
    """Point the gmina's root page at an approval workflow reviewed by `reviewers`.

    The workflow is found through the root page (not by name), so each gmina
    keeps its own even when names repeat.
    """
    name = f"Akceptacja – {gmina.name} ({gmina.site.hostname})"[:255]
    root_page = gmina.site.root_page
    link = WorkflowPage.objects.filter(page=root_page).select_related("workflow")
    link = link.first()
    workflow = link.workflow if link else None
    task = None
    if workflow is not None:
        task = next(
            (t for t in workflow.tasks.specific() if isinstance(t, GroupApprovalTask)),
            None,
        )
    if workflow is None:
        workflow = Workflow.objects.create(name=name, active=True)
        WorkflowPage.objects.update_or_create(
            page=root_page, defaults={"workflow": workflow}
        )
    elif workflow.name != name or not workflow.active:
        workflow.name = name
        workflow.active = True
        workflow.save(update_fields=["name", "active"])
    if task is None:
        task = GroupApprovalTask.objects.create(name=name)
        WorkflowTask.objects.create(
            workflow=workflow, task=task, sort_order=workflow.workflow_tasks.count()
        )
    elif task.name != name or not task.active:
        task.name = name
        task.active = True
        task.save(update_fields=["name", "active"])
    task.groups.set(reviewers)


def _set_role_group(gmina: Gmina, user, group: Group) -> None:
    user.groups.remove(
        *Group.objects.filter(gmina_role__gmina=gmina).exclude(pk=group.pk)
    )
    user.groups.add(group)


@transaction.atomic
def add_member(gmina: Gmina, user, role: str) -> Membership:
    """Give `user` the `role` in `gmina` (replacing any earlier role there)."""
    membership, _ = Membership.objects.update_or_create(
        gmina=gmina, user=user, defaults={"role": role}
    )
    group = GminaGroup.objects.get(gmina=gmina, role=role).group
    _set_role_group(gmina, user, group)
    return membership


@transaction.atomic
def remove_member(gmina: Gmina, user) -> None:
    """Take away the user's role in `gmina`; their roles elsewhere stay."""
    Membership.objects.filter(gmina=gmina, user=user).delete()
    user.groups.remove(*Group.objects.filter(gmina_role__gmina=gmina))


class RoleRefused(Exception):
    """A role change the acting administrator may not make (Polish message)."""


def check_role_change(gmina: Gmina, user, *, by) -> None:
    """Refuse a change of one's own role: an administrator who demotes or
    removes themselves could leave the gmina without one."""
    if user.pk == by.pk:
        raise RoleRefused(
            _("Nie możesz zmienić własnej roli: poproś innego administratora gminy.")
        )


def assign_role(gmina: Gmina, user, role: str, *, by) -> Membership:
    """Give a member (or a new one) `role` in `gmina`, on an administrator's
    word; only roles of `Membership.Role`."""
    if role not in Role.values:
        raise RoleRefused(_("Nieznana rola."))
    check_role_change(gmina, user, by=by)
    return add_member(gmina, user, role)


def take_role(gmina: Gmina, user, *, by) -> None:
    check_role_change(gmina, user, by=by)
    remove_member(gmina, user)


# The gmina's e-mail address as an inbox -----------------------------------

EMAIL_CONFIRMATION_SALT = "ratusz.gminas.confirm-email"
EMAIL_CONFIRMATION_TTL = timedelta(days=3)


class EmailNotConfirmed(Exception):
    """The link is broken, expired, or no longer names the gmina's address."""


class EmailTaken(Exception):
    """Another gmina confirmed the address first."""


def email_confirmation_token(gmina: Gmina, address: str) -> str:
    return signing.dumps(
        {"gmina": gmina.pk, "email": address.lower()}, salt=EMAIL_CONFIRMATION_SALT
    )


def email_changed(gmina: Gmina) -> bool:
    """Stop routing mail to an address the gmina left; ask to confirm the new one.

    Called after the gmina's settings were saved. Mail to the new address
    opens no conversations until the link sent to it is opened (otherwise any
    gmina's administrator could take another gmina's mail by typing its
    address). Returns whether a link should be sent (tasks.send_email_confirmation,
    after commit).
    """
    if gmina.inbound_email and not gmina.email_awaits_confirmation():
        return False
    if gmina.inbound_email:
        gmina.inbound_email = ""
        gmina.save(update_fields=["inbound_email"])
    return bool(gmina.email)


def send_email_confirmation(gmina_id: int) -> None:
    """Send the link confirming the gmina's address, unless it needs none now."""
    gmina = Gmina.objects.select_related("site").filter(pk=gmina_id).first()
    if gmina is not None and gmina.email_awaits_confirmation():
        token = email_confirmation_token(gmina, gmina.email)
        email_confirmation(gmina, token).send(fail_silently=False)


def email_confirmation(gmina: Gmina, token: str):
    """The e-mail asking whoever reads the gmina's address to confirm it."""
    context = {
        "gmina": gmina,
        "confirm_url": gmina.absolute_url(
            reverse("gminas-confirm-email", args=[token])
        ),
        "days": EMAIL_CONFIRMATION_TTL.days,
    }
    _, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    subject = render_to_string("emails/gmina-email-confirm-subject.txt", context)
    email = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("emails/gmina-email-confirm-body-text.txt", context),
        from_email=formataddr((gmina.name, sender or settings.DEFAULT_FROM_EMAIL)),
        to=[gmina.email],
    )
    email.attach_alternative(
        render_to_string("emails/gmina-email-confirm-body-html.html", context),
        "text/html",
    )
    return email


def check_email_confirmation(token: str) -> Gmina:
    """The gmina whose current address the link names (EmailNotConfirmed if none)."""
    try:
        data = signing.loads(
            token,
            salt=EMAIL_CONFIRMATION_SALT,
            max_age=EMAIL_CONFIRMATION_TTL.total_seconds(),
        )
        gmina = Gmina.objects.get(pk=data["gmina"])
    except (signing.BadSignature, Gmina.DoesNotExist, KeyError, TypeError):
        raise EmailNotConfirmed from None
    if not gmina.email or gmina.email.lower() != data["email"]:
        raise EmailNotConfirmed  # the address changed since the link was sent
    return gmina


def confirm_email(token: str) -> Gmina:
    """Make the gmina's address its inbox (EmailNotConfirmed, EmailTaken)."""
    with transaction.atomic():
        gmina = check_email_confirmation(token)
        gmina = Gmina.objects.select_for_update().get(pk=gmina.pk)
        gmina.inbound_email = gmina.email
        try:
            with transaction.atomic():
                gmina.save(update_fields=["inbound_email"])
        except IntegrityError:
            raise EmailTaken from None
    return gmina
