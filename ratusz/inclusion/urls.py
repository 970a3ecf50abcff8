"""The e-Inclusion's public pages (inside the language prefix)."""

from django.urls import path

from . import fault_page, network_page

urlpatterns = [
    path("darmowy-internet/", network_page.free_internet, name="inclusion-network"),
    path(
        "zglos-usterke/<str:token>/",
        fault_page.report_fault,
        name="inclusion-report-fault",
    ),
]
