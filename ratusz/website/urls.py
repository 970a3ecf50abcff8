from django.urls import path
from wagtail.contrib.sitemaps.views import sitemap

from . import views
from .pagecache import cache_listing

# Outside the language prefix: machine-read files.
urlpatterns = [
    path("robots.txt", views.robots_txt, name="website-robots"),
    # Wagtail's view lists the pages of the site the request's host selects.
    # Cached by the front page cache; any publication in the site refreshes it.
    path("sitemap.xml", cache_listing(sitemap), name="website-sitemap"),
]

# Inside the language prefix ("/" Polish, "/en/" English interface).
i18n_urlpatterns = [
    path("szukaj/", views.search, name="website-search"),
]
