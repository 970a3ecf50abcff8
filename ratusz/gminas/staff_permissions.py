"""The model permissions of the gminas' staff roles (see
ratusz.lib.staff_permissions).

Every role reaches the Wagtail admin. Administrators edit their own gmina's
settings, villages and topics: `gminas.permissions.GminaScopedPermissionPolicy`
narrows these global permissions to the gminas they administer. Models
without such a policy (users, redirects, sites) stay with superusers: their
admin lists every gmina's rows.
"""

from ratusz.lib.staff_permissions import grant

from .models import Membership

Role = Membership.Role

grant(Role, "wagtailadmin.access_admin")
grant(
    [Role.ADMIN],
    "gminas.view_gmina",
    "gminas.change_gmina",
    "gminas.add_village",
    "gminas.change_village",
    "gminas.delete_village",
    "gminas.view_village",
    "gminas.add_category",
    "gminas.change_category",
    "gminas.delete_category",
    "gminas.view_category",
)
