"""Admin wiring of the article's "Powiadomienia" screen (linked from the
editor's header, the page list and the message after publishing) and the live
counters under the SMS and Mastodon fields of the edit form.

Imported by `wagtail_hooks` (Wagtail loads only that module of an app)."""

from django.contrib import messages
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail import hooks
from wagtail.admin.widgets.button import Button, ListingButton

from ratusz.website.models import ArticlePage

from . import notifications_urls


@hooks.register("register_admin_urls")
def register_notifications_urls():
    return [path("powiadomienia/", include(notifications_urls))]


@hooks.register("register_page_header_buttons")
def deliveries_button(page, user, view_name, next_url=None):
    # Access itself is checked by the views; the button only needs the type.
    if page.specific_class is ArticlePage and page.pk:
        yield Button(
            "Powiadomienia",
            reverse("fans-notifications", args=[page.pk]),
            icon_name="mail",
            priority=62,
        )


@hooks.register("register_page_listing_buttons")
def deliveries_listing_button(page, user, next_url=None):
    # In the row itself, not only in the row's "⋯" menu.
    if page.specific_class is ArticlePage:
        yield ListingButton(
            "Powiadomienia",
            reverse("fans-notifications", args=[page.pk]),
            icon_name="mail",
            attrs={"aria-label": f"Powiadomienia: {page.get_admin_display_title()}"},
            priority=15,
        )


def link_publish_message(request, page):
    """Add a "Powiadomienia" button to Wagtail's "published" message.

    Wagtail queues its message before `after_edit_page` / `after_create_page`
    run; the last success message of this request is that one.
    """
    if page.specific_class is not ArticlePage or "action-publish" not in request.POST:
        return
    storage = messages.get_messages(request)
    queued = [m for m in storage if m.level == messages.SUCCESS]
    storage.used = False  # reading them must not drop them
    if not queued:
        return
    message = queued[-1]
    button = format_html(
        '<a href="{}" class="button button-small button-secondary">{}</a>',
        reverse("fans-notifications", args=[page.pk]),
        "Powiadomienia – stan wysyłki",
    )
    text = str(message.message)
    if "</span>" in text:  # Wagtail's own buttons: ours goes last among them
        head, _, tail = text.rpartition("</span>")
        message.message = mark_safe(f"{head}{button}</span>{tail}")
    else:
        message.message = mark_safe(f'{text}<span class="buttons">{button}</span>')


hooks.register("after_edit_page", link_publish_message)
hooks.register("after_create_page", link_publish_message)


@hooks.register("insert_editor_js")
def counters_js():
    return format_html(
        '<script src="{}" defer></script>', static("js/outbox-counter.js")
    )
