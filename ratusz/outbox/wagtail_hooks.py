"""Admin wiring of the outbox: the article's "Powiadomienia" screen and the
live counters under the SMS and Mastodon fields of the edit form."""

from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.widgets.button import Button

from ratusz.website.models import ArticlePage

from . import urls


@hooks.register("register_admin_urls")
def register_outbox_urls():
    return [path("powiadomienia/", include(urls))]


@hooks.register("register_page_header_buttons")
def deliveries_button(page, user, view_name, next_url=None):
    # Access itself is checked by the views; the button only needs the type.
    if page.specific_class is ArticlePage and page.pk:
        yield Button(
            "Powiadomienia",
            reverse("outbox-article", args=[page.pk]),
            icon_name="mail",
            priority=62,
        )


@hooks.register("insert_editor_js")
def counters_js():
    return format_html(
        '<script src="{}" defer></script>', static("js/outbox-counter.js")
    )
