from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views


@hooks.register("register_admin_urls")
def register_mastodon_urls():
    return [
        path("mastodon/", views.index, name="mastodon-settings-index"),
        path("mastodon/<int:gmina_id>/", views.edit, name="mastodon-settings"),
        path("mastodon/<int:gmina_id>/test/", views.check, name="mastodon-check"),
    ]


class MastodonMenuItem(MenuItem):
    def is_shown(self, request):
        return views.managed_gminas(request.user).exists()


@hooks.register("register_settings_menu_item")
def register_mastodon_menu_item():
    return MastodonMenuItem(
        "Mastodon", reverse("mastodon-settings-index"), icon_name="globe", order=640
    )
