"""The gmina's staff and their roles ("Zespół i role"), kept by the gmina's
administrators: add an existing account with a role, change a member's role
(the e-Inclusion coordinator among them), take it away.

Only the gmina's administrators (and superusers) reach it: another gmina's
id is a 404, a member without the role gets 403. The roles offered are
`Membership.Role`; accounts themselves (and superusers) are the
installation's, in Wagtail's user admin. Nobody changes their own role here.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import services
from .forms import AddMemberForm, MemberRoleForm
from .models import Gmina, Membership


def _administered(user):
    return Gmina.objects.administered_by(user).order_by("name")


def _get_admin_gmina(request, gmina_id) -> Gmina:
    """A gmina the user administers: 404 if not theirs, 403 if not admin."""
    gmina = Gmina.objects.for_user(request.user).filter(pk=gmina_id).first()
    if gmina is None:
        raise Http404
    if not _administered(request.user).filter(pk=gmina.pk).exists():
        raise PermissionDenied
    return gmina


def _get_membership(request, gmina_id, user_id):
    gmina = _get_admin_gmina(request, gmina_id)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), gmina=gmina, user_id=user_id
    )
    return gmina, membership


def index(request):
    gminas = list(_administered(request.user))
    if len(gminas) == 1:
        return redirect("gminas-members", gminas[0].pk)
    if not gminas:
        raise PermissionDenied
    return render(request, "gminas/admin/members_pick.html", {"gminas": gminas})


def members(request, gmina_id):
    gmina = _get_admin_gmina(request, gmina_id)
    form = AddMemberForm(request.POST or None, gmina=gmina)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_role(
                gmina, form.user, form.cleaned_data["role"], by=request.user
            )
        except services.RoleRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Dodano osobę do zespołu gminy."))
        return redirect("gminas-members", gmina.pk)
    memberships = (
        Membership.objects.filter(gmina=gmina)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    return render(
        request,
        "gminas/admin/members.html",
        {
            "gmina": gmina,
            "form": form,
            "members": [
                (m, MemberRoleForm(initial={"role": m.role}, prefix=f"m{m.user_id}"))
                for m in memberships
            ],
        },
    )


@require_POST
def member_role(request, gmina_id, user_id):
    gmina, membership = _get_membership(request, gmina_id, user_id)
    form = MemberRoleForm(request.POST, prefix=f"m{user_id}")
    if not form.is_valid():
        messages.error(request, _("Wybierz jedną z ról gminy."))
        return redirect("gminas-members", gmina.pk)
    try:
        services.assign_role(
            gmina, membership.user, form.cleaned_data["role"], by=request.user
        )
    except services.RoleRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Zmieniono rolę."))
    return redirect("gminas-members", gmina.pk)


@require_POST
def member_remove(request, gmina_id, user_id):
    gmina, membership = _get_membership(request, gmina_id, user_id)
    try:
        services.take_role(gmina, membership.user, by=request.user)
    except services.RoleRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Odebrano rolę w gminie."))
    return redirect("gminas-members", gmina.pk)


@hooks.register("register_admin_urls")
def register_member_urls():
    return [
        path("zespol/", index, name="gminas-members-index"),
        path("zespol/<int:gmina_id>/", members, name="gminas-members"),
        path(
            "zespol/<int:gmina_id>/<int:user_id>/rola/",
            member_role,
            name="gminas-member-role",
        ),
        path(
            "zespol/<int:gmina_id>/<int:user_id>/usun/",
            member_remove,
            name="gminas-member-remove",
        ),
    ]


class MembersMenuItem(MenuItem):
    def is_shown(self, request):
        return _administered(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_members_menu_item():
    return MembersMenuItem(
        _("Zespół i role"),
        reverse("gminas-members-index"),
        name="zespol",
        icon_name="group",
        order=155,
    )
