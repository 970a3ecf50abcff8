"""URLs of the staff inbox.

`urlpatterns` are registered inside the Wagtail admin (its login and
"access admin" check wrap them). `live_urlpatterns` are the async
Server-Sent Events streams, which check access themselves: Wagtail's admin
decorator is synchronous and cannot wrap an async view. ratusz/urls.py
includes them under /admin/ before Wagtail's own URLs.
"""

from django.urls import path

from . import admin_views as views

urlpatterns = [
    path("", views.inbox_index, name="messenger-inbox-index"),
    path("gmina/<int:gmina_id>/", views.inbox, name="messenger-inbox"),
    path("gmina/<int:gmina_id>/nowa/", views.on_behalf, name="messenger-on-behalf"),
    path(
        "gmina/<int:gmina_id>/gotowe-odpowiedzi/",
        views.saved_replies,
        name="messenger-saved-replies",
    ),
    path(
        "gmina/<int:gmina_id>/gotowe-odpowiedzi/dodaj/",
        views.saved_reply_edit,
        name="messenger-saved-reply-add",
    ),
    path(
        "gmina/<int:gmina_id>/gotowe-odpowiedzi/<int:pk>/",
        views.saved_reply_edit,
        name="messenger-saved-reply-edit",
    ),
    path(
        "gmina/<int:gmina_id>/gotowe-odpowiedzi/<int:pk>/usun/",
        views.saved_reply_delete,
        name="messenger-saved-reply-delete",
    ),
    path("gmina/<int:gmina_id>/godziny/", views.office_hours, name="messenger-hours"),
    path(
        "gmina/<int:gmina_id>/dostepnosc/",
        views.availability,
        name="messenger-availability",
    ),
    path("gmina/<int:gmina_id>/statystyki/", views.stats, name="messenger-stats"),
    path("<int:pk>/", views.conversation_view, name="messenger-conversation"),
]

live_urlpatterns = [
    path(
        "rozmowy/gmina/<int:gmina_id>/na-zywo/",
        views.inbox_events,
        name="messenger-inbox-events",
    ),
    path(
        "rozmowy/<int:pk>/na-zywo/",
        views.conversation_events,
        name="messenger-conversation-events",
    ),
]
