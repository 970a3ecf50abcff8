"""The resident's pages (inside the language prefix, like the fans' pages)."""

from django.urls import path

from . import views

urlpatterns = [
    path("napisz/", views.write, name="messenger-write"),
    path("napisz/r/<str:token>/", views.conversation, name="messenger-resident"),
    path(
        "napisz/r/<str:token>/zdarzenia/",
        views.events,
        name="messenger-resident-events",
    ),
    path(
        "napisz/r/<str:token>/zalacznik/<int:pk>/",
        views.attachment,
        name="messenger-resident-attachment",
    ),
    path(
        "napisz/zalacznik/<int:pk>/",
        views.staff_attachment,
        name="messenger-staff-attachment",
    ),
]
