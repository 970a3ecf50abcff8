"""Poczta wychodząca (tryb demonstracyjny): the mail an installation without
an SMTP server kept in `var/mail/` (ratusz/lib/mailbox.py), readable in the
admin. A gmina's administrators and editors read what was sent on behalf of
their gmina (confirmation links are residents' secrets, so authors do not);
superusers read everything, including Wagtail's own notifications.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ratusz.lib import mailbox

from .models import Gmina, Membership

READERS = [Membership.Role.ADMIN, Membership.Role.EDITOR]


def readable_gminas(user) -> set[int] | None:
    """Ids of the gminas whose kept mail the user reads; None: all of it."""
    if user.is_superuser:
        return None
    return set(
        Gmina.objects.administered_by(user, roles=READERS).values_list("pk", flat=True)
    )


def _require_folder_mode(request):
    gmina_ids = readable_gminas(request.user)
    if not settings.EMAIL_KEPT_IN_FOLDER or gmina_ids == set():
        raise Http404
    return gmina_ids


def index(request):
    gmina_ids = _require_folder_mode(request)
    return render(
        request,
        "gminas/admin/kept_mail_index.html",
        {"kept": mailbox.kept_messages(gmina_ids), "folder": mailbox.folder()},
    )


def detail(request, name):
    gmina_ids = _require_folder_mode(request)
    message = mailbox.kept_message(name, gmina_ids)
    if message is None:
        raise Http404
    return render(request, "gminas/admin/kept_mail_detail.html", {"message": message})


@hooks.register("register_admin_urls")
def register_kept_mail_urls():
    return [
        path("poczta-wychodzaca/", index, name="kept-mail"),
        path("poczta-wychodzaca/<str:name>/", detail, name="kept-mail-detail"),
    ]


class KeptMailMenuItem(MenuItem):
    def is_shown(self, request):
        return settings.EMAIL_KEPT_IN_FOLDER and readable_gminas(request.user) != set()


@hooks.register("register_admin_menu_item")
def register_kept_mail_menu_item():
    return KeptMailMenuItem(
        "Poczta wychodząca (demo)",
        reverse("kept-mail"),
        icon_name="mail",
        order=9000,
    )
