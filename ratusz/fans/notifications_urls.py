"""Admin URLs of the article's "Powiadomienia" screen, included under
/admin/powiadomienia/ by `notifications_hooks`."""

from django.urls import path

from . import notifications_views as views

urlpatterns = [
    path("<int:page_id>/", views.article, name="fans-notifications"),
    path("<int:page_id>/postep/", views.progress, name="fans-notifications-progress"),
    path("<int:page_id>/ponow/", views.retry, name="fans-notifications-retry"),
    path("<int:page_id>/podglad/", views.preview, name="fans-notifications-preview"),
]
