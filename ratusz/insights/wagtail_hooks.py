from django.urls import include, path
from wagtail import hooks

# The dashboard, the monthly report and the public statistics settings
# register their own hooks when imported.
from . import dashboard_hooks, reach_urls, report_views, settings_views  # noqa: F401
from .counting import served_page


@hooks.register("on_serve_page")
def remember_served_page(next_serve_page):
    # Only Wagtail pages are counted: other views (follow settings, a
    # resident's conversation) carry private tokens in their paths.
    def serve(page, request, args, kwargs):
        served_page(request, page)
        return next_serve_page(page, request, args, kwargs)

    return serve


@hooks.register("register_admin_urls")
def register_reach_urls():
    return [path("statystyki/", include(reach_urls))]
