"""Admin wiring of the messenger: the "Rozmowy" menu item with its unread
count, the inbox URLs, the statistics and office-hours settings entries, and
"Rozmowy" among the admin search's areas."""

from django.urls import include, path, reverse
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.search import SearchArea

from ratusz.gminas.models import Gmina

from .staff import urls as staff_urls
from .staff.inbox import unread_total


@hooks.register("register_admin_urls")
def register_messenger_urls():
    return [path("rozmowy/", include(staff_urls))]


class InboxMenuItem(MenuItem):
    def is_shown(self, request):
        return Gmina.objects.for_user(request.user).exists()

    def render_component(self, request):
        component = super().render_component(request)
        unread = unread_total(request.user)
        if unread:
            # The sidebar renders labels as text: the count goes into it.
            component.label = ngettext(
                "Rozmowy (%(n)d nieprzeczytana)",
                "Rozmowy (%(n)d nieprzeczytanych)",
                unread,
            ) % {"n": unread}
        return component


@hooks.register("register_admin_menu_item")
def register_inbox_menu_item():
    return InboxMenuItem(
        "Rozmowy",
        reverse("messenger-inbox-index"),
        name="rozmowy",
        icon_name="mail",
        order=150,
    )


class HoursMenuItem(MenuItem):
    def is_shown(self, request):
        return Gmina.objects.administered_by(request.user).exists()

    def render_component(self, request):
        component = super().render_component(request)
        gmina = Gmina.objects.administered_by(request.user).order_by("name").first()
        if gmina is not None:
            component.url = reverse("messenger-hours", args=[gmina.pk])
        return component


@hooks.register("register_settings_menu_item")
def register_hours_menu_item():
    return HoursMenuItem(
        "Godziny odpowiedzi",
        reverse("messenger-inbox-index"),
        name="godziny-odpowiedzi",
        icon_name="time",
        order=620,
    )


class ConversationSearchArea(SearchArea):
    """ "Rozmowy" on the admin search's results: the same words searched in
    the inbox (a case reference opens the case)."""

    def is_shown(self, request):
        return Gmina.objects.for_user(request.user).exists()


@hooks.register("register_admin_search_area")
def register_conversation_search_area():
    return ConversationSearchArea(
        "Rozmowy",
        reverse("messenger-inbox-index"),
        name="rozmowy",
        icon_name="mail",
        # After Wagtail's pages (100): the sidebar's search box opens the first.
        order=150,
    )
