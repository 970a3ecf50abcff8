from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views


@hooks.register("register_admin_urls")
def register_facebook_urls():
    return [
        path("facebook/", views.index, name="facebook-settings-index"),
        path("facebook/<int:gmina_id>/", views.edit, name="facebook-settings"),
        path("facebook/<int:gmina_id>/test/", views.check, name="facebook-check"),
    ]


class FacebookMenuItem(MenuItem):
    def is_shown(self, request):
        return views.managed_gminas(request.user).exists()


@hooks.register("register_settings_menu_item")
def register_facebook_menu_item():
    return FacebookMenuItem(
        "Facebook", reverse("facebook-settings-index"), icon_name="globe", order=630
    )
