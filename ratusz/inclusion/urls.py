"""The e-Inclusion's public pages (inside the language prefix)."""

from django.urls import path

from . import network_page

urlpatterns = [
    path("darmowy-internet/", network_page.free_internet, name="inclusion-network"),
]
