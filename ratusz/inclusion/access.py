"""Who reaches the register, gmina by gmina.

Households and equipment (personal data) are for the gmina's e-Inclusion
coordinators and its administrators. The administrator is included on
purpose: they assign roles (and could make themselves coordinator), so
keeping them out would protect nothing; what they open is logged like
everyone's. Editors and authors see the programmes only. Superusers see
every gmina (also logged).

Another gmina's id in a URL is a 404; a member without the role gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ratusz.gminas.models import Gmina, Membership

REGISTER_ROLES = [Membership.Role.COORDINATOR, Membership.Role.ADMIN]


def staff_gminas(user):
    return Gmina.objects.for_user(user).order_by("name")


def register_gminas(user):
    """The gminas whose households and equipment the user may see."""
    return Gmina.objects.administered_by(user, REGISTER_ROLES).order_by("name")


def get_gmina(request, gmina_id) -> Gmina:
    """A gmina of the user's (programmes: every member reads them)."""
    gmina = staff_gminas(request.user).filter(pk=gmina_id).first()
    if gmina is None:
        raise Http404
    return gmina


def get_register_gmina(request, gmina_id) -> Gmina:
    """A gmina whose register (personal data) the user may see and keep."""
    gmina = get_gmina(request, gmina_id)
    if not can_keep_register(request.user, gmina):
        raise PermissionDenied
    return gmina


def can_keep_register(user, gmina: Gmina) -> bool:
    return register_gminas(user).filter(pk=gmina.pk).exists()
