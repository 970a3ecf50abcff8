"""The Django model permissions each staff role gets, declared by the app
that owns the models, in its own `staff_permissions.py` (found like
`admin.py`, on first use):

    from ratusz.lib.staff_permissions import grant

    grant(["admin"], "gminas.change_village", "gminas.view_village")

Roles are the values of `gminas.Membership.Role` ("admin", "editor",
"author", "coordinator"). `gminas.services.sync_groups` gives each role group of every
gmina exactly what is granted here (with the page and collection
permissions Wagtail keeps inside the gmina's tree). Model permissions are
global: grant one only for a model whose permission policy narrows it to the
user's own gminas (`gminas.permissions.GminaScopedPermissionPolicy`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.module_loading import autodiscover_modules

MODULE = "staff_permissions"

_GRANTED: dict[str, set[tuple[str, str]]] = {}
_discovered = False


def grant(roles: Iterable[str], *permissions: str) -> None:
    """Give each role the permissions ("app_label.codename")."""
    pairs = set()
    for permission in permissions:
        app_label, dot, codename = permission.partition(".")
        if not (app_label and dot and codename):
            raise ValueError(f"{permission!r} is not 'app_label.codename'")
        pairs.add((app_label, codename))
    for role in roles:
        _GRANTED.setdefault(str(role), set()).update(pairs)


def granted(role: str) -> list[tuple[str, str]]:
    """(app_label, codename) of every permission the role gets, sorted."""
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules(MODULE)
    return sorted(_GRANTED.get(str(role), ()))
