"""Admin wiring of the e-Inclusion: the free network's screens."""

from wagtail import hooks

from .network_admin import access_point_viewset


@hooks.register("register_admin_viewset")
def register_access_point_viewset():
    return access_point_viewset
