"""Admin URLs of the article's "Zasięg wpisu" screen, included under
/admin/statystyki/ by `wagtail_hooks`."""

from django.urls import path

from . import reach_views as views

urlpatterns = [
    path("wpis/<int:page_id>/", views.article, name="insights-article-reach"),
    path(
        "wpis/<int:page_id>/kanaly.csv",
        views.channels_csv,
        name="insights-article-reach-csv",
    ),
    path(
        "wpis/<int:page_id>/dni.csv",
        views.days_csv,
        name="insights-article-days-csv",
    ),
]
