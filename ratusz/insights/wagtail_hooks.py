from wagtail import hooks

from .counting import served_page


@hooks.register("on_serve_page")
def remember_served_page(next_serve_page):
    # Only Wagtail pages are counted: other views (follow settings, a
    # resident's conversation) carry private tokens in their paths.
    def serve(page, request, args, kwargs):
        served_page(request, page)
        return next_serve_page(page, request, args, kwargs)

    return serve


# The staff dashboard ("Statystyki") registers its own hooks.
from . import dashboard_hooks  # noqa: E402, F401
