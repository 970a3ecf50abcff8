"""Which gminas and conversations a staff member reaches: another gmina's
rows are 404, never 403."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from ratusz.gminas.models import Gmina

from ..models import Conversation


def staff_gminas(user):
    return Gmina.objects.for_user(user).order_by("name")


def get_gmina(request, gmina_id) -> Gmina:
    gmina = staff_gminas(request.user).filter(pk=gmina_id).first()
    if gmina is None:
        raise Http404
    return gmina


def get_conversation(request, pk) -> Conversation:
    return get_object_or_404(
        Conversation.objects.select_related(
            "gmina", "gmina__site", "category", "village", "assignee", "created_by"
        ),
        pk=pk,
        gmina__in=staff_gminas(request.user),
    )


def staff_user(request):
    """The signed-in staff member, or None (for views outside Wagtail's
    admin decorator: the async live streams)."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    return user if user.has_perm("wagtailadmin.access_admin") else None
