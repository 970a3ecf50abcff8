from django.urls import path

from . import admin_views

urlpatterns = [
    path("", admin_views.index, name="insights-index"),
    path("<int:gmina_id>/", admin_views.dashboard_view, name="insights-dashboard"),
    path(
        "<int:gmina_id>/csv/<slug:slug>/",
        admin_views.export_csv,
        name="insights-csv",
    ),
    path("<int:gmina_id>/szukane/", admin_views.missed, name="insights-missed"),
    path(
        "<int:gmina_id>/szukane/szkic/",
        admin_views.draft_page,
        name="insights-draft-page",
    ),
]
