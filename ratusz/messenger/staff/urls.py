"""URLs of the staff inbox.

`urlpatterns` are registered inside the Wagtail admin (its login and
"access admin" check wrap them). `live_urlpatterns` are the async
Server-Sent Events streams, which check access themselves: Wagtail's admin
decorator is synchronous and cannot wrap an async view. `search_urlpatterns`
answer the admin's page search first (a case reference opens the case).
ratusz/urls.py includes both under /admin/ before Wagtail's own URLs.
"""

from django.urls import path

from . import admin_search, conversation, inbox, live, settings

_ONE = "<int:pk>/"
_MESSAGE = "<int:pk>/wiadomosc/<int:message_id>/"

urlpatterns = [
    path("", inbox.inbox_index, name="messenger-inbox-index"),
    path("gmina/<int:gmina_id>/", inbox.inbox, name="messenger-inbox"),
    path("gmina/<int:gmina_id>/nowa/", inbox.on_behalf, name="messenger-on-behalf"),
    path("gmina/<int:gmina_id>/statystyki/", inbox.stats, name="messenger-stats"),
    # One conversation and its actions.
    path(_ONE, conversation.conversation_view, name="messenger-conversation"),
    path(f"{_ONE}odpowiedz/", conversation.reply, name="messenger-reply"),
    path(f"{_ONE}notatka/", conversation.note, name="messenger-note"),
    path(f"{_ONE}przypisz/", conversation.assign, name="messenger-assign"),
    path(f"{_ONE}kategoria/", conversation.categorise, name="messenger-categorise"),
    path(f"{_ONE}zalatwiona/", conversation.resolve, name="messenger-resolve"),
    path(f"{_ONE}otworz/", conversation.reopen, name="messenger-reopen"),
    path(
        f"{_ONE}adres-odpowiedzi/",
        conversation.rotate_reply_token,
        name="messenger-rotate-reply-token",
    ),
    path(
        f"{_ONE}wstaw-gotowa/",
        conversation.insert_saved,
        name="messenger-insert-saved",
    ),
    path(
        f"{_ONE}wstaw-podpowiedz/<int:index>/",
        conversation.insert_suggestion,
        name="messenger-insert-suggestion",
    ),
    path(
        f"{_MESSAGE}anuluj/",
        conversation.cancel_scheduled,
        name="messenger-cancel-scheduled",
    ),
    path(f"{_MESSAGE}strona/", conversation.make_page, name="messenger-make-page"),
    # Settings.
    path(
        "gmina/<int:gmina_id>/gotowe-odpowiedzi/",
        settings.saved_replies,
        name="messenger-saved-replies",
    ),
    path(
        "gmina/<int:gmina_id>/gotowe-odpowiedzi/dodaj/",
        settings.saved_reply_edit,
        name="messenger-saved-reply-add",
    ),
    path(
        "gmina/<int:gmina_id>/gotowe-odpowiedzi/<int:pk>/",
        settings.saved_reply_edit,
        name="messenger-saved-reply-edit",
    ),
    path(
        "gmina/<int:gmina_id>/gotowe-odpowiedzi/<int:pk>/usun/",
        settings.saved_reply_delete,
        name="messenger-saved-reply-delete",
    ),
    path(
        "gmina/<int:gmina_id>/godziny/", settings.office_hours, name="messenger-hours"
    ),
    path(
        "gmina/<int:gmina_id>/godziny/dni-wolne/",
        settings.holiday_add,
        name="messenger-holiday-add",
    ),
    path(
        "gmina/<int:gmina_id>/godziny/dni-wolne/<int:pk>/usun/",
        settings.holiday_delete,
        name="messenger-holiday-delete",
    ),
    path(
        "gmina/<int:gmina_id>/dostepnosc/",
        settings.availability,
        name="messenger-availability",
    ),
]

# Before Wagtail's own: the admin's search box opens a case by its reference.
search_urlpatterns = [
    path("pages/search/", admin_search.admin_search, name="messenger-admin-search"),
]

live_urlpatterns = [
    path(
        "rozmowy/gmina/<int:gmina_id>/na-zywo/",
        live.inbox_events,
        name="messenger-inbox-events",
    ),
    path(
        "rozmowy/<int:pk>/na-zywo/",
        live.conversation_events,
        name="messenger-conversation-events",
    ),
]
