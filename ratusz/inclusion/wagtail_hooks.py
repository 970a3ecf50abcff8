"""Admin wiring of e-Inclusion: the "e-Integracja" menu and its URLs, and
the free network's screens."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ratusz.gminas.models import Gmina

from .network_admin import access_point_viewset
from .staff import urls as staff_urls


@hooks.register("register_admin_urls")
def register_inclusion_urls():
    return [path("e-integracja/", include(staff_urls))]


class InclusionMenuItem(MenuItem):
    def is_shown(self, request):
        return Gmina.objects.for_user(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_inclusion_menu_item():
    return InclusionMenuItem(
        "e-Integracja",
        reverse("inclusion-index"),
        name="e-integracja",
        icon_name="desktop",
        order=170,
    )


@hooks.register("register_admin_viewset")
def register_access_point_viewset():
    return access_point_viewset
