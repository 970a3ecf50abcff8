"""Admin wiring of the staff dashboard: the "Statystyki" menu item for every
staff member of a gmina, and its URLs under /admin/statystyki/."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ratusz.gminas.models import Gmina

from . import admin_urls


@hooks.register("register_admin_urls")
def register_dashboard_urls():
    return [path("statystyki/", include(admin_urls))]


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return Gmina.objects.for_user(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    return DashboardMenuItem(
        "Statystyki",
        reverse("insights-index"),
        name="statystyki",
        icon_name="table",
        order=160,
    )
