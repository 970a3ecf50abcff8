"""Admin URLs of the outbox, included under /admin/ by wagtail_hooks."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:page_id>/", views.article, name="outbox-article"),
    path("<int:page_id>/postep/", views.progress, name="outbox-article-progress"),
    path("<int:page_id>/ponow/", views.retry, name="outbox-article-retry"),
    path("<int:page_id>/podglad/", views.preview, name="outbox-article-preview"),
]
