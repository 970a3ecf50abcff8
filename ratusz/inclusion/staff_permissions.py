"""The model permissions of the e-Inclusion's staff roles (see
ratusz.lib.staff_permissions).

The free network's access points are managed by the gmina's administrators
and its e-Inclusion coordinators ("coordinator", the register's role);
`network_admin.NetworkPermissionPolicy` narrows them to those gminas.
"""

from ratusz.lib.staff_permissions import grant

from .network import MANAGER_ROLES

grant(
    MANAGER_ROLES,
    "inclusion.add_accesspoint",
    "inclusion.change_accesspoint",
    "inclusion.delete_accesspoint",
    "inclusion.view_accesspoint",
)
